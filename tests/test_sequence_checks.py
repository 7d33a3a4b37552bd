"""The sequence family's checks of tokens, labels and parameters, its weights per token, its probabilities and its
ONNX export of odd text (tiny models, seconds)."""

import datetime
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sknn import LSTMLanguageModel, LSTMSequenceTagger

X = [["the", "dog", "runs"], ["a", "cat", "sleeps"]] * 4
Y = [["D", "N", "V"]] * 8
SMALL = dict(hidden_size=4, embedding_dim=4, num_layers=1, max_iter=1, device="cpu", random_state=0)


# -- labels -------------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b, c, message", [
    (1 + 1j, 2 + 0j, 3 + 0j, r"Complex data not supported: y holds complex numbers; if they are labels, pass them as "
                             r"strings \(\[\[str\(label\) for label in labels\] for labels in y\]\)"),
    (Decimal("sNaN"), Decimal(1), Decimal(3), r"y holds a signaling NaN, Decimal\('sNaN'\): a label cannot be missing"),
    (2**63, 2**63 + 1, -1, r"y holds whole numbers beyond 2\*\*53 that no 64-bit integer type holds together"),
    # types DenseClassifier refuses: the tagger trained on them, and its save failed only then
    (Decimal("0.5"), Decimal(1), Decimal(2), r"y holds labels of type Decimal \(such as Decimal\('0\.5'\)\).*"
                                             r"with \[\[str\(label\) for label in labels\] for labels in y\]"),
    (pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-02", tz="UTC"), pd.Timestamp("2020-01-03", tz="UTC"),
     r"y holds labels of type Timestamp"),
    (pd.Period("2020-01"), pd.Period("2020-02"), pd.Period("2020-03"), r"y holds labels of type Period"),
    (datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), datetime.date(2020, 1, 3), r"y holds labels of type date"),
])
def test_the_tagger_checks_label_values_as_dense_classifier_does(a, b, c, message):
    """Were: scikit-learn's 'Complex data not supported' with a dump of the labels, a bare decimal.InvalidOperation,
    and whole numbers called fractional."""
    y = [[a, b], [c, b], [a, b]] * 2
    with pytest.raises(ValueError, match=message):
        LSTMSequenceTagger(**SMALL).fit([["the", "dog"], ["a", "cat"], ["the", "cat"]] * 2, y)


@pytest.mark.parametrize("y", [["D", "N", "V"], ["D", "N"]])
def test_flat_labels_of_one_sequence_are_named_before_the_counts(y):
    """Was: 'X has 1 sequences but y has 3 label sequences'."""
    with pytest.raises(TypeError, match=r"y\[0\] is of type str \('D'\); each item of y must be the list of labels "
                                        r"of one sequence. y looks like the labels of one sequence: pass \[y\]."):
        LSTMSequenceTagger(**SMALL).fit([["the", "dog", "runs"]], y)
    with pytest.raises(TypeError, match=r"y\[1\] is of type int \(3\); each item of y must be the list of labels of "
                                        r"one sequence.$"):
        LSTMSequenceTagger(**SMALL).fit(X[:2], [["D", "N", "V"], 3])


def test_one_label_per_sequence_is_named_as_a_class_of_each_sequence_not_one_sequence_s_labels():
    """Was: 'pass [y]', after which the counts of X and y differed."""
    with pytest.raises(TypeError, match=r"y holds one label per sequence .* a tagger learns a label per token"):
        LSTMSequenceTagger(**SMALL).fit([["a", "b", "c"], ["d"]], ["POS", "NEG"])
    with pytest.raises(TypeError, match=r"one token: pass one list per sequence, \[\[label\] for label in y\]"):
        LSTMSequenceTagger(**SMALL).fit([["a"], ["b"]], ["N", "V"])
    with pytest.raises(TypeError, match=r"as many labels as X has tokens in all: split it"):
        LSTMSequenceTagger(**SMALL).fit([["a", "b"], ["c"]], ["D", "N", "V"])


# -- weights: mean 1 per token ----------------------------------------------------------------------
SHORT_AND_LONG = [["the", "dog"], ["a", "cat"]] * 5 + [["the", "dog", "runs", "a", "cat", "sleeps"] * 2] * 5
# one batch; its loss: at the start
AT_START = dict(hidden_size=4, embedding_dim=4, num_layers=1, max_iter=1, device="cpu", random_state=0, dropout=0.0,
                word_dropout=0.0, shuffle=False, learning_rate_init=1e-12, batch_size=32)


def test_tagger_weights_are_per_token_so_the_loss_is_the_weighted_mean_per_token():
    """A weight of 2 is the sequence given twice: the weights have mean 1 per token, not per sequence (which made
    the loss, and with it the steps and the L1 strength, follow how weights go with sentence lengths)."""
    y = [["D" if w in ("the", "a") else "N" for w in s] for s in SHORT_AND_LONG]
    weights = np.r_[np.ones(10), np.full(5, 1e-3)]
    tagger = LSTMSequenceTagger(char_features=False, **AT_START).fit(SHORT_AND_LONG, y, sample_weight=weights)
    column = {c: i for i, c in enumerate(tagger.classes_)}
    proba = tagger.predict_proba(SHORT_AND_LONG)
    losses = [-np.log([p[j, column[g]] for j, g in enumerate(s)]) for p, s in zip(proba, y)]
    token_weights = np.concatenate([np.full(len(lo), w) for lo, w in zip(losses, weights)])
    expected = (token_weights * np.concatenate(losses)).sum() / token_weights.sum()
    assert tagger.loss_curve_[0] == pytest.approx(expected, rel=1e-5)  # was 0.5 of it


def test_language_model_weights_are_per_token():
    weights = np.r_[np.ones(10), np.full(5, 1e-3)]
    lm = LSTMLanguageModel(min_count=1, **AT_START).fit(SHORT_AND_LONG, sample_weight=weights)
    sums = [-lm.score([s]) * (len(s) + 1) for s in SHORT_AND_LONG]  # (each sequence predicts its end too)
    tokens = [len(s) + 1 for s in SHORT_AND_LONG]
    assert lm.loss_curve_[0] == pytest.approx(np.dot(weights, sums) / np.dot(weights, tokens), rel=1e-5)
    # validation_data's weights: the same rule
    lm = LSTMLanguageModel(min_count=1, **AT_START).fit(SHORT_AND_LONG, validation_data=(SHORT_AND_LONG, None,
                                                                                          weights))
    assert lm.history_["valid_loss"].iloc[0] == pytest.approx(np.dot(weights, sums) / np.dot(weights, tokens),
                                                               rel=1e-4)


# -- probabilities and predict_next ------------------------------------------------------------------
def test_tagger_probabilities_sum_to_one_in_float64():
    """Was a float32 softmax: rows missed 1 by 1e-7, and scikit-learn's log_loss warned."""
    from sklearn.metrics import log_loss

    tagger = LSTMSequenceTagger(**SMALL).fit(X, Y)
    proba = np.concatenate(tagger.predict_proba(X))
    assert proba.dtype == np.float64 and np.abs(proba.sum(axis=1) - 1).max() < 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss(sum(Y, []), proba, labels=tagger.classes_)


@pytest.mark.parametrize("value", ["no", "False", [0], 1])
def test_return_proba_must_be_a_bool(value):
    lm = LSTMLanguageModel(min_count=1, **SMALL).fit(X)
    with pytest.raises(InvalidParameterError, match=r"The 'return_proba' parameter of predict_next must be a bool, "
                                                    f"got {value!r}".replace("[", r"\[").replace("]", r"\]")):
        lm.predict_next([["the"]], top_k=2, return_proba=value)
    assert isinstance(lm.predict_next([["the"]], top_k=1, return_proba=np.True_)[0][0], tuple)


def test_tokens_in_numpy_arrays_give_plain_str_words():
    """Were np.str_ keys beside str ones, and np.str_ words from predict_next."""
    lm = LSTMLanguageModel(min_count=1, **SMALL).fit([np.array(["the", "cat", "sat"])] * 3 + [["a", "dog"]])
    assert {type(w) for w in lm.vocabulary_} == {str}
    assert {type(w) for w in lm.predict_next([np.array(["the"])], top_k=3)[0]} == {str}
    tagger = LSTMSequenceTagger(**SMALL).fit([list(np.array(["the", "cat"]))] * 2, [["D", "N"]] * 2)
    assert {type(w) for w in tagger.vocabulary_} == {type(c) for c in tagger.char_vocabulary_} == {str}


# -- tokens ---------------------------------------------------------------------------------------------
def test_the_padding_symbol_is_case_sensitive_when_nothing_is_lower_cased():
    """'<PAD>' is a word when words keep their case (it was refused as the padding symbol); '<pad>' never is."""
    kw = dict(SMALL, lowercase=False, char_features=False)
    tagger = LSTMSequenceTagger(**kw).fit([["<PAD>", "x"]] * 3, [["A", "B"]] * 3)
    assert "<PAD>" in tagger.vocabulary_ and tagger.vocabulary_["<PAD>"] > 1
    assert len(tagger.predict([["<Pad>", "x"]])[0]) == 2  # an unknown word, not refused
    lm = LSTMLanguageModel(min_count=1, **SMALL).fit([["<PAD>", "x"]] * 3)  # (the LM keeps case by default)
    lm.predict_next([["<PAD>"]], top_k=1)
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is '<pad>', the padding symbol"):
        LSTMSequenceTagger(**kw).fit([["<pad>", "x"]] * 3, [["A", "B"]] * 3)
    with pytest.raises(ValueError, match=r"prefixes\[0\]\[0\] is '<pad>', the padding symbol"):
        lm.predict_next([["<pad>"]])
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is '<PAD>', the padding symbol"):  # lower-cased: '<pad>'
        LSTMSequenceTagger(**SMALL).fit([["<PAD>", "x"]] * 3, [["A", "B"]] * 3)
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is '<PAD>', the padding symbol"):  # by the fitted setting
        LSTMSequenceTagger(**SMALL).fit(X, Y).set_params(lowercase=False).predict([["<PAD>"]])


@pytest.mark.parametrize("token", ["\u200b", "\ufeff", "\u200f", "\u200b\u2060"])
def test_tokens_of_format_characters_only_are_words_in_fit_and_predict(token):
    """A stray right-to-left mark or zero-width space is what a tokenizer can give as a token: a word (unknown at
    predict when unseen), never a refusal of the batch; white space alone is refused (the test below)."""
    tagger = LSTMSequenceTagger(**SMALL).fit([["the"], ["a", token]] * 2, [["D"], ["D", "X"]] * 2)
    assert token in tagger.vocabulary_ and len(tagger.predict([["a", token, "\u2060"]])[0]) == 3
    lm = LSTMLanguageModel(min_count=1, **SMALL).fit([["the"], ["a", token]] * 2)
    assert len(lm.predict_next([[token]])[0]) >= 1


def test_tokens_with_a_visible_character_beside_invisible_ones_are_words():
    tagger = LSTMSequenceTagger(**SMALL).fit([["a\u200b", "\ufeffthe", "wor\ud800ld", "x\ty"]] * 2, [list("ABCD")] * 2)
    assert {"a\u200b", "\ufeffthe", "wor\ud800ld", "x\ty"} <= set(tagger.vocabulary_)


@pytest.mark.parametrize("bad, fix, numeric", [
    (None, r"a None or NaN is often a missing value: drop it or replace it", None),
    (float("nan"), r"a None or NaN is often a missing value", None),
    (b"a", r"decode bytes first: token.decode", None),
    (["a"], r"a document is one flat list of tokens: flatten the nested lists", None),
    (3, r"this model reads words only: give a number as its string, str\(3\)",
     r"for numeric sequences pass arrays of shape")])
def test_a_non_string_token_gets_the_fix_for_its_kind(bad, fix, numeric):
    """The tagger takes numeric sequences (arrays of shape (length, n_features)); the language model does not, and
    its message said it did. A None is told it is a missing value, bytes to be decoded, a list to be flattened; the
    hint for numbers went with every kind."""
    with pytest.raises(TypeError, match=r"X\[0\]\[1\] is .*not a string: every token must be a string \(" + fix):
        LSTMLanguageModel(min_count=1, **SMALL).fit([["a", bad]] + X)
    with pytest.raises(TypeError, match=r"prefixes\[0\]\[0\] is .*" + fix):
        LSTMLanguageModel(min_count=1, **SMALL).fit(X).predict_next([[bad]])
    with pytest.raises(TypeError, match=r"X\[0\]\[1\] is .*" + (numeric or fix)) as info:
        LSTMSequenceTagger(**SMALL).fit([["a", bad]] + X, [["D", "N"]] + Y)
    assert (numeric is None) == ("missing" in str(info.value) or "decode" in str(info.value) or
                                 "flatten" in str(info.value))


# -- ONNX export ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("words, labels, message", [
    (["hello", "wor\ud800ld"], ["A", "B"], r"The vocabulary's word 'wor\\ud800ld' holds a lone surrogate, which UTF-8 "
                                           r"cannot write"),
    (["hello", "world"], ["A", "B\udcff"], r"The label 'B\\udcff' holds a lone surrogate"),
])
def test_onnx_export_refuses_text_that_utf8_cannot_write_before_exporting(tmp_path, words, labels, message):
    """Was a UnicodeEncodeError from inside protobuf at the end of the export."""
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    from sknn.export import to_onnx

    tagger = LSTMSequenceTagger(**SMALL).fit([words] * 3, [labels] * 3)
    with pytest.raises(ValueError, match=message + r".*text.encode\('utf-8', 'replace'\).decode\(\)"):
        to_onnx(tagger, tmp_path / "tagger.onnx")
    assert not list(tmp_path.iterdir())


def test_labels_nested_a_level_too_deep_are_told_how_to_unnest():
    """[[labels] for labels in y] said only 'Sequence 0 has 3 tokens but 1 labels'; labels of shape (n, length, 1)
    and tuple labels said '... not a list', naming neither the label nor the fix."""
    with pytest.raises(ValueError, match=r"Sequence 0 has 3 tokens but 1 labels; every token needs exactly one label\. "
                                         r"y\[0\] holds its 3 labels in a list of one, a level too deep: pass "
                                         r"\[labels\[0\] for labels in y\]\.$"):
        LSTMSequenceTagger(**SMALL).fit(X, [[labels] for labels in Y])
    with pytest.raises(ValueError, match=r"not a ndarray \(array\(\['D'\].*\); pass \[\[label\[0\] for label in "
                                         r"labels\] for labels in y\] \(np\.asarray\(y\)\[\.\.\., 0\] for an array\)"):
        LSTMSequenceTagger(**SMALL).fit(X, np.array(Y)[..., None])
    with pytest.raises(ValueError, match=r"not a tuple \(\('D', 1\)\); pass its parts joined, \[\['\|'\.join"):
        LSTMSequenceTagger(**SMALL).fit(X, [[(t, 1) for t in labels] for labels in Y])


def test_bytes_tags_train_as_before_and_quoted_names_keep_their_letters_in_validation_messages():
    """Review: the nested-label check took bytes tags for lists ('pass label[0]', which is a number); the renaming of
    validation_data's messages made a column or a label named 'y' into 'y_val'."""
    tagger = LSTMSequenceTagger(**SMALL).fit(X, [[t.encode() for t in tags] for tags in Y])
    assert tagger.classes_.tolist() == [b"D", b"N", b"V"]
    from sknn import DenseClassifier

    table = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30.0)})
    with pytest.raises(ValueError, match=r"labels outside the model's classes: \['X'\]; its classes are \['x', 'y'\]"):
        DenseClassifier(max_iter=1).fit(table, ["x", "y"] * 15, validation_data=(table[:3], ["x", "X", "y"]))
    with pytest.raises(ValueError, match=r"Column 'y' held numbers in fit .*pd\.to_numeric\(X_val\['y'\]"):
        DenseClassifier(max_iter=1).fit(table, ["x", "y"] * 15, validation_data=(table[:3].assign(y=list("abc")),
                                                                                 ["x", "y", "x"]))
