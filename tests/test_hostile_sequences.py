"""Hostile sequence input: non-string tokens, missing or mixed labels, bad top_k, huge values (tiny, seconds)."""

import copy
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

import sknn.sequence
from sknn import DenseClassifier, LSTMLanguageModel, LSTMSequenceTagger, _sequence_columns
from sknn._recurrent import SequenceNet
from sknn._sequence_input import BOS, EOS, PAD, UNK, check_sequences

X = [["the", "dog", "runs"], ["a", "cat", "sleeps"]] * 4
Y = [["D", "N", "V"]] * 8
SMALL = dict(hidden_size=4, embedding_dim=4, max_iter=1, device="cpu", random_state=0)


@pytest.fixture(scope="module")
def tagger():
    return LSTMSequenceTagger(**SMALL).fit(X, Y)


@pytest.fixture(scope="module")
def lm():
    return LSTMLanguageModel(min_count=1, **SMALL).fit(X)


# -- tokens ------------------------------------------------------------------------------------
@pytest.mark.parametrize("seq, where", [
    ([None, "a"], r"X\[8\]\[0\] is None"),  # the first token: None used to be taken for "nothing found"
    (["a", None], r"X\[8\]\[1\] is None"),
    (["a", "b", 3], r"X\[8\]\[2\] is 3 \(of type int\)"),
    (["a", np.nan], r"X\[8\]\[1\] is nan \(of type float\)"),
    (["a", b"b"], r"X\[8\]\[1\] is b'b' \(of type bytes\)"),
])
def test_non_string_tokens_are_refused_with_their_position(tagger, lm, seq, where):
    with pytest.raises(TypeError, match=where + ".*not a string"):
        LSTMSequenceTagger(**SMALL).fit(X + [seq], Y + [["D"] * len(seq)])
    with pytest.raises(TypeError, match=where):
        LSTMLanguageModel(min_count=1, **SMALL).fit(X + [seq])
    first = where.replace(r"X\[8\]", r"X\[0\]")
    with pytest.raises(TypeError, match=first):
        tagger.predict([seq])
    with pytest.raises(TypeError, match=first):
        tagger.predict_proba([seq])
    with pytest.raises(TypeError, match=first):
        lm.perplexity([seq])
    with pytest.raises(TypeError, match=where.replace(r"X\[8\]", r"prefixes\[1\]")):
        lm.predict_next([["a"], seq])


def test_a_none_token_never_enters_the_vocabulary(lm):
    assert None not in lm.vocabulary_ and "None" not in lm.vocabulary_


# -- labels ------------------------------------------------------------------------------------
@pytest.mark.parametrize("labels, match", [
    ([["D", 1, "V"]] * 8, r"mix types: y\[0\]\[0\] is 'D' \(a string\) but y\[0\]\[1\] is 1 \(a number\)"),
    ([["D", "N", "V"]] * 7 + [["D", "N", 2.5]], r"mix types: .*y\[7\]\[2\] is 2.5"),
    ([[1, True, 0]] * 8, r"mix types: .*y\[0\]\[1\] is True \(a boolean\)"),
    ([["D", None, "V"]] * 8, r"y\[0\]\[1\] is None: a label cannot be missing"),
    ([[1.0, np.nan, 2.0]] * 8, r"y\[0\]\[1\] is nan: a label cannot be missing"),
])
def test_tagger_labels_must_be_present_and_of_one_type(tagger, labels, match):
    with pytest.raises(ValueError, match=match):
        LSTMSequenceTagger(**SMALL).fit(X, labels)
    with pytest.raises(ValueError, match=match):
        tagger.score(X, labels)


@pytest.mark.parametrize("labels, match", [
    (["a", None] * 10, r"y\[1\] is None: a label cannot be missing"),
    (["a", 1] * 10, r"mix types: y\[0\] is 'a' \(a string\) but y\[1\] is 1 \(a number\)"),
    (["a", np.nan] * 10, r"(?i)NaN"),
    ([True, 1] * 10, r"mix types"),
    ([1, "a"] * 10, r"mix types: y\[0\] is 1 \(a number\) but y\[1\] is 'a' \(a string\)"),
])
@pytest.mark.parametrize("container", [lambda v: np.array(v, dtype=object), list])
def test_classifier_labels_must_be_present_and_of_one_type(labels, match, container):
    # a plain list too: numpy would turn [1, 'a'] into the strings '1', 'a' and predictions would change type
    Xd = np.random.RandomState(0).rand(20, 3)
    with pytest.raises(ValueError, match=match):
        DenseClassifier(hidden_layer_sizes=(2,), max_iter=1, device="cpu").fit(Xd, container(labels))
    with pytest.raises(ValueError, match=match.replace("y", "classes", 1) if "None" in match else "classes"):
        DenseClassifier(hidden_layer_sizes=(2,), max_iter=1, device="cpu").partial_fit(
            Xd, np.array(["a", "b"] * 10, dtype=object), classes=container(labels[:2] + ["b"]))


# -- parameters of the predictions ---------------------------------------------------------------
@pytest.mark.parametrize("top_k", [-1, 0, 1.5, "3", True, None])
def test_predict_next_refuses_a_bad_top_k(lm, top_k):
    with pytest.raises(InvalidParameterError, match=r"'top_k' parameter of predict_next must be a positive int"):
        lm.predict_next([["a"]], top_k=top_k)


def test_predict_next_checks_each_prefix(lm):
    with pytest.raises(TypeError, match=r"\(prefixes\[1\]\) is missing \(None\)"):
        lm.predict_next([["a"], None])
    assert len(lm.predict_next([["a"]], top_k=100)[0]) == len(lm.vocabulary_) - 4  # at most the vocabulary


def test_predict_next_refuses_a_row_of_missing_cells_and_never_proposes_a_symbol(lm):
    """A DataFrame row of missing cells was read as the empty prefix (a first word, silently); a special symbol could
    be proposed where the words' probabilities rounded to 0 as the symbols' (set to 0) did."""
    with pytest.raises(ValueError, match=r"prefixes.iloc\[0\] holds missing cells only, not words: drop such rows"):
        lm.predict_next(pd.DataFrame([[None, None], ["the", "dog"]]))
    assert lm.predict_next(pd.DataFrame([["the", None], ["the", "dog"]]))[0] == lm.predict_next([["the"]])[0]
    confident = copy.deepcopy(lm)
    with torch.no_grad():
        confident.net_.module_.output.bias[confident.vocabulary_["a"]] += 300  # every other word's probability 0
    words = confident.predict_next([["the"]], top_k=100)[0]
    assert words[0] == "a" and len(words) == len(lm.vocabulary_) - 4
    assert not set(words) & {"<pad>", "<unk>", "<s>", "</s>"}


def test_predict_next_never_proposes_a_word_of_the_validation_rows_only():
    """early_stopping's validation rows are split off after the vocabulary is built: their own words are in the
    vocabulary with vectors that never trained, and were proposed as next words by their random start."""
    rng = np.random.RandomState(0)
    common = [f"w{i}" for i in range(6)]
    text = [list(rng.choice(common, 4)) + [f"solo{i}"] * 2 for i in range(20)]
    lm = LSTMLanguageModel(**dict(SMALL, min_count=2, word_dropout=0.0, early_stopping=True,
                                  validation_fraction=0.3)).fit(text)
    untrained = [w for w, i in lm.vocabulary_.items() if lm.net_.module_.word_counts[i] == 0 and i > 3]  # (symbols)
    assert untrained and all(w.startswith("solo") for w in untrained)
    words = lm.predict_next([["w0"], []], top_k=100)
    assert all(len(ws) == len(lm.vocabulary_) - 4 - len(untrained) for ws in words)
    assert not set(untrained) & set(words[0] + words[1])


def test_predict_next_names_a_sparse_matrix_and_masked_tokens_as_fit_does(lm):
    """A sparse matrix got 'prefixes[0][0] is <Compressed Sparse Row sparse matrix ...' and a masked token was called
    None: fit and score name both."""
    import scipy.sparse as sp

    with pytest.raises(TypeError, match="prefixes is a scipy sparse matrix; pass a list of token lists"):
        lm.predict_next(sp.csr_matrix([[1, 0]]))
    with pytest.raises(ValueError, match=r"prefixes is a masked array with 1 masked value\(s\)"):
        lm.predict_next(np.ma.array([["the", "dog"]], mask=[[0, 1]]))
    with pytest.raises(ValueError, match=r"prefixes\[0\] is a masked array with 1 masked value\(s\)"):
        lm.predict_next([np.ma.array(["the", "dog"], mask=[0, 1])])
    assert lm.predict_next(np.ma.array([["the", "dog"]], mask=[[0, 0]])) == lm.predict_next([["the", "dog"]])


def test_a_language_model_refuses_word_ids_without_a_warning_of_a_reading_it_has_not(lm):
    """The warning 'read as one numeric feature per step ... pass arrays of shape (length, 1)' came first: a reading
    and a fix a model of tokens does not take."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="models token sequences; X holds sequences of numbers"):
            LSTMLanguageModel(min_count=1, max_iter=1).fit([[1, 2, 3], [4, 5]] * 5)
        with pytest.raises(ValueError, match="models token sequences"):
            lm.score([[1, 2, 3]])


def test_predict_next_reads_a_generator_of_prefixes_as_the_rest_of_the_family_reads_one(lm):
    """Was: 'prefixes must be a list of token lists' for a generator, which perplexity and score accept."""
    prefixes = [["a"], ["the", "dog"], []]
    assert lm.predict_next(iter(prefixes), top_k=2) == lm.predict_next(prefixes, top_k=2)
    assert lm.predict_next((p for p in prefixes), top_k=2, return_proba=True) == \
        lm.predict_next(prefixes, top_k=2, return_proba=True)
    assert lm.predict_next(p for p in []) == []
    for text in ("the dog", iter(["the", "dog"])):  # a string, or a generator of tokens, is still refused
        with pytest.raises(TypeError, match=r"prefixes must be a list of token lists|prefixes\[0\] is a str"):
            lm.predict_next(text)


def test_predict_next_on_texts_not_split_names_the_fix(lm):
    """A Series of texts got the bare 'prefixes must be a list of token lists', where fit names the split."""
    pd = pytest.importorskip("pandas")
    for texts in (["the dog", "a"], pd.Series(["the dog", "a"]), ["the", "dog"]):
        with pytest.raises(TypeError, match=r"prefixes\[0\] is a str \('the( dog)?'\), a text not split into tokens.*"
                                            r"prefixes.str.split\(\).*for one sequence already split into tokens, "
                                            r"put its token list in a list"):
            lm.predict_next(texts)
    with pytest.raises(TypeError, match=r"prefixes\[1\] is a str \('dog'\), a text not split"):  # (a later item)
        lm.predict_next([["the"], "dog"])


# -- numeric sequences -------------------------------------------------------------------------
@pytest.mark.parametrize("value, match", [(1e30, r"X\[1\] holds values up to 1e\+30.*Scale"),
                                          (np.inf, r"X\[1\] contains infinity"), (np.nan, r"X\[1\] contains NaN")])
def test_feature_sequences_beyond_float32_training_are_refused(value, match):
    series = [np.ones((3, 2)), np.ones((2, 2))]
    series[1][1, 0] = value
    with pytest.raises(ValueError, match=match):
        LSTMSequenceTagger(**SMALL).fit(series, [[0, 1, 0], [1, 0]])


def test_pretrained_vectors_beyond_float32_are_refused_and_a_pad_key_leaves_the_padding_row_zero():
    vectors = {"the": np.full(4, 1e300), "dog": np.ones(4)}  # was a divergence blamed on 'features'
    with pytest.raises(ValueError, match=r"pretrained_embeddings\['the'\] holds values up to 1e\+300"):
        LSTMSequenceTagger(**SMALL, pretrained_embeddings=vectors).fit(X, Y)
    series = pd.Series({"the": np.ones(4), "dog": np.zeros(4)})  # its keys are the words (it read the vectors)
    assert "dog" in LSTMSequenceTagger(**SMALL, pretrained_embeddings=series).fit(X, Y).vocabulary_
    tagger = LSTMSequenceTagger(**SMALL, pretrained_embeddings={"<pad>": np.ones(4), "dog": np.ones(4)}).fit(X, Y)
    assert not tagger.net_.module_.embedding.weight[0].any()  # padding reads as no token, not as the file's '<pad>'


def test_a_character_lstm_of_odd_size_trains():
    """Its two directions give 2 * (char_dim // 2) values: an odd char_dim failed inside torch (expected 3, got 2)."""
    tagger = LSTMSequenceTagger(**SMALL, char_features="lstm", char_dim=3).fit(X, Y)
    assert [len(p) for p in tagger.predict(X[:2])] == [3, 3]


def test_numeric_sequences_without_features_are_refused():
    with pytest.raises(ValueError, match=r"X\[0\] has 0 features per step \(shape \(3, 0\)\)"):
        LSTMSequenceTagger(**SMALL).fit([np.zeros((3, 0)), np.zeros((2, 0))], [[0, 1, 0], [1, 0]])


def test_lists_of_word_ids_warn_that_they_are_read_as_one_numeric_feature():
    with pytest.warns(UserWarning, match=r"X holds lists of whole numbers, read as one numeric feature per step.*"
                                         r"word ids, pass them as strings"):
        tagger = LSTMSequenceTagger(**SMALL).fit([[12, 900, 3], [3, 12]], [["D", "N", "V"], ["V", "D"]])
    assert tagger.input_kind_ == "features"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a series given as arrays, or floats, is what it says
        LSTMSequenceTagger(**SMALL).fit([np.array([[12], [900], [3]]), np.array([[3], [12]])], [[0, 1, 0], [1, 0]])
        LSTMSequenceTagger(**SMALL).fit([[0.5, 1.0, 2.0], [1.5, 3.0]], [[0, 1, 0], [1, 0]])


@pytest.mark.parametrize("weights", [[1.0] * 7 + [-1.0], [1.0] * 7 + [np.nan], [np.inf] + [1.0] * 7])
def test_sequence_weights_follow_the_sample_weight_rule(weights):
    with pytest.raises(ValueError, match="sample_weight holds .* weights must be finite and non-negative"):
        LSTMSequenceTagger(**SMALL).fit(X, Y, sample_weight=weights)


@pytest.mark.parametrize("vectors, error, match", [
    ({"a": np.ones(4), "b": np.ones(3)}, ValueError, r"pretrained_embeddings\['b'\] has shape \(3,\)"),
    ({"a": np.ones(4), "b": np.full(4, np.nan)}, ValueError, r"pretrained_embeddings\['b'\] holds NaN"),
    ({"a": np.ones(4), "b": "vector"}, TypeError, r"pretrained_embeddings\['b'\] is 'vector', not a vector of real "
                                                 r"numbers"),
    ({"a": "abcd", "b": np.ones(4)}, TypeError, r"pretrained_embeddings\['a'\] is 'abcd', not a vector of numbers"),
    ({"a": [["1"]], "b": np.ones(4)}, TypeError, r"pretrained_embeddings\['a'\] is \[\['1'\]\], not a vector"),
    ({1: np.ones(4), 2: np.zeros(4)}, TypeError, r"pretrained_embeddings has the key 1 of type int: its keys must"),
])
def test_every_pretrained_vector_is_checked(vectors, error, match):
    with pytest.raises(error, match=match):
        LSTMSequenceTagger(pretrained_embeddings=vectors, **SMALL).fit(X, Y)


def test_a_2d_array_of_tokens_is_one_sequence_per_row_and_a_1d_one_of_texts_is_told_to_split():
    rows = np.array([["the", "dog", "runs"], ["a", "cat", "sleeps"]] * 4)
    by_rows = LSTMSequenceTagger(**SMALL).fit(rows, Y)
    by_lists = LSTMSequenceTagger(**SMALL).fit(X, Y)
    assert by_rows.predict(rows[:2]) == by_lists.predict(X[:2])
    np.testing.assert_array_equal(by_rows.predict_proba(rows[:2])[0], by_lists.predict_proba(X[:2])[0])
    texts = ["the dog runs", "a cat sleeps"] * 4
    for fit in (lambda X: LSTMSequenceTagger(**SMALL).fit(X, Y), LSTMLanguageModel(min_count=1, **SMALL).fit):
        for X_texts in (texts, np.array(texts)):  # the array was refused with no word of the split
            with pytest.raises(TypeError, match=r"X\[0\] is a str \('the dog runs'\), a text not split into "
                               r"tokens.*\[s\.split\(\) for s in X\]"):
                fit(X_texts)
    with pytest.raises(ValueError, match=r"X is a 3-D array of text"):
        LSTMLanguageModel(min_count=1, **SMALL).fit(np.array(texts).reshape(2, 2, 2))


def test_a_data_frame_column_of_texts_is_refused_not_read_as_one_token_a_text(tagger, lm):
    """Each row of a DataFrame is a sequence: a column of texts trained each whole text as one token, silently."""
    texts = pd.DataFrame({"text": ["the dog runs", "a cat sleeps"] * 4})
    split = r"X\['text'\]\.str\.split\(\) \(a Series of token lists\), or \[s\.split\(\) for s in X\['text'\]\]"
    match = r"X is a DataFrame whose rows each hold one cell, texts such as X\.iloc\[0, 0\] = 'the dog runs'.*" + split
    with pytest.raises(TypeError, match=match):
        LSTMLanguageModel(min_count=1, **SMALL).fit(texts)
    with pytest.raises(TypeError, match=match):
        LSTMSequenceTagger(**SMALL).fit(texts, [["S"]] * 8)
    with pytest.raises(TypeError, match=match):
        tagger.predict(texts)
    with pytest.raises(TypeError, match=r"y is a DataFrame whose rows each hold one cell, texts such as "
                       r"y\.iloc\[0, 0\] = 'D N V'"):
        LSTMSequenceTagger(**SMALL).fit(X, pd.DataFrame({"tags": ["D N V"] * 8}))
    with pytest.raises(TypeError, match=r"prefixes is a DataFrame whose rows each hold one cell"):
        lm.predict_next(pd.DataFrame({"text": ["the dog", "a"]}))
    # split as told, it fits; tokens that hold a space (as some treebanks' 'New York') stay tokens in a sequence
    fitted = LSTMLanguageModel(min_count=1, **SMALL).fit(texts["text"].str.split())
    assert "the" in fitted.vocabulary_
    rows = pd.DataFrame([["in", "new york", "now"], ["new york", None, None]] * 4)  # (the second: one token)
    kept = LSTMLanguageModel(min_count=1, **SMALL).fit(rows)
    assert "new york" in kept.vocabulary_
    with pytest.warns(UserWarning, match=r"X is a DataFrame of 1 column \('word'\) read as 8 sequences of 1 token"):
        words = LSTMLanguageModel(min_count=1, **SMALL).fit(pd.DataFrame({"word": ["a", "b"] * 4}))
    assert "a" in words.vocabulary_


def test_a_table_of_one_token_per_row_is_warned_of_not_read_in_silence(tagger, lm):
    """A CoNLL table in pandas (a token and its tag a row) given as X was read as sentences of two tokens, its tags
    among them, each token cut off from its sentence, without a word. The tokens of one sentence, or a frame of
    positions (pd.DataFrame(list_of_lists)), are read as before, in silence."""
    table = pd.DataFrame({"form": ["the", "dog", "runs", "a", "cat", "sleeps"], "upos": ["D", "N", "V"] * 2})
    told = r"read as 6 sequences of (\d) tokens? each: .*\.groupby\(sentence_id\)\['form'\]\.agg\(list\)"
    for model, X in [(tagger, table), (tagger, table[["form"]]), (lm, table)]:
        with pytest.warns(UserWarning, match=told) as caught:
            predicted = model.predict(X) if model is tagger else model.perplexity(X)
        assert re.search(told, str(caught[0].message)).group(1) == str(X.shape[1])
        assert model is lm or [len(p) for p in predicted] == [X.shape[1]] * 6
    with pytest.warns(UserWarning, match=told):
        LSTMSequenceTagger(**SMALL).fit(table[["form"]], table[["upos"]])
    with pytest.warns(UserWarning, match=r"\.groupby\(sentence_id\)\['form'\]"):  # the forms, not the first column
        tagger.predict(table.assign(upos=["s1"] * 3 + ["s2"] * 3)[["upos", "form"]])
    sentences = table.groupby([0, 0, 0, 1, 1, 1])["form"].agg(list)
    positions = pd.DataFrame([["the", "dog", "runs"], ["a", "cat", "sleeps"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [len(p) for p in tagger.predict(sentences)] == [3, 3]
        assert [len(p) for p in tagger.predict(positions)] == [3, 3]
        tagger.predict(table.to_numpy().tolist())  # the fix for short sequences meant as they are
        tagger.predict(positions.set_axis(["0", "1", "2"], axis=1))  # positions as a CSV gives them back


def test_score_refuses_labels_of_another_kind_than_fit():
    """'0' never equals 0: the score was 0.0 without a word."""
    tagger = LSTMSequenceTagger(**SMALL).fit(X, [[0, 1, 2]] * 8)
    with pytest.raises(ValueError, match=r"y holds string labels \(such as '0'\) but the model was fitted on number"):
        tagger.score(X, [["0", "1", "2"]] * 8)
    assert 0 <= tagger.score(X, [[0, 1, 2]] * 8) <= 1


def test_score_refuses_pandas_rows_in_another_order_and_tags_spelt_with_spaces(tagger, lm):
    """fit refused an X and y (or weights) whose pandas labels were the same in another order, and a tag 'D ' beside
    'D'; the tagger's and the language model's score paired such rows by position and counted 'D ' wrong, silently."""
    frame_x = pd.Series(X, index=range(10, 18))
    frame_y, weights = pd.Series(Y, index=frame_x.index), pd.Series([1.0, 0.0] * 4, index=frame_x.index)
    order = r"have the same index labels in a different order \(row 0 is labelled 10 in X and 17 in "
    with pytest.raises(ValueError, match=order + "y"):
        tagger.score(frame_x, frame_y[::-1])
    with pytest.raises(ValueError, match=order + "sample_weight"):
        tagger.score(frame_x, frame_y, sample_weight=weights[::-1])
    with pytest.raises(ValueError, match=order + "sample_weight"):
        lm.score(frame_x, sample_weight=weights[::-1])
    assert tagger.score(frame_x, frame_y, sample_weight=weights) == tagger.score(X, Y, sample_weight=weights.values)
    assert lm.score(frame_x, sample_weight=weights) == lm.score(X, sample_weight=weights.values)
    with pytest.raises(ValueError, match=r"differ only by surrounding white space: 'D ' is not the model's class 'D'"):
        tagger.score(X[:1], [["D ", "N", "V"]])
    with pytest.raises(ValueError, match=r"y holds string labels \(such as 'D'\) but the model was fitted on number"):
        LSTMSequenceTagger(**SMALL).fit(X, [[0, 1, 2]] * 8).score(X, Y)


def test_score_checks_sequence_weights_by_the_rule_of_fit(tagger):
    for weights, match in (([np.nan] + [1] * 7, "holds nan"), ([-5] + [1] * 7, "holds -5.0"),
                           ([0] * 8, "All sample weights are zero: no sequence counts in the score"),
                           ([1, 0], r"one weight per sequence \(8\)"),
                           ([[1, 1, 1]] * 8, "one weight per sequence"), (["a"] * 8, "not an array of numbers")):
        with pytest.raises(ValueError, match=match):
            tagger.score(X, Y, sample_weight=weights)
    assert tagger.score(X, Y, sample_weight=[2] * 8) == tagger.score(X, Y) == tagger.score(X, Y, sample_weight=2.0)
    # one number weighs every sequence alike, in fit too (scikit-learn's convention, the dense networks'; refused)
    np.testing.assert_array_equal(LSTMSequenceTagger(**SMALL).fit(X, Y, sample_weight=3).predict_proba(X)[0],
                                  LSTMSequenceTagger(**SMALL).fit(X, Y).predict_proba(X)[0])
    with pytest.raises(ValueError, match=r"sample_weight is not an array of numbers .*one per sequence"):
        LSTMSequenceTagger(**SMALL).fit(X, Y, sample_weight=[[1, 1, 1], [1, 1]] * 4)


def test_the_tagger_score_checks_x_once_with_weights(tagger, monkeypatch):
    """Checking the weights before the predictions checked X a second time (every DataFrame read twice)."""
    checked = []
    monkeypatch.setattr(sknn.sequence, "check_sequences", lambda *args, **kw: checked.append(args) or
                        check_sequences(*args, **kw))
    assert tagger.score(X, Y, sample_weight=[2] * 8) == tagger.score(X, Y)
    assert len(checked) == 2  # once a score


def test_sentences_of_only_the_models_own_symbols_are_named():
    with pytest.raises(ValueError, match=r"hold only the model's own symbols \(</s>, <s>, <unk>\), which are not "
                                         "words to learn"):
        LSTMLanguageModel(**SMALL).fit([["<s>", "<unk>", "</s>"]] * 3)
    with pytest.raises(ValueError, match="No token occurs at least min_count=5 times"):
        LSTMLanguageModel(min_count=5, **SMALL).fit(X)
    with pytest.raises(ValueError, match=r"max_vocab=4 leaves no room for words beside the model's 4 symbols"):
        LSTMLanguageModel(max_vocab=4, **SMALL).fit(X)  # it said to lower min_count


def test_data_frames_of_tokens_are_one_sequence_per_row():
    rows = [["the", "dog", "runs"], ["a", "cat", None]]  # pandas pads a shorter row with missing cells
    tagger = LSTMSequenceTagger(**SMALL).fit(pd.DataFrame(rows[:1] * 4), pd.DataFrame([["D", "N", "V"]] * 4))
    predicted = tagger.predict(pd.DataFrame(rows))
    assert [len(p) for p in predicted] == [3, 2]  # was: AttributeError 'DataFrame' object has no attribute 'tolist'
    model = LSTMLanguageModel(**SMALL, min_count=1).fit(X)
    assert np.isfinite(model.perplexity(pd.DataFrame(X)))


@pytest.mark.parametrize("char_features", [True, "lstm"])
def test_empty_string_tokens_are_named(char_features):
    tagger = LSTMSequenceTagger(**SMALL, char_features=char_features).fit(X, Y)
    with pytest.raises(ValueError, match=r"X\[0\]\[1\] is the empty string.*text.split\(\)"):
        tagger.predict([["the", "", "dog"]])  # was a RuntimeError from inside torch's convolution or indexing
    with pytest.raises(ValueError, match=r"X\[1\]\[0\] is the empty string"):
        LSTMSequenceTagger(**SMALL).fit([["the"], [""]], [["D"], ["N"]])


@pytest.mark.parametrize("token", [" ", "\t\n", "\u00a0"])
def test_white_space_tokens_are_named(token):
    with pytest.raises(ValueError, match=r"X\[1\]\[1\] is .*, only white space: every token needs a character other"):
        LSTMSequenceTagger(**SMALL).fit([["the"], ["a", token]], [["D"], ["D", "X"]])
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is .*, only white space"):
        LSTMLanguageModel(**SMALL).fit([[token, "a"]] * 3)


def test_the_padding_symbol_is_refused_and_the_others_are_named_when_read_as_symbols():
    """A user's '<pad>' would be read as padding (no token: a zero, untrained vector); '<unk>', '<s>', '</s>'
    in a text (Penn Treebank writes '<unk>') mean what sknn's symbols mean, so they are read so, with a
    warning naming them."""
    for pad in ("<pad>", "<PAD>"):
        with pytest.raises(ValueError, match=f"X\\[0\\]\\[1\\] is '{pad}', the padding symbol.*replace it"):
            LSTMSequenceTagger(**SMALL).fit([["the", pad, "dog"]], [["D", "X", "N"]])
    tagger = LSTMSequenceTagger(**SMALL).fit(X, Y)
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is '<pad>', the padding symbol"):
        tagger.predict([["<pad>"]])
    with pytest.raises(ValueError, match=r"prefixes\[0\]\[1\] is '<pad>'"):
        LSTMLanguageModel(**SMALL, min_count=1).fit(X).predict_next([["the", "<pad>"]])
    with pytest.warns(UserWarning, match=r"own symbols: '<unk>' \(the unknown word, 2 times\), '</s>' \(the end of "
                                         r"a sentence, 1 times\); they are read as those symbols"):
        lm = LSTMLanguageModel(**SMALL, min_count=1).fit([["a", "<unk>", "b"], ["a", "<unk>", "</s>"], *X])
    assert "<unk>" in lm.vocabulary_ and len(lm.vocabulary_) == len(set(lm.vocabulary_.values()))
    # a prompt or scored text read the same way says so too (predict_next read '<s>' as a new start silently)
    with pytest.warns(UserWarning, match=r"prefixes holds tokens spelled as the model's own symbols: '<s>' \(the "
                                         r"start of a sentence, 1 times\)"):
        lm.predict_next([["a", "<s>"]])
    with pytest.warns(UserWarning, match=r"X holds .* own symbols: '</s>'"):
        lm.score([["a", "</s>", "b"]])
    with warnings.catch_warnings():  # fit named them; more training on the same text stays quiet
        warnings.simplefilter("error")
        lm.partial_fit([["a", "<unk>", "b"], *X])


def test_an_unfitted_word2vec_as_pretrained_embeddings_names_the_fix():
    from sklearn.base import clone

    from sknn import Word2VecTransformer

    vectors = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, device="cpu").fit([" ".join(s) for s in X])
    tagger = LSTMSequenceTagger(**SMALL, pretrained_embeddings=vectors)
    with pytest.raises(TypeError, match=r"unfitted Word2VecTransformer.*cross_val_score.*=w2v.wv_"):
        clone(tagger).fit(X, Y)  # clone unfits the vectors given as a parameter
    clone(tagger.set_params(pretrained_embeddings=vectors.wv_)).fit(X, Y)


# -- containers ------------------------------------------------------------------------------------
def test_unordered_containers_and_bytes_arrays_are_refused(tagger, lm):
    with pytest.raises(TypeError, match=r"X\[0\] is a set, whose order is not the text's"):
        LSTMSequenceTagger(**SMALL).fit([set(s) for s in X], Y)
    with pytest.raises(TypeError, match=r"y\[0\] is a set, whose order is not the text's"):
        LSTMSequenceTagger(**SMALL).fit([["the", "dog"]] * 4, [{"D", "N"}] * 4)
    with pytest.raises(TypeError, match=r"prefixes\[0\] is a set"):
        lm.predict_next([{"the", "dog"}])
    with pytest.raises(TypeError, match=r"X\[0\] is a dict"):
        tagger.predict([{"the": 0, "dog": 1}])
    # 2-D arrays of bytes became the text "b'the'" per token (a list of bytes was refused already)
    with pytest.raises(TypeError, match=r"X is an array of bytes \(dtype \|S\d+\); .*X\.astype\(str\)"):
        LSTMSequenceTagger(**SMALL).fit(np.array(X, dtype="S"), Y)
    with pytest.raises(TypeError, match=r"X is an array of bytes"):
        lm.perplexity(np.array(X, dtype="S"))


def test_a_first_token_that_is_not_a_string_is_named(tagger):
    with pytest.raises(TypeError, match=r"X\[0\]\[0\] is 2020 \(of type int\), not a string"):
        tagger.predict([[2020, "was", "good"]])
    with pytest.raises(TypeError, match=r"X\[0\]\[0\] is \['the'\] \(of type list\), not a string"):
        tagger.predict([[["the"], ["dog"]]])  # nested one level too deep


def test_prefixes_in_pandas_are_read_by_position(lm):
    expected = lm.predict_next([["the"], ["a", "cat"]])
    assert lm.predict_next(pd.Series([["the"], ["a", "cat"]], index=[5, 6])) == expected
    assert lm.predict_next(pd.DataFrame([["the", None], ["a", "cat"]])) == expected


def test_generators_with_weights_are_read_once_as_lists():
    weights = np.r_[np.ones(8), 0.0]
    data = X + [["zebra", "dog", "runs"]]
    tags = Y + [["D", "N", "V"]]
    listed = LSTMSequenceTagger(**SMALL).fit(data, tags, sample_weight=weights)
    streamed = LSTMSequenceTagger(**SMALL).fit((s for s in data), tags, sample_weight=weights)
    assert "zebra" not in streamed.vocabulary_ and streamed.vocabulary_ == listed.vocabulary_
    assert streamed.score((s for s in data), tags, sample_weight=weights) == listed.score(data, tags, weights)


def test_numeric_sequences_in_other_containers_are_their_arrays():
    rng = np.random.RandomState(0)
    arrays = [rng.normal(size=(n, 3)).astype(np.float32) for n in (4, 5, 3, 6)]
    tags = [list(np.where(a[:, 0] > 0, "up", "down")) for a in arrays]
    kw = dict(SMALL, max_iter=2)
    expected = LSTMSequenceTagger(**kw).fit(arrays, tags).predict_proba(arrays)
    frames = [pd.DataFrame(a, columns=["f1", "f2", "f3"]) for a in arrays]  # list(frame) is its column names
    tagger = LSTMSequenceTagger(**kw).fit(frames, tags)
    assert tagger.input_kind_ == "features" and tagger.vocabulary_ is None
    for got, want in zip(tagger.predict_proba([torch.from_numpy(a) for a in arrays]), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    with pytest.raises(TypeError, match=r"X\[1\] is an array of numbers, but X\[0\] holds tokens"):
        LSTMSequenceTagger(**kw).fit([["a", "b", "c"], arrays[0]], [["x"] * 3, ["y"] * 4])
    # the other way round: the numbers first decide (the message said X[1] 'is not numeric')
    with pytest.raises(TypeError, match=r"X\[1\] holds tokens, but X\[0\] holds numbers, read as a sequence of "
                                        r"feature vectors \(whole numbers: word ids\? pass them as strings"):
        LSTMSequenceTagger(**kw).fit([[1, 2, 3], ["a", "b"]], [["x"] * 3, ["y"] * 2])


def test_a_quantity_per_step_is_refused_and_unscaled_features_are_warned_about():
    rng = np.random.RandomState(0)
    arrays = [rng.normal(size=(5, 2)) for _ in range(6)]
    with pytest.raises(ValueError, match=r"predicts classes, and y holds \d+ distinct numbers with fractional.*no "
                                         r"regression mode"):
        LSTMSequenceTagger(**SMALL).fit(arrays, [list(2 * a[:, 0] + 0.5) for a in arrays])
    stamped = [np.c_[a, np.full(5, 1.7e9)] for a in arrays]  # a timestamp column
    with pytest.warns(UserWarning, match=r"Feature 2 of X's steps reaches 1\.7e\+09.*Standardise the features"):
        LSTMSequenceTagger(**SMALL).fit(stamped, [["a", "b"] * 2 + ["a"]] * 6)


# -- texts not split, missing sequences --------------------------------------------------------------------------
def test_texts_not_split_into_tokens_name_the_split(tagger, lm):
    split = r"split the texts first, \[s\.split\(\) for s in X\] \(or X\.str\.split\(\) for a pandas Series\)"
    with pytest.raises(TypeError, match=r"X\[0\] is a str \('the dog runs'\), a text not split into tokens; each "
                       r"item of X must be a list of tokens: " + split) as error:
        lm.score(["the dog runs"])
    assert "feature" not in str(error.value) and "numeric" not in str(error.value)  # a language model reads words
    with pytest.raises(TypeError, match=r"X\.iloc\[0\] is a str .*" + split):
        LSTMLanguageModel(min_count=1, **SMALL).fit(pd.Series([" ".join(s) for s in X]))
    with pytest.raises(TypeError, match=r"X\[0\] is a str \('the dog runs'\).*a list of tokens \(or, for numeric "
                       r"sequences, an array of shape \(length, n_features\)\): " + split):
        tagger.predict(["the dog runs"])
    with pytest.raises(TypeError, match=r"X\[1\] is bytes \(b'a cat'\).*\[s\.decode\('utf-8'\)\.split\(\) for s "
                       r"in X\]"):
        lm.perplexity([["the"], b"a cat"])
    with pytest.raises(ValueError, match=r"X is None; pass a list of sequences \(lists of tokens\)\.$"):
        lm.score(None)


@pytest.mark.parametrize("missing", [None, np.nan])
def test_a_missing_sequence_is_named_by_its_position(tagger, lm, missing):
    data = pd.Series([["the", "dog"], missing, ["a", "cat"]], index=[2, 0, 1])  # data[1] is another row
    with pytest.raises(TypeError, match=rf"The sequence at position 1 \(X\.iloc\[1\]\) is missing \({missing}\); "
                       r"every item of X must be a list of tokens: drop the missing sequences.*X\.dropna\(\)"):
        lm.score(data)
    with pytest.raises(TypeError, match=rf"position 1 \(X\[1\]\) is missing \({missing}\).*with their labels"):
        tagger.predict([["the"], missing])


# -- the column names of DataFrame sequences, values that are not numbers ---------------------------------------------
def _frames(columns=("a", "b"), n=6):
    rng = np.random.RandomState(0)
    return [pd.DataFrame(rng.normal(size=(4, len(columns))), columns=list(columns)) for _ in range(n)]


def test_dataframe_sequences_have_their_column_names_recorded_and_checked(tmp_path):
    """Features were read by position and names never recorded: columns [b, a] at score silently gave another
    accuracy, and sequences with [a, b] and [b, a] trained together."""
    frames = _frames()
    tags = [list(np.where(f["a"] > 0, "up", "down")) for f in frames]
    tagger = LSTMSequenceTagger(**SMALL).fit(frames, tags)
    np.testing.assert_array_equal(tagger.feature_names_in_, ["a", "b"])
    with pytest.raises(ValueError, match=r"X\[0\] has the columns \['b', 'a'\], but LSTMSequenceTagger was fitted "
                       r"with \['a', 'b'\].*Feature names must be in the same order as they were in fit\. .*"
                       r"feature_names_in_"):
        tagger.score([f[["b", "a"]] for f in frames], tags)
    with pytest.raises(ValueError, match=r"X\[2\] has the columns \['a', 'c'\].*unseen at fit time: \['c'\]\. Feature "
                       r"names seen at fit time, yet now missing: \['b'\]"):
        tagger.predict(frames[:2] + [frames[2].rename(columns={"b": "c"})])
    with pytest.warns(UserWarning, match=r"X\[0\] does not have valid feature names, but LSTMSequenceTagger was "
                      r"fitted with feature names"):
        tagger.predict([f.to_numpy() for f in frames])
    with pytest.raises(ValueError, match=r"X\[1\] has the columns \['b', 'a'\] but X\[0\] has \['a', 'b'\]: .*same "
                       r"order in every sequence"):
        LSTMSequenceTagger(**SMALL).fit([frames[0], frames[1][["b", "a"]]], tags[:2])
    for copy in (pickle.loads(pickle.dumps(tagger)), _saved_and_loaded(tagger, tmp_path)):
        np.testing.assert_array_equal(copy.feature_names_in_, ["a", "b"])
        with pytest.raises(ValueError, match=r"Feature names must be in the same order as they were in fit"):
            copy.predict([frames[0][["b", "a"]]])
    assert not hasattr(tagger.fit([f.to_numpy() for f in frames], tags), "feature_names_in_")  # a refit on arrays
    unnamed = LSTMSequenceTagger(**SMALL).fit([f.to_numpy() for f in frames], tags)
    with pytest.warns(UserWarning, match=r"X\[0\] has feature names, but LSTMSequenceTagger was fitted without"):
        unnamed.predict(frames)


def _up_or_down(frames):
    return [list(np.where(f.iloc[:, 0] > 0, "up", "down")) for f in frames]


def test_column_names_are_checked_by_every_training_after_fit():
    """partial_fit, a warm start and validation_data read the columns of fit, in its order, as predict does."""
    frames = _frames()
    tags, swapped = _up_or_down(frames), [f[["b", "a"]] for f in frames]
    refused = (r"X\[0\] has the columns \['b', 'a'\], but LSTMSequenceTagger was fitted with \['a', 'b'\].*same "
               r"order as they were in fit")
    tagger = LSTMSequenceTagger(**SMALL).fit(frames, tags)
    with pytest.raises(ValueError, match=refused):
        tagger.partial_fit(swapped, tags)
    with pytest.raises(ValueError, match=refused):
        tagger.set_params(warm_start=True).fit(swapped, tags)
    with pytest.raises(ValueError, match="validation_data: " + refused.replace("X", "X_val", 1)):
        LSTMSequenceTagger(**SMALL).fit(frames, tags, validation_data=(swapped, tags))
    first = LSTMSequenceTagger(**SMALL).partial_fit(frames, tags, classes=["down", "up"])  # a first call records them
    np.testing.assert_array_equal(first.feature_names_in_, ["a", "b"])
    with pytest.raises(ValueError, match=refused):
        first.partial_fit(swapped, tags)


@pytest.mark.parametrize("fitted_with_names", [True, False])
@pytest.mark.parametrize("call", ["predict", "predict_proba", "partial_fit", "validation_data"])
def test_feature_name_warnings_point_at_the_line_that_called(call, fitted_with_names):
    """Their fixed stacklevel pointed into sknn (sequence.py, _base.py) on every path."""
    frames = _frames()
    tags, arrays = _up_or_down(frames), [f.to_numpy() for f in frames]
    fitted, given = (frames, arrays) if fitted_with_names else (arrays, frames)
    tagger = LSTMSequenceTagger(**SMALL)
    if call != "validation_data":
        tagger.fit(fitted, tags)
    with pytest.warns(UserWarning, match="feature names") as record:
        if call == "validation_data":
            tagger.fit(fitted, tags, validation_data=(given, tags))
        elif call == "partial_fit":
            tagger.partial_fit(given, tags)
        else:
            getattr(tagger, call)(given)
    record = [w for w in record if "feature names" in str(w.message)]
    assert record[0].filename == __file__ and all(w.filename == __file__ for w in record)


def test_the_other_warnings_of_sequences_point_at_the_line_that_called(lm):
    """Own symbols in a text, word ids as numbers, unscaled features: each warning had a fixed stacklevel of its own."""
    stamped = [np.c_[a, np.full(len(a), 1.7e9)] for a in (np.ones((3, 2)), np.zeros((2, 2)))]
    calls = [lambda: lm.score([["a", "</s>"]]), lambda: lm.predict_next([["a", "<s>"]]),
             lambda: LSTMLanguageModel(**SMALL, min_count=1).fit([["a", "<unk>"], *X]),
             lambda: LSTMSequenceTagger(**SMALL).fit([[12, 900, 3], [3, 12]], [["D", "N", "V"], ["V", "D"]]),
             lambda: LSTMSequenceTagger(**SMALL).fit(stamped, [["a", "b", "a"], ["b", "a"]])]
    for call in calls:
        with pytest.warns(UserWarning, match="own symbols|whole numbers|Standardise") as record:
            call()
        record = [w for w in record if re.search("own symbols|whole numbers|Standardise", str(w.message))]
        assert all(w.filename == __file__ for w in record)


def _saved_and_loaded(estimator, tmp_path):
    import sknn

    estimator.save(tmp_path / "model.safetensors")
    return sknn.load(tmp_path / "model.safetensors")


@pytest.mark.parametrize("seq, message", [
    (np.ones((3, 2), dtype=complex), r"X\[0\] is a 2-D array of complex numbers \(dtype complex128\).*convert them "
                                     r"to float"),
    (np.array(["2020-01-01", "2020-01-02", "2020-01-03"], dtype="datetime64[D]"),
     r"X\[0\] is a 1-D array of dates or durations \(dtype datetime64\[D\]\).*convert them to float"),
    (pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]}),
     r"X\[0\] is a DataFrame whose column 'b' holds strings \(such as 'x'\).*encode it as numbers"),
    (pd.DataFrame({"a": pd.Categorical(["x", "y", "x"])}), r"X\[0\] is a DataFrame whose column 'a' is categorical"
                                                           r".*encode it as numbers"),
    (np.array([["a", "b"], ["c", "d"], ["e", "f"]]), r"X\[0\] is a 2-D array of text \(dtype <U1\).*a token "
                                                     r"sequence is 1-D"),
])
def test_numeric_sequences_of_other_values_name_their_dtype_or_column(seq, message):
    """An array was said to be a token list ('X[0][0] is [...] (of type list), not a string')."""
    with pytest.raises(TypeError, match=message) as error:
        LSTMSequenceTagger(**SMALL).fit([seq] * 2, [["p", "q", "p"]] * 2)
    assert "of type list" not in str(error.value)


def test_arrays_of_text_are_still_token_sequences():
    tokens = [np.array(["the", "dog", "runs"]), np.array(["a", "cat", "sleeps"], dtype=object)]
    assert LSTMSequenceTagger(**SMALL).fit(tokens, Y[:2]).input_kind_ == "tokens"


@pytest.mark.parametrize("steps", [pd.DataFrame({"flag": [True, False, True], "x": [0.1, 0.2, 0.3]}),
                                   pd.DataFrame({"x": [0.1, 0.2, 0.3], "flag": [True, False, True]}),
                                   np.array([[True, 0.1], [False, 0.2], [True, 0.3]], dtype=object)])
def test_boolean_features_are_numbers_wherever_their_column_is(steps):
    """A first column of booleans made a DataFrame (or an object array) a token list: 'X[0][0] is [True, 0.1] (of
    type list), not a string', while the same columns swapped trained."""
    kind, (got,) = check_sequences([steps])
    flags = got[:, list(getattr(steps, "columns", ["flag"])).index("flag")]
    assert kind == "features" and got.shape == (3, 2) and flags.tolist() == [1, 0, 1]
    assert LSTMSequenceTagger(**SMALL).fit([steps] * 2, [["p", "q", "p"]] * 2).n_features_in_ == 2


def test_column_names_of_several_kinds_or_repeated_are_refused_naming_the_sequence(tagger):
    """Repeated names raised narwhals' DuplicateError, which named no sequence."""
    frames = _frames(n=2)
    for columns in (["a", "a"], [0, 0]):
        repeated = frames[1].set_axis(columns, axis=1)
        with pytest.raises(ValueError, match=rf"X\[1\] is a DataFrame with several columns named {columns[0]!r}: .*"
                           r"each column needs its own name; rename the copies, or drop them"):
            LSTMSequenceTagger(**SMALL).fit([frames[0], repeated], [["p", "q", "p", "q"]] * 2)
    with pytest.raises(ValueError, match=r"X\[0\] is a DataFrame with several columns named 'a', 'b'"):
        tagger.predict([pd.DataFrame(np.ones((2, 4)), columns=["a", "b", "a", "b"])])
    with pytest.raises(TypeError, match=r"X\[1\]: Feature names are only supported if all input features have "
                       r"string names, but your input has \['int', 'str'\]"):
        LSTMSequenceTagger(**SMALL).fit([frames[0], frames[1].set_axis(["a", 1], axis=1)], [["p"] * 4] * 2)


def test_the_columns_of_data_frame_sequences_are_read_once_and_judged_once_per_kind(monkeypatch):
    """Predicting 20,000 small DataFrames took 5 times as long: their dtypes were built three times each, and each
    went through scikit-learn's reading of a table's names."""
    class Frame(pd.DataFrame):
        dtypes_read = 0

        @property
        def dtypes(self):
            Frame.dtypes_read += 1
            return super().dtypes

    judged = []
    verdict = _sequence_columns._columns_verdict
    monkeypatch.setattr(_sequence_columns, "_columns_verdict", lambda *args: judged.append(args) or verdict(*args))
    frames = [Frame(f) for f in _frames(n=5)] + [Frame(_frames(["c", "d"], n=1)[0])]
    check_sequences(frames)
    assert Frame.dtypes_read == 6 and len(judged) == 2


@pytest.mark.parametrize("first_word, kept", [(UNK + 1, [PAD, UNK]), (EOS + 1, [PAD, UNK, BOS, EOS])])
def test_word_dropout_replaces_words_only_never_the_model_symbols(first_word, kept):
    """A language model's dropout read '<s>' (and '</s>') as words, replacing them by '<unk>'."""
    net = SequenceNet(3, vocab_size=8, embedding_dim=4, hidden_size=4, word_dropout=1.0, first_word=first_word)
    ids = torch.tensor([[BOS, 4, 5, EOS, UNK, 6, 7, PAD]])
    net.train()
    (got,) = net.word_vectors(ids)
    expected = torch.where(torch.isin(ids, torch.tensor(kept)), ids, UNK)
    torch.testing.assert_close(got, net.embedding(expected))


def test_each_model_tells_its_network_where_its_words_start(tagger, lm):
    assert lm.net_.module_.first_word == EOS + 1  # '<pad>', '<unk>', '<s>', '</s>'
    assert tagger.net_.module_.first_word == UNK + 1  # a tagger's id 2 is a word


def test_the_language_model_score_takes_one_weight_per_sequence(lm):
    """score had no sample_weight, while fit and the tagger's score take one."""
    data = [["the", "dog", "runs"], ["a", "cat"], ["a", "dog", "runs", "now"]]
    assert lm.score(data, sample_weight=[2.0, 2.0, 2.0]) == pytest.approx(lm.score(data))
    assert lm.score(data, sample_weight=[1.0, 0.0, 1.0]) == pytest.approx(lm.score([data[0], data[2]]))
    weights, sizes = [3, 4, 1], [len(s) + 1 for s in data]  # a sequence's tokens (and its end) carry its weight
    expected = sum(w * n * lm.score([s]) for w, n, s in zip(weights, sizes, data)) / np.dot(weights, sizes)
    assert lm.score(data, sample_weight=weights) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"sample_weight must have one weight per sequence \(3\)"):
        lm.score(data, sample_weight=[1.0, 1.0])
    with pytest.raises(ValueError, match=r"All sample weights are zero: no sequence counts in the score"):
        lm.score(data, sample_weight=[0, 0, 0])


def test_the_language_model_score_reads_weights_of_pandas_or_read_only_arrays_quietly(lm):
    """A Series (read-only under pandas' copy-on-write) made torch warn 'The given NumPy array is not writable'."""
    data = [["the", "dog", "runs"], ["a", "cat"], ["a", "dog", "runs", "now"]]
    read_only = np.array([3.0, 4.0, 1.0])
    read_only.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = [lm.score(data, sample_weight=w) for w in (pd.Series([3.0, 4.0, 1.0], index=[2, 1, 0]), read_only)]
    assert scores == pytest.approx([lm.score(data, sample_weight=[3, 4, 1])] * 2)


@pytest.mark.parametrize("model, first_word", [("lm", EOS + 1), ("tagger", UNK + 1)])
def test_a_network_pickled_without_its_first_word_gets_its_models_when_unpickled(model, first_word, request):
    """A language model pickled before the network had first_word read '<s>' as a word in word_dropout when
    trained further (partial_fit, a warm start): a tagger's id 2 is a word, a language model's is '<s>'."""
    old = pickle.loads(pickle.dumps(request.getfixturevalue(model)))
    del old.net_.module_.first_word  # as pickled before it had one
    assert pickle.loads(pickle.dumps(old)).net_.module_.first_word == first_word


# -- the validation split keeps every tag training; reserved callback names; another tag set in score --------------
_SENTENCES = [["the", "cat"], ["a", "dog", "runs"], ["big", "red", "ball"], ["i", "see"], ["we", "go", "home"]]
_TAGS = [["D", "N"], ["D", "N", "V"], ["A", "A", "N"], ["P", "V"], ["P", "V", "N"]]  # 'A': one sentence's only


class _SplitTags(Callback):
    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.train_y, self.valid_y = X.y.numpy(), y.y.numpy()


def test_the_tagger_validation_split_never_sets_a_tag_aside_whole():
    # the split set aside every sentence holding 'A' for some seeds: a tag in classes_ never trained, silently
    kw = dict(SMALL, char_features=False, num_layers=1, early_stopping=True)
    for seed in range(12):  # seeds 5, 6 and 8 set aside both sentences of 'A'
        tagger = LSTMSequenceTagger(**dict(kw, random_state=seed), validation_fraction=0.5,
                                    callbacks=[_SplitTags()]).fit(_SENTENCES * 2, _TAGS * 2)
        split = next(cb for _, cb in tagger.net_.callbacks_ if isinstance(cb, _SplitTags))
        assert set(split.train_y.tolist()) == set(range(len(tagger.classes_))), seed
        assert len(split.valid_y) and len(split.train_y) + len(split.valid_y) == 2 * sum(map(len, _TAGS))
    with pytest.raises(ValueError, match="sets 1 of the 5 sequences aside for validation, which would leave class 'A' "
                                         "no training sequence .*validation_data=\\(X_val, y_val\\)"):
        LSTMSequenceTagger(**dict(kw, random_state=5), validation_fraction=0.2).fit(_SENTENCES, _TAGS)


def test_a_tagger_callback_named_as_its_gradient_clipping_is_refused_by_name():
    with pytest.raises(InvalidParameterError, match="named 'clipnorm', the name of one of sknn's own callbacks"):
        LSTMSequenceTagger(**SMALL, callbacks=[("clipnorm", Callback())]).fit(X, Y)


def test_tagger_score_warns_of_gold_labels_of_another_tag_set(tagger):
    with pytest.warns(UserWarning, match="y holds labels that spell the model's classes otherwise: '[dnv]' for "
                                         "'[DNV]' and 2 more; each counts as wrong"):
        assert tagger.score(X, [[tag.lower() for tag in tags] for tags in Y]) == 0.0
    with pytest.warns(UserWarning, match="another label set \\(tag set\\)\\? y holds 'DT', 'NN', 'VBZ';"):
        tagger.score(X[:1], [["DT", "NN", "VBZ"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger.score(X[:1], [["D", "NN", "VBZ"]])  # some labels known
        tagger.score(X[:1], [["Q", "Q", "R"]])  # a few unknown labels only: a plain mismatch


# -- Unicode normal forms ------------------------------------------------------------------------
NFC_CAFE, NFD_CAFE = "caf\u00e9", "cafe\u0301"  # print alike: composed and decomposed
WORDS = [["the", NFC_CAFE, "runs"], ["a", NFC_CAFE, "sleeps"]] * 4


def _form_warnings(fit_or_call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_or_call()
    return [str(w.message) for w in caught if "Unicode normal form" in str(w.message)]


@pytest.mark.parametrize("family", [LSTMSequenceTagger, LSTMLanguageModel])
def test_words_unknown_only_by_their_normal_form_are_warned_of_at_predict_and_score(family):
    model = family(min_count=1, **SMALL).fit(WORDS, Y) if family is LSTMSequenceTagger else \
        family(min_count=1, **SMALL).fit(WORDS)
    nfd = [[t.replace(NFC_CAFE, NFD_CAFE) for t in seq] for seq in WORDS]
    call = (lambda: model.predict(nfd)) if family is LSTMSequenceTagger else (lambda: model.score(nfd))
    found = _form_warnings(call)
    assert len(found) == 1 and ascii(NFD_CAFE) in found[0] and "as unknown words" in found[0]
    assert not _form_warnings(lambda: model.score(WORDS, Y) if family is LSTMSequenceTagger else model.score(WORDS))
    if family is LSTMLanguageModel:
        found = _form_warnings(lambda: model.predict_next([["a", NFD_CAFE]]))
        assert len(found) == 1 and "of prefixes" in found[0]


def test_training_words_in_two_normal_forms_are_warned_of_at_fit():
    mixed = WORDS + [["the", NFD_CAFE, "runs"]]
    found = _form_warnings(lambda: LSTMSequenceTagger(**SMALL).fit(mixed, Y + [["D", "N", "V"]]))
    assert len(found) == 1 and "more than one Unicode normal form" in found[0] and "unicodedata.normalize" in found[0]
    assert not _form_warnings(lambda: LSTMSequenceTagger(**SMALL).fit(WORDS, Y))


def test_pretrained_vectors_spelling_training_words_in_another_form_are_warned_of():
    from sknn import KeyedVectors

    vectors = KeyedVectors(np.ones((2, 4), dtype=np.float32), [NFD_CAFE, "the"])
    found = _form_warnings(lambda: LSTMSequenceTagger(**{**SMALL, "pretrained_embeddings": vectors}).fit(WORDS, Y))
    assert len(found) == 1 and "pretrained_embeddings" in found[0] and "no pretrained vector" in found[0]
    agreeing = KeyedVectors(np.ones((2, 4), dtype=np.float32), [NFC_CAFE, "the"])
    assert not _form_warnings(lambda: LSTMSequenceTagger(**{**SMALL, "pretrained_embeddings": agreeing}).fit(WORDS, Y))


def test_pretrained_vectors_that_miss_most_training_words_are_warned_of_with_the_fix():
    from sknn import KeyedVectors

    lower = KeyedVectors(np.eye(4)[:3].astype(np.float32), ["the", "dog", "runs"])  # GloVe-style lower-case keys
    cased = [["The", "Dog", "Runs"], ["THE", "DOG", "RUNS"]] * 4

    def few(fit):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit()
        return [str(w.message) for w in caught if "of the training tokens only" in str(w.message)]

    found = few(lambda: LSTMLanguageModel(**{**SMALL, "pretrained_embeddings": lower, "min_count": 1}).fit(cased))
    assert len(found) == 1 and "0% of the training tokens" in found[0] and "with lowercase=True, 100%" in found[0]
    assert not few(lambda: LSTMSequenceTagger(**{**SMALL, "pretrained_embeddings": lower}).fit(cased, Y))  # lowered
    other = KeyedVectors(np.eye(4)[:2].astype(np.float32), ["xx", "yy"])
    found = few(lambda: LSTMSequenceTagger(**{**SMALL, "pretrained_embeddings": other}).fit(cased, Y))
    assert len(found) == 1 and "vectors of this language" in found[0]


def test_word_ids_given_as_numbers_are_refused_with_the_fix(tagger):
    """The errors said what X held ('features sequences', 'numeric arrays') but not what to pass instead."""
    with pytest.raises(ValueError, match=r"X holds sequences of features but LSTMSequenceTagger was fitted on "
                                         r"sequences of tokens: pass each sentence as a list of word strings "
                                         r"\(whole-number word ids as their strings: str\(3\)\)"):
        tagger.predict([[1, 2, 3]])
    with pytest.raises(ValueError, match=r"X holds sequences of numbers: pass each sentence as a list of word strings"):
        LSTMLanguageModel(min_count=1, **SMALL).fit([[1, 2, 3]] * 4)


def test_sparse_matrices_as_x_or_as_a_sequence_are_refused_with_the_fix(tagger, lm):
    """scipy's 'sparse array length is ambiguous' came from inside the checks of X."""
    import scipy.sparse as sp

    steps = sp.csr_matrix(np.eye(3))
    for call in (tagger.predict, lm.perplexity, lambda Z: LSTMLanguageModel(min_count=1, **SMALL).fit(Z)):
        with pytest.raises(TypeError, match=r"^X is a scipy sparse matrix; pass a list of sequences"):
            call(steps)
        with pytest.raises(TypeError, match=r"^X\[1\] is a scipy sparse matrix; .*X\[1\]\.toarray\(\)"):
            call([["a", "b"], steps])
    with pytest.raises(TypeError, match=r"\[X\.toarray\(\)\] for one sequence of feature vectors"):
        tagger.predict(steps)


def test_one_sentence_s_tokens_as_x_and_bytes_tokens_are_told_their_fix(tagger):
    # [s.split() for s in X] alone made each word a sentence of its own: three one-word sentences, no context
    with pytest.raises(TypeError, match=r"for one sequence already split into tokens, put its token list in a list: "
                                        r"\[tokens\]"):
        tagger.predict(["The", "cat", "sat"])
    with pytest.raises(TypeError, match=r"X\[0\]\[0\] is b'The' \(of type bytes\), not a string: every token must "
                                        r"be a string \(decode bytes first: token\.decode\('utf-8'\)\)\.$"):
        tagger.predict([[b"The", b"cat"]])


@pytest.mark.parametrize("pad, keep", [("", "t.strip()"), ("<pad>", "t.strip() and t != '<pad>'")])
def test_a_padded_2d_array_of_tokens_is_told_to_pass_its_sequences_unpadded(tagger, pad, keep):
    # the padding cell was refused as a token ('replace it in the text with <pad_>' would make padding words)
    padded = np.array([["the", "dog", "runs", pad], ["a", "cat", "sleeps", "now"]])
    with pytest.raises(ValueError, match=rf"X is a 2-D array of text padded with '{re.escape(pad)}' \(1 cells\).*pass "
                                         rf"the sequences without their padding, \[\[t for t in row if "
                                         rf"{re.escape(keep)}\] for row in X\]"):
        tagger.predict(padded)
    fixed = [[t for t in row if t.strip() and t != "<pad>"] for row in padded]
    assert [len(tags) for tags in tagger.predict(fixed)] == [3, 4]


def test_tokens_unknown_only_by_white_space_around_them_are_warned_of(tagger):
    word = next(w for w in tagger.vocabulary_ if w.isalpha())
    with pytest.warns(UserWarning, match=r"2 distinct token\(s\) of X are unknown only because of white space around "
                                         rf"them, e\.g\. '{word}\\n' here, '{word}' in the vocabulary: .*token\.strip"):
        tagger.predict([[word + " ", word], [word + "\n"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger.predict([[word, word + "x"]])  # (an unknown word of its own: no warning)


def test_a_dataframe_of_numbers_as_x_and_label_dataframes_as_y_are_refused_or_read_by_their_column():
    """A DataFrame of one series given as X was read as one sequence per row (each step predicted alone, a trailing
    NaN reading dropped) without a word; a list of one-column label DataFrames gave their column names as labels
    (an IndexError inside training, or 'one class')."""
    rng = np.random.default_rng(0)
    series = [rng.normal(size=(n, 2)) for n in (3, 5, 4, 6) * 3]
    labels = [list(rng.integers(0, 2, len(s))) for s in series]
    tagger = LSTMSequenceTagger(**SMALL).fit(series, labels)
    frame = pd.DataFrame(series[0], columns=["a", "b"])
    for call in (lambda: tagger.predict(frame), lambda: LSTMSequenceTagger(**SMALL).fit(frame, labels[0])):
        with pytest.raises(ValueError, match=r"X is a DataFrame of numbers; a DataFrame given as X is read as one "
                                             r"sequence of tokens per row. For one series .*, pass \[X\]"):
            call()
    assert len(tagger.predict([frame])[0]) == 3
    with pytest.raises(ValueError, match=r"X holds sequences of numbers: pass each sentence as a list of word strings"):
        LSTMLanguageModel(min_count=1, **SMALL).fit(pd.DataFrame([[1, 2, 3], [4, 5, 6]] * 4))  # word ids: its own fix
    as_frames = [pd.DataFrame({"label": l}) for l in labels]
    fitted = LSTMSequenceTagger(**SMALL).fit(series, as_frames)
    assert fitted.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(fitted.predict_proba(series[:2])[0],
                                  LSTMSequenceTagger(**SMALL).fit(series, labels).predict_proba(series[:2])[0])
    with pytest.raises(ValueError, match=r"y\[0\] is a DataFrame of 2 columns; the labels of a sequence are one"):
        LSTMSequenceTagger(**SMALL).fit(series, [f.assign(other=1) for f in as_frames])


def test_frozen_embeddings_without_vectors_are_warned_of_and_a_vector_file_path_gets_the_loader():
    """freeze_embeddings=True with no pretrained_embeddings froze the random starting vectors without a word; a path
    or a gensim Word2Vec model got the generic 'must be a dict ...' with no way to what works."""
    with pytest.warns(UserWarning, match=r"freeze_embeddings=True without pretrained_embeddings keeps the word"):
        LSTMSequenceTagger(**SMALL, freeze_embeddings=True).fit(X, Y)
    with pytest.raises(TypeError, match=r"got str; for a file, sknn\.KeyedVectors\.load_word2vec_format\(path\)"):
        LSTMSequenceTagger(**SMALL, pretrained_embeddings="vectors.txt").fit(X, Y)

    class Model:  # as gensim's Word2Vec: its vectors in .wv
        wv = None

    with pytest.raises(TypeError, match=r"got Model; pass its keyed vectors, model\.wv"):
        LSTMSequenceTagger(**SMALL, pretrained_embeddings=Model()).fit(X, Y)


def test_vocabulary_settings_changed_before_a_warm_start_are_refused():
    """min_count and max_vocab changed before a warm start were ignored without a word (the vocabulary stays the
    first fit's), where every other setting of the network is refused so."""
    from sknn import LSTMLanguageModel

    tagger = LSTMSequenceTagger(**SMALL).fit(X, Y)
    with pytest.raises(ValueError, match=r"min_count=5 now, but the network was built with min_count=1; warm_start"):
        tagger.set_params(warm_start=True, min_count=5).fit(X, Y)
    lm = LSTMLanguageModel(**SMALL, min_count=1).fit(X)
    with pytest.raises(ValueError, match=r"max_vocab=3 now, but the network was built with max_vocab=20000"):
        lm.set_params(warm_start=True, max_vocab=3).fit(X)
    lm.set_params(max_vocab=20000).fit(X)  # set back: continues


def test_every_pretrained_vector_of_a_dict_must_be_numbers_and_a_fit_only_one_need_not_be_saved(tmp_path):
    """Only the first vector's type was checked: a later complex vector lost its imaginary part (numpy's
    ComplexWarning), one of numeric strings was read as numbers; gensim's vectors made save offer joblib only."""
    import warnings

    from sknn import load

    for odd in (np.ones(4) * (1 + 1j), ["1"] * 4):
        with pytest.raises(TypeError, match=r"pretrained_embeddings\['dog'\] is .*, not a vector of real numbers"):
            LSTMSequenceTagger(**SMALL, pretrained_embeddings={"the": np.ones(4), "dog": odd}).fit(X, Y)
    gensim = pytest.importorskip("gensim")
    vectors = gensim.models.KeyedVectors(4)
    vectors.add_vectors(["the", "dog", "zebra"], np.random.RandomState(0).rand(3, 4).astype(np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (vectors for few of the words)
        model = LSTMSequenceTagger(**SMALL, pretrained_embeddings=vectors).fit(X, Y)
    with pytest.raises(TypeError, match=r"pretrained_embeddings serves fit only: model\.set_params\("
                                        r"pretrained_embeddings=None\) before save keeps the fitted network"):
        model.save(tmp_path / "m.safetensors")
    model.set_params(pretrained_embeddings=None).save(tmp_path / "m.safetensors")  # the fix works
    np.testing.assert_array_equal(load(tmp_path / "m.safetensors").predict_proba(X)[0], model.predict_proba(X)[0])


def test_a_dataframe_with_a_column_of_token_lists_is_told_to_pass_the_column():
    """df[['tokens']] named its first cell 'not a string' and advised arrays of numbers."""
    frame = pd.DataFrame({"tokens": X, "tags": Y})
    for given, name in ((lambda: LSTMSequenceTagger(**SMALL).fit(frame[["tokens"]], frame["tags"]), "X"),
                        (lambda: LSTMSequenceTagger(**SMALL).fit(frame["tokens"], frame[["tags"]]), "y")):
        with pytest.raises(TypeError, match=rf"^{name} is a DataFrame whose column '\w+' holds lists \(such as .*\)"
                                            rf".*Pass that column, {name}\['\w+'\] \(a Series of lists\)"):
            given()
    assert len(LSTMSequenceTagger(**SMALL).fit(frame["tokens"], frame["tags"]).predict(frame["tokens"])) == len(X)
    with pytest.raises(TypeError, match=r"^validation_data: X_val is a DataFrame whose column 'tokens' holds lists"):
        LSTMSequenceTagger(**SMALL).fit(X, Y, validation_data=(frame[["tokens"]], Y))
    from sknn._sequence_input import check_sequences

    steps = pd.DataFrame([[np.array([1.0, 2.0]), np.array([3.0, 4.0])]] * 3)  # a cell a step's features: fine
    assert check_sequences(steps)[0] == "features"
    with pytest.raises(ValueError, match="X is empty"):
        check_sequences(pd.DataFrame(columns=["a", "b"]))


def test_tokens_that_differ_only_by_spaces_around_them_are_warned_of():
    """'dog ' beside 'dog' were two words without a word (labels so are refused)."""
    import warnings

    spaced = [["the", "dog", "runs"], ["a", "dog ", "sleeps"]] * 4
    with pytest.warns(UserWarning, match=r"^Tokens that differ only by white space around them \('dog' and 'dog '\) "
                                         r"are words of their own.*t\.strip\(\)"):
        LSTMSequenceTagger(**SMALL).fit(spaced, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        LSTMSequenceTagger(**SMALL).fit(X, Y)


def test_an_infinite_tag_is_refused_as_no_class():
    with pytest.raises(ValueError, match=r"y holds inf, which is no class: a label is a string or a finite number"):
        LSTMSequenceTagger(**SMALL).fit(X, [[0.0, 1.0, np.inf]] * 8)


def test_labels_of_another_kind_are_refused_alike_in_partial_fit_validation_and_score():
    """Booleans for number tags were trained as 0 and 1 by partial_fit (score refused them); a validation set of
    numbers for string tags was named 'labels outside the model's classes'."""
    numbers = LSTMSequenceTagger(**SMALL).fit(X, [[0, 1, 2]] * 8)
    flags = [[True, False, True]] * 8
    for call in (lambda: numbers.partial_fit(X, flags), lambda: numbers.score(X, flags)):
        with pytest.raises(ValueError, match=r"y holds boolean labels \(such as True\) but the model was fitted on "
                                             r"number labels \(such as 0\): pass labels of the kind of fit"):
            call()
    with pytest.raises(ValueError, match=r"validation_data: y_val holds number labels \(such as 1\) but the model was "
                                         r"fitted on string labels"):
        LSTMSequenceTagger(**SMALL).fit(X, Y, validation_data=([["the"]], [[1]]))


def test_a_sequence_s_tokens_and_labels_as_series_in_another_order_are_refused():
    tokens, tags = pd.Series(["the", "dog", "runs"], index=[10, 11, 12]), pd.Series(["V", "N", "D"], index=[12, 11, 10])
    message = r"X\[0\] and y\[0\] have the same index labels in a different order"
    with pytest.raises(ValueError, match=message):
        LSTMSequenceTagger(**SMALL).fit([tokens] + X[1:], [tags] + Y[1:])
    tagger = LSTMSequenceTagger(**SMALL).fit(X, Y)
    with pytest.raises(ValueError, match=message):  # (paired by position, the score counted 'the' as 'V')
        tagger.score([tokens], [tags])
    assert tagger.score([tokens], [tags.sort_index()]) == tagger.score([list(tokens)], [["D", "N", "V"]])
    # whatever holds the sentences (lists only were looked into: the others were paired by position, silently)
    for held in (lambda s: pd.Series(s, dtype=object), lambda s: np.array(s + [["x"]], dtype=object)[:-1]):
        with pytest.raises(ValueError, match=message):
            LSTMSequenceTagger(**SMALL).fit(held([tokens] + X[1:]), held([tags] + Y[1:]))
        with pytest.raises(ValueError, match=message):
            tagger.score(held([tokens]), [tags])
    short = pd.Series(["D"], index=[5])  # (the hint's labels[0] was pandas' label 0: a KeyError)
    with pytest.raises(ValueError, match="Sequence 0 has 3 tokens but 1 labels"):
        LSTMSequenceTagger(**SMALL).fit([list(tokens)] + X[1:], [short] + Y[1:])


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "datetime64[D]", "timedelta64[ns]"])
def test_tagger_predicts_date_and_duration_labels_as_its_classes(dtype):
    """predict gave datetime64[ns] labels as nanoseconds (ints) and datetime64[D] ones as datetime.date: of another
    type than classes_ (tolist), while score compared them as ints; durations beyond 2**53 nanoseconds were refused as
    'whole numbers' (numpy's timedelta64 is an integer type)."""
    X = [["the", "cat", "sat"], ["a", "dog"]] * 6
    values = np.array([0, 9600, 0]).astype("timedelta64[h]") + (np.datetime64("2020-01-01", "h") if "date" in dtype
                                                                  else np.timedelta64(0, "h"))  # 400 days: 2**55 ns
    y = [values[:len(s)].astype(dtype) for s in X]
    tagger = LSTMSequenceTagger(**dict(SMALL, char_features=False, max_iter=2)).fit(X, y)
    assert tagger.classes_.dtype == np.dtype(dtype)
    pred = tagger.predict(X)
    assert all(isinstance(label, type(tagger.classes_[0])) for labels in pred for label in labels)
    right = [p == g for labels, gold in zip(pred, y) for p, g in zip(labels, gold)]
    assert tagger.score(X, y) == pytest.approx(np.mean(right))


def test_predict_next_keeps_each_batch_s_most_likely_words_not_its_whole_distribution(lm, monkeypatch):
    """predict_next held every prefix's probability of every word at once, then took the top k: 1.4 GB for 50,000
    prefixes of a 3,000-word model (a probe's measure). Each batch now gives its k words and their probabilities."""
    widths, predict = [], type(lm.net_).predict_source

    def recorded(net, source, batch_size=None, transform=None):
        out = predict(net, source, batch_size=batch_size, transform=transform)
        widths.append(out.shape[1])
        return out

    monkeypatch.setattr(type(lm.net_), "predict_source", recorded)
    words = lm.predict_next([["the"], ["a", "cat"]] * 3, top_k=2, return_proba=True)
    assert widths == [4] and len(words) == 6 and all(len(w) == 2 for w in words)
    probs = [p for w in words for _, p in w]
    assert all(0 < p <= 1 for p in probs) and words[0] == words[2]


def test_tokens_unknown_only_by_a_compatibility_form_or_an_invisible_character_are_told():
    """Full-width digits, ligatures and a zero-width space read as unknown words without a word, where the NFD form
    of a vocabulary's NFC word was told."""
    from sknn import Word2VecTransformer

    X, y = [["order", "123", "office", "cat"]] * 5, [["N", "NUM", "N", "N"]] * 5
    tagger = LSTMSequenceTagger(**SMALL).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (known words, and an unknown word of no other form)
        tagger.predict([["order", "123", "zebra"]])
    with pytest.warns(UserWarning, match=r"3 distinct token\(s\) of X are unknown only because of compatibility forms "
                                         r"or invisible characters, e\.g\. 'cat\\u200b' here, 'cat' in the vocabulary"
                                         r".*normalize\('NFKC', text\)"):
        assert len(tagger.predict([["order", "\uff11\uff12\uff13", "o\ufb03ce", "cat\u200b"]])[0]) == 4
    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0).fit(X)
    with pytest.warns(UserWarning, match=r"unknown only because of compatibility forms or invisible characters"):
        w2v.transform([["\uff11\uff12\uff13", "o\ufb03ce"]])
