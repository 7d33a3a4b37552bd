"""The values of a saved model: JSON for the structure, safetensors for the numbers, no pickle.

:class:`ValueWriter` turns plain data (None, bools, numbers, strings, lists, tuples,
sets, dicts, bytes, numpy scalars and arrays, tensors, devices, torch dtypes, paths,
DataFrames, RandomStates, :class:`~sknn.KeyedVectors`) into JSON values and named CPU
tensors; :class:`ValueReader` builds them back from a fixed list of types and dtypes (no
string dtype much wider than its data), and anything else in a file is a
:class:`FormatError`. :mod:`sknn.persist` adds estimators, their networks and files.
"""

import datetime
import pathlib
import re
from collections import OrderedDict

import numpy as np
import pandas as pd
import torch

from .keyedvectors import KeyedVectors

__all__ = ["FormatError", "UnsafeValue", "ValueReader", "ValueWriter", "unsafe_message"]

_BULK = 64  # lists at least this long of only str, int or float are stored as tensors
_TENSOR_DTYPES = {np.dtype(t) for t in (np.bool_, np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16,
                                        np.int32, np.int64, np.float16, np.float32, np.float64, np.complex64)}
_INT64 = (-2 ** 63, 2 ** 63 - 1)
# the dtypes a file may name: numeric ones (either byte order), object, and str/bytes of a checked width
_NUMERIC_DTYPES = frozenset(np.dtype(c).newbyteorder(o).str for c in "?bhilqBHILQefdgFD" for o in "<>")
_WIDTH_SLACK = 64  # a str/bytes dtype may be this much wider than its longest item (padding), not more


class FormatError(ValueError):
    """The file is not one :func:`load` can read: not safetensors, not sknn's, or of a newer format."""


class UnsafeValue(Exception):
    """A value that only pickle could store; ``save`` turns it into a TypeError naming the parameter."""

    def __init__(self, where, value):
        super().__init__(where)
        self.where, self.value = where, value
        self.owner = self.kind = self.name = None
        self.fit_only = False  # a parameter the fitted estimator no longer needs (its ``_fit_only_params``)


def unsafe_message(exc):
    """The TypeError's message for an :class:`UnsafeValue` ``exc`` that ``save`` met, with the fixes."""
    value = exc.value
    what = type(value).__qualname__ if not isinstance(value, type) else f"class {value.__qualname__}"
    if callable(value) and not isinstance(value, type):
        what = f"callable {getattr(value, '__qualname__', type(value).__qualname__)}"
    data = isinstance(value, (np.ndarray, np.generic, datetime.date, datetime.timedelta, complex, set, frozenset,
                              pd.Series, pd.Index))
    if data:  # data of a kind the format has no reader for (datetime64 labels, complex numbers, sets...)
        kind = f"an array of dtype {value.dtype}" if isinstance(value, np.ndarray) else f"a {what}"
        return (f"{exc.owner}'s {exc.kind} {exc.name!r} holds {kind} (at {exc.where}), a kind of data sknn's save "
                "does not store (numbers, booleans, strings, lists, dicts, arrays of those, tensors, sknn estimators): "
                + (f"set it as a list (model.set_params({exc.name}=list(...))), " if isinstance(
                    value, (pd.Series, pd.Index)) else
                   "fit on values of those kinds (e.g. labels as strings, y.astype(str)), ") +
                "or save the model with joblib.dump(model, path) and load it with joblib.load only from a source you "
                "trust.")
    return (f"{exc.owner}'s {exc.kind} {exc.name!r} holds {what} (at {exc.where}), which cannot be saved safely: "
            "sknn's save stores data only (numbers, strings, lists, dicts, arrays, tensors, sknn estimators), never "
            "code such as a callable, a class, a torch module or callbacks. " + (
                f"{exc.name} serves fit only: model.set_params({exc.name}=None) before save keeps the fitted "
                "network (a refit needs it again); or s" if getattr(exc, "fit_only", False) else "S") +
            "ave such a model with joblib.dump(model, path) instead, and load it with joblib.load only from a source "
            "you trust.")


# numpy's dates and durations of a unit (datetime64[us], timedelta64[D]...), little-endian, as int64 counts
_TIMES = re.compile(r"<[Mm]8\[(Y|M|W|D|h|m|s|ms|us|ns)\]")


def _checked_dtype(spec, where, items=()):
    """The numpy dtype named by the string ``spec`` if a file may use it: numeric, object, or str/bytes no wider
    than the longest of ``items`` (plus some padding): never a size taken from the file alone."""
    if type(spec) is str:
        if spec in _NUMERIC_DTYPES or spec == "|O":
            return np.dtype(spec)
        width = re.fullmatch(r"(?:[<>]U|\|S)([0-9]{1,9})", spec)
        if width and int(width[1]) <= max([_WIDTH_SLACK, *(len(x if isinstance(x, (str, bytes)) else str(x))
                                                            for x in items)]):
            return np.dtype(spec)
    raise FormatError(f"Unsupported data type {spec!r} at {where}.")


def _checked_pandas_dtype(spec, where, items=()):
    """A pandas dtype the file may name: one of :func:`_checked_dtype`'s, numeric, categorical or string."""
    if type(spec) is not str:
        raise FormatError(f"Unsupported data type {spec!r} at {where}.")
    dtype = pd.api.types.pandas_dtype(spec)
    if isinstance(dtype, np.dtype):
        return _checked_dtype(dtype.str, where, items)
    if isinstance(dtype, (pd.CategoricalDtype, pd.StringDtype)) or dtype.kind in "biuf":
        return dtype
    raise FormatError(f"Unsupported data type {spec!r} at {where}.")


class ValueWriter:
    """Turns values into JSON and a dict of CPU tensors; :meth:`other` takes what no rule here takes."""

    def __init__(self):
        self.tensors = {}
        self._storages = set()

    def tensor(self, name, t):
        """Store a tensor (on the CPU, contiguous, not sharing memory with another) and return its name."""
        t = t.detach()
        if t.device.type != "cpu":
            t = t.to("cpu")
        t = t.contiguous()
        if t.numel():
            storage = t.untyped_storage()
            if (storage.data_ptr() in self._storages or t.storage_offset()
                    or storage.nbytes() != t.numel() * t.element_size()):
                t = t.clone()  # tied weights, or a view of a larger tensor: safetensors stores whole storages
            self._storages.add(t.untyped_storage().data_ptr())
        unique, i = name, 1
        while unique in self.tensors:
            unique, i = f"{name}#{i}", i + 1
        self.tensors[unique] = t
        return unique

    def array_tensor(self, name, a):
        a = np.ascontiguousarray(a)
        if not a.dtype.isnative:
            a = a.astype(a.dtype.newbyteorder("="))
        return self.tensor(name, torch.from_numpy(a.copy()))

    def list(self, items, where):
        if len(items) >= _BULK:
            kinds = {type(x) for x in items}
            if kinds == {str}:
                data = [x.encode("utf-8", "surrogatepass") for x in items]
                blob = np.frombuffer(b"".join(data), dtype=np.uint8)
                return {"__type__": "strlist", "data": self.array_tensor(where, blob),
                        "lengths": self.array_tensor(where + ".lengths", np.array([len(d) for d in data],
                                                                                  dtype=np.int64))}
            if kinds == {int} and _INT64[0] <= min(items) and max(items) <= _INT64[1]:
                return {"__type__": "intlist", "tensor": self.array_tensor(where, np.array(items, dtype=np.int64))}
            if kinds == {float}:
                return {"__type__": "floatlist",
                        "tensor": self.array_tensor(where, np.array(items, dtype=np.float64))}
        return [self.encode(x, f"{where}.{i}") for i, x in enumerate(items)]

    def index(self, index, where):
        if isinstance(index, pd.RangeIndex):
            return {"range": [int(index.start), int(index.stop), int(index.step)], "name": self.encode(
                index.name, where + ".name")}
        if isinstance(index, pd.MultiIndex):
            raise UnsafeValue(where, index)
        return {"values": self.encode(index.to_numpy(), where), "dtype": str(index.dtype),
                "name": self.encode(index.name, where + ".name")}

    def encode(self, v, where):
        """A JSON value for ``v``: plain JSON for None, bool, int, float, str and lists; a tagged object otherwise."""
        if isinstance(v, np.generic):
            if v.dtype.kind not in "biufUS":
                raise UnsafeValue(where, v)
            item = v.item()  # a Python value, but for a long double: itself, kept as its exact text
            return {"__type__": "npscalar", "dtype": v.dtype.str,
                    "value": str(v) if isinstance(item, np.generic) else self.encode(item, where)}
        if v is None or type(v) in (bool, int, float, str):
            return v
        if type(v) is list:
            return self.list(v, where)
        if type(v) is tuple:
            return {"__type__": "tuple", "items": self.list(list(v), where)}
        if type(v) in (set, frozenset):
            return {"__type__": type(v).__name__, "items": self.list(list(v), where)}
        if type(v) in (dict, OrderedDict):
            return self.dict(v, where)
        if type(v) is bytes:
            return {"__type__": "bytes", "hex": v.hex()}
        if type(v) is range:  # (a size parameter: hidden_layer_sizes=range(64, 0, -16))
            return {"__type__": "range", "start": v.start, "stop": v.stop, "step": v.step}
        if type(v) in (np.ndarray, np.memmap):  # not masked arrays nor matrices: they would come back as arrays
            return self.ndarray(v, where)
        if isinstance(v, torch.Tensor):
            return {"__type__": "tensor", "tensor": self.tensor(where, v)}
        if isinstance(v, torch.device):
            return {"__type__": "device", "value": str(v)}
        if isinstance(v, torch.dtype):
            return {"__type__": "dtype", "value": str(v).removeprefix("torch.")}
        if isinstance(v, pathlib.PurePath):
            return {"__type__": "path", "value": str(v)}
        if type(v) is pd.DataFrame:
            return {"__type__": "DataFrame", "index": self.index(v.index, where + ".index"),
                    "columns": self.index(v.columns, where + ".columns"),
                    "dtypes": [str(dt) for dt in v.dtypes],
                    "data": [self.encode(v.iloc[:, i].to_numpy(), f"{where}.{_label(c, i)}")
                             for i, c in enumerate(v.columns)]}
        if type(v) is np.random.RandomState:
            _, keys, pos, has_gauss, cached = v.get_state(legacy=True)
            return {"__type__": "RandomState", "keys": [int(k) for k in keys], "pos": int(pos),
                    "has_gauss": int(has_gauss), "cached_gaussian": float(cached)}
        if type(v) is KeyedVectors:
            return {"__type__": "KeyedVectors", "vectors": self.encode(v.vectors, where + ".vectors"),
                    "index_to_key": self.encode(list(v.index_to_key), where + ".index_to_key"),
                    "counts": self.encode(v.counts, where + ".counts")}
        return self.other(v, where)

    def other(self, v, where):
        """The JSON value of a value no rule of this class takes (a subclass adds estimators); none here."""
        raise UnsafeValue(where, v)

    def dict(self, d, where):
        keys, values = list(d), list(d.values())
        node = {"__type__": "dict", "keys": self.list(keys, where + ".keys")}
        if type(d) is OrderedDict:
            node["ordered"] = True
        first = values[0] if values else None
        if (len(values) >= 2 and type(first) is np.ndarray and first.dtype in _TENSOR_DTYPES
                and all(type(x) is np.ndarray and x.dtype == first.dtype and x.shape == first.shape
                        for x in values)):  # word -> vector: one tensor, not one per word
            node["stacked"] = {"tensor": self.array_tensor(where, np.stack(values)), "dtype": first.dtype.str}
        else:
            node["values"] = [self.encode(x, f"{where}.{_label(k, i)}") for i, (k, x) in enumerate(zip(keys, values))]
        return node

    def ndarray(self, a, where):
        if a.dtype in _TENSOR_DTYPES or (a.dtype.kind in "biuf" and a.dtype.newbyteorder("=") in _TENSOR_DTYPES):
            return {"__type__": "ndarray", "dtype": a.dtype.str, "tensor": self.array_tensor(where, a)}
        if a.dtype.kind in "Mm" and _TIMES.fullmatch(a.dtype.str):  # dates and durations (labels): their int64 counts
            return {"__type__": "ndarray", "dtype": a.dtype.str, "tensor": self.array_tensor(where, a.view(np.int64))}
        if a.dtype.kind not in "USO":
            raise UnsafeValue(where, a)
        return {"__type__": "ndarray", "dtype": a.dtype.str, "shape": list(a.shape),
                "items": self.list(a.ravel().tolist(), where)}


def _label(key, i):
    return key if isinstance(key, str) and key.isidentifier() else str(i)


class ValueReader:
    """Builds values back from JSON and the tensors; only the types :class:`ValueWriter` writes."""

    # the tagged values ValueWriter writes; each is built by the method of the same name with a leading '_'
    TYPES = frozenset({"strlist", "intlist", "floatlist", "tuple", "range", "set", "frozenset", "dict", "bytes",
                       "npscalar", "ndarray", "tensor", "device", "dtype", "path", "DataFrame", "RandomState",
                       "KeyedVectors"})

    def __init__(self, tensors):
        self.tensors = tensors

    def tensor(self, name):
        if not isinstance(name, str) or name not in self.tensors:
            raise FormatError(f"The document refers to a tensor {name!r} that the file does not hold.")
        return self.tensors[name]

    def array(self, name, dtype, where):
        a, dtype = self.tensor(name).numpy(), _checked_dtype(dtype, where)
        if dtype.newbyteorder("=") != a.dtype:
            raise FormatError(f"An array at {where} of type {dtype} is stored as {a.dtype}.")
        return a if a.dtype == dtype else a.astype(dtype)

    def decode(self, node, where):
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.decode(x, f"{where}.{i}") for i, x in enumerate(node)]
        if type(node) is not dict:
            raise FormatError(f"Unexpected value at {where}.")
        kind = node.get("__type__")
        if kind not in self.TYPES:
            raise FormatError(f"Unknown value type {kind!r} at {where}; the file is damaged or was written by "
                              "another program.")
        return getattr(self, "_" + kind)(node, where)

    def _strlist(self, node, where):
        blob = self.tensor(node["data"]).numpy().tobytes()
        lengths = self.tensor(node["lengths"]).numpy()
        ends = np.cumsum(lengths).tolist()
        if ends and ends[-1] != len(blob) or (lengths < 0).any():
            raise FormatError(f"Inconsistent string list at {where}.")
        return [blob[e - n:e].decode("utf-8", "surrogatepass") for e, n in zip(ends, lengths.tolist())]

    def _intlist(self, node, where):
        return self.tensor(node["tensor"]).tolist()

    _floatlist = _intlist

    def _items(self, node, where):
        items = self.decode(node["items"], where)
        if type(items) is not list:
            raise FormatError(f"Expected a list at {where}.")
        return items

    def _tuple(self, node, where):
        return tuple(self._items(node, where))

    def _range(self, node, where):
        bounds = [node.get(k) for k in ("start", "stop", "step")]
        if not all(type(b) is int for b in bounds) or bounds[2] == 0:
            raise FormatError(f"A range at {where} has bounds {bounds}: three whole numbers, a step other than 0.")
        return range(*bounds)

    def _set(self, node, where):
        return set(self._items(node, where))

    def _frozenset(self, node, where):
        return frozenset(self._items(node, where))

    def _dict(self, node, where):
        keys = self.decode(node["keys"], where + ".keys")
        if "stacked" in node:
            stacked = self.array(node["stacked"]["tensor"], node["stacked"]["dtype"], where)
            values = list(stacked)
        else:
            values = [self.decode(x, f"{where}.{i}") for i, x in enumerate(node["values"])]
        if type(keys) is not list or len(keys) != len(values):
            raise FormatError(f"A dict at {where} has {len(keys)} keys and {len(values)} values.")
        return (OrderedDict if node.get("ordered") else dict)(zip(keys, values))

    def _bytes(self, node, where):
        return bytes.fromhex(node["hex"])

    def _npscalar(self, node, where):
        value = self.decode(node["value"], where)
        dtype = _checked_dtype(node["dtype"], where, [value])
        if dtype.kind not in "biufUS":
            raise FormatError(f"Unsupported scalar type {dtype} at {where}.")
        written = {"b": (bool,), "i": (int,), "u": (int,), "f": (float, int)}.get(dtype.kind)  # (as save writes)
        if written is not None and type(value) not in written:
            if not (type(value) is str and dtype.kind == "f" and dtype.itemsize > 8):  # (a long double's text)
                raise FormatError(f"A {dtype} scalar holds {type(value).__name__} {value!r} at {where}.")
            try:
                return np.array(np.longdouble(value), dtype=dtype)[()]
            except ValueError:
                raise FormatError(f"A {dtype} scalar holds {value!r} at {where}, not a number.") from None
        return np.array(value, dtype=dtype)[()]

    def _ndarray(self, node, where):
        if "tensor" in node and type(node["dtype"]) is str and _TIMES.fullmatch(node["dtype"]):
            return self.array(node["tensor"], "<i8", where).view(np.dtype(node["dtype"]))
        if "tensor" in node:
            return self.array(node["tensor"], node["dtype"], where)
        items = self._items(node, where)
        dtype = _checked_dtype(node["dtype"], where, items)
        if dtype.kind not in "USO":
            raise FormatError(f"Unsupported array type {dtype} at {where}.")
        shape = tuple(int(s) for s in node["shape"])
        out = np.empty(len(items), dtype=dtype)
        out[:] = items  # element by element: object arrays of sequences stay as they were
        return out.reshape(shape)

    def _tensor(self, node, where):
        return self.tensor(node["tensor"])

    def _device(self, node, where):
        return torch.device(node["value"])

    def _dtype(self, node, where):
        dtype = getattr(torch, str(node["value"]), None)
        if not isinstance(dtype, torch.dtype):
            raise FormatError(f"Unknown torch dtype {node['value']!r} at {where}.")
        return dtype

    def _path(self, node, where):
        return pathlib.Path(node["value"])

    def _index(self, node, where):
        name = self.decode(node.get("name"), where + ".name")
        if "range" in node:
            start, stop, step = (int(x) for x in node["range"])
            return pd.RangeIndex(start, stop, step, name=name)
        values = self.decode(node["values"], where)
        return pd.Index(values, dtype=_checked_pandas_dtype(node["dtype"], where, values), name=name)

    def _DataFrame(self, node, where):
        index = self._index(node["index"], where + ".index")
        columns = self._index(node["columns"], where + ".columns")
        data = {}
        for i, (column, dtype) in enumerate(zip(node["data"], node["dtypes"])):
            values = self.decode(column, f"{where}.{i}")
            checked = _checked_pandas_dtype(dtype, f"{where}.{i}", values)
            series = pd.Series(values, index=index, copy=False)
            if str(series.dtype) != dtype:
                series = series.astype(checked)
            data[i] = series
        if len(data) != len(columns):
            raise FormatError(f"A DataFrame at {where} has {len(columns)} column names for {len(data)} columns.")
        frame = pd.DataFrame(data, index=index) if data else pd.DataFrame(index=index)
        frame.columns = columns
        return frame

    def _RandomState(self, node, where):
        rs = np.random.RandomState()
        rs.set_state(("MT19937", np.array(node["keys"], dtype=np.uint32), int(node["pos"]),
                      int(node["has_gauss"]), float(node["cached_gaussian"])))
        return rs

    def _KeyedVectors(self, node, where):
        return KeyedVectors(self.decode(node["vectors"], where + ".vectors"),
                            self.decode(node["index_to_key"], where + ".index_to_key"),
                            self.decode(node["counts"], where + ".counts"))
