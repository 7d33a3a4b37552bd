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
DenseRegressor            ``X`` float32 (B, n_features)                    ``predictions`` (B,) or (B, n_outputs)
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

The graph computes in float32. A model used with ``precision='bf16'`` or ``'fp16'`` on a
GPU predicts there in reduced precision, so its ``predict_proba`` and the ONNX model agree
only to that precision (about 1e-2), not to 1e-4.

A scikit-learn ``Pipeline`` is not exported as a whole: export its last step and run
the steps before it (a scaler, say) in front of the ONNX model, or export them with
skl2onnx.
"""

import contextlib
import copy
import io
import json
import logging
import os
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils.validation import check_is_fitted
from torch import nn

__all__ = ["onnx_inputs", "onnx_metadata", "to_onnx"]

_INSTALL = 'pip install "sknn[onnx]"'
_QUIET_LOGGERS = ("torch.onnx", "torch.export", "torch._export", "torch._dynamo", "torch.fx", "torch._subclasses",
                  "torch.utils._sympy", "onnxscript", "onnx_ir")


def _supported():
    from .conv import ConvImageClassifier
    from .dense import DenseClassifier, DenseRegressor
    from .sequence import LSTMSequenceTagger
    from .transfer import TransferVGGClassifier, VGGFeatureExtractor

    return (DenseClassifier, DenseRegressor, ConvImageClassifier, LSTMSequenceTagger, TransferVGGClassifier,
            VGGFeatureExtractor)


def _check_estimator(estimator):
    supported = _supported()
    if not isinstance(estimator, supported):
        names = ", ".join(cls.__name__ for cls in supported)
        hint = ""
        if hasattr(estimator, "steps"):
            hint = (" For a Pipeline, export its last step (pipe[-1]) and run the steps before it in front of the "
                    "ONNX model.")
        raise TypeError(f"ONNX export supports {names}; got {type(estimator).__name__}.{hint}")
    check_is_fitted(estimator, "module_" if _family(estimator) == "features" else "net_")
    return estimator


def _family(estimator):
    dense_clf, dense_reg, conv, _tagger, transfer, features = _supported()
    if isinstance(estimator, (dense_clf, dense_reg)):
        return "dense"
    if isinstance(estimator, features):
        return "features"
    if isinstance(estimator, conv):
        return "conv"
    if isinstance(estimator, transfer):
        return "transfer"
    return "tagger"


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


# -- the graphs: the estimator's network in evaluation mode, with its pre- and post-processing ----------------------
class _Probabilities(nn.Module):
    """Logits of a network -> class probabilities."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, x):
        return torch.softmax(self.network(x), dim=1)


class _Predictions(nn.Module):
    """A regression network's outputs on the target's scale (the network learns the standardised target), flattened
    to (n,) when y was 1-D in fit (as ``predict`` returns them)."""

    def __init__(self, network, flat, mean, scale, value_range=None):
        super().__init__()
        self.network = network
        self.flat = flat
        as_tensor = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32)  # noqa: E731
        self.register_buffer("mean", as_tensor(mean))
        self.register_buffer("scale", as_tensor(scale))
        self.clip = value_range is not None
        if self.clip:
            self.register_buffer("low", as_tensor(value_range[0]))
            self.register_buffer("high", as_tensor(value_range[1]))

    def forward(self, x):
        out = self.network(x) * self.scale + self.mean
        if self.clip:
            out = torch.minimum(torch.maximum(out, self.low), self.high)
        return out[:, 0] if self.flat else out


class _TransferGraph(nn.Module):
    """Images of any size -> TransferNet's preparation (resize, normalisation) -> backbone -> head -> softmax
    (without ``head``: the backbone's pooled features, for VGGFeatureExtractor).

    TransferNet.prepare decides per batch whether to antialias (when shrinking) and whether
    to repeat grey levels; here the image size is dynamic, so the resize always antialiases:
    when enlarging (or keeping the size) that is the same bilinear interpolation. The
    graph takes 3 channels; grey images are repeated by :func:`onnx_inputs`.
    """

    def __init__(self, network, head=True):
        super().__init__()
        self.network, self.with_head = network, head

    def forward(self, images):
        net = self.network
        x = F.interpolate(images, size=net.image_size, mode="bilinear", align_corners=False, antialias=True)
        x = net.backbone((x - net.mean) / net.std)
        return torch.softmax(net.head(x), dim=1) if self.with_head else x


class _TaggerProbabilities(nn.Module):
    """Padded sequences -> per-token probabilities (B, T, n_classes), zero past each sequence's length.

    The same pieces as SequenceNet.forward, on padded tensors end to end (SequenceNet
    keeps the real tokens only, a data-dependent shape). Character ids come per token
    (B, T, W), 0-padded; a word's character count is its number of non-zero ids (unknown
    characters are 1, never 0).
    """

    def __init__(self, network, words):
        super().__init__()
        self.network = network
        self.words = words

    def forward(self, x, lengths, chars=None):
        net = self.network
        parts = [net.embedding(x) if self.words else x]
        if chars is not None:
            b, t, w = chars.shape
            flat = chars.reshape(b * t, w)
            n_chars = (flat != 0).sum(dim=1).clamp(min=1)  # padding tokens: one (padding) character
            parts.append(net.chars(flat, n_chars).reshape(b, t, -1))
        h = torch.cat(parts, dim=2) if len(parts) > 1 else parts[0]
        probs = torch.softmax(net.output(net.rnn(h, lengths)), dim=2)
        mask = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
        return probs * mask[:, :, None].to(probs.dtype)


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


def _network(estimator):
    """A CPU copy of the estimator's module in evaluation mode (compiled modules unwrapped)."""
    module = estimator.module_ if _family(estimator) == "features" else estimator.net_.module_
    module = getattr(module, "_orig_mod", module)  # torch.compile's wrapper
    return _swap_recurrent_layers(copy.deepcopy(module).cpu().eval())


def _labels(classes):
    return np.asarray(classes).tolist()


def _graph(estimator):
    """(module to export, example args, input specs, dynamic shapes, output spec, preprocessing) of an estimator."""
    family = _family(estimator)
    net = _network(estimator)
    batch = torch.export.Dim("batch")
    if family == "dense":
        n = int(estimator.n_features_in_)
        pre = getattr(estimator, "preprocessor_", None) if estimator.architecture_["preprocessing"] else None
        inputs = [{"name": "X", "dtype": "float32", "shape": ["batch", n],
                   "description": "the feature matrix, as the estimator takes it (sparse matrices densified)"}]
        if hasattr(estimator, "feature_names_in_"):
            inputs[0]["feature_names"] = [str(c) for c in estimator.feature_names_in_]
        prep = {"steps_outside_graph": [("X as float32, in the columns and scale used in fit (a Pipeline's "
                                        "transformers before the estimator are not exported)")],
                "steps_in_graph": ["the network", "softmax"] if estimator._is_classifier else ["the network"]}
        if pre is not None:  # the built-in preprocessing: the column encoding outside, the rest in the graph
            names = estimator.feature_names_in_ if hasattr(estimator, "feature_names_in_") else range(n)
            order = np.r_[pre.numeric_columns_, pre.categorical_columns_]
            inputs[0]["description"] = ("the numeric columns (NaN where missing), then the categorical columns as "
                                        "codes: 0 for a missing or unseen category, i + 1 for categories[column][i]")
            inputs[0]["columns"] = [str(names[j]) for j in order]
            prep["categories"] = {str(names[j]): _labels(cats)
                                  for j, cats in zip(pre.categorical_columns_, pre.categories_)}
            prep["steps_outside_graph"] = [
                "the columns reordered: numeric ones first, then categorical ones (input 'columns')",
                "numbers as float32, missing values as NaN",
                "categories as codes with 'categories' (0: missing or unseen)"]
            prep["steps_in_graph"] = ["numbers centred, robust-scaled and smoothly clipped; missing ones 0, with "
                                      "missing indicators", "periodic embeddings of the numbers (if any)",
                                      "one-hot or learned embeddings of the categories", *prep["steps_in_graph"]]
        if estimator._is_classifier:
            module, output = _Probabilities(net), _proba_output(estimator, ["batch", len(estimator.classes_)])
        else:
            flat = int(estimator._y_ndim) == 1
            shape = ["batch"] if flat else ["batch", int(estimator.n_outputs_)]
            module = _Predictions(net, flat, estimator.y_mean_, estimator.y_scale_, getattr(estimator, "y_range_", None))
            output = {"name": "predictions", "dtype": "float32", "shape": shape,
                      "description": "predicted values, as predict returns them"}
        return module, (torch.zeros(3, n),), inputs, ({0: batch},), output, prep
    if family == "conv":
        c, h, w = (int(v) for v in estimator.image_shape_)
        inputs = [{"name": "images", "dtype": "float32", "shape": ["batch", c, h, w], "layout": "NCHW",
                   "description": f"images of {h}x{w} pixels with {c} channel(s), channels first"}]
        prep = {"layout": "NCHW", "channels": c, "height": h, "width": w,
                "pixel_scaling": "uint8 images are divided by 255; other numbers are taken as they are, in the "
                                 "scale used in fit",
                "steps_outside_graph": [("images to float32 (B, C, H, W): grey (B, H, W) gets a channel axis, "
                                        "channels-last arrays are transposed, flat rows are reshaped with "
                                        "image_shape (H, W[, C]), files are read and resized to image_size"),
                                        "uint8 / 255"],
                "steps_in_graph": ["the network", "softmax"]}
        return (_Probabilities(net), (torch.zeros(3, c, h, w),), inputs, ({0: batch},),
                _proba_output(estimator, ["batch", len(estimator.classes_)]), prep)
    if family in ("transfer", "features"):
        from ._vgg import IMAGENET_MEAN, IMAGENET_STD

        size = [int(v) for v in net.image_size]
        inputs = [{"name": "images", "dtype": "float32", "shape": ["batch", 3, "height", "width"], "layout": "NCHW",
                   "description": "RGB images of any size, channels first, values in [0, 1]"}]
        prep = {"layout": "NCHW", "channels": 3, "image_size": size, "value_range": [0.0, 1.0],
                "pixel_scaling": "uint8 images are divided by 255; float images are taken in [0, 1]",
                "mean": list(IMAGENET_MEAN), "std": list(IMAGENET_STD),
                "steps_outside_graph": ["images to float32 (B, C, H, W) as for ConvImageClassifier",
                                        "grey images: the channel repeated 3 times", "uint8 / 255"],
                "steps_in_graph": [(f"bilinear resize to {size[0]}x{size[1]} (antialiased when shrinking, "
                                   "align_corners=False)"), "(x - mean) / std per channel (ImageNet)",
                                   "backbone", "head", "softmax"]}
        height, width = torch.export.Dim("height", min=2), torch.export.Dim("width", min=2)
        example = torch.rand(3, 3, size[0] + 5, size[1] + 7, generator=torch.Generator().manual_seed(0))
        if family == "features":  # VGGFeatureExtractor: the backbone's pooled features, as transform returns them
            prep["steps_in_graph"] = prep["steps_in_graph"][:3]
            output = {"name": "features", "dtype": "float32", "shape": ["batch", int(estimator._n_features_out)],
                      "description": "the backbone's pooled features, as transform returns them"}
            return (_TransferGraph(net, head=False), (example,), inputs, ({0: batch, 2: height, 3: width},),
                    output, prep)
        return (_TransferGraph(net), (example,), inputs, ({0: batch, 2: height, 3: width},),
                _proba_output(estimator, ["batch", len(estimator.classes_)]), prep)
    # the tagger
    words = estimator.input_kind_ == "tokens"
    gen = torch.Generator().manual_seed(0)  # example inputs, without touching the global generator
    time = torch.export.Dim("time")
    lengths = torch.tensor([7, 4, 2])
    mask = torch.arange(7)[None, :] < lengths[:, None]
    if words:
        x = torch.randint(2, len(estimator.vocabulary_), (3, 7), generator=gen) * mask
        inputs = [{"name": "words", "dtype": "int64", "shape": ["batch", "time"],
                   "description": "word ids (metadata 'vocabulary'), 0-padded at the end"}]
    else:
        n = int(estimator.n_features_in_)
        x = torch.rand(3, 7, n, generator=gen) * mask[:, :, None]
        inputs = [{"name": "features", "dtype": "float32", "shape": ["batch", "time", n],
                   "description": "feature vectors of each step, 0-padded at the end"}]
    inputs.append({"name": "lengths", "dtype": "int64", "shape": ["batch"],
                   "description": "the number of real tokens of each sequence"})
    args, dynamic = [x, lengths], [{0: batch, 1: time}, {0: batch}]
    if words and estimator.char_vocabulary_ is not None:
        args.append(torch.randint(1, len(estimator.char_vocabulary_), (3, 7, 5), generator=gen) * mask[:, :, None])
        dynamic.append({0: batch, 1: time, 2: torch.export.Dim("chars")})
        inputs.append({"name": "chars", "dtype": "int64", "shape": ["batch", "time", "chars"],
                       "description": "character ids of each token (metadata 'char_vocabulary'), 0-padded; "
                                      "padding tokens are all 0"})
    from ._sequence_input import MAX_WORD_CHARS, PAD, UNK

    prep = {"input_kind": estimator.input_kind_, "padding": "each sequence 0-padded at the end to the longest of "
            "the batch, its number of tokens in 'lengths'",
            "steps_in_graph": ["padding mask", "recurrent network", "softmax"]}
    if words:
        prep.update({"lowercase": bool(estimator.lowercase), "pad_id": PAD, "unknown_id": UNK,
                     "steps_outside_graph": [("word -> id with 'vocabulary' (its index; lower-cased first when "
                                             "lowercase is true); unknown words -> unknown_id")]})
        if estimator.char_vocabulary_ is not None:
            prep.update({"max_word_chars": MAX_WORD_CHARS})
            prep["steps_outside_graph"].append(
                f"each token's characters -> ids with 'char_vocabulary' (case kept; unknown -> {UNK}); a token "
                f"longer than {MAX_WORD_CHARS} characters keeps its first and last {MAX_WORD_CHARS // 2}")
    else:
        prep["steps_outside_graph"] = ["each sequence as a float32 array (length, n_features)"]
    output = _proba_output(estimator, ["batch", "time", len(estimator.classes_)])
    output["description"] += "; rows past a sequence's length are 0"
    return _TaggerProbabilities(net, words), tuple(args), inputs, tuple(dynamic), output, prep


def _proba_output(estimator, shape):
    return {"name": "probabilities", "dtype": "float32", "shape": shape,
            "description": "class probabilities, columns in the order of 'classes' (predict: classes[argmax])"}


def _metadata(estimator, inputs, output, prep):
    from . import __version__

    meta = {"sknn_version": __version__, "estimator": type(estimator).__name__,
            "inputs": inputs, "outputs": [output], "preprocessing": prep}
    if hasattr(estimator, "classes_"):
        meta["classes"] = _labels(estimator.classes_)
    if _family(estimator) == "tagger" and estimator.input_kind_ == "tokens":
        meta["vocabulary"] = list(estimator._words_array())
        if estimator.char_vocabulary_ is not None:
            chars = [None] * len(estimator.char_vocabulary_)
            for c, i in estimator.char_vocabulary_.items():
                chars[i] = c
            meta["char_vocabulary"] = chars
    return {k: json.dumps(v, ensure_ascii=False, default=str) for k, v in meta.items()}


@contextlib.contextmanager
def _quiet():
    """Silence the exporter: its progress prints, warnings and log lines."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
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
    estimator : fitted DenseClassifier, DenseRegressor, ConvImageClassifier, LSTMSequenceTagger, \
TransferVGGClassifier or VGGFeatureExtractor
    path : str or os.PathLike
        Where to write the ``.onnx`` file (one file: the weights are inside it).
    opset : int or None, default=None
        ONNX opset version; None takes the exporter's default (20 with torch 2.13). The
        exporter keeps a higher one where an operator needs it (the antialiased resize of
        the transfer classifier needs 18).

    Returns
    -------
    path : str

    Raises
    ------
    TypeError
        For an estimator of another type.
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
    _require_onnx()
    import onnx

    module, args, inputs, dynamic, output, prep = _graph(estimator)
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
    for key, value in _metadata(estimator, inputs, output, prep).items():
        proto.metadata_props.add(key=key, value=value)
    proto.doc_string = f"sknn {type(estimator).__name__}; see metadata_props for the input contract."
    path = os.fspath(path)
    large = proto.ByteSize() > 2_000_000_000  # protobuf's limit: larger weights go to a file beside the model
    onnx.save_model(proto, path, save_as_external_data=large,
                    location=os.path.basename(path) + ".data" if large else None)
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
        model = onnx.load(os.fspath(model), load_external_data=False)
    out = {}
    for prop in model.metadata_props:
        try:
            out[prop.key] = json.loads(prop.value)
        except ValueError:
            out[prop.key] = prop.value
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
    family = _family(estimator)
    if family == "dense":
        X = estimator._check_X(X, reset=False)
        X = X.toarray() if hasattr(X, "toarray") else X
        return {"X": np.ascontiguousarray(X, dtype=np.float32)}
    if family in ("conv", "transfer", "features"):
        images = estimator._check_X(X, reset=False)
        if images.dtype == object:  # file paths: read (and resized) as the estimator reads them
            source = estimator._image_source(images)
            images = np.concatenate([xb.numpy() for xb, _, _ in source.batches(64)])
        if family != "conv" and images.shape[1] == 1:
            images = np.repeat(images, 3, axis=1)
        return {"images": np.ascontiguousarray(images, dtype=np.float32)}
    from ._sequence_input import SequenceBatches

    inputs, lengths, table = estimator._check_X(X, reset=False)
    batch, _, _ = SequenceBatches(inputs, lengths, char_table=table).batch(torch.arange(len(lengths)))
    feed = {"words": batch["words"]} if "words" in batch else {"features": batch["features"]}
    feed["lengths"] = lengths
    if table is not None:
        mask = torch.arange(batch["char_index"].shape[1])[None, :] < lengths[:, None]
        feed["chars"] = batch["chars"][batch["char_index"]] * mask[:, :, None]
    return {k: np.ascontiguousarray(v.numpy()) for k, v in feed.items()}
