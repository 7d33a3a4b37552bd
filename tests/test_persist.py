"""est.save(path) and sknn.load(path): safetensors + JSON, no pickle, checked digests (tiny models, seconds)."""

import contextlib
import json
import os
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV

import sknn
from sknn import (
    ConvImageClassifier,
    DenseClassifier,
    DenseRegressor,
    KeyedVectors,
    LSTMLanguageModel,
    LSTMSequenceTagger,
    TransferVGGClassifier,
    VGGFeatureExtractor,
    Word2VecTransformer,
)
from sknn.persist import FORMAT_VERSION, _digest

FormatError, IntegrityError = "FormatError", "IntegrityError"  # checked by name, see _raises

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SENTENCES = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs", "fast"]] * 6
TAGS = [["DET", "NOUN", "VERB"], ["DET", "NOUN", "VERB"], ["DET", "NOUN", "VERB", "ADV"]] * 6
TINY_VGG = dict(backbone=[4, "M", 8, "M"], weights=None, image_size=8, image_shape=(8, 8), channels_last=False,
                random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = np.array(["cat", "dog", "fish"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    digits_X, digits_y = load_digits(return_X_y=True)
    return {"X": X, "y": y, "y_reg": np.c_[X[:, 0] - X[:, 1], X[:, 2]], "images": digits_X[:48] / 16,
            "labels": digits_y[:48]}


def _w2v(**kw):
    docs = [" ".join(s) for s in SENTENCES]
    return Word2VecTransformer(vector_size=4, min_count=1, epochs=2, random_state=0, **kw).fit(docs)


# name -> (fitted estimator, outputs that must be identical after loading)
def _cases(d):
    words = [f"w{i}" for i in range(70)]  # >= 64 words: the bulk (tensor) encodings of lists and dicts
    vectors = {w: np.random.RandomState(i).normal(size=4).astype(np.float32) for i, w in enumerate(words)}
    long_sents = SENTENCES + [words[i:i + 10] for i in range(0, 70, 10)]
    long_tags = TAGS + [["X"] * 10] * 7
    return {
        "dense_classifier": lambda: (
            DenseClassifier(hidden_layer_sizes=(8,), max_iter=4, batch_size=16, random_state=0).fit(
                pd.DataFrame(d["X"], columns=list("abcde")), d["y"]),
            lambda e: [e.predict_proba(pd.DataFrame(d["X"], columns=list("abcde"))),
                       e.predict(pd.DataFrame(d["X"], columns=list("abcde")))]),
        "dense_regressor": lambda: (
            DenseRegressor(hidden_layer_sizes=(8,), batch_norm=True, dropout=0.1, early_stopping=True,
                           optimizer="sgd", learning_rate="adaptive", max_iter=4, random_state=0).fit(
                d["X"], d["y_reg"]),
            lambda e: [e.predict(d["X"])]),
        "conv": lambda: (
            ConvImageClassifier(image_shape=(8, 8), conv_filters=(4,), dense_layers=(8,), batch_norm=True,
                                max_iter=2, batch_size=16, class_weight="balanced", random_state=0).fit(
                d["images"], d["labels"]),
            lambda e: [e.predict_proba(d["images"]), e.predict(d["images"])]),
        "tagger": lambda: (
            LSTMSequenceTagger(hidden_size=4, embedding_dim=4, char_features="lstm", char_dim=4, max_iter=2,
                               pretrained_embeddings=vectors, random_state=0).fit(long_sents, long_tags),
            lambda e: [*e.predict_proba(long_sents), np.array([t for s in e.predict(long_sents) for t in s])]),
        "tagger_w2v": lambda: (
            LSTMSequenceTagger(cell="gru", hidden_size=4, embedding_dim=4, max_iter=2, freeze_embeddings=True,
                               pretrained_embeddings=_w2v(), random_state=0).fit(SENTENCES, TAGS),
            lambda e: e.predict_proba(SENTENCES)),
        "language_model": lambda: (
            LSTMLanguageModel(hidden_size=4, embedding_dim=4, tie_weights=True, min_count=1, max_iter=2,
                              learning_rate="cosine", random_state=0).fit(SENTENCES),
            lambda e: [np.array(e.predict_next(SENTENCES[:3], top_k=2)), np.array([e.perplexity(SENTENCES)])]),
        "transfer": lambda: (
            TransferVGGClassifier(head_layers=(8,), max_iter=2, **TINY_VGG).fit(d["images"], d["labels"]),
            lambda e: [e.predict_proba(d["images"])]),
        "feature_extractor": lambda: (
            VGGFeatureExtractor(pooling="max", **TINY_VGG).fit(d["images"]),
            lambda e: [e.transform(d["images"])]),
        "word2vec": lambda: (
            _w2v(agg="tfidf"),
            lambda e: [e.transform(["the dog runs", "a cat"]), e.net_.module_.output.weight.detach().numpy(),
                       e.wv_.vectors]),
    }


CASES = list(_cases({}))


def same(a, b):
    """Equal values of equal types, arrays and estimators compared by content."""
    if isinstance(a, (sknn.Engine, torch.nn.Module)):
        return type(a) is type(b)
    if hasattr(a, "get_params") and hasattr(a, "fit"):
        fitted = sorted(k for k in vars(a) if k.endswith("_"))
        return (type(a) is type(b) and same(a.get_params(deep=False), b.get_params(deep=False))
                and fitted == sorted(k for k in vars(b) if k.endswith("_"))
                and all(same(getattr(a, k), getattr(b, k)) for k in fitted))
    if type(a) is not type(b):
        return False
    if isinstance(a, KeyedVectors):
        return same(vars(a), vars(b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.all(a == b))
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
        return True
    if isinstance(a, np.random.RandomState):
        return same(list(a.get_state()), list(b.get_state()))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, z) for x, z in zip(a, b))
    if isinstance(a, float) and np.isnan(a):
        return bool(np.isnan(b))
    return a == b


@contextlib.contextmanager
def _raises(name, match):
    """pytest.raises for sknn.persist's errors (ValueErrors), by class name: a doctest run may import a second
    copy of the module, whose classes are not the ones sknn.load raises."""
    with pytest.raises(ValueError, match=match) as info:
        yield info
    assert type(info.value).__name__ == name


def _outputs_equal(a, b):
    assert len(a) == len(b)
    for x, z in zip(a, b):
        assert x.dtype == z.dtype
        np.testing.assert_array_equal(x, z)


@pytest.fixture(scope="module")
def fitted(data):
    return {name: make() for name, make in _cases(data).items()}


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    paths = {}
    for name, (est, _) in fitted.items():
        paths[name] = folder / f"{name}.safetensors"
        assert est.save(paths[name]) is None
    return paths


@pytest.mark.parametrize("name", CASES)
def test_round_trip_identical(name, fitted, saved):
    est, outputs = fitted[name]
    loaded = sknn.load(saved[name])
    assert type(loaded) is type(est)
    _outputs_equal(outputs(loaded), outputs(est))
    assert same(loaded.get_params(), est.get_params())
    fitted_attrs = {k for k in vars(est) if k.endswith("_") or k.startswith("_")}
    assert fitted_attrs == {k for k in vars(loaded) if k.endswith("_") or k.startswith("_")}
    for k in fitted_attrs - {"net_", "module_"}:
        assert same(getattr(loaded, k), getattr(est, k)), k
    if hasattr(est, "net_"):
        assert [dict(r) for r in loaded.net_.history] == [dict(r) for r in est.net_.history]
        assert loaded.net_.batch_size == est.net_.batch_size and loaded.net_.seed == est.net_.seed
    assert loaded.device_ == torch.device("cpu")
    again = pickle.loads(pickle.dumps(loaded))  # a loaded model still pickles
    _outputs_equal(outputs(again), outputs(est))


def test_load_never_unpickles(saved, fitted, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("load must not unpickle")

    for module, name in [(pickle, "loads"), (pickle, "load"), (pickle, "Unpickler"), (torch, "load"),
                         (joblib, "load")]:
        monkeypatch.setattr(module, name, refuse)
    for name in CASES:
        est, outputs = fitted[name]
        _outputs_equal(outputs(sknn.load(saved[name])), outputs(est))


@pytest.mark.parametrize("kind", ["dense", "conv", "transfer"])
def test_partial_fit_continues_as_the_original(data, tmp_path, kind):
    # colour images: with one channel, channels-last and the standard layout are the same order in memory
    rgb = np.stack([data["images"].reshape(-1, 8, 8)] * 3, axis=-1) * np.random.RandomState(0).rand(1, 8, 8, 3)
    X, y = (data["X"], data["y"]) if kind == "dense" else (rgb, data["labels"])
    clf = {"dense": lambda: DenseClassifier(hidden_layer_sizes=(8,), max_iter=3, n_iter_no_change=None),
           # channels-last networks (the default of both): the moments must keep their parameters' layout
           "conv": lambda: ConvImageClassifier(conv_filters=(4,), dense_layers=(8,), max_iter=3, batch_size=16,
                                               n_iter_no_change=None),
           "transfer": lambda: TransferVGGClassifier(head_layers=(8,), max_iter=3, batch_size=16, fine_tune_blocks=1,
                                                     **{**TINY_VGG, "channels_last": True}),
           }[kind]().set_params(random_state=0).fit(X, y)
    clf.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    for est in (clf, loaded):
        est.partial_fit(X, y).partial_fit(X, y)
    assert loaded.n_iter_ == 5 and len(loaded.loss_curve_) == 5
    # the optimizer's moments, the shuffling seed and the history came back: the same steps as without saving
    assert loaded.loss_curve_ == clf.loss_curve_
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    pd.testing.assert_frame_equal(loaded.history_.drop(columns="dur"), clf.history_.drop(columns="dur"))


def test_loaded_model_does_not_read_its_file_again(data, tmp_path):
    X, y = data["X"], (data["X"][:, 0] > 0).astype(int)
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, n_iter_no_change=None, random_state=0).fit(X, y)
    path = tmp_path / "m.safetensors"
    clf.save(path)
    loaded = sknn.load(path)
    proba = loaded.predict_proba(X)
    moments = [{k: v.clone() for k, v in s.items()} for s in loaded.net_.optimizer_.state.values()]
    raw = path.read_bytes()
    header = 8 + int.from_bytes(raw[:8], "little")
    path.write_bytes(raw[:header] + bytes(len(raw) - header))  # the same file with its tensors zeroed...
    np.testing.assert_array_equal(loaded.classes_, [0, 1])
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    path.write_bytes(b"")  # ... then truncated: a mapped file would end the process with SIGBUS here
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    np.testing.assert_array_equal(loaded.classes_, [0, 1])
    for saved, state in zip(moments, loaded.net_.optimizer_.state.values()):
        assert all(torch.equal(saved[k], state[k]) for k in saved)
    loaded.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert loaded.loss_curve_ == clf.loss_curve_


def test_fp16_loss_scale_is_restored(data, tmp_path, monkeypatch):
    monkeypatch.setattr(sknn._base, "resolve_precision",  # mixed precision on the CPU, as in test_precision.py
                        lambda precision, device: torch.float16 if precision == "fp16" else None)
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, precision="fp16", random_state=0)
    clf.fit(data["X"], data["y"])
    scaler = clf.net_.grad_scaler_
    scaler.update(1234.0)  # a scale of its own, not the initial one
    clf.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert isinstance(loaded.net_.grad_scaler_, torch.amp.GradScaler)
    assert loaded.net_.grad_scaler_.state_dict() == scaler.state_dict()
    assert loaded.net_.grad_scaler_.get_scale() == 1234.0
    forged = _rewrite(tmp_path / "m.safetensors", tmp_path / "f.safetensors",
                      lambda d: d["estimator"]["engine"]["grad_scaler"]["values"].__setitem__(0, "big"))
    with _raises(FormatError, match="loss scaler's state"):
        sknn.load(forged)
    monkeypatch.undo()  # loaded where fp16 does not apply (the CPU): no scaler, and the file still loads
    assert sknn.load(tmp_path / "m.safetensors").net_.grad_scaler_ is None


def test_partial_fit_only_model_and_warm_start(data, tmp_path):
    X, y = data["X"], data["y_reg"][:, 0]
    reg = DenseRegressor(hidden_layer_sizes=(8,), optimizer="sgd", batch_size=16, random_state=0)
    reg.partial_fit(X, y)
    reg.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert "stopping" not in dict(loaded.net_.callbacks_)  # an engine of partial_fit, as the saved one
    reg.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert loaded.loss_curve_ == reg.loss_curve_ and loaded.n_iter_ == 2
    loaded.set_params(warm_start=True, max_iter=3, n_iter_no_change=None).fit(X, y)
    assert loaded.n_iter_ == 5 and loaded.loss_curve_[:2] == reg.loss_curve_


def test_clone_and_grid_search_after_load(saved, data):
    loaded = sknn.load(saved["dense_classifier"])
    fresh = clone(loaded)
    assert not hasattr(fresh, "net_") and same(fresh.get_params(), loaded.get_params())
    search = GridSearchCV(loaded, {"alpha": [1e-4, 1e-2]}, cv=2).fit(data["X"], data["y"])
    assert search.best_estimator_.n_iter_ == 4


def test_loaded_tagger_refits_with_its_loaded_word2vec(saved):
    loaded = sknn.load(saved["tagger_w2v"])
    assert isinstance(loaded.pretrained_embeddings, Word2VecTransformer)
    assert loaded.pretrained_embeddings.wv_.index_to_key  # the nested transformer came back fitted
    refit = loaded.fit(SENTENCES, TAGS)
    assert refit.n_iter_ == 2


def _read(path):
    with safe_open(path, framework="pt") as f:
        return f.metadata(), {k: f.get_tensor(k) for k in f.keys()}


def _rewrite(path, out, edit, redigest=True, key=None):
    """Edit the JSON document of a saved file; with ``redigest`` the digest is recomputed (a forged file)."""
    metadata, tensors = _read(path)
    doc = json.loads(metadata["sknn.document"])
    edit(doc)
    document = json.dumps(doc)
    metadata["sknn.document"] = document
    if redigest:
        metadata["sknn.digest"] = _digest(document, tensors, key)
    save_file(tensors, out, metadata=metadata)
    return out


def test_flipped_byte_in_the_weights_is_detected(saved, tmp_path):
    raw = bytearray(saved["dense_classifier"].read_bytes())
    raw[-3] ^= 0x10  # inside the tensor data, after the header
    (tmp_path / "bad.safetensors").write_bytes(bytes(raw))
    with _raises(IntegrityError, match="does not match its SHA-256 digest"):
        sknn.load(tmp_path / "bad.safetensors")


def test_edited_parameter_is_detected(saved, tmp_path):
    def edit(doc):
        doc["estimator"]["params"]["alpha"] = 0.5

    bad = _rewrite(saved["dense_classifier"], tmp_path / "bad.safetensors", edit, redigest=False)
    with _raises(IntegrityError, match="changed or damaged"):
        sknn.load(bad)


def test_hmac_key(fitted, tmp_path):
    est, outputs = fitted["language_model"]
    path = tmp_path / "signed.safetensors"
    est.save(path, key="team secret")
    _outputs_equal(outputs(sknn.load(path, key=b"team secret")), outputs(est))
    with _raises(IntegrityError, match="failed authentication"):
        sknn.load(path, key="another secret")
    with _raises(IntegrityError, match="signed with a key"):
        sknn.load(path)
    # a forger without the key cannot recompute the HMAC (nor pass off a plain digest)
    forged = _rewrite(path, tmp_path / "forged.safetensors", lambda d: d.update(sknn_version="9"), key=b"guess")
    with _raises(IntegrityError, match="failed authentication"):
        sknn.load(forged, key="team secret")
    plain = tmp_path / "plain.safetensors"
    est.save(plain)
    with _raises(IntegrityError, match="saved without a key"):
        sknn.load(plain, key="team secret")
    with pytest.raises(ValueError, match="empty"):
        est.save(plain, key=b"")


def test_newer_format_version(saved, tmp_path):
    newer = _rewrite(saved["dense_regressor"], tmp_path / "newer.safetensors",
                     lambda d: d.update(format_version=FORMAT_VERSION + 1, sknn_version="9.0"))
    with _raises(FormatError, match=r"sknn 9\.0 in format version 2.*upgrade sknn"):
        sknn.load(newer)


def test_files_not_from_sknn(fitted, tmp_path):
    est, _ = fitted["dense_classifier"]
    joblib.dump(est, tmp_path / "m.joblib")
    with _raises(FormatError, match="not a safetensors file.*joblib.load"):
        sknn.load(tmp_path / "m.joblib")
    save_file({"w": torch.zeros(2)}, tmp_path / "other.safetensors")
    with _raises(FormatError, match="not one written by sknn"):
        sknn.load(tmp_path / "other.safetensors")
    with pytest.raises(FileNotFoundError):
        sknn.load(tmp_path / "missing.safetensors")
    with pytest.raises(TypeError, match="path must be a str or a path-like object, got NoneType"):
        sknn.load(None)  # was os's 'expected str, bytes or os.PathLike object', naming no argument
    with pytest.raises(TypeError, match="path must be a str or a path-like object, got bytes"):
        sknn.load(os.fsencode(tmp_path / "m.joblib"))  # refused as save refuses it (it was read)


def test_only_allowlisted_classes_are_built(saved, tmp_path):
    def edit(doc):
        doc["estimator"]["class"] = "os.system"

    forged = _rewrite(saved["dense_classifier"], tmp_path / "forged.safetensors", edit)
    with _raises(FormatError, match="'os.system', which is not a class sknn.load builds"):
        sknn.load(forged)

    def edit_type(doc):
        doc["estimator"]["params"]["alpha"] = {"__type__": "pickle", "data": "80049..."}

    forged = _rewrite(saved["dense_classifier"], tmp_path / "forged2.safetensors", edit_type)
    with _raises(FormatError, match="Unknown value type 'pickle'"):
        sknn.load(forged)


def test_unknown_parameter_names_the_version(saved, tmp_path):
    forged = _rewrite(saved["dense_classifier"], tmp_path / "p.safetensors",
                      lambda d: d["estimator"]["params"].update(future_option=1))
    with _raises(FormatError, match=r"parameters \['future_option'\].*another sknn version"):
        sknn.load(forged)


def test_gpu_model_loads_on_the_cpu(saved, fitted, tmp_path):
    def edit(doc):  # as written on a machine with a GPU
        doc["estimator"]["engine"]["device"] = "cuda:0"

    gpu_file = _rewrite(saved["dense_classifier"], tmp_path / "gpu.safetensors", edit)
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.warns(UserWarning, match="does not have; it is loaded on the CPU"):
        loaded = sknn.load(gpu_file)
    assert loaded.device_ == torch.device("cpu") and loaded.net_.device == "cpu"
    est, outputs = fitted["dense_classifier"]
    _outputs_equal(outputs(loaded), outputs(est))


def test_unsafe_parameters_are_refused(data, tmp_path):
    from skorch.callbacks import GradientNormClipping

    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, callbacks=[GradientNormClipping(1.0)])
    clf.fit(data["X"], data["y"])
    with pytest.raises(TypeError, match=r"DenseClassifier's parameter 'callbacks' holds GradientNormClipping.*joblib"):
        clf.save(tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()
    w2v = _w2v(tokenizer=str.split)
    with pytest.raises(TypeError, match=r"parameter 'tokenizer' holds callable.*joblib\.dump"):
        w2v.save(tmp_path / "m.safetensors")
    tagger = LSTMSequenceTagger(hidden_size=4, embedding_dim=4, max_iter=1, pretrained_embeddings=w2v)
    with pytest.raises(TypeError, match=r"'tokenizer'.*params\.pretrained_embeddings\.params\.tokenizer"):
        tagger.fit(SENTENCES, TAGS).save(tmp_path / "m.safetensors")

    class Net(torch.nn.Module):
        def __init__(self, c, size, n):
            super().__init__()
            self.out = torch.nn.Linear(c * size[0] * size[1], n)

        def forward(self, x):
            return self.out(x.flatten(1))

    conv = ConvImageClassifier(module=Net, image_shape=(8, 8), max_iter=1).fit(data["images"], data["labels"])
    with pytest.raises(TypeError, match=r"parameter 'module' holds class .*Net"):
        conv.save(tmp_path / "m.safetensors")


def test_unfitted_and_foreign_objects(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet: fit it before saving"):
        DenseClassifier().save(tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match="not a LinearRegression"):
        from sklearn.linear_model import LinearRegression

        sknn.persist.save(LinearRegression(), tmp_path / "m.safetensors")


def test_transfer_imagenet_model_loads_without_download(data, tmp_path):
    clf = TransferVGGClassifier(head_layers=(8,), max_iter=1, **TINY_VGG).fit(data["images"], data["labels"])
    # as if the backbone had come from 'imagenet' or a file that is gone: load must not fetch or read them
    for weights in ("imagenet", str(tmp_path / "gone.pth"), clf.backbone_state_dict()):
        clf.weights = weights
        clf.save(tmp_path / "t.safetensors")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loaded = sknn.load(tmp_path / "t.safetensors")  # the conftest guard fails any download
        assert same(loaded.weights, weights)
        np.testing.assert_array_equal(loaded.predict_proba(data["images"]), clf.predict_proba(data["images"]))
    extractor = VGGFeatureExtractor(**TINY_VGG).fit(data["images"])
    extractor.weights = "imagenet"
    extractor.save(tmp_path / "e.safetensors")
    loaded = sknn.load(tmp_path / "e.safetensors")
    assert loaded.weights == "imagenet"
    np.testing.assert_array_equal(loaded.transform(data["images"]), extractor.transform(data["images"]))


def test_parameter_and_attribute_types_survive(data, tmp_path):
    rs = np.random.RandomState(3)
    clf = DenseClassifier(hidden_layer_sizes=(np.int64(4), 3), learning_rate_init=np.float32(0.01), max_iter=2,
                          class_weight={"cat": 2.0, "dog": np.float64(1.5)}, random_state=rs)
    clf.fit(data["X"], data["y"])
    clf.extra_ = {"tuple": (1, "a"), "set": {1, 2}, "bytes": b"\x00\xff", "nan": float("nan"),
                  "objects": np.array([None, "x", 3], dtype=object), "ints": list(range(100)),
                  "strings": [f"s{i}\n" for i in range(100)], "u2": np.arange(4, dtype=np.uint16),
                  "big_endian": np.arange(3, dtype=">f8"), "empty": np.zeros((0, 3)), "dtype": torch.bfloat16,
                  "bf16": torch.ones(2, dtype=torch.bfloat16)}
    clf.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert same(loaded.get_params(), clf.get_params())
    assert type(loaded.hidden_layer_sizes[0]) is np.int64 and type(loaded.learning_rate_init) is np.float32
    assert same(loaded.extra_, clf.extra_)
    assert loaded.extra_["big_endian"].dtype == np.dtype(">f8")
    # a long double's item() is a long double (saving it recursed without end): kept to the last digit
    third = np.longdouble(1) / 3  # (where a long double is a double, as on Windows, it saves as one)
    clf.set_params(alpha=third * 1e-3).save(tmp_path / "long.safetensors")
    alpha = sknn.load(tmp_path / "long.safetensors").alpha
    assert alpha.dtype == np.dtype(np.longdouble) and alpha == third * 1e-3
    # labels of dates or durations, which fit takes (save refused their classes_: 'an array of dtype datetime64')
    X = data["X"][:40]
    for labels in (np.array(["2021-01-01", "2022-06-30"] * 20, dtype="datetime64[us]"),
                   np.array([1, 2] * 20, dtype="timedelta64[D]")):
        dated = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, labels)
        dated.save(tmp_path / "dated.safetensors")
        back = sknn.load(tmp_path / "dated.safetensors")
        assert back.classes_.dtype == labels.dtype and (back.classes_ == dated.classes_).all()
        assert (back.predict(X) == dated.predict(X)).all() and back.predict(X).dtype == labels.dtype


def _set_architecture(doc, name, value):
    """Set an architecture parameter in a saved document: the network is built from the architecture recorded at
    fit."""
    arch = doc["estimator"]["attributes"]["architecture_"]
    arch["values"][arch["keys"].index(name)] = value


def test_forged_network_sizes_are_refused_before_building(saved, tmp_path):
    # tiny files whose parameters ask for networks of terabytes: compared on the meta device, never allocated
    forged = _rewrite(saved["dense_classifier"], tmp_path / "f.safetensors", lambda d: _set_architecture(
        d, "hidden_layer_sizes", {"__type__": "tuple", "items": [10 ** 7, 10 ** 7]}))
    with _raises(FormatError, match=r"do not fit.*layers\.\d+\.weight \(saved \(8, \d+\), expected \(10000000, \d+\)\)"):
        sknn.load(forged)
    forged = _rewrite(saved["word2vec"], tmp_path / "w.safetensors",
                      lambda d: _set_architecture(d, "vector_size", 10 ** 9))
    with _raises(FormatError, match="do not fit the Word2VecTransformer network"):
        sknn.load(forged)
    backbone = {"__type__": "tuple", "items": [4, "M", 10 ** 6, "M"]}
    forged = _rewrite(saved["feature_extractor"], tmp_path / "v.safetensors",
                      lambda d: _set_architecture(d, "backbone", backbone))
    with _raises(FormatError, match=r"do not fit the VGGFeatureExtractor network.*expected \(1000000, 4, 3, 3\)"):
        sknn.load(forged)
    forged = _rewrite(saved["dense_classifier"], tmp_path / "n.safetensors",
                      lambda d: d["estimator"]["engine"]["state"].pop())
    with _raises(FormatError, match=r"layers\.\d+\.bias \(saved None, expected \(3,\)\)"):
        sknn.load(forged)


@pytest.mark.parametrize("where, dtype", [
    ("scalar", "<U100000000"), ("scalar", "<U99999999999"), ("scalar", {"names": ["a"], "formats": ["<i8"]}),
    ("tensor", "O"), ("tensor", "<f8"), ("tensor", "<M8[ns]"), ("tensor", ["<i8"]),
    ("items", "<U100000000"), ("items", "|V8"), ("pandas", "<U100000000"), ("pandas", "datetime64[ns]"),
    ("pandas", 7)])
def test_forged_dtypes_are_refused(saved, tmp_path, where, dtype):
    def edit(doc):
        attrs = doc["estimator"]["attributes"]
        if where == "scalar":
            attrs["n_iter_"] = {"__type__": "npscalar", "dtype": dtype, "value": "x"}
        elif where == "tensor":  # a float32 array stored as a tensor, named as another type
            weight = doc["estimator"]["engine"]["state"][0][1]
            attrs["extra_"] = {"__type__": "ndarray", "dtype": dtype, "tensor": weight}
        elif where == "items":
            attrs["extra_"] = {"__type__": "ndarray", "dtype": dtype, "shape": [2], "items": ["a", "b"]}
        else:
            attrs["history_"]["dtypes"][0] = dtype

    forged = _rewrite(saved["dense_classifier"], tmp_path / "f.safetensors", edit)
    with _raises(FormatError, match=r"Unsupported data type|is stored as float32"):
        sknn.load(forged)


@pytest.mark.parametrize("dtype, value", [("<f8", "x"), ("<f16", "x"), ("<i8", "1"), ("<f16", [1.0]), ("<i8", 1.5),
                                          ("|b1", 5), ("<u4", True)])
def test_forged_scalar_values_are_refused(saved, tmp_path, dtype, value):
    def edit(doc):  # text is a long double's value only, and must be a number
        doc["estimator"]["attributes"]["n_iter_"] = {"__type__": "npscalar", "dtype": dtype, "value": value}

    forged = _rewrite(saved["dense_classifier"], tmp_path / "f.safetensors", edit)
    with _raises(FormatError, match=r"scalar holds"):
        sknn.load(forged)


def test_str_dtypes_may_pad_a_little(data, tmp_path):
    clf = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(data["X"], data["y_reg"])
    clf.padded_ = np.array(["a", "bb"], dtype="<U40")
    clf.wide_ = np.array(["x" * 300, "y"])
    clf.scalar_ = np.str_("abc")
    clf.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert same(loaded.padded_, clf.padded_) and same(loaded.wide_, clf.wide_) and same(loaded.scalar_, clf.scalar_)


@pytest.mark.parametrize("case", ["non_ascii_digest", "short_digest", "bad_device", "infinite_range", "module_",
                                  "net_", "device_", "no_engine", "no_attributes"])
def test_forged_documents_give_clear_errors(saved, tmp_path, case):
    source = saved["dense_classifier"]
    if case in ("non_ascii_digest", "short_digest"):
        metadata, tensors = _read(source)
        metadata["sknn.digest"] = "sha256:é" if case == "non_ascii_digest" else "sha256:abc"
        save_file(tensors, tmp_path / "f.safetensors", metadata=metadata)
        with _raises(IntegrityError, match="no valid sknn digest"):
            sknn.load(tmp_path / "f.safetensors")
        return
    estimator = {"bad_device": lambda e: e["attributes"].update(extra_={"__type__": "device", "value": "nonsense"}),
                 "infinite_range": lambda e: e["attributes"]["history_"]["index"].update(range=[0, float("inf"), 1]),
                 "module_": lambda e: e["attributes"].update(module_=5),
                 "net_": lambda e: e["attributes"].update(net_={"__type__": "dict", "keys": [], "values": []}),
                 "device_": lambda e: e["attributes"].update(device_={"__type__": "device", "value": "cpu"}),
                 "no_engine": lambda e: e.pop("engine"),
                 "no_attributes": lambda e: e.clear() or e.update(__type__="estimator", params={},
                                                                  **{"class": "DenseClassifier"}),
                 }[case]
    forged = _rewrite(source, tmp_path / "f.safetensors", lambda d: estimator(d["estimator"]))
    match = {"bad_device": r"could not be read.*RuntimeError.*nonsense",
             "infinite_range": r"could not be read.*OverflowError",
             "no_engine": "fitted attributes but no network", "no_attributes": "holds no fitted estimator",
             }.get(case, "Invalid fitted attribute name")
    with _raises(FormatError, match=match) as info:
        sknn.load(forged)
    if case in ("bad_device", "infinite_range"):
        assert info.value.__cause__ is not None


def test_a_fresh_process_loads_a_family_it_has_not_imported(tmp_path):
    # `import sknn` imports no family; load must still find the class the file names
    import os
    import subprocess
    import sys

    X = np.random.default_rng(0).random((24, 8, 8), dtype=np.float32)
    y = np.arange(24) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ConvImageClassifier(image_shape=(8, 8), max_iter=1, random_state=0).fit(X, y)
    model.save(tmp_path / "conv.safetensors")
    np.save(tmp_path / "X.npy", X)
    code = ("import sys, numpy, sknn\nm = sknn.load(sys.argv[1])\n"
            "print(type(m).__name__, *m.predict(numpy.load(sys.argv[2])))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "conv.safetensors"), str(tmp_path / "X.npy")],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    name, *predictions = out.stdout.split()
    assert name == "ConvImageClassifier"
    assert [int(p) for p in predictions] == model.predict(X).tolist()
