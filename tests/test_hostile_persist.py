"""Hostile save/load: missing folders, forged files describing enormous architectures, parameters changed after fit
(tiny, seconds)."""

import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from skorch.callbacks import Callback

import sknn
from sknn import (ConvImageClassifier, DenseClassifier, KeyedVectors, LSTMLanguageModel, LSTMSequenceTagger,
                  TransferVGGClassifier, VGGFeatureExtractor, Word2VecTransformer)
from sknn._persist_network import build_at_most
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
    cut.write_bytes(data[:5])  # cut before its header begins
    with pytest.raises(FormatError, match="is 5 bytes only, too short for any saved model"):
        sknn.load(cut)
    cut.write_bytes(b"not a model at all")
    with pytest.raises(FormatError, match="is not a safetensors file"):
        sknn.load(cut)
    pytest.importorskip("onnx")
    from sknn.export import to_onnx

    onnx = to_onnx(DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(np.random.rand(20, 3), [0, 1] * 10),
                   cut.with_suffix(".onnx"))  # (said to be no safetensors file, 'header too large')
    with pytest.raises(FormatError, match=r"is an ONNX model, which onnxruntime runs; sknn\.load reads files written "
                                          r"by est\.save\(path\)"):
        sknn.load(onnx)


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
    for size in (4, 8):  # cut before its header begins: said so, not 'not a safetensors file ... joblib.load'
        cut = tmp_path / f"cut{size}.safetensors"
        cut.write_bytes(link.read_bytes()[:size])
        with pytest.raises(FormatError, match=rf"is {size} bytes only, too short for any saved model: an interrupted"):
            sknn.load(cut)


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
    if "optimizer" in changed:  # another optimizer is refused alike, before and after the round trip
        for model in (clf, loaded):
            with pytest.raises(ValueError, match=f"optimizer='{changed['optimizer']}': partial_fit goes on with the "
                                                 f"optimizer the network was trained with \\({kind.__name__}\\)"):
                model.partial_fit(X, Y)
        return
    clf.partial_fit(X, Y)  # the rate and betas set since are followed alike
    loaded.partial_fit(X, Y)
    assert type(clf.net_.optimizer_) is kind
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_partial_fit_weighs_l2_by_the_optimizer_it_continues():
    clf = _dense(alpha=0.5).fit(X, Y).set_params(alpha=0.25).partial_fit(X, Y)  # AdamW: decoupled decay, unscaled
    assert clf.net_.weight_decay == 0.25


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
    brighter = images / 16 * 2.5  # (not whole levels: 8-bit levels as floats are refused by any [0, 1] model)
    with pytest.raises(ValueError, match="takes pixels in \\[0, 1\\]"):
        pretrained.transform(brighter)
    del pretrained.architecture_["pretrained"]  # a model fitted before the record (an old pickle): weights decides
    assert pretrained.transform(brighter).shape[0] == 64


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


def _plateau_model():
    return _dense(learning_rate="adaptive", optimizer="sgd", tol=10.0, n_iter_no_change=None, early_stopping=False,
                  max_iter=3).fit(X, Y)


def _set_plateau_state(**entries):
    """An edit of a saved document that sets ``entries`` in the saved state of the 'lr_scheduler' callback."""
    def edit(estimator):
        outer = estimator["engine"]["callback_states"]
        inner = outer["values"][outer["keys"].index("lr_resume")]
        state = inner["values"][inner["keys"].index("lr_scheduler")]
        for key, value in entries.items():
            if key in state["keys"]:
                state["values"][state["keys"].index(key)] = value
            else:
                state["keys"].append(key)
                state["values"].append(value)
    return edit


@pytest.fixture(scope="module")
def plateau_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plateau") / "adaptive.safetensors"
    _plateau_model().save(path)
    return path


@pytest.mark.parametrize("key, value, problem", [
    ("best", "abc", "not a number"), ("best", True, "not a number"), ("best", float("nan"), "not a number"),
    ("num_bad_epochs", 1.5, "not a count"), ("num_bad_epochs", -1, "not a count"),
    ("cooldown_counter", "s", "not a count"), ("last_epoch", None, "not a count"),
    ("_last_lr", [1e-3, float("inf"), 1e-3, 1e-3], "not a list of finite learning rates >= 0"),
    ("_last_lr", [-1.0] * 4, "not a list of finite learning rates >= 0"),
    ("_last_lr", [1e-3, True, 1e-3, 1e-3], "not a list of finite learning rates >= 0"),
    # a count of rates other than the optimizer's groups: at load, not as partial_fit's "alpha went from or to 0"
    ("_last_lr", [], "0 learning rates, but the optimizer the parameters build has 4 parameter groups"),
    ("_last_lr", [1e-3] * 5, "5 learning rates, but the optimizer the parameters build has 4 parameter groups"),
])
def test_a_forged_plateau_state_is_refused_at_load(plateau_file, tmp_path, key, value, problem):
    """Each value of a learning-rate plateau's progress is checked as the file is read (it failed deep inside torch
    at the next partial_fit: "'>' not supported between instances of 'str' and 'int'")."""
    forged = _rewrite(plateau_file, tmp_path / "forged.safetensors", _set_plateau_state(**{key: value}))
    with pytest.raises(FormatError, match=rf"callback 'lr_resume' cannot be restored: lr_scheduler's {key} is .*"
                                          rf"{re.escape(problem)}.*damaged or forged"):
        sknn.load(forged)


def test_a_plateau_state_keeps_its_progress_not_its_settings(plateau_file, tmp_path):
    """The settings of the schedule (mode, factor, patience...) are rebuilt from the parameters: not saved, and those
    of a file (a forged one, or one of an older sknn, which saved them) never restored; the progress goes on."""
    with safe_open(plateau_file, framework="pt") as f:
        document = f.metadata()["sknn.document"]
    states = json.loads(document)["estimator"]["engine"]["callback_states"]["values"][0]
    assert states["keys"] == ["lr_scheduler"] and sorted(states["values"][0]["keys"]) == [
        "_last_lr", "best", "cooldown_counter", "last_epoch", "num_bad_epochs"]
    forged = _rewrite(plateau_file, tmp_path / "settings.safetensors", _set_plateau_state(
        mode="foo", threshold_mode="x", patience=None, factor=5.0, eps="e", min_lrs=[True], mode_worse=-1.0))
    model, loaded = sknn.load(plateau_file), sknn.load(forged)
    for _ in range(3):
        for est in (model, loaded):
            est.partial_fit(X, Y)
        assert _learning_rates(loaded) == _learning_rates(model)
    scheduler = dict(loaded.net_.callbacks_)["lr_scheduler"].lr_scheduler_
    assert (scheduler.mode, scheduler.factor, scheduler.patience) == ("min", 0.2, 1)


def test_a_saved_plateau_state_is_strict_json_and_no_best_yet_is_null(tmp_path):
    """JSON has no Infinity: the 'no best yet' of a plateau (and its mode_worse, a setting) made every
    learning_rate='adaptive' file non-standard JSON. It is saved as null and read back as the scheduler's start."""
    def strict(constant):
        raise AssertionError(f"non-standard JSON constant {constant} in the saved document")

    model = _plateau_model()
    dict(model.net_.callbacks_)["lr_resume"].states["lr_scheduler"]["best"] = math.inf  # no best yet
    model.save(tmp_path / "m.safetensors")
    with safe_open(tmp_path / "m.safetensors", framework="pt") as f:
        document = json.loads(f.metadata()["sknn.document"], parse_constant=strict)
    state = document["estimator"]["engine"]["callback_states"]["values"][0]["values"][0]
    assert state["values"][state["keys"].index("best")] is None
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert "best" not in dict(loaded.net_.callbacks_)["lr_resume"].states["lr_scheduler"]
    for _ in range(3):
        for est in (model, loaded):
            est.partial_fit(X, Y)
        assert _learning_rates(loaded) == _learning_rates(model)
        assert dict(loaded.net_.callbacks_)["lr_scheduler"].lr_scheduler_.best == dict(
            model.net_.callbacks_)["lr_scheduler"].lr_scheduler_.best


def _retyped(path, out, dtypes):
    """The saved file with some tensors in other dtypes (``{tensor name: dtype}``), digest recomputed."""
    with safe_open(path, framework="pt") as f:
        metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    tensors.update({k: tensors[k].to(dtype) for k, dtype in dtypes.items()})
    metadata["sknn.digest"] = _digest(metadata["sknn.document"], tensors, None)
    save_file(tensors, out, metadata=metadata)
    return out


@pytest.mark.parametrize("dtypes, message", [
    ({"module.layers.1.weight": torch.float64}, r"parameters of the DenseClassifier network are of 2 dtypes \("
                                                r"torch.float32: layers.0.periodic.frequencies, .*torch.float64: "
                                                r"layers.1.weight\), but a network's parameters share one"),
    ({"module.layers.2.weight": torch.float16, "module.layers.5.bias": torch.bfloat16}, "are of 3 dtypes"),
    # a buffer the module keeps in float32 (the input's center and scale), in another dtype: predict failed
    ({"module.layers.0.center": torch.float64}, r"not of the dtypes a torch.float32 network of its parameters has: "
                                                r"layers.0.center \(saved torch.float64, expected torch.float32\)"),
    ({"module.layers.0.missing_columns": torch.float32}, r"layers.0.missing_columns \(saved torch.float32, "
                                                         r"expected torch.int64\)"),
])
def test_weights_in_dtypes_no_network_has_are_refused(saved, tmp_path, dtypes, message):
    """A network's floating parameters share one dtype, and its other tensors are those its build gives in it (such a
    file loaded, and predict failed with a bare RuntimeError: "Input dtypes must be the same")."""
    with pytest.raises(FormatError, match=message + ".*the file is damaged or forged"):
        sknn.load(_retyped(saved["dense"], tmp_path / "mixed.safetensors", dtypes))


@pytest.mark.parametrize("kept_in_float32", [(), ("center", "scale")])
def test_a_model_fitted_in_float64_loads_in_float64(tmp_path, kept_in_float32):
    """A float64 network, moved with .double() or as an older sknn built it under torch.set_default_dtype(float64)
    (the input's center and scale kept in float32), loads in float64 in a float32 process, predicting exactly."""
    y = X[:, 0] * 1000 + X[:, 1]  # a large target: rounding the weights to float32 moved predictions by ~1e-4
    reg = sknn.DenseRegressor(hidden_layer_sizes=(8,), max_iter=2, device="cpu", random_state=0).fit(X, y)
    module = reg.net_.module_.double()  # (fit builds a float32 network whatever torch's default dtype)
    for name in kept_in_float32:
        setattr(module.layers[0], name, getattr(module.layers[0], name).float())
    reg.save(tmp_path / "f64.safetensors")
    assert torch.get_default_dtype() == torch.float32
    loaded = sknn.load(tmp_path / "f64.safetensors")
    assert {p.dtype for p in loaded.net_.module_.parameters()} == {torch.float64}
    assert {k: t.dtype for k, t in loaded.net_.module_.state_dict().items()} == {
        k: t.dtype for k, t in module.state_dict().items()}
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    loaded.partial_fit(X, y)  # the optimizer trains the float64 weights it holds
    assert {p.dtype for p in loaded.net_.module_.parameters()} == {torch.float64}


# -- loading beside fits in other threads: it draws nothing from torch's generators, so it never waits for a fit --
class _Hold(Callback):
    """Holds its fit (and the lock fits in threads take turns by) in its first epoch until ``release`` is set."""

    def __init__(self):
        self.holding, self.release = threading.Event(), threading.Event()

    def on_epoch_begin(self, net, **kwargs):
        self.holding.set()
        self.release.wait(timeout=10)


def test_a_load_never_waits_for_a_fit_in_another_thread(saved):
    """A load built its network under the fits' lock, so it waited for a whole fit in another thread (8.7 s for
    0.04 s): it now builds on the meta device and fills the network with the file's weights."""
    hold = _Hold()
    fit = threading.Thread(target=_dense(callbacks=[hold]).fit, args=(X, Y), daemon=True)
    fit.start()
    try:
        assert hold.holding.wait(timeout=30)
        start = time.perf_counter()
        loaded = {name: sknn.load(saved[name]) for name in ("dense", "conv", "tagger")}
        took = time.perf_counter() - start
        assert fit.is_alive() and not hold.release.is_set()  # the fit still holds its lock: the loads did not wait
    finally:
        hold.release.set()
        fit.join(timeout=30)
    assert took < 5
    np.testing.assert_array_equal(loaded["dense"].predict_proba(X), sknn.load(saved["dense"]).predict_proba(X))


def test_a_loaded_network_keeps_its_tied_weights(tmp_path):
    """The network is given memory name by name (torch's to_empty): the tied input and output embeddings of a
    language model would each get their own, and train apart after the load."""
    text = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat"]] * 4
    lm = LSTMLanguageModel(hidden_size=4, embedding_dim=4, tie_weights=True, max_iter=1, device="cpu",
                           random_state=0).fit(text)
    lm.save(tmp_path / "lm.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (untied, the optimizer's state no longer fit its parameters)
        loaded = sknn.load(tmp_path / "lm.safetensors")
    module = loaded.net_.module_
    assert module.output.weight is module.embedding.weight
    for model in (lm, loaded):
        model.partial_fit(text)
    assert module.output.weight is module.embedding.weight
    assert loaded.perplexity(text) == lm.perplexity(text)


def test_the_size_limit_of_a_network_being_loaded_counts_no_network_another_thread_builds():
    """The registration hooks that stop an oversized build are the process's: a network a fit built in another
    thread meanwhile was counted against the file's (and the hook raised inside that fit)."""
    built = []

    def build():
        other = threading.Thread(target=lambda: built.append(torch.nn.Sequential(
            *[torch.nn.Linear(1, 1) for _ in range(200)])))
        other.start()
        other.join()
        return torch.nn.Linear(2, 2)

    with torch.device("meta"):
        module = build_at_most(build, {"weight": torch.zeros(2, 2), "bias": torch.zeros(2)}, "DenseClassifier")
    assert isinstance(module, torch.nn.Linear) and len(built) == 1


def test_a_network_rebuilt_from_its_export_under_a_float64_default_is_the_float32_one():
    """from_network built the network in torch's default dtype: a float64 one, whose predictions differed and which
    partial_fit trained in float64."""
    clf = _dense().fit(X, Y)
    network, expected = clf.export_network(), clf.predict_proba(X)
    torch.set_default_dtype(torch.float64)
    try:
        rebuilt = DenseClassifier.from_network(network)
        assert {p.dtype for p in rebuilt.net_.module_.parameters()} == {torch.float32}
        np.testing.assert_array_equal(rebuilt.predict_proba(X), expected)
        rebuilt.partial_fit(X, Y)
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert {p.dtype for p in rebuilt.net_.module_.parameters()} == {torch.float32}


def _tiny_classifier():
    X = np.random.RandomState(0).rand(20, 3)
    return DenseClassifier(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, [0, 1] * 10)


def test_load_names_a_folder_a_special_file_and_a_home_path_python_does_not_expand(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"Cannot read .*: it is a folder"):
        sknn.load(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        with pytest.raises(ValueError, match=r"it is a named pipe \(FIFO\), not a regular file"):
            sknn.load(tmp_path / "pipe")
    with pytest.raises(FileNotFoundError, match=r"No file at '~/no_such_model\.st' \('~' is read as a folder named "
                                                r"so.*os\.path\.expanduser"):
        sknn.load("~/no_such_model.st")


def test_save_names_a_null_character_a_home_path_and_a_key_utf8_cannot_encode(tmp_path):
    clf = _tiny_classifier()
    with pytest.raises(ValueError, match=r"it holds a null character"):
        clf.save(str(tmp_path / "a\x00b.st"))
    with pytest.raises(FileNotFoundError, match=r"does not exist \('~' is read as a folder named so"):
        clf.save("~/sknn_no_such_folder_/m.st")
    with pytest.raises(ValueError, match=r"key holds a character UTF-8 cannot encode"):
        clf.save(tmp_path / "k.st", key="\ud800")


def test_word2vec_files_are_refused_before_writing_at_a_folder_or_in_a_missing_one(tmp_path):
    kv = KeyedVectors(np.eye(2, dtype=np.float32), ["a", "b"])
    with pytest.raises(IsADirectoryError, match=r"Cannot save to .*: it is a folder.*vectors\.txt"):
        kv.save_word2vec_format(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the folder .*missing' does not exist"):
        kv.save_word2vec_format(tmp_path / "missing" / "v.txt")
    kv.save_word2vec_format(os.devnull)  # a device (or a FIFO) the writer opens: written to, as before


def test_from_network_keeps_whole_number_classes_beyond_int64_read_back_from_json():
    X = np.random.RandomState(0).rand(40, 3)
    y = np.array([2**63 + 1, 5] * 20, dtype=np.uint64)
    clf = DenseClassifier(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, y)
    text = json.dumps(clf.export_network(), default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    back = DenseClassifier.from_network(json.loads(text))  # (a float64 array before: 2**63 + 1 rounded)
    assert back.classes_.tolist() == [5, 2**63 + 1]
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))


def test_an_onnx_export_to_a_folder_that_takes_no_file_is_refused_before_the_export(monkeypatch):
    pytest.importorskip("onnx")
    try:
        with open("/sys/sknn_write_probe.tmp", "wb"):
            pass
    except OSError:
        pass
    else:  # pragma: no cover - a system whose /sys takes files
        pytest.skip("needs a folder no file can be made in")
    from sknn.export import to_onnx

    clf = _tiny_classifier()

    def no_export(*args, **kwargs):
        raise AssertionError("the network was exported before the path was checked")

    monkeypatch.setattr(torch.export, "export", no_export)  # (the export, seconds, came first; the write failed)
    with pytest.raises(OSError, match=r"Cannot save to '/sys/sknn_model\.onnx': "):
        to_onnx(clf, "/sys/sknn_model.onnx")


@pytest.mark.parametrize("read", ["sknn.load", "pickle"])
def test_a_model_loaded_inside_inference_mode_trains_again(tmp_path, read):
    """A model loaded inside torch.inference_mode() (a serving process) held inference tensors: its next partial_fit
    failed inside torch ('Inference tensors cannot be saved for backward'). It now goes on as one loaded outside."""
    import pickle

    X = np.random.RandomState(0).randn(40, 4)
    y = (X[:, 0] > 0).astype(int)
    model = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, device="cpu", random_state=0).fit(X, y)
    model.save(tmp_path / "m.safetensors")
    blob = pickle.dumps(model)

    def load():
        return sknn.load(tmp_path / "m.safetensors") if read == "sknn.load" else pickle.loads(blob)

    with torch.inference_mode():
        served = load()
    assert not any(t.is_inference() for t in served.net_.module_.state_dict().values())
    reference = load().partial_fit(X, y)
    np.testing.assert_array_equal(served.partial_fit(X, y).predict_proba(X), reference.predict_proba(X))


def _vocabulary_edit(name, word, row):
    def edit(estimator):
        vocabulary = estimator["attributes"][name]
        vocabulary["values"][vocabulary["keys"].index(word)] = row
    return edit


def test_a_vocabulary_edited_to_rows_beyond_its_table_is_refused_at_load_or_never_read(saved, tmp_path):
    """An unsigned file whose Word2VecTransformer vocabulary_ named a row beyond the table loaded, and transform read
    memory outside it (garbage, or a segfault for a row of 10**11): transform now reads rows by wv_'s own words, and
    agg='tfidf', which weighs by fit's rows, refuses a vocabulary_ that is not wv_'s. The tagger's vocabularies, which
    the network reads, failed at predict inside torch: refused at load."""
    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0).fit(
        [["the", "cat", "sat"], ["a", "dog", "ran"]] * 5)
    w2v.save(tmp_path / "w2v.safetensors")
    edited = sknn.load(_rewrite(tmp_path / "w2v.safetensors", tmp_path / "forged.safetensors",
                                _vocabulary_edit("vocabulary_", "a", 10**11)))
    np.testing.assert_array_equal(edited.transform([["a", "cat"]]), w2v.transform([["a", "cat"]]))
    with pytest.raises(ValueError, match=r"wv_ is not the table fit made"):
        edited.set_params(agg="tfidf").transform([["a"]])
    for name, row, message in [("vocabulary_", 10**6, "vocabulary_ does not number its \\d+ entries 0 to \\d+, once "
                                                      "each"),
                               ("char_vocabulary_", -1, "char_vocabulary_ does not number")]:
        forged = _rewrite(saved["tagger"], tmp_path / "forged.safetensors", _vocabulary_edit(name, "a", row))
        with pytest.raises(FormatError, match=rf"fitted attributes contradict each other: {message}"):
            sknn.load(forged)


def test_word_vectors_replaced_after_fit_are_read_by_their_own_rows(tmp_path):
    """transform looked words up in the fitted vocabulary_ and read those rows of a replaced wv_: another word's
    vector, or memory beyond a smaller table."""
    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0).fit(
        [["the", "cat", "sat"], ["a", "dog", "ran"]] * 5)
    w2v.wv_ = KeyedVectors(np.array([[1.0, 0, 0, 0], [0, 2.0, 0, 0]], np.float32), ["cat", "the"])
    np.testing.assert_array_equal(w2v.transform([["the"], ["cat", "the"], ["ran"]]),
                                  [[0, 2, 0, 0], [0.5, 1, 0, 0], [0, 0, 0, 0]])
    with pytest.raises(ValueError, match=r"wv_ is not the table fit made .* agg='tfidf' weighs each word by the idf_"):
        w2v.set_params(agg="tfidf").transform([["the"]])
    w2v.set_params(agg="mean").save(tmp_path / "replaced.safetensors")  # saved and loaded as it is
    np.testing.assert_array_equal(sknn.load(tmp_path / "replaced.safetensors").transform([["cat", "the"]]),
                                  [[0.5, 1, 0, 0]])


def test_a_range_as_a_size_parameter_is_saved_and_a_series_named_with_a_fix(tmp_path):
    """A range of layer sizes trained, but save refused it as 'code'; a Series was told to be fitted on labels as
    strings."""
    import pandas as pd

    X = np.random.RandomState(0).randn(40, 3)
    clf = DenseClassifier(hidden_layer_sizes=range(16, 0, -8), max_iter=2, random_state=0).fit(X, X[:, 0] > 0)
    clf.save(tmp_path / "m.sknn")
    loaded = sknn.load(tmp_path / "m.sknn")
    assert loaded.hidden_layer_sizes == range(16, 0, -8)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    clf.set_params(hidden_layer_sizes=pd.Series([16, 8]))
    with pytest.raises(TypeError, match=r"'hidden_layer_sizes' holds a Series .* set it as a list \(model\.set_params"
                                        r"\(hidden_layer_sizes=list\(\.\.\.\)\)\)"):
        clf.save(tmp_path / "s.sknn")


def test_no_writable_temporary_folder_is_named_at_fit_and_load(tmp_path, monkeypatch):
    """torch imports its compiler when a network or an optimizer is first built, and that import needs a temporary
    folder: in a read-only container with no volume on /tmp it failed halfway, a fit raised torch's 'AssertionError:
    Artifact of type=precompile already registered', and load called a good file damaged. Both name the folder and the
    fix before building anything; TORCHINDUCTOR_CACHE_DIR (a folder for the cache) lets them go on."""
    import tempfile

    from sknn._device import check_torch_cache_folder

    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    path = str(tmp_path / "model.sknn")
    DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y).save(path)

    def none_usable():
        raise FileNotFoundError(2, "No usable temporary directory found in ['/tmp', '/var/tmp']")

    monkeypatch.setattr(tempfile, "gettempdir", none_usable)
    monkeypatch.delitem(sys.modules, "torch._dynamo", raising=False)  # (as in a process that has built nothing yet)
    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    fix = r"torch needs a writable temporary folder to build a network .*: set TMPDIR to a writable folder"
    with pytest.raises(OSError, match=fix):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y)
    with pytest.raises(OSError, match=fix):
        sknn.load(path)
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", str(tmp_path))
    check_torch_cache_folder()  # (refused no more; nothing is built while torch._dynamo is out of sys.modules)
