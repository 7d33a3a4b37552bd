"""The memory a network needs against the memory the machine has: a network too large is refused by name before it
is built (:func:`build_within_memory`), never a crash of the allocator half way."""

import contextlib
import os

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from ._device import check_torch_cache_folder

__all__ = ["NetworkTooLarge", "build_within_memory", "memory_errors_named", "prediction_batch_rows",
           "release_freed_memory"]

#: The values one prediction batch may hold at once: 2**25, 128 MB of float32
PREDICTION_BATCH_VALUES = 2 ** 25


def prediction_batch_rows(values_per_row, most):
    """Rows (or sequences) per prediction batch: ``most``, fewer where ``values_per_row`` each (a wide sparse X made
    dense, a sequence's scores over the classes or words) would pass :data:`PREDICTION_BATCH_VALUES`."""
    return max(1, min(int(most), PREDICTION_BATCH_VALUES // max(int(values_per_row), 1)))


class NetworkTooLarge(ValueError):
    """The network a set of parameters describes does not fit in the memory of the machine."""


def _cgroup_limit():
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit():
            return int(text)
    return None


def _address_space_left():
    """Bytes this process may still map under its address-space limit (``ulimit -v``; None: no limit, or not
    told: only Linux says what is mapped)."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return None
    return max(soft - mapped, 0)


def _memory_limits(device):
    """(bytes, a sentence saying who has them, whether the training batches are in it) of each bound on a network's
    memory: the machine's RAM, its container's limit, the process's address space left, and on a GPU the GPU's free
    memory (networks are built in RAM, then moved; batches train on the device)."""
    device = torch.device(device)
    limits, host = [], device.type != "cuda"
    try:
        limits.append((os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "this machine has {} of memory",
                       host))
    except (AttributeError, ValueError, OSError):
        pass
    cgroup = _cgroup_limit()
    if cgroup:
        limits.append((cgroup, "this container may use {} of memory", host))
    mappable = _address_space_left()
    if mappable is not None:
        limits.append((mappable, "this process may map {} more (its address-space limit, ulimit -v)", host))
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        free += torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
        limits.append((free, f"the GPU {device} has {{}} free", True))
    return limits


def _size_constructors():
    """torch's factory functions whose arguments give the size of the tensor they allocate."""
    return {torch.empty, torch.empty_strided, torch.zeros, torch.ones, torch.full, torch.rand, torch.randn,
            torch.randint, torch.eye, getattr(torch, "empty_permuted", torch.empty)}


class _AllocationBudget(TorchFunctionMode):
    """Counts the bytes of the tensors a network's constructor creates, before each is allocated.

    Each size-giving factory call is first run on the ``meta`` device (no memory); once
    the total passes ``limit``, the remaining tensors are created on ``meta`` as well, so
    the construction finishes without allocating and ``total`` is what it needs. With
    ``limit=0`` the whole network is built on ``meta``: its size, counted before anything
    is allocated or initialised (a 10**7-unit layer would take seconds to draw).
    """

    def __init__(self, limit):
        super().__init__()
        self.limit, self.total, self.exceeded = limit, 0, False
        self.constructors = _size_constructors()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in self.constructors and str(kwargs.get("device", "")) != "meta":
            probe = func(*args, **{**kwargs, "device": "meta"})
            self.total += probe.numel() * probe.element_size()
            if self.total > self.limit:
                self.exceeded = True
            if self.exceeded:
                kwargs["device"] = "meta"
        return func(*args, **kwargs)


def _bytes(n):
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"


# the parameters that set a network's size, named by NetworkTooLarge
_SIZE_PARAMETERS = ("hidden_layer_sizes", "conv_filters", "convs_per_block", "kernel_size", "dense_layers",
                    "head_layers", "backbone", "hidden_size", "embedding_dim", "num_layers", "char_dim", "max_vocab",
                    "vector_size", "max_vocab_size", "n_ensemble")


def _training_copies(owner):
    """Copies of the weights training keeps: the weights, their gradients and the optimizer's moments."""
    optimizer, momentum = getattr(owner, "optimizer", "adam"), getattr(owner, "momentum", 0.0)
    moments = {"adam": 2, "adamw": 2, "sgd": int(bool(momentum)), "rmsprop": 1 + int(bool(momentum))}
    return 2 + moments.get(optimizer, 2)


def build_within_memory(build, owner, device, copies=None, inputs="", activations=0):
    """Run ``build()`` (a network's constructor), refusing a network that cannot fit in memory before it is
    allocated.

    Parameters
    ----------
    build : callable returning the module
    owner : the estimator, whose size parameters the message names
    device : torch.device the network will train on
    copies : int or None
        Copies of the weights in memory: None counts those of training with the owner's
        ``optimizer`` (weights, gradients and moments: 4 for Adam); 1 for a network that
        only predicts, or whose gradients are sparse (word2vec).
    inputs : str
        What else sets the network's size (e.g. "a vocabulary of 1,000,000 words"), for the message.
    activations : int
        Bytes a training batch's activations take at least (the family's estimate), beside the weights.

    Raises
    ------
    NetworkTooLarge (a ValueError) saying how much memory the network needs and how much there is.
    """
    check_torch_cache_folder()  # (torch's compiler, imported by a first build, needs one)
    limits = _memory_limits(device)  # (once: the address space left moves as the process maps memory)
    if not limits:
        return build()
    rooms = [max(b - (activations if batches else 0), 0) for b, _, batches in limits]  # (what they leave the weights)
    i = int(np.argmin(rooms))  # the bound that leaves the weights the least room
    (limit, available, batches), room = limits[i], rooms[i]
    activations = activations if batches else 0
    copies = _training_copies(owner) if copies is None else copies
    budget, exact = _AllocationBudget(0), True  # a first build all on the meta device: no memory, no random draws
    try:
        with budget:
            build()
    except Exception:  # a constructor that cannot run on meta: count while building, stop allocating at the limit
        budget, exact = _AllocationBudget(room // copies), False
        try:
            with budget:
                module = build()
        except Exception:
            if not budget.exceeded:
                raise
            module = None  # built partly on the meta device: the total is a lower bound
        if not budget.exceeded:
            return module
        exact = module is not None
    if exact and budget.total <= room // copies:
        return build()
    needed = budget.total * copies + activations
    facts = [inputs] if inputs else []
    if getattr(owner, "n_features_in_", None):
        facts.append(f"{owner.n_features_in_} input features")
    if isinstance(getattr(owner, "vocabulary_", None), dict):
        facts.append(f"a vocabulary of {len(owner.vocabulary_)} words")
    if getattr(owner, "image_shape_", None) is not None:
        facts.append(f"images of shape {tuple(owner.image_shape_)}")
    params = getattr(owner, "get_params", dict)(deep=False) if owner is not None else {}
    facts = [f"{k}={v!r}" for k, v in params.items() if k in _SIZE_PARAMETERS and (k, v) != ("n_ensemble", 1)] + facts
    what = f" ({', '.join(facts)})" if facts else ""
    during = (f"{copies}x its weights' {_bytes(budget.total)} in training (weights, gradients and the optimizer's "
              "moments)" if copies > 1 else "the memory of its weights")
    batch = (f", and at least {_bytes(activations)} for a training batch's activations (lower batch_size, or give "
             "fewer input columns)") if activations else ""
    raise NetworkTooLarge(
        f"The network of this {type(owner).__name__}{what} needs {'' if exact else 'at least '}"
        f"{_bytes(needed)}: {during}{batch}, but {available.format(_bytes(limit))}. Choose smaller sizes.")


def _libc_trim():
    """glibc's ``malloc_trim``, or None elsewhere."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _libc_trim()


def release_freed_memory():
    """Hand memory freed by the previous chunks back to the system (glibc keeps it otherwise).

    Batches of varying sizes fragment glibc's heap, so the resident memory of a long
    fit would creep up with the corpus; trimming after each chunk keeps it bounded.
    """
    if _TRIM is not None:
        _TRIM(0)


_OUT_OF_MEMORY = ("can't allocate memory", "out of memory", "not enough memory")


@contextlib.contextmanager
def memory_errors_named(what, device, batch_size):
    """Turn torch's allocator errors (batch activations too large for the device) into a MemoryError that says
    what ran out and what to lower."""
    try:
        yield
    except RuntimeError as exc:
        if not any(m in str(exc) for m in _OUT_OF_MEMORY):
            raise
        detail = str(exc).strip().splitlines()[0][:300]
        fix = "Predict on slices of X, or lower" if what == "Prediction" else "Lower batch_size, or"  # (4,096 rows)
        raise MemoryError(f"{what} ran out of memory on {device} with batches of {batch_size} samples ({detail}). "
                          f"{fix} the sizes of the network or of each sample (fewer columns, smaller images, shorter "
                          "sequences): a batch's activations take more memory than there is.") from exc
