"""Hostile save/load: missing folders, forged files describing enormous architectures (tiny, seconds)."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.torch import save_file

import sknn
from sknn import ConvImageClassifier, DenseClassifier, LSTMSequenceTagger, VGGFeatureExtractor
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


def _forge(path, out, param, value):
    """Set a parameter in the saved document, and in the recorded architecture the network is built from, then
    recompute the unsigned digest: what anyone can do to an unsigned file."""
    with safe_open(path, framework="pt") as f:
        metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    doc = json.loads(metadata["sknn.document"])
    estimator = doc["estimator"]
    estimator["params"][param] = value
    architecture = estimator["attributes"]["architecture_"]
    architecture["values"][architecture["keys"].index(param)] = value
    metadata["sknn.document"] = json.dumps(doc)
    metadata["sknn.digest"] = _digest(metadata["sknn.document"], tensors, None)
    save_file(tensors, out, metadata=metadata)
    return out


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
