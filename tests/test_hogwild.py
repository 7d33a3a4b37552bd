"""Threads training at once (Hogwild!): replicas share the weights, the engine refuses what needs one thread."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from torch import nn

from sknn._data import ArrayBatches
from sknn._engine import Engine
from sknn._hogwild import replicate


def _regression(n=256, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 4).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5, 3.0], dtype=np.float32))[:, None]
    return ArrayBatches(torch.from_numpy(X), torch.from_numpy(y))


def _engine(workers, **kwargs):
    torch.manual_seed(0)
    module = nn.Linear(4, 1)
    return Engine(module, nn.MSELoss, optimizer=torch.optim.SGD, lr=0.05, batch_size=16, max_epochs=6, device="cpu",
                  workers=workers, **kwargs)


def test_a_replica_shares_the_weights_and_buffers_but_not_the_gradients():
    module = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    optimizer = torch.optim.SGD([{"params": list(module.parameters()), "lr": 0.1, "lr_factor": 2.0}], lr=0.1,
                                momentum=0.9)
    twin, twin_optimizer = replicate(module, optimizer)
    for p, q in zip(module.parameters(), twin.parameters()):
        assert p is not q and p.data_ptr() == q.data_ptr()
    assert all(a is b for a, b in zip(module.buffers(), twin.buffers()))
    assert type(twin_optimizer) is torch.optim.SGD and twin_optimizer.param_groups[0]["lr_factor"] == 2.0
    assert twin_optimizer.defaults["momentum"] == 0.9
    twin(torch.randn(4, 3)).sum().backward()
    assert all(p.grad is None for p in module.parameters())  # each thread's gradients are its own
    twin_optimizer.step()
    assert module[0].weight.data_ptr() == twin[0].weight.data_ptr()  # a step writes to the shared weights


def test_two_threads_train_every_batch_into_the_shared_weights():
    source = _regression()
    one, two = _engine(1), _engine(2)
    one.fit(source)
    steps = {"n": 0}
    original = two._train_step

    def counted(*args, **kwargs):
        steps["n"] += 1
        return original(*args, **kwargs)

    two._train_step = counted
    two.fit(source)
    assert steps["n"] == 6 * 16  # every batch of every epoch, once
    assert two.history[-1]["train_loss"] < 0.1 * two.history[0]["train_loss"]
    assert two.history[-1]["train_loss"] < 2 * one.history[-1]["train_loss"] + 0.05


def test_an_error_in_a_thread_stops_the_epoch_and_is_raised():
    source = _regression()
    net = _engine(2)
    net.initialize()
    original = net._train_step
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("boom in a step")
        return original(*args, **kwargs)

    net._train_step = failing
    with pytest.raises(RuntimeError, match="boom in a step"):
        net.partial_fit(source, epochs=2)
    assert calls["n"] < 16  # the threads stopped in the first epoch


class _EveryBatch(Callback):
    def on_batch_end(self, net, **kwargs):
        pass


@pytest.mark.parametrize("kwargs, named", [({"callbacks": [_EveryBatch()]}, "_EveryBatch"),
                                           ({"l1": 1e-3}, "L1 penalty")])
def test_what_needs_one_thread_is_refused_with_the_fix(kwargs, named):
    with pytest.raises(ValueError, match=rf"workers=2 .*{named}.*workers=1"):
        _engine(2, **kwargs).fit(_regression())
