"""Saving and loading fitted estimators without pickle: ``est.save(path)`` and ``sknn.load(path)``.

Unpickling a file (``pickle``, ``joblib.load``, ``torch.load(weights_only=False)``) can run any code the file's
author wrote, so a pickled model is only as safe as its source. :func:`save` writes one `safetensors
<https://github.com/huggingface/safetensors>`_ file instead, and :func:`load` reads it without running anything from it:

* the tensors are the network's ``state_dict`` (``module.*``), the optimizer's state (``optimizer.*``) and the
  numeric arrays among the parameters and fitted attributes;
* the file's metadata holds a JSON document: the format version, the sknn version, the estimator's class, its
  ``get_params()``, its fitted attributes (of typed values: str/object arrays, DataFrames, tuples, numpy scalars,
  devices, vocabularies, nested sknn estimators...), the engine's history, its callbacks' states (a learning-rate
  plateau's best loss and bad epochs), its optimizer and settings (class, learning rate, momentum or betas... as the
  engine was built, whatever ``set_params`` changed since: ``partial_fit`` and ``warm_start`` continue as they would
  have) and, with ``precision='fp16'``, its loss scale;
* a SHA-256 digest over the document and every tensor's name, dtype, shape and bytes, or with ``key=`` an
  HMAC-SHA256, which also proves the file was written by someone who holds the key.

:func:`save` refuses parameters that are invalid (set after fit) or code (a callable ``tokenizer``, a ``module``
class, skorch ``callbacks``: such models can still be pickled with joblib, to be loaded from trusted sources only).
:func:`load` reads the file once into memory (the loaded model never reads it again) and checks the digest of those
bytes before it reads anything else. It builds the estimator from the classes sknn's own modules registered
(:func:`loadable_classes`; no name in the file is ever imported), its values from a fixed list of types and dtypes,
and its network with the estimator's own ``_build_module()`` (:mod:`sknn._family`) from the recorded
``architecture_`` and the fitted attributes (never reading or downloading pretrained weights): on the ``meta`` device
first, so that weights whose names or shapes differ from the file's are refused before any memory is allocated, then
given memory that the saved weights fill (``strict=True``): nothing is drawn from torch's random generators, so a
load never waits for a fit in another thread. A model trained on a GPU loads on a machine without one.
A file that cannot be read gives a :class:`FormatError`, a changed one an :class:`IntegrityError`.
"""

import contextlib
import hashlib
import hmac
import json
import os
import re
import warnings

import numpy as np
import torch
from sklearn.utils._param_validation import InvalidParameterError

from ._device import check_torch_cache_folder, precision_name, seeded
from ._persist_files import check_input_path, check_output_path, missing_bytes, write_atomically
from ._persist_network import (build_at_most, check_dtypes, check_layer_lists, check_shapes, load_device, load_weights,
                               materialised, saved_weights, unwrapped)
from ._persist_values import FormatError, UnsafeValue, ValueReader, ValueWriter, unsafe_message
from ._training import OPTIMIZERS
from ._warnings import warn_user

__all__ = ["FORMAT_VERSION", "FormatError", "IntegrityError", "SaveMixin", "load", "loadable_classes", "save"]

FORMAT_VERSION = 1  # raised when a file of this version could not be read by an older sknn
_DOCUMENT = "sknn.document"  # keys of the safetensors metadata
_DIGEST = "sknn.digest"
_RESERVED = ("net_", "module_", "device_")  # restored by the engine and network code, never as attributes
_DIGEST_FORMAT = re.compile(r"(sha256|hmac-sha256):[0-9a-f]{64}")


class IntegrityError(ValueError):
    """The file's digest or its HMAC does not match its content (or the key is missing or unexpected)."""


_LOADABLE = {}  # class name -> class: the classes load may build, registered as sknn's modules define them


def _where(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _register(cls):
    known = _LOADABLE.get(cls.__name__)
    if known is not None and _where(known) != _where(cls):
        raise TypeError(f"Two loadable sknn classes are named {cls.__name__} ({_where(known)} and {_where(cls)}): a "
                        "saved file names its class by name alone; rename one of them.")
    _LOADABLE[cls.__name__] = cls


def _is_loadable(cls):
    """Whether ``cls`` is a registered class (the same definition, even from a second import of its module)."""
    known = _LOADABLE.get(cls.__name__)
    return known is not None and _where(known) == _where(cls)


def loadable_classes():
    """The classes :func:`load` may build, by name: those that registered themselves (see :class:`SaveMixin`).

    sknn's public modules are imported first (the package imports them on first use), so a fresh process loads any of
    sknn's estimators without importing its family beforehand.
    """
    import importlib

    from . import _LAZY

    for module in sorted(set(_LAZY.values())):
        try:
            importlib.import_module(module, __package__)
        except ImportError as error:  # an optional dependency of a module (plot: matplotlib); sknn's own fault shows
            if (error.name or "").split(".")[0] == __package__:
                raise
    return dict(_LOADABLE)


def _check_key(key):
    if key is None:
        return None
    if isinstance(key, str):
        try:
            key = key.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("key holds a character UTF-8 cannot encode (a lone surrogate): pass the secret as "
                             "bytes, or a str of whole characters.") from None
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError(f"key must be bytes or a str, got {type(key).__name__}.")
    key = bytes(key)
    if not key:
        raise ValueError("key is empty; pass a secret, such as secrets.token_bytes(32) (random bytes: 16 or more).")
    return key


def _digest(document, tensors, key):
    """'sha256:<hex>' (or 'hmac-sha256:<hex>' with a key) of the document and every tensor, in name order."""
    h = hmac.new(key, digestmod=hashlib.sha256) if key is not None else hashlib.sha256()

    def chunk(data):
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    h.update(b"sknn.persist\0")
    chunk(document.encode("utf-8"))
    for name in sorted(tensors):
        t = tensors[name]
        chunk(json.dumps([name, str(t.dtype), list(t.shape)]).encode("utf-8"))
        chunk(t.contiguous().reshape(-1).view(torch.uint8).numpy() if t.numel() else b"")
    return ("hmac-sha256:" if key is not None else "sha256:") + h.hexdigest()


def _is_fitted(est):
    if getattr(type(est), "_persist_data_only", False):  # fitted state of plain data, no network
        return hasattr(est, "n_features_in_")
    return hasattr(est, "net_") or hasattr(est, "module_")


# -- writing ------------------------------------------------------------------------------------
class _Writer(ValueWriter):
    """Turns an estimator into a JSON document and a dict of CPU tensors."""

    def other(self, v, where):
        if _is_loadable(type(v)):
            return self.estimator(v, where + ".")
        return super().other(v, where)

    def estimator(self, est, prefix):
        params = est.get_params(deep=False)
        node = {"__type__": "estimator", "class": type(est).__name__, "params": {}}
        for name, value in params.items():
            node["params"][name] = self._named(est, "parameter", name, value, f"{prefix}params.{name}")
        if not _is_fitted(est):
            return node
        node["attributes"] = {}
        for name, value in vars(est).items():
            if name in params or name in _RESERVED:
                continue
            node["attributes"][name] = self._named(est, "fitted attribute", name, value, f"{prefix}attributes.{name}")
        if hasattr(est, "net_"):
            node["engine"] = self.engine(est.net_, prefix)
        if hasattr(est, "module_"):
            node["network"] = {"device": str(est.device_), "state": self.state(est.module_, prefix + "module.")}
        return node

    def _named(self, est, kind, name, value, where):
        try:
            return self.encode(value, where)
        except UnsafeValue as exc:
            if exc.name is None:
                exc.owner, exc.kind, exc.name = type(est).__name__, kind, name
                exc.fit_only = name in getattr(est, "_fit_only_params", ())  # (not needed once fitted)
            raise

    def state(self, module, prefix):
        return [[k, self.tensor(prefix + k, t)] for k, t in module.state_dict().items()]

    def engine(self, net, prefix):
        history = [dict(row) for row in net.history]
        info = {"device": str(net.device), "batch_size": int(net.batch_size), "weight_decay": float(net.weight_decay),
                "seed": int(net.seed), "callbacks": [name for name, _ in net.callbacks_], "settings": self.encode(
                    {"optimizer": type(net.optimizer_).__name__, "lr": float(net.lr), "l1": float(net.l1),
                     "shuffle": bool(net.shuffle), "kwargs": net.get_params_for("optimizer"),
                     # what else the engine was built with, as partial_fit checks it (the device: the file's own)
                     "engine_params": {k: v for k, v in getattr(net, "engine_params_", {}).items() if k != "device"},
                     # the precision it computes in (predict's, whatever set_params did since; partial_fit's own)
                     "precision": precision_name(getattr(net, "amp_dtype", None))},
                    prefix + "settings"),
                "state": self.state(unwrapped(net.module_), prefix + "module."),
                "optimizer": self.encode(net.optimizer_.state_dict(), prefix + "optimizer"),
                "history": self.encode(history, prefix + "history"),
                "callback_states": self.encode({name: cb.saved_state() for name, cb in net.callbacks_
                                                if callable(getattr(cb, "saved_state", None))}, prefix + "callbacks")}
        if getattr(net, "grad_scaler_", None) is not None:  # fp16: the loss scale it has adapted to
            info["grad_scaler"] = self.encode(net.grad_scaler_.state_dict(), prefix + "grad_scaler")
        return info


def save(estimator, path, *, key=None):
    """Save a fitted sknn estimator to a safetensors file that :func:`load` reads without pickle.

    Parameters
    ----------
    estimator : a fitted sknn estimator
        Of a class of :func:`loadable_classes` (every estimator of sknn's families).
    path : str or path-like
        Where to write (conventionally ``*.safetensors``); an existing file is replaced once the new one is complete.
    key : bytes or str, default=None
        Secret for an HMAC-SHA256 of the content: :func:`load` then needs the same key and refuses a file that was
        changed or written without it. Without a key, a SHA-256 digest detects damage, but anyone can write a file
        with a valid digest.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        The estimator is not fitted.
    FileNotFoundError, IsADirectoryError, NotADirectoryError
        The folder of ``path`` does not exist, ``path`` is a folder, or a file stands where its folder should be
        (checked before any work).
    ValueError
        ``path`` exists but is not a regular file (a named pipe, a device, a socket), which saving would replace.
    TypeError
        The estimator is not one of sknn's, or a parameter (or fitted attribute) holds code, e.g. a callable
        ``tokenizer``, a ``module`` class or ``callbacks``: save such a model with joblib instead.
    sklearn.utils._param_validation.InvalidParameterError (a ValueError and a TypeError)
        A parameter set after fit is invalid (``optimizer='SGD'``): set a valid value first (nothing is written).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import sknn
    >>> from sknn import DenseClassifier
    >>> X, y = np.random.RandomState(0).normal(size=(40, 3)), np.array(["a", "b"] * 20)
    >>> clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=5, n_iter_no_change=None, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.safetensors")
    ...     clf.save(path)                      # or sknn.persist.save(clf, path)
    ...     again = sknn.load(path)
    >>> bool((again.predict_proba(X) == clf.predict_proba(X)).all()), again.n_iter_
    (True, 5)
    """
    from sklearn.exceptions import NotFittedError

    from . import __version__

    key = _check_key(key)
    if not _is_loadable(type(estimator)):
        raise TypeError(f"sknn's save stores sknn's estimators ({', '.join(loadable_classes())}), not a "
                        f"{type(estimator).__name__}; use joblib for other objects (and load them only from a "
                        "source you trust).")
    if not _is_fitted(estimator):
        raise NotFittedError(f"This {type(estimator).__name__} is not fitted yet: fit it before saving. (Its "
                             "parameters alone are get_params(); clone() copies them.)")
    try:  # a value set after fit that load could not build the model from: refused now, naming the parameter
        if hasattr(estimator, "_parameter_constraints"):  # (TabularPreprocessor has none)
            estimator._validate_params()
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"Cannot save: {exc} Set a valid value first (est.set_params): load builds the "
                                    "model from its parameters.") from None
    path = check_output_path(path)
    writer = _Writer()
    try:
        node = writer.estimator(estimator, "")
    except UnsafeValue as exc:
        raise TypeError(unsafe_message(exc)) from None
    document = json.dumps({"format": "sknn", "format_version": FORMAT_VERSION, "sknn_version": __version__,
                           "estimator": node}, sort_keys=True, separators=(",", ":"))
    metadata = {_DOCUMENT: document, _DIGEST: _digest(document, writer.tensors, key)}
    from safetensors.torch import save as to_bytes

    data = to_bytes(writer.tensors, metadata=metadata)
    write_atomically(path, data)


# -- reading ------------------------------------------------------------------------------------
class _Reader(ValueReader):
    """Builds the estimator back from the JSON document and the tensors."""

    TYPES = ValueReader.TYPES | {"estimator"}

    def __init__(self, tensors):
        super().__init__(tensors)
        self.classes = loadable_classes()

    def _estimator(self, node, where):
        from . import __version__

        name = node["class"]
        cls = self.classes.get(name) if isinstance(name, str) else None
        if cls is None:
            raise FormatError(f"The file holds a {name!r}, which is not a class sknn.load builds ("
                              f"{', '.join(self.classes)}); the file is damaged or was not written by sknn's save.")
        params = {k: self.decode(v, f"{where}{name}.{k}") for k, v in node["params"].items()}
        unknown = sorted(set(params) - set(cls._get_param_names()))
        if unknown:
            raise FormatError(f"The saved {name} has parameters {unknown} that {name} of sknn {__version__} does "
                              "not have: the file was written by another sknn version; load it with that version "
                              "(or upgrade sknn).")
        est = cls(**params)
        if "attributes" not in node:  # an estimator given as a parameter, not fitted
            return est
        if "engine" not in node and "network" not in node and not getattr(cls, "_persist_data_only", False):
            raise FormatError(f"The saved {name} has fitted attributes but no network: the file is damaged or was "
                              "not written by sknn's save.")
        for attr, value in node["attributes"].items():
            if (not (isinstance(attr, str) and attr.isidentifier()) or attr.startswith("__") or attr in params
                    or attr in _RESERVED or hasattr(cls, attr)):  # data only: never shadow a method or property
                raise FormatError(f"Invalid fitted attribute name {attr!r} in the file.")
            setattr(est, attr, self.decode(value, f"{where}{name}.{attr}"))
        try:
            getattr(est, "_check_restored", lambda: None)()  # attributes that contradict each other: an edited file
        except ValueError as exc:
            raise FormatError(f"The saved {name}'s fitted attributes contradict each other: {exc} The file was "
                              "changed after it was saved, or damaged.") from exc
        if "engine" not in node and "network" not in node:
            return est
        if cls._architecture_params and not hasattr(est, "architecture_"):  # a file written before the
            est._record_architecture()  # architecture was recorded: the network was built from the parameters
        architecture = getattr(est, "architecture_", {})
        if type(architecture) is not dict:
            raise FormatError(f"The saved {name}'s architecture_ is not a dict of parameters.")
        weights = saved_weights((node.get("engine") or node.get("network"))["state"], self.tensor)
        check_layer_lists(params, architecture, weights, name)
        if "engine" in node:
            self.engine(est, node["engine"], weights)
        else:  # a network without an engine (nothing trains it after fit)
            device = load_device(node["network"]["device"])
            with torch.device("meta"):
                probe = build_at_most(est._build_module, weights, name)
                weights = check_shapes(probe, weights, name)  # (completed: a file from before a buffer)
                check_dtypes(probe, est._build_module, weights, name)
            module = materialised(probe, device)  # the file's weights fill it: nothing drawn, no wait for a fit
            if module is None:  # tensors only building gives: built as fit did (its weights replaced below)
                with seeded(0, device):
                    module = est._build_module().to(device)
            load_weights(module, weights, name)
            est.module_, est.device_ = module, device
        network = getattr(getattr(est, "net_", None), "module_", None)
        network = getattr(est, "module_", None) if network is None else network
        if network is not None:  # in evaluation mode, as fit leaves it (threads predicting find it as each leaves it)
            network.eval()
        return est

    def engine(self, est, info, weights):
        from skorch.history import History

        device = load_device(info["device"])
        batch_size, seed = int(info["batch_size"]), int(info["seed"])
        incremental = "stopping" not in info["callbacks"]  # the engine of a partial_fit has no stopping rule
        name, settings = type(est).__name__, self.decode(info.get("settings"), "settings")

        # the engine of ``module`` (None: a network it builds), which trains on with the saved engine's optimizer
        # and settings, whatever set_params did since
        built_with = {k: v for k, v in dict((settings or {}).get("engine_params") or {}).items()
                      if k in getattr(est, "_engine_params", ()) and k != "device"}  # (a file names no other)
        if (settings or {}).get("precision") in ("32", "bf16", "fp16") and "precision" in est.get_params():
            built_with["precision"] = settings["precision"]  # (None: a file of an older sknn)

        def make_engine(module=None):
            current = {name: getattr(est, name) for name in built_with}
            est.set_params(**built_with)  # the engine as it was built (a backbone's rate, compile), whatever
            try:  # set_params changed since, which then stays the estimator's (refused by a partial_fit)
                net = est._make_engine(est._build_module() if module is None else module, batch_size, device, seed,
                                       incremental)
            finally:
                est.set_params(**current)
            if settings is not None:  # (None: a file of an older sknn, which did not record them)
                for k in [k for k in vars(net) if k.startswith("optimizer__")]:  # (momentum, betas...)
                    delattr(net, k)
                vars(net).update({f"optimizer__{k}": v for k, v in dict(settings["kwargs"]).items()})
                net.optimizer = {c.__name__: c for c in OPTIMIZERS.values()}[settings["optimizer"]]  # (else damaged)
                net.lr, net.l1, net.shuffle = float(settings["lr"]), float(settings["l1"]), bool(settings["shuffle"])
            return net

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with torch.device("meta"):
                probe = build_at_most(make_engine, weights, name).module
                weights = check_shapes(probe, weights, name)  # (completed: a file from before a buffer)
                check_dtypes(probe, est._build_module, weights, name)
            module = materialised(probe, device)  # the file's weights fill it: nothing drawn, no wait for a fit
            with seeded(0, device) if module is None else contextlib.nullcontext():  # (None: built as fit built it,
                net = make_engine(module)  # its weights replaced below)
                net.initialize()
        net.set_batch_size(batch_size, float(info["weight_decay"]))
        self.callback_states(net, info)
        load_weights(unwrapped(net.module_), weights, name)
        optimizer_state = self.decode(info["optimizer"], "optimizer")
        try:
            net.optimizer_.load_state_dict(optimizer_state)
            defaults, decoupled = net.optimizer_.defaults, "decoupled_weight_decay"  # another optimizer's groups lack
            # settings of this one (SGD's dampening, Adam's betas, RMSprop's alpha), or Adam's and AdamW's decays differ
            problem = (any(set(defaults) - set(group) for group in net.optimizer_.param_groups) or decoupled in defaults
                       and any(group.get(decoupled, defaults[decoupled]) != defaults[decoupled]
                               for group in optimizer_state["param_groups"])) and (
                f"is another optimizer's than the {type(net.optimizer_).__name__} of the parameters: they were changed "
                "after the last fit, and a file of an older sknn does not say which optimizer trained")
        except (ValueError, KeyError, IndexError) as exc:
            problem = f"could not be restored ({exc}): the parameters were changed after the last fit"
        if problem:  # never one optimizer's moments in another (nor what a failed load left): a fresh optimizer
            net.initialize_optimizer()
            warn_user(f"The optimizer's state in the file {problem}. Predictions are not affected; partial_fit "
                      f"starts a fresh {type(net.optimizer_).__name__}.", UserWarning)
        for param, state in net.optimizer_.state.items():  # the moments in their parameter's memory layout
            for k, v in state.items():  # (channels-last...): the fused optimizers pair them element by element
                if torch.is_tensor(v) and v.shape == param.shape:
                    state[k] = torch.empty_like(param, dtype=v.dtype).copy_(v)
        scaler, scaler_state = getattr(net, "grad_scaler_", None), self.decode(info.get("grad_scaler"), "grad_scaler")
        if scaler is not None and scaler_state is not None:  # fp16 on both sides: the loss scale continues
            if type(scaler_state) is not dict or not all(type(v) in (int, float) for v in scaler_state.values()):
                raise FormatError("The loss scaler's state in the file is not a dict of numbers.")
            scaler.load_state_dict(scaler_state)
        history = self.decode(info["history"], "history")
        if type(history) is not list or not all(type(row) is dict for row in history):
            raise FormatError("The training history in the file is not a list of epochs.")
        net.history_ = History(history)
        est.net_, est.device_ = net, device

    def callback_states(self, net, info):
        """Give the rebuilt engine's callbacks the states the saved ones had (the plateau of a ReduceLROnPlateau
        schedule...): each callback that keeps one has ``saved_state()`` and ``restore_saved_state(state, net)``,
        which checks each value against ``net`` (its optimizer's parameter groups...). A file of an older sknn has
        none: the callbacks start anew."""
        states = self.decode(info.get("callback_states"), "callback_states") or {}
        if type(states) is not dict:
            raise FormatError("The callbacks' states in the file are not a dict by callback name.")
        callbacks = dict(net.callbacks_)
        for name, state in states.items():
            restore = getattr(callbacks.get(name), "restore_saved_state", None)
            if restore is None:  # a callback the parameters no longer make (changed after fit): nothing to continue
                continue
            try:
                restore(state, net)
            except ValueError as exc:
                raise FormatError(f"The saved state of the callback {name!r} cannot be restored: {exc}. The file is "
                                  "damaged or forged.") from None


def load(path, *, key=None):
    """Load an estimator saved by :func:`save` (or ``est.save``), without unpickling anything.

    The digest (or with ``key``, the HMAC) is checked before anything else is read; the estimator is built from sknn's
    own classes and its network from its parameters, then the saved weights are loaded into it. Nothing is downloaded,
    and a network saved from a GPU loads on the CPU of a machine without one.

    Parameters
    ----------
    path : str or path-like
    key : bytes or str, default=None
        The key the file was saved with, if any.

    Returns
    -------
    estimator : the fitted estimator, predicting as the saved one did
        ``partial_fit`` and ``warm_start`` continue its training (its optimizer, with its state and settings, and
        its history are restored).

    Raises
    ------
    FileNotFoundError
    FormatError (a ValueError)
        Not a safetensors file, not written by sknn, written in a newer format version, naming a class, a value type
        or a dtype that sknn does not build, holding weights that do not fit the network its parameters describe, or
        any other content that cannot be read back (the original error is the ``__cause__``).
    IntegrityError (a ValueError)
        The content does not match its digest (the file was changed or damaged); with a key, the HMAC does not match
        (another key, or a forged file); a key is missing or was given for a file saved without one.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import sknn
    >>> from sknn import DenseRegressor
    >>> X = np.random.RandomState(0).normal(size=(50, 4))
    >>> reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, X.sum(axis=1))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "reg.safetensors")
    ...     reg.save(path, key=b"a secret of the team")
    ...     again = sknn.load(path, key=b"a secret of the team")
    ...     try:
    ...         sknn.load(path, key=b"another secret")
    ...     except ValueError as exc:
    ...         print(type(exc).__name__)
    IntegrityError
    >>> bool((again.predict(X) == reg.predict(X)).all())
    True
    """
    from safetensors.torch import load as from_bytes

    from . import __version__

    key = _check_key(key)
    path = check_input_path(path)  # (a missing file, a folder, a FIFO: refused, named)
    with open(path, "rb") as f:  # read once: what is checked and built is this copy, never the file again
        data = f.read()
    try:
        with torch.inference_mode(False):  # (loaded inside inference_mode: ordinary tensors, which train again)
            tensors = from_bytes(data)  # each tensor in memory of its own, not mapped to the file
        metadata = json.loads(data[8:8 + int.from_bytes(data[:8], "little")]).get("__metadata__") or {}
    except Exception as exc:  # safetensors' own error, for any file it cannot parse
        if len(data) < 10:  # (a header's length, 8 bytes, and its first two, '{"')
            held = "empty (0 bytes)" if not data else f"{len(data)} bytes only, too short for any saved model"
            raise FormatError(f"{path!r} is {held}: an interrupted save or copy? Save it again.") from None
        short = missing_bytes(data)
        if short:
            part, have, want = short
            said = (f"its header describes {want} bytes of data but the file holds {have}" if part == "data" else
                    f"it ends at byte {have}, inside its header of {want} bytes")
            raise FormatError(f"{path!r} is truncated: {said} (an interrupted copy or download?); copy or save it "
                              "again.") from None
        onnx = str(path).lower().endswith(".onnx") and data[:1] == b"\x08"  # (an ONNX model's first field)
        raise FormatError(f"{path!r} is " + ("an ONNX model, which onnxruntime runs; sknn.load reads" if onnx else
                          f"not a safetensors file ({exc}). sknn.load reads") + " files written by "
                          "est.save(path). A pickle or joblib file is opened with joblib.load, which can run code: "
                          "only do so for files from a source you trust.") from None
    del data
    document, digest = metadata.get(_DOCUMENT), metadata.get(_DIGEST)
    if document is None:
        raise FormatError(f"{path!r} is a safetensors file, but not one written by sknn's save (it has no "
                          f"{_DOCUMENT!r} metadata): read its tensors with safetensors.torch.load_file.")
    try:
        doc = json.loads(document)
    except (ValueError, RecursionError):
        raise FormatError(f"The sknn header of {path!r} is not valid JSON: the file is damaged.") from None
    version = doc.get("format_version") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("format") != "sknn" or type(version) is not int or version < 1:
        raise FormatError(f"The sknn header of {path!r} has no valid format version: the file is damaged or was "
                          "not written by sknn's save.")
    if version > FORMAT_VERSION:
        raise FormatError(f"{path!r} was written by sknn {doc.get('sknn_version', '?')} in format version {version}, "
                          f"but this sknn ({__version__}) reads format versions up to {FORMAT_VERSION}: upgrade sknn "
                          "(pip install -U sknn) to load it.")
    match = _DIGEST_FORMAT.fullmatch(digest) if isinstance(digest, str) else None  # ASCII hex, or refused
    scheme = match[1] if match else None
    if scheme == "hmac-sha256" and key is None:
        raise IntegrityError(f"{path!r} is signed with a key (HMAC-SHA256): pass the key it was saved with, "
                             "sknn.load(path, key=...).")
    if scheme == "sha256" and key is not None:
        raise IntegrityError(f"{path!r} was saved without a key, so key= cannot authenticate it: anyone could have "
                             "written it. Load it without key= only if you trust its source, or have it saved with "
                             "est.save(path, key=...).")
    if scheme not in ("sha256", "hmac-sha256"):
        raise IntegrityError(f"{path!r} has no valid sknn digest: the file is damaged or was not written by sknn.")
    if not hmac.compare_digest(_digest(document, tensors, key), digest):
        if key is not None:
            raise IntegrityError(f"{path!r} failed authentication: its HMAC does not match with this key. Either the "
                                 "key is not the one it was saved with, or the file was changed after it was saved; "
                                 "do not use it unless you can tell which.")
        raise IntegrityError(f"{path!r} does not match its SHA-256 digest: it was changed or damaged after it was "
                             "saved (its weights or its header differ). Restore it from a good copy or save the "
                             "model again.")
    node = doc.get("estimator")
    if not isinstance(node, dict) or node.get("__type__") != "estimator" or "attributes" not in node:
        raise FormatError(f"{path!r} holds no fitted estimator.")
    check_torch_cache_folder()  # (building the network imports torch's compiler: not the file's fault)
    try:
        with torch.inference_mode(False):
            return _Reader(tensors).decode(node, "")
    except (FormatError, IntegrityError, Warning):  # a warning the caller's filters turned into an error
        raise
    except Exception as exc:
        raise FormatError(f"{path!r} could not be read back ({type(exc).__name__}: {exc}); the file is damaged "
                          "or was written by an incompatible sknn.") from exc


class SaveMixin:
    """Adds ``save(path, *, key=None)`` to an estimator (:func:`save` as a method), and makes its class loadable.

    A subclass defined in a module of the sknn package, with a public name, registers itself by that name when it is
    defined: :func:`load` builds registered classes only, so it never imports a name read from a file, and a class
    defined elsewhere (a user's subclass) is neither saved nor loaded. A base that is never instantiated says so in
    its class statement: ``class Base(SaveMixin, abstract=True)``.
    """

    def __init_subclass__(cls, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        if not abstract and not cls.__name__.startswith("_") and cls.__module__.partition(".")[0] == "sknn":
            _register(cls)

    def save(self, path, *, key=None):
        """Save the fitted estimator to a safetensors file; ``sknn.load(path)`` reads it back without pickle.

        Parameters
        ----------
        path : str or path-like
        key : bytes or str, default=None
            Secret for an HMAC-SHA256 that :func:`sknn.load` checks (pass it there too).

        See :func:`sknn.persist.save` for what is stored and what cannot be.
        """
        save(self, path, key=key)
