"""The network of a saved estimator: written under its own weight names, rebuilt with the estimator's own builder
(the family contract, :mod:`sknn._family`) and checked against the file's weights before any memory is allocated.

A forged file can describe any network in its parameters; the weights it holds bound what
it may ask for: a layer list longer than the weights allow is refused before anything is
built, a network is built on the ``meta`` device first and stopped as soon as it has more
tensors or layers than the weights allow, and its weights' names and shapes must be the
file's before it is built for real, and their dtypes those of a network of the parameters (one dtype for every
parameter). Each weight is then loaded in its saved dtype (a network fitted in float64 loads in float64, whatever
torch's default dtype is).

Loading draws nothing from torch's global random generators: the network built on the meta device is given memory
(:func:`materialised`) and the file's weights fill it, so a load never waits for a fit in another thread (which
holds the generators, :func:`sknn._device.seeded`).
"""

import threading

import torch

from ._device import default_dtype
from ._persist_values import FormatError
from ._warnings import warn_user

__all__ = ["build_at_most", "cast_to_saved", "check_dtypes", "check_layer_lists", "check_shapes", "limits",
           "load_device", "load_weights", "materialised", "saved_weights", "unwrapped"]


def load_device(saved):
    """Where a loaded network goes: the device it was saved from if this machine has it, else the CPU (as pickle)."""
    try:
        dev = torch.device(saved)
    except (RuntimeError, TypeError) as exc:
        raise FormatError(f"The file names an unknown device {saved!r}.") from exc
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda" and torch.cuda.is_available() and (dev.index or 0) < torch.cuda.device_count():
        return torch.device("cuda", dev.index or 0)
    if dev.type == "mps" and getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return dev
    from skorch.exceptions import DeviceWarning

    warn_user(f"The model was saved from device {saved!r}, which this machine does not have; it is loaded on "
              "the CPU. Move it with est.set_params(device=...) and a new fit, if needed.", DeviceWarning)
    return torch.device("cpu")


def unwrapped(module):
    """The module itself, not ``torch.compile``'s wrapper: files hold the network's own weight names."""
    return getattr(module, "_orig_mod", module)


def saved_weights(entries, tensor):
    """The saved weights, ``{name: tensor}``, from the document's [name, tensor name] pairs (``tensor`` finds a
    tensor by its name), under the network's own names (files of compiled networks once held the wrapper's)."""
    if type(entries) is not list or not all(type(e) is list and len(e) == 2 and type(e[0]) is str for e in entries):
        raise FormatError("The saved weights of the network are not a list of [name, tensor] pairs.")
    return {k.removeprefix("_orig_mod."): tensor(t) for k, t in entries}


def with_optional_buffers(module, weights):
    """``weights`` with the buffers a file written before them lacks: a module class may name such buffers and the
    value that reads as before them (``_optional_buffers = {name: value}``, e.g. counts that a later version keeps);
    ``module`` is the network built for the file (on the meta device)."""
    out = dict(weights)
    for prefix, sub in module.named_modules():
        for name, value in getattr(type(sub), "_optional_buffers", {}).items():
            key, buffer = f"{prefix}.{name}" if prefix else name, sub._buffers.get(name)
            if buffer is not None and key not in out:
                out[key] = torch.full(buffer.shape, value, dtype=buffer.dtype, device="cpu")  # (not the meta device)
    return out


def limits(weights):
    """The most tensors and layers (modules) a network whose weights are the file's ``weights`` can have."""
    return 2 * len(weights) + 16, 4 * len(weights) + 64


def check_layer_lists(params, architecture, weights, name):
    """Refuse, before building anything, a list parameter or recorded architecture parameter (layer sizes, a layer
    list) with more items than the network of the file's weights can have layers: each item builds a layer."""
    max_modules = limits(weights)[1]
    for what, values in (("parameter", params), ("architecture parameter", architecture)):
        for key, value in values.items():
            if isinstance(value, (list, tuple)) and len(value) > max_modules:
                raise FormatError(f"The saved {what} {key} of the {name} lists {len(value)} items, more than the "
                                  f"{max_modules} layers a network of the file's {len(weights)} weight tensors can "
                                  "have: the file is damaged or forged.")


class _Oversized(Exception):
    """Raised by the registration hooks of :func:`build_at_most` to stop building a network."""


def build_at_most(build, weights, name):
    """``build()`` (on the meta device), stopped as soon as it creates more tensors or layers than a network whose
    weights are the file's ``weights`` can have: a forged file describing 30,000 layers is refused at once, not
    after building them all."""
    max_tensors, max_modules = limits(weights)
    count = {"tensors": 0, "modules": 0}
    builder = threading.get_ident()  # the hooks are the process's: a network a fit builds in a thread is not counted

    def counted(kind, limit):
        def hook(module, attr, value):
            if value is not None and threading.get_ident() == builder:
                count[kind] += 1
                if count[kind] > limit:
                    raise _Oversized(kind, limit)
        return hook

    from torch.nn.modules import module as nn_module

    handles = [nn_module.register_module_parameter_registration_hook(counted("tensors", max_tensors)),
               nn_module.register_module_buffer_registration_hook(counted("tensors", max_tensors)),
               nn_module.register_module_module_registration_hook(counted("modules", max_modules))]
    try:
        return build()
    except _Oversized as exc:
        kind, limit = exc.args
        raise FormatError(f"The saved parameters of the {name} describe a network of more than {limit} {kind}, but the "
                          f"file holds the weights of {len(weights)} tensors: the file is damaged or forged.") from None
    finally:
        for handle in handles:
            handle.remove()


def check_shapes(module, weights, name):
    """Compare the saved weights' names and shapes with those of ``module``, built on the meta device (no
    memory): the network is only built for real once the file's own tensors are known to fill it. Returns the
    weights with the optional buffers a file from before them lacks (:func:`with_optional_buffers`)."""
    weights = with_optional_buffers(module, weights)
    expected = {k: tuple(t.shape) for k, t in module.state_dict().items()}
    saved = {k: tuple(t.shape) for k, t in weights.items()}
    wrong = sorted(str(k) for k in expected.keys() | saved.keys() if expected.get(k) != saved.get(k))
    if wrong:
        raise FormatError(f"The saved weights do not fit the {name} network built from the saved parameters: "
                          + ", ".join(f"{k} (saved {saved.get(k)}, expected {expected.get(k)})"
                                      for k in wrong[:5]) + (", ..." if len(wrong) > 5 else ""))
    return weights


_NETWORK_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def check_dtypes(module, build, weights, name):
    """Refuse saved weights whose dtypes no network of the parameters has: the floating parameters of a network
    share one dtype, and its floating tensors are either as ``build()`` makes them in that default dtype (a
    network fitted under ``torch.set_default_dtype(torch.float64)``: the tensors a module keeps in float32 on
    purpose, as TabularInput's ``center`` and ``scale``, stay float32) or all of that dtype (a network moved with
    ``.to(dtype)``). ``module`` is the network built on the meta device in the loading process's default dtype
    (:func:`check_shapes`); ``build`` builds it again in another, on the meta device, only when needed."""
    dtypes = {}  # dtype -> the names of the floating parameters saved in it
    for key, _ in module.named_parameters(remove_duplicate=False):
        if weights[key].is_floating_point():
            dtypes.setdefault(weights[key].dtype, []).append(key)
    if len(dtypes) > 1:
        raise FormatError(f"The saved parameters of the {name} network are of {len(dtypes)} dtypes (" + "; ".join(
            f"{dtype}: {', '.join(keys[:3])}{', ...' if len(keys) > 3 else ''}" for dtype, keys in dtypes.items())
            + "), but a network's parameters share one: the file is damaged or forged.")
    dtype = next(iter(dtypes), torch.get_default_dtype())
    if dtype not in _NETWORK_DTYPES:
        raise FormatError(f"The saved parameters of the {name} network are of dtype {dtype}, not one sknn builds "
                          f"networks in ({', '.join(map(str, _NETWORK_DTYPES))}): the file is damaged or forged.")
    built = module.state_dict()
    keys = [k for k, t in built.items() if t.is_floating_point() or weights[k].is_floating_point()]
    saved = {k: weights[k].dtype for k in keys}
    if saved in ({k: built[k].dtype for k in keys},  # as built in this process, or moved to the saved dtype
                 {k: dtype if built[k].is_floating_point() else built[k].dtype for k in keys}):
        return
    with torch.device("meta"), default_dtype(dtype):
        built = build_at_most(build, weights, name).state_dict()
    wrong = [k for k in keys if saved[k] != built[k].dtype]
    if wrong:
        raise FormatError(f"The saved weights of the {name} network are not of the dtypes a {dtype} network of its "
                          "parameters has: " + ", ".join(f"{k} (saved {saved[k]}, expected {built[k].dtype})"
                                                         for k in wrong[:5]) + (", ..." if len(wrong) > 5 else "")
                          + ": the file is damaged or forged.")


def materialised(probe, device):
    """``probe``, a network built on the meta device whose tensors the file's weights all fill (:func:`check_shapes`),
    given uninitialised memory on ``device`` for :func:`load_weights` to fill: nothing is drawn from torch's random
    generators. Tensors shared by several layers (tied weights) stay shared. None when the network holds tensors no
    file has, whose values only building it gives: non-persistent buffers (the ImageNet mean of a transfer network),
    or tensors kept outside its parameters and buffers; such a network is built for real."""
    if any(module._non_persistent_buffers_set for module in probe.modules()):
        return None
    names = {}  # id of each tensor -> its names (several: shared)
    for key, tensor in [*probe.named_parameters(remove_duplicate=False), *probe.named_buffers(remove_duplicate=False)]:
        names.setdefault(id(tensor), []).append(key)
    module = probe.to_empty(device=device)  # (one tensor per name: the shared ones are shared again below)

    def owner(key):
        path, _, attr = key.rpartition(".")
        return module.get_submodule(path), attr

    for first, *others in (keys for keys in names.values() if len(keys) > 1):
        tensor = getattr(*owner(first))
        for key in others:
            setattr(*owner(key), tensor)
    for sub in module.modules():  # a tensor attribute (or one in a list or dict) left on the meta device
        for value in vars(sub).values():
            items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else (
                [value])
            if any(torch.is_tensor(item) and item.is_meta for item in items):
                return None
    return module


def cast_to_saved(module, weights, name):
    """Give each floating parameter and buffer of ``module`` the dtype of its saved weight, where they differ: a
    network fitted under ``torch.set_default_dtype(torch.float64)`` is built in the default dtype of the loading
    process, and ``load_state_dict`` alone would round its weights to it. Parameters change in place (an optimizer
    built for the module keeps them)."""
    for key, saved in weights.items():
        owner_name, _, attr = key.rpartition(".")
        try:
            owner = module.get_submodule(owner_name)
        except AttributeError:  # not a parameter or buffer (a module's extra state): load_state_dict reads it
            continue
        tensors = owner._parameters if attr in owner._parameters else owner._buffers
        current = tensors.get(attr)
        if (current is None or current.dtype == saved.dtype or not current.is_floating_point()
                or not saved.is_floating_point()):
            continue
        if saved.dtype not in _NETWORK_DTYPES:
            raise FormatError(f"The saved weight {key} of the {name} is of dtype {saved.dtype}, not one sknn builds "
                              f"networks in ({', '.join(map(str, _NETWORK_DTYPES))}): the file is damaged or forged.")
        if tensors is owner._parameters:
            current.data = current.data.to(saved.dtype)
        else:
            tensors[attr] = current.to(saved.dtype)


def load_weights(module, weights, name):
    """The saved weights into ``module``, every one of them and nothing else (``strict=True``), each in its saved
    dtype (:func:`cast_to_saved`): the loaded network predicts as the saved one did."""
    cast_to_saved(module, weights, name)
    try:
        module.load_state_dict(weights, strict=True)
    except RuntimeError as exc:
        raise FormatError(f"The saved weights do not fit the {name} network built from the saved parameters: "
                          f"{exc}") from None
