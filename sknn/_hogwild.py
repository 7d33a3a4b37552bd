"""Hogwild! training: several CPU threads train on different batches at once, sharing the weights.

Each extra thread trains a *replica* of the module: a copy whose parameters are new
tensors over the same storage (its buffers are the module's own), with an optimizer of
its own, so gradients never mix while every step writes to the shared weights without a
lock (Niu et al., 2011; gensim's workers train word vectors this way). It pays where
concurrent steps rarely touch the same rows, as in sparse models such as word vectors,
and where one step is too small for torch's own threads to share well.

One more thread draws the batches from the source, so the batches and their random
draws are those of a one-thread run; the order in which the threads' updates
land differs from run to run, so the trained weights do too.
"""

import copy
import gc
import queue
import threading

from torch import nn

__all__ = ["replicate", "train_in_parallel"]


def replicate(module, optimizer):
    """A replica of ``module`` sharing its parameters' storage and its buffers, and an optimizer for it.

    The replica's optimizer has the same class, defaults and parameter groups (with their
    extra keys, such as sknn's learning-rate factors) as ``optimizer``, and its own state.
    """
    memo = {id(b): b for b in module.buffers()}
    shared = {}
    for p in module.parameters():
        shared[id(p)] = memo[id(p)] = nn.Parameter(p.data, requires_grad=p.requires_grad)
    twin = copy.deepcopy(module, memo)
    groups = [{**{k: v for k, v in group.items() if k != "params"}, "params": [shared[id(p)] for p in group["params"]]}
              for group in optimizer.param_groups]
    return twin, type(optimizer)(groups, **optimizer.defaults)


def train_in_parallel(batches, step, replicas):
    """Run ``step(batch, module, optimizer)`` over ``batches``, one thread per ``(module, optimizer)``.

    A producer thread draws the batches from the source (a generator runs in one thread,
    so its random draws keep their order) a few ahead into a queue; the trainers take
    them from it. The first replica trains on the calling thread, so a Ctrl-C lands in a
    step there; the other threads then finish their step and stop. An exception in any
    thread stops them all and is raised here. Returns ``(batch, result)`` pairs in no set
    order.
    """
    ready = queue.Queue(maxsize=2 * len(replicas))
    stop = threading.Event()
    results, errors = [], []

    def put(item):
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def produce():
        try:
            for batch in batches:
                put(batch)
                if stop.is_set():
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            errors.append(error)
            stop.set()
        finally:
            for _ in replicas:  # one end mark for each trainer
                put(None)

    def train(module, optimizer):
        try:
            while not stop.is_set():
                try:
                    batch = ready.get(timeout=0.05)
                except queue.Empty:
                    continue
                if batch is None:
                    return
                results.append(step(batch, module, optimizer))  # list.append is atomic
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            errors.append(error)
            stop.set()

    threads = [threading.Thread(target=produce, daemon=True, name="sknn-hogwild-batches")]
    threads += [threading.Thread(target=train, args=pair, daemon=True, name=f"sknn-hogwild-{i}")
                for i, pair in enumerate(replicas[1:], 1)]
    # Python's cyclic collector holds the interpreter lock while it walks every object (the
    # corpus's token lists too): it would stall all the threads. Steps free their tensors
    # by reference counts; the collector runs again afterwards.
    collecting = gc.isenabled()
    gc.disable()
    for thread in threads:
        thread.start()
    try:
        train(*replicas[0])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        if collecting:
            gc.enable()
    if errors:
        raise errors[0]
    return results
