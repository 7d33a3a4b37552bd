"""The numpy form of a dense network: export it, run it without torch, rebuild an estimator from it.

``DenseClassifier.export_network()`` (:func:`network_of`) turns the fitted module, layer by layer, into a dict of numpy
arrays and names; :func:`forward_numpy` runs it with numpy alone (and pandas, for the built-in column encoding), after
the estimator's own checks of X (``predict``'s, on the fitted attributes the export holds); ``from_network``
(:func:`estimator_from_network`) builds a fitted estimator back from it."""

import math

import numpy as np
import scipy.sparse as sp
import torch
from scipy.special import erf
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._device import float32_default, precision_name, resolve_device, seeded
from ._layers import (ACTIVATIONS, Ensemble, FrontScale, LearnableActivation, NoisyReLU, ScaledLinear,
                      TabularInput)
from ._tabular import TabularPreprocessor
from ._validation import check_width, refuse_data_loader

__all__ = ["EXPORT_FORMAT", "estimator_from_network", "forward_numpy", "network_of", "register_estimators"]

EXPORT_FORMAT = "sknn.dense/2"  # 2: a tabular input's category_counts (an older sknn refuses it, rather than read
_READ_FORMATS = ("sknn.dense/1", EXPORT_FORMAT)  # its unseen categories otherwise); 1 reads every code as it is


def network_of(est):
    """The export of a fitted dense estimator: see ``export_network``."""
    check_is_fitted(est, "net_")
    layers = [layer for layer in map(_export_layer, est.net_.module_.layers) if layer is not None]
    params = {k: v for k, v in est.get_params(deep=False).items() if k != "callbacks"}
    # the architecture the layers have (as built) and the precision they compute in (as save records it), whatever
    # set_params changed since: from_network builds them again
    params.update({k: v for k, v in est.architecture_.items() if k in params},
                  precision=precision_name(getattr(est.net_, "amp_dtype", None)))
    network = {"format": EXPORT_FORMAT, "task": "classification" if est._is_classifier else "regression",
               "n_features_in": int(est.n_features_in_), "layers": layers,
               "output": "softmax" if est._is_classifier else "identity", "params": params}
    if est._is_classifier:
        network["classes"] = est.classes_.copy()
    else:
        network["y_ndim"] = int(est._y_ndim)
        network["target_mean"], network["target_scale"] = est.y_mean_.copy(), est.y_scale_.copy()
        if getattr(est, "y_range_", None) is not None:
            network["target_range"] = est.y_range_.copy()
    if hasattr(est, "feature_names_in_"):
        network["feature_names_in"] = est.feature_names_in_.copy()
    if hasattr(est, "column_labels_in_"):  # whole-number column names, which predict checks the order of
        network["column_labels_in"] = est.column_labels_in_.copy()
    if hasattr(est, "column_label_text_in_"):  # other names that are not strings (dates, tuples), as text
        network["column_label_text_in"] = est.column_label_text_in_.copy()
    if est.architecture_["preprocessing"] is not None:
        network["preprocessor"] = _preprocessor_state(est.preprocessor_)
    if est.architecture_.get("sparse_input"):  # (its embeddings computed at stored numbers when it trains on)
        network["sparse_input"] = True
    return network


def estimator_from_network(cls, network, device="cpu"):
    """A fitted ``cls`` rebuilt from an export: see ``from_network``."""
    if not isinstance(device, (str, torch.device)):  # it becomes the estimator's parameter, which a clone checks
        raise TypeError(f"device must be 'cpu', 'cuda', 'auto' or a torch.device, got {device!r}.")
    if not isinstance(network, dict) or network.get("format") not in _READ_FORMATS:
        raise ValueError(f"Not an exported sknn dense network: expected a dict with format={EXPORT_FORMAT!r}.")
    task = "classification" if cls._is_classifier else "regression"
    if network.get("task", task) != task:
        other = "DenseClassifier" if network["task"] == "classification" else "DenseRegressor"
        raise ValueError(f"This network was exported by a {network['task']} estimator: rebuild it with "
                         f"{other}.from_network, not {cls.__name__}.from_network.")
    missing = [key for key in ("layers", "n_features_in", "output") if key not in network]
    if missing:
        raise ValueError(f"The network has no {', '.join(map(repr, missing))} entry: pass the dict export_network() "
                         "returns (or one with every entry it has).")
    _check_layer_types(network["layers"], "network['layers']")
    network = _with_arrays(network)
    layers = network["layers"]
    try:
        est = cls(**network.get("params", {}))
    except TypeError as exc:  # e.g. a classifier's class_weight given to DenseRegressor.from_network
        raise ValueError(f"network['params'] does not fit {cls.__name__}: {exc}. Is it the export of another kind "
                         "of estimator?") from None
    est._validate_params()  # a hand-edited params entry is named here, not deep in a later fit
    ensemble = next((layer for layer in layers if layer["type"] == "ensemble"), None)
    mlp = layers if ensemble is None else ensemble["members"][0]  # the layers of one member
    dense = [layer for layer in mlp if layer["type"] == "dense"]
    activations = [layer for layer in mlp if layer["type"] == "activation"]
    tabular = next((layer for layer in layers if layer["type"] == "tabular_input"), None)
    est.set_params(
        hidden_layer_sizes=tuple(int(layer["weight"].shape[1]) for layer in dense[:-1]),
        front_scale=any(layer["type"] == "scale" for layer in mlp),
        n_ensemble=1 if ensemble is None else len(ensemble["members"]),
        numeric_embedding="periodic" if tabular is not None and tabular["periodic"] is not None else None,
        preprocessing="auto" if "preprocessor" in network else None, device=device)
    if len(dense) > 1:  # hidden layers say whether they normalise and learn their activations; without any, the
        # layers cannot say, and the params' values (those the network was built with) stay
        est.set_params(batch_norm=any(layer["type"] == "batch_norm" for layer in mlp),
                       learnable_activation=any("weight" in layer for layer in activations))
    if activations:
        names = [layer.get("name") for layer in activations]
        if len(set(names)) > 1:
            raise ValueError(f"The hidden layers' activations are {names}: from_network builds one activation for "
                             "every hidden layer.")
        if names[0] not in ACTIVATIONS:
            raise ValueError(f"The network's activation {names[0]!r} is not one sknn builds: {sorted(ACTIVATIONS)}.")
        est.activation = names[0]
    _restore_input(est, network)
    if est._is_classifier:
        if "classes" not in network:
            raise ValueError("network has no 'classes' entry: a classifier's export lists its classes (as np.unique(y) "
                             "gives them, one per column of the last layer); add them.")
        classes = _class_array(network["classes"])
        try:
            ordered = np.unique(classes)
        except TypeError:  # numbers beside strings cannot be sorted
            ordered = None
        if ordered is None or len(classes) != len(ordered) or np.any(ordered != classes):
            raise ValueError(f"network['classes'] must list each class once, of one type, in sorted order (as "
                             f"np.unique(y) gives them; found {classes.tolist()!r:.200}): reorder the classes and "
                             "the columns of the last layer's weight and bias together.")
        est.classes_ = classes
    else:
        n_outputs = int(dense[-1]["weight"].shape[1])
        est.n_outputs_, est._y_ndim = n_outputs, int(network.get("y_ndim", 2))
        est.y_mean_ = np.asarray(network.get("target_mean", np.zeros(n_outputs)), dtype=np.float64)
        est.y_scale_ = np.asarray(network.get("target_scale", np.ones(n_outputs)), dtype=np.float64)
        if "target_range" in network:
            est.y_range_ = np.asarray(network["target_range"], dtype=np.float64)
    est._record_architecture()
    est.architecture_["sparse_input"] = bool(network.get("sparse_input", False))
    dev = resolve_device(device)
    batch_size = est._batch_size(max(1, est.batch_size if est.batch_size != "auto" else 200))
    # the float32 network fit builds, whatever torch's default dtype; its construction gives the input layer's
    # values, and the weights it draws (replaced below) come from a forked generator, not the caller's
    with seeded(0, dev), float32_default():
        module = est._build_module()
        with torch.no_grad():
            _load_layers(module.layers, layers)
        est.net_ = est._make_engine(module, batch_size, dev, seed=0, incremental=False)
        est.net_.initialize()
    est.device_ = dev
    est._record_history(incremental=True, n_before=0)
    return est


def _class_array(classes):
    """An export's classes; JSON's whole numbers in the integer type holding them all (numpy: float64, rounding)."""
    if isinstance(classes, (list, tuple)) and classes and all(type(c) is int for c in classes):
        for dtype in (np.int64, np.uint64, object):
            if dtype is object or np.iinfo(dtype).min <= min(classes) and max(classes) <= np.iinfo(dtype).max:
                return np.array(classes, dtype=dtype)
    return np.asarray(classes)


def _restore_input(est, network):
    """Give ``est`` the fitted attributes its ``predict`` checks X against (columns, names, encoding), from the export
    ``network`` (its arrays as :func:`_with_arrays` makes them)."""
    n_features = network.get("n_features_in")
    if n_features is None:  # a network built by hand: its first layer's width
        first = network["layers"][0] if network["layers"] else {}
        n_features = (first["n_numeric"] + len(first["cardinalities"]) if first.get("type") == "tabular_input"
                      else first["weight"].shape[0] if first.get("type") == "dense" else None)
    if n_features is not None:
        est.n_features_in_ = int(n_features)
    if "feature_names_in" in network:
        est.feature_names_in_ = network["feature_names_in"]
    for key in ("column_labels_in", "column_label_text_in"):  # names that are not strings, whose order predict checks
        if key not in network:
            continue
        labels = network[key]
        if n_features is not None and len(labels) != int(n_features):
            raise ValueError(f"network[{key!r}] holds {len(labels)} column names, but the network reads "
                             f"{int(n_features)} columns (n_features_in): give the name of each column X had in fit, "
                             "in fit's order (or leave the entry out).")
        setattr(est, key + "_", labels)
    if "preprocessor" in network:
        est.preprocessor_ = _preprocessor_from_state(network["preprocessor"])


_ESTIMATORS = {}  # the dense estimators by task, whose checks of X forward_numpy makes (sknn.dense registers them)


def register_estimators(**by_task):
    """Register the estimator of each task ('classification', 'regression') for :func:`forward_numpy`'s checks."""
    _ESTIMATORS.update(by_task)


def _checked_input(network, X):
    """X checked and encoded as the exported estimator's ``predict`` does it, with its messages: the estimator's own
    ``_check_X`` (the same helpers, one per rule) on the fitted attributes the export holds, without a network."""
    refuse_data_loader(X, "forward_numpy")
    task = network.get("task", "classification" if network.get("output") == "softmax" else "regression")
    preprocessing = "auto" if "preprocessor" in network else None
    est = _ESTIMATORS["classification" if task == "classification" else "regression"](preprocessing=preprocessing)
    est.architecture_ = {"preprocessing": preprocessing}
    _restore_input(est, network)
    if preprocessing is None:  # X's shape first, in forward_numpy's own words (naming n_features_in); the rest as
        # predict says it
        try:
            shape = tuple(X.shape) if hasattr(X, "shape") else np.shape(X)
        except ValueError:  # rows of different lengths: refused by predict's checks below
            shape = None
        if shape is not None and len(shape) != 2:
            raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features), got an array of shape {shape}.")
        if shape is not None and hasattr(est, "n_features_in_"):
            check_width(shape[1], est.n_features_in_, "X", "the network's number of input features (n_features_in)")
    return est._check_X(X, reset=False)


# -- the numpy export, layer by layer ------------------------------------------------------------
_ACTIVATION_NAMES = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid", nn.LeakyReLU: "leaky_relu",
                     NoisyReLU: "noisy_relu", nn.ELU: "elu", nn.GELU: "gelu", nn.SELU: "selu", nn.Mish: "mish",
                     nn.SiLU: "silu", nn.Identity: "identity"}
_PREPROCESSOR_STATE = ("n_features_in_", "numeric_columns_", "categorical_columns_", "categories_", "center_",
                       "offset_", "scale_", "has_missing_", "binary_", "_categories_are_strings", "feature_names_in_",
                       "column_labels_in_", "column_label_text_in_", "ignored_columns_", "value_range_", "boolean_")
# the dtype of each array of the state (an export read back from JSON holds lists)
_STATE_DTYPES = {"numeric_columns_": np.int64, "categorical_columns_": np.int64, "center_": np.float64,
                 "offset_": np.float64, "scale_": np.float64, "has_missing_": bool, "binary_": bool,
                 "feature_names_in_": object, "column_labels_in_": np.int64, "column_label_text_in_": object,
                 "ignored_columns_": np.int64, "value_range_": np.float64, "boolean_": bool}


def _numpy(t):
    return t.detach().cpu().numpy().copy()


def _preprocessor_state(pre):
    return {name: getattr(pre, name) for name in _PREPROCESSOR_STATE if hasattr(pre, name)}


def _preprocessor_from_state(state):
    pre = TabularPreprocessor()
    for name, value in state.items():
        setattr(pre, name, value)
    return pre


def _export_layer(m):
    """A layer of the module as a dict of numpy arrays (None for dropout, the identity at prediction time)."""
    if isinstance(m, nn.Dropout):
        return None
    if isinstance(m, TabularInput):
        periodic = None
        if m.periodic is not None:
            p = m.periodic
            periodic = {"frequencies": _numpy(p.frequencies), "phases": _numpy(p.phases), "weight": _numpy(p.weight),
                        "bias": _numpy(p.bias)}
        return {"type": "tabular_input", "n_numeric": m.n_numeric, "scaling": bool(m.scaling),
                "center": _numpy(m.center), "scale": _numpy(m.scale), "missing_columns": _numpy(m.missing_columns),
                "periodic_columns": _numpy(m.periodic_columns), "plain_columns": _numpy(m.plain_columns),
                "periodic": periodic, "cardinalities": list(m.cardinalities),
                "one_hot_columns": list(m.one_hot_columns), "embedded_columns": list(m.embedded_columns),
                "embedding": None if m.embedding is None else _numpy(m.embedding.weight),
                **({"category_counts": _numpy(m.category_counts)} if "category_counts" in m._buffers else {})}
    if isinstance(m, FrontScale):
        return {"type": "scale", "weight": _numpy(m.weight)}
    if isinstance(m, Ensemble):
        members = [[layer for layer in map(_export_layer, member) if layer is not None] for member in m.members]
        return {"type": "ensemble", "members": members, "output": m.output}
    if isinstance(m, nn.Linear):
        weight = m.effective_weight() if isinstance(m, ScaledLinear) else m.weight
        return {"type": "dense", "weight": _numpy(weight).T.copy(), "bias": _numpy(m.bias)}
    if isinstance(m, nn.BatchNorm1d):
        return {"type": "batch_norm", "mean": _numpy(m.running_mean), "var": _numpy(m.running_var),
                "gamma": _numpy(m.weight), "beta": _numpy(m.bias), "eps": float(m.eps)}
    if isinstance(m, LearnableActivation):
        return {"type": "activation", "name": m.name, "weight": _numpy(m.weight)}
    return {"type": "activation", "name": _ACTIVATION_NAMES[type(m)]}


def _load_layers(modules, layers, where="layer"):
    """Copy exported layers into the modules built for them (dropout aside)."""
    modules = [m for m in modules if not isinstance(m, nn.Dropout)]
    if len(modules) != len(layers):
        raise ValueError("The exported layers do not match the network described by its parameters.")
    for i, (m, layer) in enumerate(zip(modules, layers)):
        try:
            _load_layer(m, layer, f"{where} {i} ({layer.get('type')!r})")
        except KeyError as exc:  # (a network edited or built by hand)
            raise ValueError(f"The network's {where} {i} ({layer.get('type')!r}) has no {exc.args[0]!r} entry, which "
                             "such a layer holds: pass the layer as export_network() writes it.") from None


_MODULES = {"dense": nn.Linear, "batch_norm": nn.BatchNorm1d, "ensemble": Ensemble, "scale": FrontScale,
            "tabular_input": TabularInput}


def _load_layer(m, layer, where):
    """Copy an exported layer's arrays into the module ``m`` built for it, refusing what does not fit it."""
    kind = layer["type"]
    expected = _MODULES.get(kind, LearnableActivation if "weight" in layer else tuple(_ACTIVATION_NAMES))
    if not isinstance(m, expected):
        raise ValueError(f"The network's {where} does not match the network its parameters describe, which has a "
                         f"{type(m).__name__} there: the layers' order or the parameters differ.")

    def copy(target, value, name, transpose=False):  # (rounded once, to the target's dtype)
        value = (value if torch.is_tensor(value) else _as_float_tensor(value)).to(target.dtype)
        value = value.T if transpose else value
        if value.shape != target.shape:
            shape = tuple(value.shape[::-1] if transpose else value.shape)
            raise ValueError(f"The network's {where}: {name} has shape {shape}, expected "
                             f"{tuple(target.shape[::-1] if transpose else target.shape)}.")
        target.copy_(value)

    if kind == "dense":
        w = layer["weight"]
        copy(m.weight, _ntk_weight(w, m.in_features, m.weight.dtype) if isinstance(m, ScaledLinear) else w, "weight",
             True)
        copy(m.bias, layer["bias"], "bias")
    elif kind == "batch_norm":
        for name, target in (("mean", m.running_mean), ("var", m.running_var), ("gamma", m.weight),
                             ("beta", m.bias)):
            copy(target, layer[name], name)
        m.eps = float(layer.get("eps", m.eps))
    elif kind == "ensemble":
        for i, (member, member_layers) in enumerate(zip(m.members, layer["members"])):
            _load_layers(member, member_layers, f"{where}, member {i}, layer")
    elif kind == "scale" or (kind == "activation" and "weight" in layer):
        copy(m.weight, layer["weight"], "weight")
    elif kind == "tabular_input":
        if bool(layer.get("scaling")) != bool(m.scaling):
            raise ValueError(f"The network's {where} scales its numbers, which needs the network's 'preprocessor' "
                             "entry: pass the export with it (every model fitted with preprocessing='auto' has one).")
        copy(m.center, layer["center"], "center")
        copy(m.scale, layer["scale"], "scale")
        if layer["periodic"] is not None:
            for name, value in layer["periodic"].items():
                copy(getattr(m.periodic, name), value, f"periodic {name}")
        if layer["embedding"] is not None:
            copy(m.embedding.weight, layer["embedding"], "embedding")
        counts = layer.get("category_counts")  # (an export from before the counts: every code read as it is)
        copy(m.category_counts, np.full(m.category_counts.shape, -1) if counts is None else counts, "category_counts")


def _as_float_tensor(values):
    """``values`` (an array, lists) as a floating CPU tensor, unrounded: float16/32/64 as they are, others float64."""
    values = np.asarray(values)
    if values.dtype not in (np.float16, np.float32, np.float64):
        values = values.astype(np.float64)
    elif not values.flags.writeable:  # (torch warns of a tensor sharing memory it may not write)
        values = values.copy()
    return torch.as_tensor(values)


def _ntk_weight(effective, n_in, dtype):
    """The weight of a :class:`ScaledLinear` layer of ``n_in`` inputs and weights of ``dtype`` whose forward pass
    gives the exported ``effective`` weight (rounded to ``dtype``) back: that pass rounds ``weight * (1 /
    sqrt(n_in))``, so the weight starts as the quotient, rounded as the pass rounds, and the few entries whose
    product misses ``effective`` move a step at a time towards it.

    An exported ``effective`` (the product of a weight of ``dtype``) is always reached exactly. A hand-built value is
    not always a product (with a factor above 1/2, consecutive weights can give products two steps apart): its weight
    ends with a product within one step (ulp) of it; a value beyond ``dtype``'s range times the factor: infinite."""
    factor = 1.0 / math.sqrt(n_in)  # the forward pass's factor (a Python float, as there)
    source = _as_float_tensor(effective)  # (may share the caller's memory: never written)
    weight = source.to(dtype, copy=True, memory_format=torch.contiguous_format)  # the target, rounded once...
    weight.div_(factor)  # ...then the quotient, rounded as the forward pass rounds its product (one allocation)
    flat_weight, flat_source = weight.view(-1), source.reshape(-1)
    chunk = 1 << 18  # the products are checked a cache-sized chunk at a time (no product of the whole weight)
    wrong = torch.cat([torch.nonzero(flat_weight[i:i + chunk] * factor != flat_source[i:i + chunk].to(dtype))[:, 0]
                       + i for i in range(0, max(len(flat_weight), 1), chunk)])
    if len(wrong):  # corrected one step at a time, on the mismatched entries only
        fixed, goal = flat_weight[wrong], flat_source[wrong].to(dtype)
        up, down = torch.tensor(math.inf, dtype=dtype), torch.tensor(-math.inf, dtype=dtype)
        for _ in range(4):
            product = fixed * factor
            low, high = product < goal, product > goal  # (False for NaN: left as it is)
            if not (low.any() or high.any()):
                break
            fixed = torch.nextafter(fixed, torch.where(low, up, torch.where(high, down, fixed)))
        flat_weight[wrong] = fixed
    return weight


_ARRAYS = ("weight", "bias", "mean", "var", "gamma", "beta", "center", "scale", "embedding")
_INDEX_ARRAYS = ("missing_columns", "periodic_columns", "plain_columns", "category_counts")  # ints, [] of JSON too


def _state_arrays(state):
    """The preprocessor's state with its arrays as numpy arrays of their own dtypes."""
    out = dict(state)
    for name, dtype in _STATE_DTYPES.items():
        if out.get(name) is not None:
            out[name] = np.asarray(out[name], dtype=dtype)
    if out.get("value_range_") is not None:  # (n_numeric, 2): JSON's [] for no numeric column too
        out["value_range_"] = out["value_range_"].reshape(-1, 2)
    if "categories_" in out:
        out["categories_"] = [np.asarray(c, dtype=object) for c in out["categories_"]]
    if "_categories_are_strings" in out:
        out["_categories_are_strings"] = [bool(v) for v in out["_categories_are_strings"]]
    if "n_features_in_" in out:
        out["n_features_in_"] = int(out["n_features_in_"])
    return out


def _with_arrays(network):
    """A copy of ``network`` whose arrays are numpy arrays (an export read back from JSON holds lists)."""
    def array(k, v):
        if v is None:
            return v
        return np.asarray(v, dtype=np.int64) if k in _INDEX_ARRAYS else np.asarray(v) if k in _ARRAYS else v

    def layer_arrays(layer):
        out = {k: array(k, v) for k, v in layer.items()}
        if isinstance(out.get("periodic"), dict):
            out["periodic"] = {k: np.asarray(v) for k, v in out["periodic"].items()}
        if out.get("type") == "ensemble":
            out["members"] = [[layer_arrays(x) for x in member] for member in out["members"]]
        return out

    out = dict(network)
    out["layers"] = [layer_arrays(layer) for layer in network["layers"]]
    for key in ("target_mean", "target_scale", "target_range"):
        if key in out:
            out[key] = np.asarray(out[key], dtype=np.float64)
    if "feature_names_in" in out:
        out["feature_names_in"] = np.asarray(out["feature_names_in"], dtype=object)
    if "column_labels_in" in out:
        out["column_labels_in"] = np.asarray(out["column_labels_in"], dtype=np.int64)
    if "column_label_text_in" in out:
        out["column_label_text_in"] = np.asarray(out["column_label_text_in"], dtype=object)
    if isinstance(out.get("preprocessor"), dict):
        out["preprocessor"] = _state_arrays(out["preprocessor"])
    return out


def _np_activation(name, a):
    if name in ("relu", "noisy_relu"):
        return np.maximum(a, 0)
    if name == "tanh":
        return np.tanh(a)
    if name in ("sigmoid", "logistic"):
        return 1.0 / (1.0 + np.exp(-a))
    if name == "leaky_relu":
        return np.where(a > 0, a, 0.01 * a)
    if name == "elu":
        return np.where(a > 0, a, np.expm1(np.minimum(a, 0)))
    if name == "selu":
        return 1.0507009873554805 * np.where(a > 0, a, 1.6732632423543772 * np.expm1(np.minimum(a, 0)))
    if name == "gelu":
        return 0.5 * a * (1.0 + erf(a / np.sqrt(2.0)))
    if name == "mish":
        return a * np.tanh(np.logaddexp(0.0, a))
    if name == "silu":
        return a / (1.0 + np.exp(-a))
    if name == "identity":
        return a
    raise ValueError(f"Unknown activation {name!r} in the exported network.")


def _np_tabular_input(layer, x):
    n = layer["n_numeric"]
    numbers = x[:, :n]
    if layer["scaling"]:
        numbers = np.clip((numbers - layer["center"]) * layer["scale"], -3e6, 3e6)
        numbers = numbers / np.sqrt(1.0 + (numbers / 3.0) ** 2)
    missing = np.isnan(numbers)
    numbers = np.where(missing, 0.0, numbers)
    parts = [numbers]
    if layer["periodic"] is not None:
        p, embedded = layer["periodic"], numbers[:, layer["periodic_columns"]]
        z = np.cos(2 * np.pi * embedded[:, :, None] * p["frequencies"] + p["phases"])
        z = np.einsum("nfk,fkm->nfm", z, p["weight"]) + p["bias"]
        parts = [np.concatenate([z, embedded[:, :, None]], axis=2).reshape(len(x), -1),
                 numbers[:, layer["plain_columns"]]]
    if len(layer["missing_columns"]):
        parts.append(missing[:, layer["missing_columns"]].astype(np.float64))
    codes = x[:, n:].astype(np.int64)
    one_hot, embedded = layer["one_hot_columns"], layer["embedded_columns"]
    sizes = [layer["cardinalities"][j] + 1 for j in one_hot + embedded]
    starts = np.cumsum([0] + sizes)[:-1]  # each column's first slot (one-hot) then row (embedding)
    slots = codes[:, one_hot + embedded] + starts
    counts = layer.get("category_counts")  # (an export from before the counts: every code read as it is)
    if counts is not None:  # never trained: read as code 0; code 0 never trained: the categories by their shares
        counts = np.asarray(counts, dtype=np.int64)
        slots = np.where(counts[slots] != 0, slots, starts)
        blocks = [counts[s:s + size] for s, size in zip(starts, sizes)]  # (code 0 of count -1: trained)
        fills = [np.clip(c, 0, None) / max(np.clip(c, 0, None).sum(), 1) if c[0] == 0 else None for c in blocks]
    table = None if layer["embedding"] is None else layer["embedding"].astype(np.float64)
    for i, size in enumerate(sizes):
        code = slots[:, i] - starts[i]
        if i < len(one_hot):
            block = np.eye(size)[code]
        else:
            rows = table[starts[i] - starts[len(one_hot)]:][:size]
            block = rows[code]
        if counts is not None and fills[i] is not None:  # (fills[i][0] is 0: code 0 never trained)
            average = fills[i] if i < len(one_hot) else fills[i] @ rows
            block = np.where((code == 0)[:, None], average, block)
        parts.append(block[:, 1:] if i < len(one_hot) else block)
    return np.concatenate(parts, axis=1)


def _check_widths(layer, names, width):
    """Refuse a layer's vectors of another length than its width (numpy would stretch a vector of one value)."""
    for name in names:
        if np.shape(layer[name]) != (width,):
            raise ValueError(f"a {layer['type']} layer's {name} has shape {np.shape(layer[name])}, not ({width},)")


def _np_layers(layers, a):
    """Run exported layers on the float64 rows ``a``."""
    for layer in layers:
        kind = layer["type"]
        if kind == "tabular_input":
            a = _np_tabular_input(layer, a)
        elif kind == "scale":
            a = a * layer["weight"]
        elif kind == "ensemble":  # the members' mean (of probabilities, as log-probabilities)
            z = np.stack([_np_layers(member, a) for member in layer["members"]], axis=1)
            if layer["output"] == "softmax":
                log_p = z - z.max(axis=2, keepdims=True)
                log_p -= np.log(np.exp(log_p).sum(axis=2, keepdims=True))  # each member's log-probabilities
                top = log_p.max(axis=1, keepdims=True)  # their mean in probability, kept finite as in torch's
                a = (top + np.log(np.exp(log_p - top).mean(axis=1, keepdims=True)))[:, 0]
            else:
                a = z.mean(axis=1)
        elif kind == "dense":
            _check_widths(layer, ("bias",), layer["weight"].shape[1])
            a = a @ layer["weight"].astype(np.float64) + layer["bias"]
        elif kind == "batch_norm":
            _check_widths(layer, ("mean", "var", "gamma", "beta"), a.shape[1])
            a = (a - layer["mean"]) / np.sqrt(layer["var"].astype(np.float64) + layer["eps"]) * layer["gamma"] \
                + layer["beta"]
        else:
            f = _np_activation(layer["name"], a)
            a = f if "weight" not in layer else a + (f - a) * layer["weight"]
    return a


_LAYER_TYPES = ("tabular_input", "scale", "ensemble", "dense", "batch_norm", "activation")


def _check_layer_types(layers, where):
    """Refuse, naming it, a layer of a type :func:`forward_numpy` does not run (a typo read as an activation)."""
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"{where} must be a list of layers (dicts), got {type(layers).__name__}.")
    for i, layer in enumerate(layers):
        kind = layer.get("type") if isinstance(layer, dict) else None
        if kind not in _LAYER_TYPES:
            what = f"a layer of type {kind!r:.40}" if isinstance(layer, dict) else f"{layer!r:.40}"
            raise ValueError(f"{where}[{i}] is {what}, not a layer export_network() writes (a dict of 'type' "
                             f"{', '.join(_LAYER_TYPES)}).")
        if kind == "ensemble":
            for m, member in enumerate(layer.get("members") or [None]):
                _check_layer_types(member, f"{where}[{i}]['members'][{m}]")
        missing = [key for key in ("weight", "bias") if kind == "dense" and key not in layer]
        if missing:
            raise ValueError(f"{where}[{i}], a dense layer, has no {' or '.join(map(repr, missing))} entry: pass the "
                             "layer as export_network() writes it.")


def forward_numpy(network, X):
    """Run an exported dense network with numpy alone.

    Parameters
    ----------
    network : dict, from ``DenseClassifier.export_network()`` or ``DenseRegressor.export_network()``
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        As the estimator's ``predict`` takes it, checked as ``predict`` checks it (the same errors: columns,
        names and their order, missing and infinite values, 0 rows); with a ``preprocessor`` in the network, X is
        encoded as in ``predict`` first (numpy and pandas, no network).

    Returns
    -------
    out : ndarray
        Class probabilities (columns in ``network['classes']`` order) for a classifier, predicted values of shape
        (n_samples, n_outputs) for a regressor (whatever ``network['y_ndim']``: ``predict`` flattens them to
        (n_samples,) where it is 1).
    """
    if not isinstance(network, dict) or "layers" not in network:
        raise TypeError("network must be the dict that export_network() returns.")
    if network.get("output") not in ("softmax", "identity"):
        raise ValueError(f"network['output'] is {network.get('output')!r:.40}; an exported network says 'softmax' (a "
                         "classifier) or 'identity' (a regressor): pass the dict export_network() returns.")
    _check_layer_types(network["layers"], "network['layers']")
    network = _with_arrays(network)
    X = _checked_input(network, X)  # refused as predict refuses it; encoded with the preprocessor, if any
    a = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    try:
        a = _np_layers(network["layers"], a)
    except (KeyError, IndexError, ValueError, TypeError) as exc:  # (a network edited or built by hand)
        raise ValueError(f"The network's layers cannot run on X ({type(exc).__name__}: {exc!s:.160}): its arrays do "
                         "not fit together or miss an entry. DenseClassifier.from_network(network) (or "
                         "DenseRegressor's) names the layer that does not fit.") from None
    width = len(network["classes"]) if network["output"] == "softmax" and "classes" in network else None
    if width is not None and a.shape[1] != width:
        raise ValueError(f"The network's last layer gives {a.shape[1]} values a row, but network['classes'] lists "
                         f"{width} classes: give the last layer one output per class.")
    if network["output"] == "softmax":
        a = np.exp(a - a.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
    elif "target_mean" in network:
        a = a * network["target_scale"] + network["target_mean"]
        if "target_range" in network:
            a = np.clip(a, network["target_range"][0], network["target_range"][1])
    return a
