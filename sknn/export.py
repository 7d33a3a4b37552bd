"""ONNX export of fitted estimators, for deployment without sknn, skorch or torch.

:func:`to_onnx` writes one self-contained ``.onnx`` file: the network in evaluation
mode, the softmax of the classifiers, and as much of sknn's own input preprocessing as
a graph can hold (the resize and ImageNet normalisation of the transfer classifier,
the padding mask of the tagger). The deployment contract (input names, shapes, layout
and scaling, the class labels, the tagger's vocabularies) is stored as JSON strings in
the model's ``metadata_props``; :func:`onnx_metadata` reads it back, and
:func:`onnx_inputs` turns raw input (what ``predict_proba`` accepts) into the feed of an
``onnxruntime.InferenceSession`` with the estimator's own data adapter.

Input contract of each family (``B`` is a dynamic batch size):

========================  ===============================================  ==========================
estimator                 inputs                                           output
========================  ===============================================  ==========================
DenseClassifier           ``X`` float32 (B, n_features)                    ``probabilities`` (B, n_classes)
DenseRegressor            ``X`` float32 (B, n_features)                    ``predictions`` float64 (B,) or
                                                                           (B, n_outputs)
ConvImageClassifier       ``images`` float32 (B, C, H, W), fitted C, H, W  ``probabilities`` (B, n_classes)
TransferVGGClassifier     ``images`` float32 (B, 3, H, W), any H, W        ``probabilities`` (B, n_classes)
VGGFeatureExtractor       ``images`` float32 (B, 3, H, W), any H, W        ``features`` (B, n_features_out)
LSTMSequenceTagger        ``words`` int64 (B, T) or ``features`` float32   ``probabilities`` (B, T, n_classes)
                          (B, T, n_features); ``lengths`` int64 (B,);
                          ``chars`` int64 (B, T, W) with char features
========================  ===============================================  ==========================

Columns of ``probabilities`` follow ``classes_`` (metadata ``classes``); the predicted
label is ``classes[argmax]``. The tagger's sequences are padded at the end to the
longest one (``T``); rows of ``probabilities`` past a sequence's length are zero.

The graph computes in float32; a regressor's last step, back to the target's scale, in
float64 as ``predict`` does (a target around 1e9 keeps its decimals). A model used with
``precision='bf16'`` or ``'fp16'`` on a GPU (or ``'bf16'`` on a CPU with AMX) predicts there in reduced
precision, so its ``predict_proba`` and the ONNX model agree only to that precision (about 1e-2), not to 1e-4.

A scikit-learn ``Pipeline`` is not exported as a whole: export its last step and run
the steps before it (a scaler, say) in front of the ONNX model, or export them with
skl2onnx.

Each family writes its own graph and input contract (the ``_onnx_graph`` and
``_onnx_feed`` hooks of :mod:`sknn._family`, returning an :class:`OnnxGraph`); this
module holds what they share: the export itself, the metadata, the softmax and target
scaling wrappers, and the custom op that keeps recurrent layers' sequence length dynamic.
"""

import contextlib
import copy
import json
import logging
import numbers
import os
import threading
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._input_files import file_path
from ._persist_files import check_output_path, check_writable, write_atomically
from ._warnings import warn_user
from .persist import loadable_classes

__all__ = ["OnnxGraph", "Predictions", "Probabilities", "labels", "onnx_inputs", "onnx_metadata", "proba_output",
           "to_onnx"]

_INSTALL = 'pip install "sknn[onnx]"'
_QUIET_LOGGERS = ("torch.onnx", "torch.export", "torch._export", "torch._dynamo", "torch.fx", "torch._subclasses",
                  "torch.utils._sympy", "onnxscript", "onnx_ir")


@dataclass
class OnnxGraph:
    """What a family hands to :func:`to_onnx` (its ``_onnx_graph(network)`` hook): the graph and its contract.

    Attributes
    ----------
    module : torch.nn.Module
        What the graph computes, from the evaluation copy of the fitted network.
    args : tuple of tensors
        Example inputs, in the order of ``inputs``.
    inputs : list of dict
        Each input's ``name``, ``dtype``, ``shape`` (names for dynamic sizes) and ``description``.
    dynamic_shapes : tuple of dict
        For each input, its dynamic axes: ``{axis: torch.export.Dim}``.
    output : dict
        The output's ``name``, ``dtype``, ``shape`` and ``description``.
    preprocessing : dict
        What happens to the raw input inside and outside the graph (metadata ``preprocessing``).
    metadata : dict
        More entries of the metadata (the tagger's vocabularies, say).
    """

    module: nn.Module
    args: tuple
    inputs: list
    dynamic_shapes: tuple
    output: dict
    preprocessing: dict
    metadata: dict = field(default_factory=dict)


def _exportable(cls):
    return callable(getattr(cls, "_onnx_graph", None)) and callable(getattr(cls, "_onnx_feed", None))


def _check_estimator(estimator):
    if not _exportable(type(estimator)):
        names = ", ".join(name for name, cls in loadable_classes().items() if _exportable(cls))
        hint = ""
        if hasattr(estimator, "steps"):
            hint = (" For a Pipeline, export its last step (pipe[-1]) and run the steps before it in front of the "
                    "ONNX model.")
        raise TypeError(f"ONNX export supports {names}; got {type(estimator).__name__}.{hint}")
    estimator._fitted_module()  # a NotFittedError before fit
    return estimator


def _require_onnx():
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"ONNX export needs the onnx and onnxscript packages ({exc.name} is missing): "
                          f"{_INSTALL}") from exc
    import inspect

    if "dynamic_shapes" not in inspect.signature(torch.onnx.export).parameters:
        raise ImportError(f"ONNX export needs the torch.export-based ONNX exporter of PyTorch 2.6 or later; this is "
                          f"torch {torch.__version__}.")


# -- what the families' graphs share -----------------------------------------------------------------------------------
class Probabilities(nn.Module):
    """Logits of a network -> class probabilities."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, x):
        return torch.softmax(self.network(x), dim=1)


class Predictions(nn.Module):
    """A regression network's outputs on the target's scale (the network learns the standardised target), flattened
    to (n,) when y was 1-D in fit (as ``predict`` returns them). The scale and offset apply in float64, as in
    ``predict``: in float32 a target around 1e9 would come back in steps of 64."""

    def __init__(self, network, flat, mean, scale, value_range=None):
        super().__init__()
        self.network = network
        self.flat = flat
        as_tensor = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
        self.register_buffer("mean", as_tensor(mean))
        self.register_buffer("scale", as_tensor(scale))
        self.clip = value_range is not None
        if self.clip:
            self.register_buffer("low", as_tensor(value_range[0]))
            self.register_buffer("high", as_tensor(value_range[1]))

    def forward(self, x):
        out = self.network(x).double() * self.scale + self.mean
        if self.clip:
            out = torch.minimum(torch.maximum(out, self.low), self.high)
        return out[:, 0] if self.flat else out


def labels(classes):
    """Class labels as a JSON-ready list; dates and durations as their text (``tolist`` gives nanosecond dates as
    integers, and those of other units as text or date objects): ``np.datetime64(label)`` reads a date back,
    ``pd.Timedelta(label)`` a duration."""
    classes = np.asarray(classes)
    if classes.dtype.kind == "M":
        return np.datetime_as_string(classes).tolist()
    return [str(c) for c in classes] if classes.dtype.kind == "m" else classes.tolist()


def proba_output(shape):
    """The output spec of class probabilities of the given shape."""
    return {"name": "probabilities", "dtype": "float32", "shape": shape,
            "description": "class probabilities, columns in the order of 'classes' (predict: classes[argmax])"}


# -- recurrent layers: one custom op, translated to ONNX's LSTM/GRU/RNN ------------------------------------------------
# torch.export traces nn.LSTM/GRU/RNN through a decomposition that unrolls the time steps,
# which fixes the sequence length to the example's. The export copy of the network calls
# the layers through an opaque custom op instead (eager: the same torch kernels), and the
# op becomes one ONNX recurrent node, so the graph takes sequences of any length.
_RNN_MODES = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}
# gate blocks of torch's weights in ONNX's order: LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h
_GATE_ORDER = {"lstm": [0, 3, 1, 2], "gru": [1, 0, 2], "rnn_tanh": [0], "rnn_relu": [0]}
_rnn_op_cache = []


def _rnn_op():
    """The custom op ``sknn::onnx_rnn``: one unidirectional, single-layer, batch-first recurrent layer, zero
    initial state; registered on first use."""
    if _rnn_op_cache:
        return _rnn_op_cache[0]
    try:
        op = torch.ops.sknn.onnx_rnn.default  # registered by another copy of this module
    except (AttributeError, RuntimeError):
        @torch.library.custom_op("sknn::onnx_rnn", mutates_args=())
        def onnx_rnn(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor,
                     b_hh: torch.Tensor, mode: str, hidden_size: int) -> torch.Tensor:
            h0 = x.new_zeros(1, x.shape[0], hidden_size)
            params = [w_ih, w_hh, b_ih, b_hh]
            if mode == "lstm":
                return torch.lstm(x, (h0, h0), params, True, 1, 0.0, False, False, True)[0]
            run = {"gru": torch.gru, "rnn_tanh": torch.rnn_tanh, "rnn_relu": torch.rnn_relu}[mode]
            return run(x, h0, params, True, 1, 0.0, False, False, True)[0]

        @onnx_rnn.register_fake
        def _(x, w_ih, w_hh, b_ih, b_hh, mode, hidden_size):
            return x.new_empty(x.shape[0], x.shape[1], hidden_size)

        op = torch.ops.sknn.onnx_rnn.default
    _rnn_op_cache.append(op)
    return op


def _rnn_to_onnx(x, w_ih, w_hh, b_ih, b_hh, mode, hidden_size):
    """The translation of ``sknn::onnx_rnn``: ONNX's LSTM, GRU or RNN node on time-major input."""
    from onnxscript import opset18 as op

    h = int(hidden_size)

    def onnx_gates(w):
        return op.Concat(*[op.Slice(w, [k * h], [(k + 1) * h], [0]) for k in _GATE_ORDER[mode]], axis=0)

    W, R = op.Unsqueeze(onnx_gates(w_ih), [0]), op.Unsqueeze(onnx_gates(w_hh), [0])
    B = op.Unsqueeze(op.Concat(onnx_gates(b_ih), onnx_gates(b_hh), axis=0), [0])
    xt = op.Transpose(x, perm=[1, 0, 2])  # (T, B, features): ONNX's default layout
    if mode == "lstm":
        y, _, _ = op.LSTM(xt, W, R, B, hidden_size=h)
    elif mode == "gru":
        y, _ = op.GRU(xt, W, R, B, hidden_size=h, linear_before_reset=1)  # torch's formulation
    else:
        y, _ = op.RNN(xt, W, R, B, hidden_size=h, activations=["Tanh" if mode == "rnn_tanh" else "Relu"])
    return op.Transpose(op.Squeeze(y, [1]), perm=[1, 0, 2])  # (T, 1, B, H) -> (B, T, H)


class _ExportRNN(nn.Module):
    """Stands for an nn.LSTM/GRU/RNN layer of sknn's (one layer, one direction, batch first) in the export copy."""

    def __init__(self, layer):
        super().__init__()
        if layer.num_layers != 1 or layer.bidirectional or not layer.batch_first or not layer.bias \
                or getattr(layer, "proj_size", 0):
            raise NotImplementedError("ONNX export handles single-layer, one-direction, batch-first recurrent layers "
                                      "with biases (the layers sknn builds).")
        self.layer = layer
        self.mode = _RNN_MODES[layer.mode]

    def forward(self, x):
        layer = self.layer
        out = _rnn_op()(x, layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0, self.mode,
                        layer.hidden_size)
        return out, None


def _swap_recurrent_layers(module):
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.RNNBase):
                setattr(parent, name, _ExportRNN(child))
    return module


def _network_copy(estimator):
    """A CPU copy of the estimator's fitted module in evaluation mode, recurrent layers as the export op."""
    return _swap_recurrent_layers(copy.deepcopy(estimator._fitted_module()).cpu().eval())


def _metadata(estimator, graph):
    from . import __version__

    meta = {"sknn_version": __version__, "estimator": type(estimator).__name__,
            "inputs": graph.inputs, "outputs": [graph.output], "preprocessing": graph.preprocessing}
    if hasattr(estimator, "classes_"):
        meta["classes"] = labels(estimator.classes_)
    meta.update(graph.metadata)
    for key, value in meta.items():
        _refuse_unencodable_text(key, value)
    return {k: json.dumps(v, ensure_ascii=False, default=str) for k, v in meta.items()}


_TEXT_KINDS = {"classes": "The label", "vocabulary": "The vocabulary's word", "char_vocabulary": "The character"}


def _refuse_unencodable_text(key, value):
    """Refuse a string in the metadata ``key`` that UTF-8, the text encoding of ONNX files, cannot write (a lone
    surrogate, as text decoded with errors='surrogateescape' has): the file's writer would fail only at the end."""
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        items = [value]
    for item in items:
        if isinstance(item, (dict, list, tuple)):
            _refuse_unencodable_text(key, item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{_TEXT_KINDS.get(key, f'The {key} value')} {item!r} holds a lone surrogate, which "
                                 "UTF-8 cannot write: an ONNX file stores its text in UTF-8. Replace such characters "
                                 "in the data and fit again (text.encode('utf-8', 'replace').decode()).") from None


_EXPORTING = threading.Lock()  # torch.export is not thread-safe; nor are the loggers' levels and warning filters


@contextlib.contextmanager
def _quiet():
    """Silence the exporter (its warnings and log lines), one export at a time in the process: two threads
    exporting at once failed inside torch.export, and each restored the other's filters and levels."""
    with _EXPORTING:
        loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
        levels = [lg.level for lg in loggers]
        try:
            for lg in loggers:
                lg.setLevel(logging.ERROR)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        finally:
            for lg, level in zip(loggers, levels):
                lg.setLevel(level)


# -- the public functions --------------------------------------------------------------------------------------------
def to_onnx(estimator, path, *, opset=None):
    """Write a fitted estimator's network as an ONNX model, for onnxruntime and other ONNX runtimes.

    The network runs in evaluation mode from a CPU copy of the estimator's module (the
    estimator is left as it was). Classifiers output class probabilities
    (``probabilities``, the softmax inside the graph) equal to ``predict_proba``; the
    regressor outputs ``predictions`` equal to ``predict``, and VGGFeatureExtractor
    ``features`` equal to ``transform``. The batch size is dynamic,
    and so are the sequence length of the tagger and the image size of the VGG models
    (images are resized in the graph). :func:`onnx_inputs` prepares the
    inputs from what ``predict_proba`` accepts; the module docstring lists the inputs
    of each family.

    The deployment contract is stored as JSON strings in the model's ``metadata_props``
    (read them with :func:`onnx_metadata`): ``sknn_version``, ``estimator``,
    ``classes`` (the labels, in column order), ``inputs`` and ``outputs`` (names,
    dtypes, shapes), ``preprocessing`` (layout, image size, pixel scaling, what happens
    inside and outside the graph) and, for a tagger of tokens, ``vocabulary`` (word of
    each id) and ``char_vocabulary`` (character of each id, or absent).

    Parameters
    ----------
    estimator : a fitted estimator of a family with an ONNX graph (the module docstring lists them)
    path : str or os.PathLike
        Where to write the ``.onnx`` file (one file: the weights are inside it).
    opset : int or None, default=None
        ONNX opset version; None takes the exporter's default (20 with torch 2.13). The
        exporter keeps a higher one where an operator needs it (the antialiased resize of
        the transfer classifier needs 18), with a warning saying which.

    Returns
    -------
    path : str

    Raises
    ------
    TypeError
        For an estimator whose family has no ONNX graph.
    sklearn.exceptions.NotFittedError
        For an estimator that is not fitted.
    ImportError
        When onnx or onnxscript is missing (``pip install "sknn[onnx]"``).

    Notes
    -----
    The graph is exported with the ``torch.export``-based exporter (``dynamo=True``),
    which also exports the antialiased resize of the transfer classifier (the legacy
    TorchScript exporter cannot). Each recurrent layer of the tagger becomes one ONNX
    LSTM, GRU or RNN node (torch.export would otherwise unroll it over the example's
    time steps), and the backward direction is read within each sequence's length as in
    sknn. A ConvImageClassifier with ``compile=True`` exports its uncompiled module.

    Examples
    --------
    >>> import os, tempfile
    >>> import onnxruntime as ort
    >>> from sklearn.datasets import load_iris
    >>> from sknn import DenseClassifier
    >>> from sknn.export import onnx_inputs, onnx_metadata, to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DenseClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(X, y)
    >>> path = to_onnx(clf, os.path.join(tempfile.mkdtemp(), "iris.onnx"))
    >>> onnx_metadata(path)["classes"]
    [0, 1, 2]
    >>> session = ort.InferenceSession(path)
    >>> (proba,) = session.run(["probabilities"], onnx_inputs(clf, X[:5]))
    >>> proba.shape
    (5, 3)
    >>> bool(abs(proba - clf.predict_proba(X[:5])).max() < 1e-5)
    True
    """
    _check_estimator(estimator)
    path = check_output_path(path, example="model.onnx")
    _require_onnx()
    check_writable(path)  # (before the export, which takes seconds to minutes)
    import onnx

    newest = onnx.defs.onnx_opset_version()
    if opset is not None and (not isinstance(opset, numbers.Integral) or isinstance(opset, bool)
                              or not 1 <= opset <= newest):
        raise ValueError(f"opset must be None or a whole number from 1 to {newest} (the newest this onnx knows), "
                         f"got {opset!r}.")
    graph = estimator._onnx_graph(_network_copy(estimator))
    module, args, inputs, dynamic, output = graph.module, graph.args, graph.inputs, graph.dynamic_shapes, graph.output
    metadata = _metadata(estimator, graph)  # before the export: its checks refuse what the file could not hold
    with _quiet():
        # torch.export first: it raises where the network would fix a dynamic size (torch.onnx.export would
        # fall back to a graph of the example's sizes without a word)
        exported = torch.export.export(module, args, dynamic_shapes=dynamic, strict=False)
        program = torch.onnx.export(exported, args, None, dynamo=True, verbose=False, opset_version=opset,
                                    input_names=[i["name"] for i in inputs], output_names=[output["name"]],
                                    custom_translation_table={_rnn_op(): _rnn_to_onnx}, external_data=False)
        names = {}
        for spec, value in zip(inputs, program.model.graph.inputs):
            for dim, name in zip(value.shape, spec["shape"]):
                if isinstance(name, str) and not isinstance(dim, int):
                    names[dim] = name
        program.rename_axes(names)
        proto = program.model_proto
    written = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
    if opset is not None and written != opset:
        warn_user(f"opset={opset} was asked, but the exporter wrote opset {written}: it cannot write this network "
                  "in the opset asked for.", UserWarning)
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=value)
    proto.doc_string = f"sknn {type(estimator).__name__}; see metadata_props for the input contract."
    if proto.ByteSize() > 2_000_000_000:  # protobuf's limit: larger weights go to a file beside the model
        onnx.save_model(proto, path, save_as_external_data=True, location=os.path.basename(path) + ".data")
    else:
        write_atomically(path, proto.SerializeToString())  # (a complete file or none, the path named in errors)
    return path


def onnx_metadata(model):
    """The deployment contract stored by :func:`to_onnx`, JSON values decoded.

    Parameters
    ----------
    model : str, os.PathLike or onnx.ModelProto

    Returns
    -------
    dict
        ``sknn_version``, ``estimator``, ``inputs``, ``outputs``, ``preprocessing``,
        ``classes`` and for a tagger of tokens ``vocabulary`` (and ``char_vocabulary``).
    """
    _require_onnx()
    import onnx

    if not isinstance(model, onnx.ModelProto):
        path = file_path(model, "model", "an ONNX file (or an onnx.ModelProto)")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No ONNX file at {path!r}.")
        try:
            model = onnx.load(path, load_external_data=False)
        except Exception as exc:  # noqa: BLE001 - protobuf's DecodeError and friends, naming no file
            raise ValueError(f"{path!r} is not an ONNX model ({type(exc).__name__}); pass a file written by "
                             "to_onnx.") from None
    out = {}
    for prop in model.metadata_props:
        try:
            out[prop.key] = json.loads(prop.value)
        except ValueError:
            out[prop.key] = prop.value
    if "sknn_version" not in out:  # (an empty file reads as an empty model)
        raise ValueError("The ONNX model holds no sknn deployment contract (an empty file, or a model to_onnx did not "
                         "write); pass a file written by to_onnx.")
    return out


def onnx_inputs(estimator, X):
    """The onnxruntime feed ``{input name: ndarray}`` of the ONNX model of ``estimator`` for raw input X.

    X is what the estimator's ``predict_proba`` (``predict`` for the regressor,
    ``transform`` for VGGFeatureExtractor) accepts,
    and it goes through the estimator's own input checks and data adapter: feature
    matrices (DataFrames, sparse matrices) for the dense networks; image arrays in
    either layout, flat rows or file paths for the image models; token lists or
    feature arrays for the tagger. No onnx package is needed.

    Parameters
    ----------
    estimator : a fitted estimator supported by :func:`to_onnx`
    X : the estimator's input

    Returns
    -------
    feed : dict of str -> ndarray
        - dense: ``{'X': float32 (n, n_features)}``;
        - ConvImageClassifier: ``{'images': float32 (n, C, H, W)}``;
        - TransferVGGClassifier, VGGFeatureExtractor: ``{'images': float32 (n, 3, H, W)}`` (grey repeated to
          3 channels; arrays keep their size, which the graph resizes; files are read at
          ``image_size``);
        - LSTMSequenceTagger: ``{'words' int64 (n, T) or 'features' float32 (n, T, n_features),
          'lengths' int64 (n,), ['chars' int64 (n, T, W)]}``, the sequences in the order of X,
          0-padded at the end to the longest (T). Sequence ``i``'s probabilities are
          ``out[i, :feed['lengths'][i]]``, which equal ``predict_proba(X)[i]``.
    """
    _check_estimator(estimator)
    return estimator._onnx_feed(X)
