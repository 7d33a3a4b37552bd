"""Warnings point at the user's line, whichever entry point (fit, fit_transform, partial_fit, a Pipeline, a load)
reached the rule that warns: a fixed stacklevel pointed into sknn, scikit-learn or joblib on all but one path
(tiny, seconds)."""

import json
import re
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.pipeline import make_pipeline

import sknn
from sknn import DenseClassifier, DenseRegressor, KeyedVectors, Word2VecTransformer
from sknn.datasets import image_folder, read_conllu
from sknn.persist import _digest

SMALL = dict(hidden_layer_sizes=(4,), max_iter=1, random_state=0, n_jobs=1, device="cpu")
W2V = dict(vector_size=4, min_count=1, epochs=1, sample=0, device="cpu", random_state=0)
NFC, NFD = unicodedata.normalize("NFC", "caf\u00e9"), unicodedata.normalize("NFD", "caf\u00e9")


def _warned(call, match):
    """The warnings whose message matches ``match`` that ``call`` raised (at least one), and its result."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = call()
    found = [w for w in record if re.search(match, str(w.message))]
    assert found, [str(w.message) for w in record]
    return found, result


def _assert_at_this_file(record):
    assert record[0].filename == __file__ and all(w.filename == __file__ for w in record), \
        [(w.filename, w.lineno) for w in record]


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.normal(size=n), "flag": rng.integers(0, 2, n).astype(float),
                      "city": rng.choice(["Oslo", "Lima"], n)})
    return X, 2.0 * X["x"].to_numpy() + X["flag"].to_numpy()


# -- tabular columns (sknn._tabular, sknn._tabular_numbers) --------------------------------------------------------
@pytest.mark.parametrize("through", ["estimator", "pipeline"])
def test_a_column_entirely_missing_in_fit_is_warned_about_at_the_fit_line(through):
    X, y = _table()
    X = X.assign(empty=np.nan)
    clf = DenseClassifier(**SMALL) if through == "estimator" else make_pipeline(DenseClassifier(**SMALL))
    record, _ = _warned(lambda: clf.fit(X, y > 0), r"Column 'empty' is entirely missing in fit")
    _assert_at_this_file(record)


def test_a_first_partial_fit_too_narrow_and_data_beyond_it_are_warned_about_at_the_calls():
    X, y = _table(seed=1)
    reg = DenseRegressor(**SMALL)
    record, _ = _warned(lambda: reg.partial_fit(X.iloc[:1].assign(empty=np.nan), y[:1]),
                        r"The first partial_fit trained on 1 row")
    _assert_at_this_file(record)
    for match in (r"Columns 'x', 'flag' held a single value in the first fit", r"Column 'empty' holds values now",
                  r"Column 'city' holds categories the first fit did not see"):
        record, _ = _warned(lambda: reg.partial_fit(X.assign(empty=1.0, city="Rome"), y), match)
        _assert_at_this_file(record)


@pytest.mark.parametrize("match", [r"Column 'city' holds categories the first fit did not see",
                                   r"Column 'flag' held two values", r"Column 'empty' holds values now"])
def test_a_warm_start_in_a_pipeline_is_warned_about_at_the_fit_line(match):
    X, y = _table(seed=2)
    pipe = make_pipeline(DenseClassifier(**SMALL, warm_start=True))
    _warned(lambda: pipe.fit(X.assign(empty=np.nan), y > 0), r"Column 'empty' is entirely missing in fit")
    record, _ = _warned(lambda: pipe.fit(X.assign(city="Rome", flag=3.0, empty=1.0), y > 0), match)
    _assert_at_this_file(record)


# -- word vectors (sknn._text_checks, sknn.word2vec, sknn._w2v_files, sknn.keyedvectors) ----------------------------
@pytest.mark.parametrize("call", ["fit", "fit_transform", "pipeline"])
def test_words_in_two_normal_forms_are_warned_about_at_the_fit_line(call):
    docs = [f"the {NFC} is open", f"a {NFC} bar", f"a {NFD} and a bar"] * 5
    w2v = Word2VecTransformer(**W2V)
    fit = {"fit": lambda: w2v.fit(docs), "fit_transform": lambda: w2v.fit_transform(docs),
           "pipeline": lambda: make_pipeline(w2v).fit_transform(docs)}[call]
    record, _ = _warned(fit, r"X spells 1 word\(s\) in more than one Unicode normal form")
    _assert_at_this_file(record)


@pytest.mark.parametrize("through", ["estimator", "pipeline"])
def test_tokens_unknown_only_because_of_their_normal_form_are_warned_about_at_the_transform_line(through):
    docs = [f"the {NFC} is open", "a dog and a bar"] * 5
    fitted = Word2VecTransformer(**W2V).fit(docs) if through == "estimator" else \
        make_pipeline(Word2VecTransformer(**W2V)).fit(docs)
    record, _ = _warned(lambda: fitted.transform([f"the {NFD}"]), r"unknown only because of their Unicode normal form")
    _assert_at_this_file(record)


def test_a_fit_that_trains_no_pair_is_warned_about_at_the_fit_transform_line():
    w2v = Word2VecTransformer(**{**W2V, "sample": 1e-12})
    record, _ = _warned(lambda: w2v.fit_transform(["the cat sat on the mat", "a dog and a cat"] * 5),
                        r"trained no word pair")
    _assert_at_this_file(record)


def test_vector_files_are_warned_about_at_the_load_line(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("2 2\na 1 2\nb 3 4\nc 5 6\n")
    record, _ = _warned(lambda: KeyedVectors.load_word2vec_format(path), r"holds more after the 2 vectors")
    _assert_at_this_file(record)
    path.write_text("3 2\na 1 0\nb 0 1\na -1 0\n")
    record, _ = _warned(lambda: KeyedVectors.load_word2vec_format(path), r"vector\(s\) of words already read")
    _assert_at_this_file(record)


# -- data files (sknn.datasets) ------------------------------------------------------------------------------------
def test_data_files_are_warned_about_at_the_reading_line(tmp_path):
    path = tmp_path / "cut.conllu"
    path.write_text("1\tw\tw\tNOUN\t_\t_\t0\troot\t_\t_\n", encoding="utf-8")  # no blank line after the sentence
    record, _ = _warned(lambda: read_conllu(path), r"has no blank line after it")
    _assert_at_this_file(record)
    for label in ("cat", "dog"):
        (tmp_path / "images" / label).mkdir(parents=True)
    (tmp_path / "images" / "cat" / "a.png").write_bytes(b"")
    record, _ = _warned(lambda: image_folder(tmp_path / "images"), r"class folder\(s\) of .* hold no image file")
    _assert_at_this_file(record)


# -- export and saved files (sknn.export, sknn.persist, sknn._persist_network) ---------------------------------------
def test_an_opset_the_exporter_cannot_write_is_warned_about_at_the_export_line(tmp_path):
    pytest.importorskip("onnx")
    from sknn.export import to_onnx

    X, y = _table(seed=3)
    clf = DenseClassifier(**SMALL).fit(X[["x", "flag"]].to_numpy(), y > 0)
    record, _ = _warned(lambda: to_onnx(clf, tmp_path / "low.onnx", opset=5), r"opset=5 was asked")
    _assert_at_this_file(record)


def _rewrite(path, out, edit):
    """``edit`` the saved estimator's document, then recompute the unsigned digest."""
    with safe_open(path, framework="pt") as f:
        metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    doc = json.loads(metadata["sknn.document"])
    edit(doc["estimator"])
    metadata["sknn.document"] = json.dumps(doc)
    metadata["sknn.digest"] = _digest(metadata["sknn.document"], tensors, None)
    save_file(tensors, out, metadata=metadata)
    return out


@pytest.fixture
def saved(tmp_path):
    X, y = _table(seed=4)
    clf = DenseClassifier(**{**SMALL, "max_iter": 2}).fit(X[["x", "flag"]].to_numpy(), y > 0)
    clf.set_params(optimizer="sgd").save(tmp_path / "model.safetensors")  # (another optimizer than fit's)
    return tmp_path / "model.safetensors"


def test_an_optimizer_state_that_cannot_be_restored_is_warned_about_at_the_load_line(saved, tmp_path):
    def older(estimator):  # a file of an older sknn, which did not record the optimizer
        del estimator["engine"]["settings"]

    old = _rewrite(saved, tmp_path / "old.safetensors", older)
    record, _ = _warned(lambda: sknn.load(old), r"optimizer's state in the file")
    _assert_at_this_file(record)


@pytest.mark.skipif(torch.cuda.is_available(), reason="the device warning needs a machine without a GPU")
def test_a_model_saved_on_a_gpu_is_warned_about_at_the_load_line(saved, tmp_path):
    def on_a_gpu(estimator):
        estimator["engine"]["device"] = "cuda:0"

    gpu = _rewrite(saved, tmp_path / "gpu.safetensors", on_a_gpu)
    record, _ = _warned(lambda: sknn.load(gpu), r"which this machine does not have")
    _assert_at_this_file(record)
