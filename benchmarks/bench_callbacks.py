"""Progress bars: what each costs a fit, sknn's epoch bar (``verbose=1``) beside skorch's ``ProgressBar``.

    python benchmarks/bench_callbacks.py            # about a minute on 2 cores
    python benchmarks/bench_callbacks.py --quick    # tiny settings, to check the script runs

* fit: a small network (one hidden layer of 32 units) on 20,000 x 20 rows in batches of
  32 (625 steps an epoch), 3 epochs, one torch thread, the three settings interleaved over
  the repeats in one process: no bar, ``verbose=1`` (sknn's ``EpochProgressBar``: one
  update an epoch) and ``callbacks=[ProgressBar()]`` (skorch's: a bar over the batches,
  updated from ``on_batch_end`` at every step). The bars write to /dev/null. The median fit
  time of each and its ratio to no bar: on a busy machine the differences drown in noise.
* per step: what the engine runs at each training step for each bar (the batch hooks and
  the history's batch row), timed over 20,000 calls, beside the time of a step of that fit.
* shown: the postfix each bar displays at the end of an epoch.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time

import torch
from sklearn.datasets import make_classification
from skorch.callbacks import ProgressBar

from sknn import DenseClassifier

PLAIN = dict(preprocessing=None, numeric_embedding=None, front_scale=False, parametrization="standard",
             learnable_activation=False, activation="relu", dropout=0.0, optimizer="adam", learning_rate="constant",
             regularization_schedule=None, early_stopping=False, hidden_layer_sizes=(32,), learning_rate_init=1e-3,
             batch_size=32, n_jobs=1, device="cpu", random_state=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n, epochs, repeats = (2_000, 1, 1) if args.quick else (20_000, 3, 5)
    X, y = make_classification(n_samples=n, n_features=20, n_informative=10, random_state=0)
    settings = {"no bar": {}, "EpochProgressBar (verbose=1)": {"verbose": 1},
                "skorch ProgressBar": {"callbacks": [ProgressBar()]}}
    times = {name: [] for name in settings}
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        DenseClassifier(max_iter=1, **PLAIN).fit(X[:500], y[:500])  # warm-up: imports, first kernels
        for _ in range(repeats):
            for name, extra in settings.items():
                start = time.perf_counter()
                DenseClassifier(max_iter=epochs, **PLAIN, **extra).fit(X, y)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["no bar"])
    print(f"fit: {n} rows, batches of 32, {epochs} epochs, median of {repeats} (load {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:30s} {med:6.2f} s   {med / base:5.3f}x no bar")
    step = base / (epochs * -(-n // 32))
    print(f"per step (a training step of that fit: {step * 1e6:.0f} us):")
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        for name, extra in list(settings.items())[1:]:
            clf = DenseClassifier(max_iter=1, **PLAIN, **extra).fit(X[:64], y[:64])
            net = clf.net_
            net.notify("on_epoch_begin", dataset_train=X, dataset_valid=None)  # opens skorch's bar, as fit does
            step_out = {"loss": torch.tensor(0.5), "y_pred": torch.zeros(32, 2)}
            batch = (torch.zeros(32, 20), torch.zeros(32, dtype=torch.int64))
            listening = bool(net._batch_listeners["on_batch_begin"] or net._batch_listeners["on_batch_end"])
            calls = 20_000
            start = time.perf_counter()
            for _ in range(calls):
                if listening:  # as the engine does: nothing at all for a bar without batch hooks
                    net.history.new_batch()
                    net.notify("on_batch_begin", batch=batch, training=True)
                    net.notify("on_batch_end", batch=batch, training=True, **step_out)
            cost = (time.perf_counter() - start) / calls
            shown = getattr(next((cb for _, cb in net.callbacks_ if hasattr(cb, "pbar_")), None), "pbar_", None)
            postfix = getattr(shown, "postfix", None) if shown is not None else None
            print(f"  {name:30s} {cost * 1e6:6.1f} us a step ({cost / step:.1%} of a step)")
            if postfix is not None:
                print(f"    skorch's bar shows postfix {postfix!r} (the engine records losses per epoch, not per batch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
