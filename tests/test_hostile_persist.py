"""Hostile save/load: missing folders, forged files describing enormous architectures, parameters changed after fit
(tiny, seconds)."""

import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

import sknn
from sknn import ConvImageClassifier, DenseClassifier, LSTMSequenceTagger, TransferVGGClassifier, VGGFeatureExtractor
from sknn.export import onnx_inputs
from sknn.persist import FormatError, _digest

RNG = np.random.RandomState(0)
X, Y = RNG.normal(size=(40, 5)), np.array(["a", "b"] * 20)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    images = RNG.rand(8, 8, 8)
    models = {
        "dense": DenseClassifier(hidden_layer_sizes=(8,), max_iter=1, device="cpu", random_state=0).fit(X, Y),
        "conv": ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1, device="cpu",
                                    random_state=0).fit(images, [0, 1] * 4),
        "tagger": LSTMSequenceTagger(hidden_size=4, embedding_dim=4, max_iter=1, device="cpu", random_state=0).fit(
            [["a", "b"], ["c"]] * 4, [["A", "B"], ["A"]] * 4),
        "features": VGGFeatureExtractor(backbone=[4, "M"], weights=None, image_size=8, device="cpu",
                                        random_state=0).fit(images),
    }
    paths = {}
    for name, model in models.items():
        paths[name] = folder / f"{name}.safetensors"
        model.save(paths[name])
    return paths


def _rewrite(path, out, edit):
    """``edit`` the saved document, then recompute the unsigned digest: what anyone can do to an unsigned file."""
    with safe_open(path, framework="pt") as f:
        metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    doc = json.loads(metadata["sknn.document"])
    edit(doc["estimator"])
    metadata["sknn.document"] = json.dumps(doc)
    metadata["sknn.digest"] = _digest(metadata["sknn.document"], tensors, None)
    save_file(tensors, out, metadata=metadata)
    return out


def _forge(path, out, param, value):
    """Set a parameter in the saved document, and in the recorded architecture the network is built from."""
    def edit(estimator):
        estimator["params"][param] = value
        architecture = estimator["attributes"]["architecture_"]
        architecture["values"][architecture["keys"].index(param)] = value
    return _rewrite(path, out, edit)


def _many(value, n=30_000):
    return {"__type__": "tuple", "items": [value] * n}


@pytest.mark.parametrize("name, param, value", [
    ("dense", "hidden_layer_sizes", _many(8)),
    ("conv", "conv_filters", _many(2)),
    ("conv", "dense_layers", _many(4)),
    ("tagger", "num_layers", 30_000),
    ("features", "backbone", [4] + ["M"] * 30_000),  # layers without weights count too
])
def test_forged_files_describing_huge_architectures_are_refused_at_once(saved, tmp_path, name, param, value):
    forged = _forge(saved[name], tmp_path / "forged.safetensors", param, value)
    start = time.perf_counter()
    with pytest.raises(FormatError, match=r"network of more than .* file holds the weights of|lists 30\d\d\d items"):
        sknn.load(forged)
    assert time.perf_counter() - start < 5  # refused before building 30,000 layers (that took about 40 s)


def test_save_into_a_missing_folder_names_the_folder_before_any_work(saved, tmp_path):
    clf = sknn.load(saved["dense"])
    target = tmp_path / "no" / "such" / "folder" / "model.safetensors"
    with pytest.raises(FileNotFoundError, match=rf"the folder '{tmp_path / 'no' / 'such' / 'folder'}' does not exist"):
        clf.save(target)
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        clf.save(tmp_path)
    with pytest.raises(IsADirectoryError, match=r"ending with a slash names a folder; .*model\.safetensors'"):
        clf.save(f"{tmp_path}/model.safetensors/")  # (the file system said 'Not a directory')
    with pytest.raises(TypeError, match="path must be a str or a path-like"):
        clf.save(3)
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))
    clf.save(tmp_path / "ok.safetensors")  # and a good path still works
    np.testing.assert_array_equal(sknn.load(tmp_path / "ok.safetensors").predict(X), clf.predict(X))


def test_saving_what_save_cannot_store_lists_every_estimator_it_can_in_a_fresh_process(tmp_path):
    """The list came from the families imported so far: empty in a fresh process that saved KeyedVectors."""
    code = ("import numpy as np, sknn.persist as p; from sknn import KeyedVectors\n"
            "try:\n    p.save(KeyedVectors(np.eye(2), ['a', 'b']), 'kv.safetensors')\n"
            "except TypeError as exc:\n    print(exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert "sknn's save stores sknn's estimators (" in out.stdout, out.stderr
    assert all(name in out.stdout for name in ("DenseClassifier", "ConvImageClassifier", "Word2VecTransformer"))
    assert "not a KeyedVectors; use joblib" in out.stdout


def test_a_truncated_file_is_called_truncated(saved, tmp_path):
    data = open(saved["dense"], "rb").read()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[:-100])
    with pytest.raises(FormatError, match=r"is truncated: its header describes (\d+) bytes of data but the file holds "
                                          r"\d+ \(an interrupted copy or download\?\)"):
        sknn.load(cut)
    header_end = 8 + int.from_bytes(data[:8], "little")
    cut.write_bytes(data[:header_end // 2])
    with pytest.raises(FormatError, match=f"is truncated: it ends at byte {header_end // 2}, inside its header of "
                                          f"{header_end} bytes"):
        sknn.load(cut)
    cut.write_bytes(data[:5])
    with pytest.raises(FormatError, match="is not a safetensors file"):
        sknn.load(cut)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and file modes of POSIX")
def test_save_keeps_a_symbolic_link_and_the_file_mode(tmp_path):
    model = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, device="cpu", random_state=0).fit(X, Y)
    target, link = tmp_path / "v1.safetensors", tmp_path / "current.safetensors"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link.symlink_to(target)
    model.save(link)  # the link stays a link, the file it names holds the model, still private
    assert link.is_symlink() and (os.stat(target).st_mode & 0o777) == 0o600
    np.testing.assert_array_equal(sknn.load(target).predict(X), model.predict(X))
    long_name = tmp_path / ("m" * 228 + ".safetensors")  # 240 characters: the hidden temporary name fits too
    model.save(long_name)
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    with pytest.raises(FormatError, match=r"is empty \(0 bytes\)"):
        sknn.load(empty)


# -- parameters changed after fit: a fitted model trains on with the setup it has, before and after a round trip --
def _dense(**params):
    return DenseClassifier(**dict(dict(hidden_layer_sizes=(8,), max_iter=2, device="cpu", random_state=0), **params))


@pytest.mark.parametrize("fitted, changed", [
    ({}, {"optimizer": "sgd"}),                                   # adamw -> sgd: KeyError 'momentum' in torch
    ({}, {"optimizer": "rmsprop"}),                               # KeyError 'square_avg'
    ({"optimizer": "sgd"}, {"optimizer": "adamw", "momentum": 0.5}),  # KeyError 'betas'
    ({"optimizer": "adam"}, {"optimizer": "adamw"}),
    ({}, {"learning_rate_init": 1e-12, "beta_1": 0.5}),           # the loaded copy stepped at the new rate
])
def test_a_loaded_model_continues_with_the_optimizer_it_was_fitted_with(tmp_path, fitted, changed):
    clf = _dense(**fitted).fit(X, Y)
    kind = type(clf.net_.optimizer_)
    clf.set_params(**changed).save(tmp_path / "m.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the optimizer's state loads as it was: nothing to warn of
        loaded = sknn.load(tmp_path / "m.safetensors")
    assert type(loaded.net_.optimizer_) is kind and loaded.net_.lr == clf.net_.lr
    assert len(loaded.net_.optimizer_.state) == len(clf.net_.optimizer_.state) > 0
    clf.partial_fit(X, Y)
    loaded.partial_fit(X, Y)
    assert type(clf.net_.optimizer_) is kind
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_partial_fit_weighs_l2_by_the_optimizer_it_continues():
    clf = _dense(alpha=0.5).fit(X, Y).set_params(optimizer="sgd").partial_fit(X, Y)  # still AdamW: decoupled decay
    assert clf.net_.weight_decay == 0.5


def _without_settings(estimator):
    del estimator["engine"]["settings"]  # as a file of an older sknn, which did not record the optimizer


@pytest.mark.parametrize("fitted, changed", [("adamw", "sgd"), ("adamw", "rmsprop"), ("sgd", "adamw"),
                                             ("adamw", "adam"), ("rmsprop", "sgd"), ("adamw", "adamw")])
def test_an_older_file_never_loads_one_optimizers_state_into_another(tmp_path, fitted, changed):
    clf = _dense(optimizer=fitted).fit(X, Y).set_params(optimizer=changed)
    clf.save(tmp_path / "new.safetensors")
    old = _rewrite(tmp_path / "new.safetensors", tmp_path / "old.safetensors", _without_settings)
    if fitted == changed:  # the same optimizer: its state is restored, without a word
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loaded = sknn.load(old)
        assert len(loaded.net_.optimizer_.state) > 0
    else:
        with pytest.warns(UserWarning, match=r"optimizer's state in the file (is another optimizer's|could not be "
                                             r"restored).*partial_fit starts a fresh"):
            loaded = sknn.load(old)
        assert loaded.net_.optimizer_.state == {} and "lr_factor" in loaded.net_.optimizer_.param_groups[0]
    assert type(loaded.net_.optimizer_).__name__.lower() == changed
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    loaded.partial_fit(X, Y)  # a fresh optimizer of its kind, not a crash inside torch
    assert np.isfinite(loaded.predict_proba(X)).all()


@pytest.mark.parametrize("name, param, value", [
    ("dense", "optimizer", "SGD"), ("dense", "beta_1", 5.0), ("dense", "beta_2", 1.0),
    ("dense", "learning_rate_init", -1.0), ("tagger", "optimizer", "adamw_typo"),
])
def test_save_refuses_a_parameter_load_could_not_build_from(saved, tmp_path, name, param, value):
    model = sknn.load(saved[name]).set_params(**{param: value})
    target = tmp_path / "m.safetensors"
    with pytest.raises(ValueError, match=rf"Cannot save: The '{param}' parameter of {type(model).__name__} must be "
                                         rf".*Got {value!r} instead\. Set a valid value first \(est\.set_params\)"):
        model.save(target)
    assert os.listdir(tmp_path) == []  # refused before anything is written


def _digits(scale):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:64] * scale, y[:64]


VGG = dict(backbone=[8, "M", 16, "M"], image_size=8, head_layers=(8,), max_iter=1, random_state=0,
           channels_last=False, device="cpu")


@pytest.mark.parametrize("fitted, changed", [(0, 1), ("all", 0)])
def test_a_round_trip_keeps_the_blocks_a_transfer_network_trains(tmp_path, fitted, changed):
    images, labels = _digits(1 / 16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning
        clf = TransferVGGClassifier(weights=None, fine_tune_blocks=fitted, **VGG).fit(images, labels)
    clf.set_params(fine_tune_blocks=changed).save(tmp_path / "v.safetensors")
    loaded = sknn.load(tmp_path / "v.safetensors")
    trainable = [[p.requires_grad for p in m.net_.module_.backbone.parameters()] for m in (clf, loaded)]
    assert loaded.fine_tune_blocks_ == clf.fine_tune_blocks_ == fitted and trainable[0] == trainable[1]
    for model in (clf, loaded):  # partial_fit continues the network as it is, in memory or loaded
        with pytest.raises(ValueError, match=f"fine_tune_blocks={changed!r}, but the network trains "
                                             f"fine_tune_blocks={fitted!r}"):
            model.partial_fit(images, labels)


def test_the_pixel_range_follows_the_weights_the_backbone_was_built_from(tmp_path):
    images, labels = _digits(1.0)  # pixel levels 0..16: fine for random weights, refused by pretrained ones
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning
        clf = TransferVGGClassifier(weights=None, **VGG).fit(images, labels)
    ext = VGGFeatureExtractor(weights=None, **{k: VGG[k] for k in ("backbone", "image_size", "random_state",
                                                                    "channels_last", "device")}).fit(images)
    proba, features = clf.predict_proba(images), ext.transform(images)
    for weights in (clf.backbone_state_dict(), "imagenet"):
        clf.set_params(weights=weights)
        ext.set_params(weights=weights)
        np.testing.assert_array_equal(clf.predict_proba(images), proba)
        np.testing.assert_array_equal(ext.transform(images), features)
        assert onnx_inputs(clf, images)["images"].shape == (64, 3, 8, 8)
    clf.set_params(weights=None).save(tmp_path / "v.safetensors")
    loaded = sknn.load(tmp_path / "v.safetensors").set_params(weights="imagenet")
    np.testing.assert_array_equal(loaded.predict_proba(images), proba)
    # a pretrained backbone keeps refusing images off its scale, whatever weights says now
    state = clf.backbone_state_dict()
    pretrained = VGGFeatureExtractor(weights=state, backbone=VGG["backbone"], image_size=8, channels_last=False,
                                     device="cpu").fit(images / 16).set_params(weights=None)
    with pytest.raises(ValueError, match="takes pixels in \\[0, 1\\]"):
        pretrained.transform(images)
    del pretrained.architecture_["pretrained"]  # a model fitted before the record (an old pickle): weights decides
    assert pretrained.transform(images).shape[0] == 64


# -- what save writes over, how a loaded model trains on and what it predicts in --------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes of POSIX")
def test_save_never_replaces_what_is_not_a_regular_file(saved, tmp_path):
    clf = sknn.load(saved["dense"])
    pipe = tmp_path / "pipe.safetensors"
    os.mkfifo(pipe)
    with pytest.raises(ValueError, match=r"pipe\.safetensors': it is a named pipe \(FIFO\), not a regular file, and "
                                         r"saving would replace it with one; pass the path of a regular file"):
        clf.save(pipe)
    link = tmp_path / "link.safetensors"  # through a symbolic link too
    link.symlink_to(pipe)
    with pytest.raises(ValueError, match="it is a named pipe"):
        clf.save(link)
    assert pipe.is_fifo() and sorted(os.listdir(tmp_path)) == ["link.safetensors", "pipe.safetensors"]


def test_save_under_a_file_says_it_is_a_file_not_a_missing_folder(saved, tmp_path):
    clf = sknn.load(saved["dense"])
    (tmp_path / "afile").write_bytes(b"data")
    for target in (tmp_path / "afile" / "x.safetensors", tmp_path / "afile" / "sub" / "x.safetensors"):
        with pytest.raises(NotADirectoryError, match=rf"'{tmp_path / 'afile'}' is a file, not a folder"):
            clf.save(target)
    assert (tmp_path / "afile").read_bytes() == b"data"


def _learning_rates(model):
    return [group["lr"] for group in model.net_.optimizer_.param_groups]


@pytest.mark.parametrize("kind", ["dense", "tagger"])
def test_a_loaded_model_continues_its_learning_rate_plateau(tmp_path, kind):
    """learning_rate='adaptive' (a ReduceLROnPlateau schedule): its best loss and bad epochs are saved, so that the
    loaded model cuts the rate at the epochs the original does (it cut one epoch later each time)."""
    plateau = dict(learning_rate="adaptive", tol=10.0, max_iter=3, device="cpu", random_state=0)  # no epoch gains
    sentences, tags = [["a", "b"], ["c", "a", "b"]] * 4, [["A", "B"], ["C", "A", "B"]] * 4
    data = (X, Y) if kind == "dense" else (sentences, tags)
    model = (_dense(optimizer="sgd", n_iter_no_change=None, early_stopping=False, **plateau) if kind == "dense" else
             LSTMSequenceTagger(hidden_size=4, embedding_dim=4, char_features=False, **plateau)).fit(*data)
    model.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    rates = []
    for _ in range(4):
        for est in (model, loaded):
            est.partial_fit(*data)
        assert _learning_rates(loaded) == _learning_rates(model)
        rates.append(_learning_rates(model)[0])
    assert len(set(rates)) > 1  # the rate was cut while the two trained on
    outputs = [np.concatenate(m.predict_proba(data[0])) for m in (model, loaded)]
    np.testing.assert_array_equal(outputs[1], outputs[0])


def test_a_file_without_the_plateau_state_loads_with_a_fresh_one(tmp_path):
    model = _dense(learning_rate="adaptive", optimizer="sgd", tol=10.0, n_iter_no_change=None,
                   early_stopping=False).fit(X, Y)
    model.save(tmp_path / "new.safetensors")

    def as_older_sknn(estimator):
        del estimator["engine"]["callback_states"]

    old = sknn.load(_rewrite(tmp_path / "new.safetensors", tmp_path / "old.safetensors", as_older_sknn))
    np.testing.assert_array_equal(old.predict_proba(X), model.predict_proba(X))
    assert old.partial_fit(X, Y).n_iter_ == model.n_iter_ + 1

    def forged(estimator):  # a scheduler's state holding something else than numbers and strings
        def as_dict(**items):
            return {"__type__": "dict", "keys": list(items), "values": list(items.values())}
        code = {"__type__": "bytes", "hex": "00"}
        estimator["engine"]["callback_states"] = as_dict(lr_resume=as_dict(lr_scheduler=as_dict(optimizer=code)))

    with pytest.raises(FormatError, match="state of the callback 'lr_resume' cannot be restored: the learning-rate "
                                          "schedulers' states are not dicts of numbers"):
        sknn.load(_rewrite(tmp_path / "new.safetensors", tmp_path / "forged.safetensors", forged))


def test_a_model_fitted_in_float64_loads_in_float64(tmp_path):
    y = X[:, 0] * 1000 + X[:, 1]  # a large target: rounding the weights to float32 moved predictions by ~1e-4
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        reg = sknn.DenseRegressor(hidden_layer_sizes=(8,), max_iter=2, device="cpu", random_state=0).fit(X, y)
    finally:
        torch.set_default_dtype(default)
    reg.save(tmp_path / "f64.safetensors")
    loaded = sknn.load(tmp_path / "f64.safetensors")  # in torch's float32 default
    assert {p.dtype for p in loaded.net_.module_.parameters()} == {torch.float64}
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    loaded.partial_fit(X, y)  # the optimizer trains the float64 weights it holds
    assert {p.dtype for p in loaded.net_.module_.parameters()} == {torch.float64}
