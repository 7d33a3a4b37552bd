"""Where and how torch computes: the device, mixed precision, seeded generators, CPU threads, grad mode, dtype."""

import contextlib
import os
import sys
import tempfile
import threading
import zlib

import torch

from ._warnings import warn_user

__all__ = ["autocast", "check_torch_cache_folder", "compile_failure", "cpu_computes_bf16", "default_dtype",
           "evaluating", "float32_default", "precision_here", "precision_name", "recording_gradients", "resolve_device",
           "resolve_precision", "seeded", "torch_threads"]

# torch has one CPU generator and one default dtype per process, not one per thread: the regions of a process that
# change them (seeded, default_dtype) take turns
_PROCESS_STATE_LOCK = threading.RLock()
#: seconds a region waits quietly for another thread's; then it warns once, and waits on
_PATIENCE_S = 5.0


@contextlib.contextmanager
def _process_state():
    """Hold the lock of the regions that change torch's process-wide state; warn once when another thread has held
    it for ``_PATIENCE_S`` seconds (a fit that waits on a fit in another thread would wait forever)."""
    if not _PROCESS_STATE_LOCK.acquire(timeout=_PATIENCE_S):
        warn_user("waiting for an sknn fit in another thread (fits in threads of one process take turns): they "
                  "run one after the other, not in parallel; to fit in parallel, use processes (joblib's default "
                  "backend, loky). Nothing is wrong unless this fit is one the other waits for (a callback waiting "
                  "for a fit in a thread pool, say), which would never start.")
        _PROCESS_STATE_LOCK.acquire()
    try:
        yield
    finally:
        _PROCESS_STATE_LOCK.release()


def _dask_worker_name():
    """The name of the Dask worker running this code, or None outside one."""
    if "distributed" not in sys.modules:  # never import Dask just to ask
        return None
    try:
        from distributed import get_worker

        return get_worker().name
    except (ImportError, ValueError):
        return None


def resolve_device(device):
    """Turn ``'auto'``, ``'cpu'``, ``'cuda'``, ``'cuda:N'``, ``'mps'`` or a torch.device into a torch.device.

    ``'auto'`` takes the current CUDA device, then MPS, then the CPU. Inside a Dask worker
    that sees several GPUs, it takes GPU ``worker name mod count``, so the workers of a
    ``LocalCluster`` spread over the GPUs (workers started by dask-cuda see one GPU each).
    Raises a ValueError that says what to pass instead when the device is unknown or not
    available on this machine.
    """
    if device is None or device == "auto":
        if torch.cuda.is_available():
            worker = _dask_worker_name()
            count = torch.cuda.device_count()
            if worker is not None and count > 1:
                index = int(worker) if str(worker).isdigit() else zlib.crc32(str(worker).encode())
                return torch.device("cuda", index % count)
            return torch.device("cuda", torch.cuda.current_device())
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a device torch knows; pass 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps'."
        ) from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was requested but CUDA is not available on this machine; "
                             "pass device='cpu', or device='auto' to use a GPU only when there is one.")
        index = 0 if dev.index is None else dev.index
        if index >= torch.cuda.device_count():
            raise ValueError(f"device={device!r}: this machine has {torch.cuda.device_count()} CUDA device(s).")
        return torch.device("cuda", index)
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"device={device!r} was requested but MPS is not available; pass device='cpu' or 'auto'.")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device={device!r} is not supported; pass 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps'.")
    return dev


_PRECISIONS = {"32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def cpu_computes_bf16():
    """Whether this CPU multiplies bfloat16 matrices in hardware faster than float32 ones: Intel's AMX tiles
    (Sapphire Rapids and newer). AVX-512 BF16 alone is no faster than float32 for torch's convolutions and products,
    and a CPU without either emulates bfloat16 several times slower (benchmarks/RESULTS.md, "bfloat16 on a CPU
    with AMX")."""
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    try:
        return bool(probe and probe())
    except RuntimeError:
        return False


def precision_name(dtype):
    """The ``precision`` ('32', 'bf16' or 'fp16') that autocasts to ``dtype`` (None: float32)."""
    return next(name for name, value in _PRECISIONS.items() if value == dtype)


def resolve_precision(precision, device):
    """The autocast dtype of ``precision`` ('32', 'bf16' or 'fp16') on ``device``, or None for float32.

    Mixed precision applies on a GPU, and on a CPU only where it pays: 'bf16' on a CPU that multiplies bfloat16 in
    hardware (``cpu_computes_bf16``); every other precision on the CPU runs in float32, so one configuration runs
    anywhere (a search tuned for GPU workers also runs on a laptop).
    """
    if precision not in _PRECISIONS:
        raise ValueError(f"precision={precision!r} is not one of '32', 'bf16' or 'fp16'.")
    dtype = _PRECISIONS[precision]
    if dtype is None:
        return None
    if device.type == "cpu":
        return dtype if dtype == torch.bfloat16 and cpu_computes_bf16() else None
    if device.type == "cuda" and dtype == torch.bfloat16 and not torch.cuda.is_bf16_supported():
        raise ValueError(f"precision='bf16' needs a GPU with bfloat16 support (Ampere or newer), and "
                         f"{torch.cuda.get_device_name(device)} has none; pass precision='fp16' or '32'.")
    return dtype


def precision_here(dtype, device):
    """The autocast dtype on ``device`` of a network that computed in ``dtype`` (None: float32) on another machine:
    its mixed precision where this machine has it, float32 elsewhere (an unpickled model, as :func:`sknn.load`)."""
    try:
        return None if dtype is None else resolve_precision(precision_name(dtype), device)
    except ValueError:  # ('bf16' on a GPU without bfloat16)
        return None


def autocast(device, dtype):
    """``torch.autocast`` on ``device`` to ``dtype``; when ``dtype`` is None, autocast off on ``device``, so that a
    caller's own ``torch.autocast`` around a fit or a predict does not change a float32 network's arithmetic."""
    device_type = torch.device(device).type
    if dtype is None:
        try:
            return torch.autocast(device_type=device_type, enabled=False)
        except RuntimeError:  # (a device type torch has no autocast for: nothing to turn off)
            return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=dtype)


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch's CPU generator (and ``device``'s, a GPU) inside, and restore the caller's state afterwards.

    Weight initialisation, dropout and noise draw from the global generators; forking
    them keeps a seeded fit reproducible without changing the user's random state. Only
    the generators restored afterwards are seeded: a fit on the CPU leaves every GPU's
    generator as it was, and a fit on ``cuda:1`` leaves ``cuda:0``'s.

    torch has one generator per process (``nn.Dropout`` takes none of its own), so the
    region holds a process-wide re-entrant lock from the seeding to the restoring: fits
    in threads of one process take turns; use processes (joblib's default loky) to fit
    in parallel. Each fit then draws exactly what it draws alone, and the caller's state
    comes back as it was. A seeded region nested in one thread does not wait for itself.

    A network's fit holds the lock from its checks of the data and its preprocessing to
    its last epoch (:func:`float32_default`): the time a fit in a thread takes includes
    its wait for the fits before it. So a fit must never wait on an sknn fit in another
    thread (a callback waiting for a fit in a thread pool, say): that fit waits for this
    one to end, and both wait forever. A region kept waiting over ``_PATIENCE_S`` seconds
    warns once, then waits on. ``sknn.load`` draws nothing, and waits for no fit but to
    build a network that holds tensors no file has (the VGG estimators' ImageNet mean), or
    one whose saved dtypes need another default dtype to check.
    """
    index = device.index or 0
    if device.type in ("cuda", "mps"):  # the fit's own device: forked, seeded and restored with the CPU's
        fork = torch.random.fork_rng(devices=[index], device_type=device.type)
    else:
        fork = torch.random.fork_rng(devices=[])
    with _process_state(), fork:
        torch.default_generator.manual_seed(seed)  # (torch.manual_seed would reseed every GPU, none restored)
        if device.type == "cuda":
            torch.cuda.default_generators[index].manual_seed(seed)
        elif device.type == "mps":
            torch.mps.manual_seed(seed)
        yield


@contextlib.contextmanager
def evaluating(module):
    """``module`` in evaluation mode, then every submodule back in the mode it was in: a prediction made while the
    module trains (a callback's, between two batches) left the rest of the epoch training without dropout and with
    batch norm's statistics frozen."""
    if not module.training:  # (a fitted network, as fit and load leave it: nothing to put back)
        module.eval()
        yield module
        return
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    try:
        yield module
    finally:
        for m, mode in modes:
            m.training = mode


@contextlib.contextmanager
def recording_gradients():
    """Record gradients inside, whatever the caller's mode, and restore that mode afterwards.

    A fit called inside ``torch.no_grad()``, ``torch.inference_mode()`` or after
    ``torch.set_grad_enabled(False)`` trains all the same (its parameters are ordinary
    tensors, not inference tensors).
    """
    with torch.inference_mode(False), torch.enable_grad():
        yield


@contextlib.contextmanager
def default_dtype(dtype):
    """Make ``dtype`` torch's default dtype inside, and restore the caller's default afterwards.

    The default is one per process, not one per thread: the region holds the lock of :func:`seeded`,
    so regions in threads take turns and each restores what it found. While one runs, every
    thread of the process makes its tensors in ``dtype`` (those of a float64 default included).
    """
    with _process_state():
        before = torch.get_default_dtype()
        torch.set_default_dtype(dtype)
        try:
            yield
        finally:
            torch.set_default_dtype(before)


def float32_default():
    """Make float32 torch's default dtype inside, and restore the caller's default afterwards.

    sknn builds and trains its networks in float32 whatever the global default
    (``torch.set_default_dtype(torch.float64)`` included), so one seed builds one network.
    Tensors and modules made before, as a network a user's factory returns ready-built,
    keep their dtype. The default is one per process (:func:`default_dtype`): the region
    holds the lock of :func:`seeded`, so regions in threads take turns and each restores
    what it found, and while a fit runs, torch's default dtype is float32 in every thread
    of the process. A fit's region covers its checks and preprocessing as well as its
    training, so a fit in a thread waits for any fit before it to end: a fit must never
    wait on an sknn fit in another thread (both would wait forever).
    """
    return default_dtype(torch.float32)


@contextlib.contextmanager
def torch_threads(n):
    """Run torch's CPU operations on ``n`` threads inside (None: leave the setting alone), then restore it."""
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def check_torch_cache_folder():
    """Refuse, naming the fix, a process with no writable temporary folder before any network is built: torch imports
    its compiler (``torch._dynamo``) when a network or an optimizer is first built, and that import needs a folder for
    its cache (the temporary folder, unless ``TORCHINDUCTOR_CACHE_DIR`` names one). Without it the import failed
    halfway, and every build after it raised torch's "AssertionError: Artifact of type=precompile already registered"
    (a read-only container with no volume on /tmp)."""
    if "torch._dynamo" in sys.modules or os.environ.get("TORCHINDUCTOR_CACHE_DIR"):
        return
    try:
        tempfile.gettempdir()
    except FileNotFoundError as exc:
        raise OSError(f"torch needs a writable temporary folder to build a network (its compiler's cache), and this "
                      f"process has none ({exc}): set TMPDIR to a writable folder (or TORCHINDUCTOR_CACHE_DIR), e.g. "
                      "mount a volume on /tmp in a read-only container.") from None


def compile_failure(exc):
    """The first line of ``exc`` where it is torch.compile's failure to compile a network (no C++ compiler for the
    CPU, an operation it cannot trace), else None."""
    errors = sys.modules.get("torch._dynamo.exc")
    if errors is None or not isinstance(exc, errors.TorchDynamoException):
        return None
    inner = getattr(exc, "inner_exception", None)  # (the backend's own error: the compiler's)
    text = str(inner).strip() if inner is not None and str(inner).strip() else str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]
