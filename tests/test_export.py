"""sknn.export: each family's ONNX graph gives the estimator's own predictions in onnxruntime."""

import pickle
import sys

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import (ConvImageClassifier, DenseClassifier, DenseRegressor, LSTMLanguageModel, LSTMSequenceTagger,
                  TransferVGGClassifier)
from sknn.export import onnx_inputs, onnx_metadata, to_onnx

REASON = 'the ONNX export tests need the optional ONNX packages: pip install "sknn[onnx]"'
ort = pytest.importorskip("onnxruntime", reason=REASON)
pytest.importorskip("onnx", reason=REASON)
pytest.importorskip("onnxscript", reason=REASON)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:240] / 16.0, y[:240]


def _session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _export(est, X, tmp_path, name="model.onnx"):
    """Export, checking the estimator is left as it was: same predictions, same module, still picklable."""
    before = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    modules = [type(m) for m in est.net_.module_.modules()]
    training = est.net_.module_.training
    path = to_onnx(est, tmp_path / name)
    assert isinstance(path, str) and path.endswith(name)
    after = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    for b, a in zip(before, after) if isinstance(before, list) else [(before, after)]:
        np.testing.assert_array_equal(a, b)
    assert [type(m) for m in est.net_.module_.modules()] == modules and est.net_.module_.training == training
    pickle.loads(pickle.dumps(est))
    return path, _session(path)


def _check_batches(est, session, X, output="probabilities", reference=None):
    """The ONNX output equals the estimator's for one row and for all of them."""
    reference = est.predict_proba if reference is None else reference
    for rows in (X[:1], X):
        (out,) = session.run([output], onnx_inputs(est, rows))
        assert len(out) == len(rows)
        np.testing.assert_allclose(out, reference(rows), atol=1e-4)


def test_dense_classifier(iris, tmp_path):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = DenseClassifier(hidden_layer_sizes=(16, 8), batch_norm=True, dropout=0.1, max_iter=5,
                          random_state=0).fit(X, labels)
    path, session = _export(clf, X[:40], tmp_path)
    assert [i.name for i in session.get_inputs()] == ["X"]
    assert session.get_inputs()[0].shape == ["batch", 4]
    _check_batches(clf, session, X[:40])
    meta = onnx_metadata(path)
    assert meta["classes"] == ["setosa", "versicolor", "virginica"]
    assert meta["estimator"] == "DenseClassifier" and meta["sknn_version"]
    assert session.get_modelmeta().custom_metadata_map["classes"] == '["setosa", "versicolor", "virginica"]'
    # the predicted label: classes[argmax]
    (proba,) = session.run(None, onnx_inputs(clf, X[:40]))
    np.testing.assert_array_equal(np.asarray(meta["classes"])[proba.argmax(1)], clf.predict(X[:40]))


@pytest.mark.parametrize("unit", ["ns", "us", "D"])
def test_date_labels_are_written_as_their_text_in_every_unit(iris, tmp_path, unit):
    """Nanosecond dates were written as integers (1577836800000000000), microsecond ones as text: the label of
    classes[argmax] depended on the unit."""
    X, y = iris
    dates = np.array(["2020-01-01", "2021-01-01", "2022-01-01"], dtype=f"datetime64[{unit}]")
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X, dates[y])
    path, session = _export(clf, X[:20], tmp_path)
    classes = onnx_metadata(path)["classes"]
    assert all(isinstance(c, str) for c in classes) and classes[0].startswith("2020-01-01")
    (proba,) = session.run(None, onnx_inputs(clf, X[:20]))
    predicted = np.array([np.datetime64(classes[i]) for i in proba.argmax(1)]).astype(dates.dtype)
    np.testing.assert_array_equal(predicted, clf.predict(X[:20]))


def test_dense_regressor_predictions_have_predicts_shape(regression, tmp_path):
    X, y = regression
    reg = DenseRegressor(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(X, y[:, 0])
    path, session = _export(reg, X[:30], tmp_path)
    assert session.get_outputs()[0].name == "predictions" and session.get_outputs()[0].shape == ["batch"]
    _check_batches(reg, session, X[:30], output="predictions", reference=reg.predict)
    assert "classes" not in onnx_metadata(path)
    # a target far from 0 (timestamps, ids): back on its scale in float64, as predict (float32 steps by 64 here)
    far = DenseRegressor(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(X, 1e9 + y[:, 0])
    _, session = _export(far, X[:30], tmp_path)
    (out,) = session.run(["predictions"], onnx_inputs(far, X[:30]))
    assert out.dtype == np.float64 and np.abs(out - far.predict(X[:30])).max() < 1e-3


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_dense_with_categories_and_missing_values(tmp_path, kind):
    """The built-in encoding: one-hot (a small column) and embedded (a large one) categories, missing values."""
    import pandas as pd

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.normal(40, 10, 80), "plan": rng.choice(["basic", "plus", "pro"], 80),
                       "flag": rng.choice([True, False], 80), "city": rng.choice([f"c{i}" for i in range(12)], 80)})
    df.loc[::9, "age"] = np.nan
    df.loc[::11, "plan"] = None
    if kind == "classifier":
        est = DenseClassifier(hidden_layer_sizes=(6,), max_iter=2, random_state=0).fit(df, rng.choice(["a", "b"], 80))
        output, reference = "probabilities", est.predict_proba
    else:
        est = DenseRegressor(hidden_layer_sizes=(6,), max_iter=2, random_state=0).fit(df, rng.normal(size=80))
        output, reference = "predictions", est.predict
    layer = est.net_.module_.layers[0]
    assert layer.one_hot_columns and layer.embedded_columns  # both encodings are in the graph
    path, session = _export(est, df, tmp_path)  # (failed in torch.export: the one-hot's width read from a buffer)
    unseen = df.iloc[:4].assign(plan=["gold", None, "pro", "basic"])  # an unseen category: as a missing one
    for rows in (df.iloc[:1], df, unseen):
        (out,) = session.run([output], onnx_inputs(est, rows))
        np.testing.assert_allclose(out, reference(rows), atol=1e-4)
    assert onnx_metadata(path)["preprocessing"]["categories"]["plan"] == ["basic", "plus", "pro"]


def test_conv_image_classifier(digits, tmp_path):
    X, y = digits
    clf = ConvImageClassifier(conv_filters=(4, 8), dense_layers=(16,), image_shape=(8, 8), batch_size=32,
                              max_iter=2, random_state=0).fit(X, y)
    path, session = _export(clf, X[:20], tmp_path)
    assert session.get_inputs()[0].name == "images" and session.get_inputs()[0].shape == ["batch", 1, 8, 8]
    _check_batches(clf, session, X[:20])
    meta = onnx_metadata(path)
    assert meta["classes"] == list(range(10))
    assert meta["preprocessing"]["layout"] == "NCHW" and (meta["preprocessing"]["height"],
                                                          meta["preprocessing"]["width"]) == (8, 8)
    # compile=True keeps the module under torch.compile's wrapper (OptimizedModule): the export unwraps it
    expected = clf.predict_proba(X[:20])
    clf.net_.module_ = torch.compile(clf.net_.module_, backend="eager")  # wrapped, never compiled here
    path = to_onnx(clf, tmp_path / "compiled.onnx")
    (out,) = _session(path).run(None, onnx_inputs(clf, X[:20]))
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_transfer_classifier_resizes_in_the_graph(digits, tmp_path):
    X, y = digits
    clf = TransferVGGClassifier(backbone=[8, "M", 16, "M"], weights=None, image_size=12, image_shape=(8, 8),
                                head_layers=(16,), dropout=0.0, batch_size=32, max_iter=3, channels_last=False,
                                random_state=0).fit(X, y)
    path, session = _export(clf, X[:20], tmp_path)
    assert session.get_inputs()[0].shape == ["batch", 3, "height", "width"]
    _check_batches(clf, session, X[:20])  # grey 8x8, enlarged to 12x12
    rgb = np.random.RandomState(0).rand(6, 20, 15, 3)  # channels last, shrunk (antialiased) to 12x12
    _check_batches(clf, session, rgb)
    meta = onnx_metadata(path)
    assert meta["classes"] == list(range(10)) and meta["preprocessing"]["image_size"] == [12, 12]
    # a backbone trained from random weights reads the training images' scale, not [0, 1] (said so before)
    wide = clf.set_params(max_iter=1).fit(X[:60] * 16, y[:60])  # (digits' levels 0..16, as they are)
    assert onnx_metadata(to_onnx(wide, tmp_path / "wide.onnx"))["preprocessing"]["value_range"] == [0.0, 16.0]


def test_feature_extractor_gives_transform(digits, tmp_path):
    from sknn import VGGFeatureExtractor

    X, _ = digits
    vgg = VGGFeatureExtractor(backbone=[8, "M", 16], weights=None, image_size=12, image_shape=(8, 8), pooling="max",
                              random_state=0).fit(X)
    before = vgg.transform(X[:20])
    path = to_onnx(vgg, tmp_path / "features.onnx")
    np.testing.assert_array_equal(vgg.transform(X[:20]), before)  # the estimator is left as it was
    session = _session(path)
    assert [o.name for o in session.get_outputs()] == ["features"]
    assert session.get_outputs()[0].shape == ["batch", 16]
    rgb = np.random.RandomState(0).rand(5, 20, 15, 3)  # channels last, of another size: resized in the graph
    for images in (X[:1], X[:20], rgb):
        (out,) = session.run(["features"], onnx_inputs(vgg, images))
        np.testing.assert_allclose(out, vgg.transform(images), atol=1e-4)
    meta = onnx_metadata(path)
    assert meta["estimator"] == "VGGFeatureExtractor" and "classes" not in meta
    with pytest.raises(NotFittedError):
        to_onnx(VGGFeatureExtractor(weights=None), tmp_path / "unfitted.onnx")


# sequences of different lengths in one batch, an unknown word and one longer than 24 characters
SENTENCES = [["the", "dog", "runs", "fast"], ["a", "cat"], ["The", "cat", "runs"],
             ["supercalifragilisticexpialidocious", "x"]] * 8
TAGS = [["DET", "NOUN", "VERB", "ADV"], ["DET", "NOUN"], ["DET", "NOUN", "VERB"], ["NOUN", "X"]] * 8


def _check_sequences(tagger, session, X):
    for seqs in (X[:1], X):
        feed = onnx_inputs(tagger, seqs)
        assert feed["lengths"].tolist() == [len(s) for s in seqs]
        (out,) = session.run(["probabilities"], feed)
        assert out.shape[:2] == (len(seqs), max(len(s) for s in seqs))
        for row, expected, n in zip(out, tagger.predict_proba(seqs), feed["lengths"]):
            np.testing.assert_allclose(row[:n], expected, atol=1e-4)
            assert not row[n:].any()  # padding positions


def test_sequence_tagger_of_words_and_characters(tmp_path):
    vectors = {w: np.full(8, 0.1 * i, np.float32) for i, w in enumerate(["dog", "runs", "zebra"])}  # a frozen copy
    tagger = LSTMSequenceTagger(cell="gru", hidden_size=8, embedding_dim=8, char_features="lstm", char_dim=6,
                                lowercase=True, pretrained_embeddings=vectors, max_iter=2, random_state=0).fit(
        SENTENCES, TAGS)
    assert tagger.net_.module_.frozen_embedding is not None
    path, session = _export(tagger, SENTENCES[:4], tmp_path)
    assert [i.name for i in session.get_inputs()] == ["words", "lengths", "chars"]
    assert session.get_outputs()[0].shape == ["batch", "time", 5]
    X = SENTENCES[:4] + [["an", "unseen", "Dog", "runs", "and", "runs", "fast"]]
    _check_sequences(tagger, session, X)
    meta = onnx_metadata(path)
    assert meta["classes"] == ["ADV", "DET", "NOUN", "VERB", "X"]
    assert {w: i for i, w in enumerate(meta["vocabulary"])} == tagger.vocabulary_
    assert {c: i for i, c in enumerate(meta["char_vocabulary"])} == tagger.char_vocabulary_
    assert meta["preprocessing"]["lowercase"] is True


def test_sequence_tagger_of_feature_vectors(tmp_path):
    rng = np.random.RandomState(0)
    X = [rng.rand(n, 3).astype(np.float32) for n in (5, 2, 7, 3, 1, 4)]
    y = [(x[:, 0] > 0.5).astype(int) for x in X]
    tagger = LSTMSequenceTagger(cell="rnn", num_layers=2, hidden_size=8, max_iter=2, random_state=0).fit(X, y)
    path, session = _export(tagger, X, tmp_path)
    assert [i.name for i in session.get_inputs()] == ["features", "lengths"]
    _check_sequences(tagger, session, X)
    assert "vocabulary" not in onnx_metadata(path)


def test_errors(iris, tmp_path, monkeypatch):
    X, y = iris
    with pytest.raises(NotFittedError):
        to_onnx(DenseClassifier(), tmp_path / "m.onnx")
    with pytest.raises(NotFittedError):
        onnx_inputs(DenseClassifier(), X)
    for est in (LogisticRegression().fit(X, y), LSTMLanguageModel()):  # the families without an ONNX graph
        with pytest.raises(TypeError, match=rf"ONNX export supports .*DenseClassifier.*; got {type(est).__name__}\.") \
                as info:
            to_onnx(est, tmp_path / "m.onnx")
        assert "LSTMSequenceTagger" in str(info.value) and "LSTMLanguageModel," not in str(info.value)
    with pytest.raises(TypeError, match="export its last step"):
        to_onnx(make_pipeline(StandardScaler(), DenseClassifier()), tmp_path / "m.onnx")
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"Cannot save to '': pass a file path as a str, e\.g\. 'model\.onnx'"):
        to_onnx(clf, "")  # (save("") failed after the work, with 'No such file or directory')
    with pytest.raises(ValueError, match=r"Cannot save to ''"):
        clf.save("")
    with pytest.raises(IsADirectoryError, match=r"it is a folder; pass a file path, e\.g\. .*model\.onnx"):
        to_onnx(clf, tmp_path)
    with pytest.raises(IsADirectoryError, match="ending with a slash names a folder"):
        to_onnx(clf, f"{tmp_path}/m.onnx/")  # (found only after the whole export)
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist"):
        to_onnx(clf, tmp_path / "no" / "m.onnx")
    for opset in (99, "17", -1, 17.0, True):  # were written as opset 18 without a word, or failed inside torch
        with pytest.raises(ValueError, match=r"opset must be None or a whole number from 1 to \d+"):
            to_onnx(clf, tmp_path / "m.onnx", opset=opset)
    with pytest.warns(UserWarning, match=r"opset=5 was asked, but the exporter wrote opset \d+"):
        to_onnx(clf, tmp_path / "low.onnx", opset=5)
    (tmp_path / "not.onnx").write_text("not a model")
    with pytest.raises(ValueError, match=r"'.*not\.onnx' is not an ONNX model \(\w+\); pass a file written by to_onnx"):
        onnx_metadata(tmp_path / "not.onnx")
    with pytest.raises(FileNotFoundError, match="No ONNX file at"):
        onnx_metadata(tmp_path / "missing.onnx")
    with pytest.raises(TypeError, match=r"model must be the path of an ONNX file .* got int"):
        onnx_metadata(5)  # (was os.fspath's 'expected str, bytes or os.PathLike object')
    (tmp_path / "empty.onnx").write_bytes(b"")  # read as an empty model: it gave {}
    with pytest.raises(ValueError, match=r"holds no sknn deployment contract \(an empty file"):
        onnx_metadata(tmp_path / "empty.onnx")
    monkeypatch.setitem(sys.modules, "onnxscript", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r'pip install "sknn\[onnx\]"'):
        to_onnx(clf, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("family", ["conv", "tagger", "features"])
def test_the_graph_is_the_network_the_model_has(digits, tmp_path, family):
    from sknn import VGGFeatureExtractor

    X, y = digits
    if family == "conv":
        est = ConvImageClassifier(conv_filters=(4,), dense_layers=(8,), image_shape=(8, 8), max_iter=1,
                                  random_state=0).fit(X[:60], y[:60])
        est.set_params(conv_filters=(2, 2), dense_layers=())
        X, reference = X[:5], est.predict_proba
    elif family == "tagger":
        est = LSTMSequenceTagger(hidden_size=8, embedding_dim=8, lowercase=False, max_iter=1, random_state=0).fit(
            SENTENCES, TAGS)
        est.set_params(hidden_size=4, bidirectional=False, lowercase=True)
        X, reference = SENTENCES[:4], None
    else:
        est = VGGFeatureExtractor(backbone=[8, "M", 16], weights=None, image_size=12, image_shape=(8, 8),
                                  random_state=0).fit(X[:5])
        est.set_params(backbone=[4], image_size=16, pooling="flatten")
        X, reference = X[:5], est.transform
    path = to_onnx(est, tmp_path / "model.onnx")
    session = _session(path)
    if family == "tagger":
        assert onnx_metadata(path)["preprocessing"]["lowercase"] is False  # as the vocabulary was built
        _check_sequences(est, session, X)
    else:
        _check_batches(est, session, X, output=session.get_outputs()[0].name, reference=reference)


def test_from_network_refuses_a_device_that_is_no_device():
    from sklearn.datasets import load_iris

    from sknn import DenseClassifier

    X, y = load_iris(return_X_y=True)
    network = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y).export_network()
    with pytest.raises(TypeError, match="device must be 'cpu', 'cuda', 'auto' or a torch.device, got None"):
        DenseClassifier.from_network(network, device=None)


def test_exports_from_two_threads_succeed_and_leave_the_warning_filters_as_they_were(tmp_path):
    """Two threads exporting at once failed inside torch.export ('Trying to pop empty mode stack'), and each restored
    the other's saved warning filters and stdout: later output vanished, later warnings were silenced."""
    import threading
    import warnings

    X = np.random.RandomState(0).randn(40, 3)
    models = [DenseClassifier(hidden_layer_sizes=(8,), max_iter=1, random_state=seed).fit(X, X[:, 0] > 0)
              for seed in (0, 1)]
    filters = list(warnings.filters)
    errors = []

    def export(model, path):
        try:
            to_onnx(model, path)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=export, args=(m, tmp_path / f"{i}.onnx")) for i, m in enumerate(models)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert warnings.filters == filters
    for i, model in enumerate(models):
        session = ort.InferenceSession(str(tmp_path / f"{i}.onnx"))
        got = session.run(None, {session.get_inputs()[0].name: X.astype(np.float32)})[0]
        np.testing.assert_allclose(got, model.predict_proba(X), atol=1e-5)
