"""Edges of KeyedVectors' evaluation and text files: analogy files of which no question can be evaluated (0.0
looked like an accuracy), tab-separated word2vec text files, and numbers that only Python's float() reads."""

import unicodedata
import warnings

import numpy as np
import pytest

from sknn import KeyedVectors

WORDS = ["caf\u00e9", "th\u00e9", "na\u00efve", "r\u00e9sum\u00e9", "king", "queen", "man", "woman"]
QUESTIONS = ": drinks\ncaf\u00e9 th\u00e9 na\u00efve r\u00e9sum\u00e9\nth\u00e9 caf\u00e9 r\u00e9sum\u00e9 na\u00efve\n"


def _vectors():
    return KeyedVectors(np.random.default_rng(0).normal(size=(len(WORDS), 4)).astype(np.float32), WORDS)


def test_analogies_all_unknown_by_normal_form_warn_with_count_and_cause(tmp_path):
    """An NFD file against NFC keys skipped every question and returned 0.0 without a word: an accuracy of 0%
    and nothing answerable looked the same."""
    path = tmp_path / "q.txt"
    path.write_text(unicodedata.normalize("NFD", QUESTIONS), encoding="utf-8")
    with pytest.warns(UserWarning) as record:
        score, sections = _vectors().evaluate_word_analogies(path)
    assert score == 0.0  # gensim's value
    assert [len(s["correct"]) + len(s["incorrect"]) for s in sections] == [0, 0]
    messages = [str(w.message) for w in record]
    assert any("No question" in m and "all 2 " in m and "says nothing" in m for m in messages), messages
    assert any("Unicode normal form" in m and "normalize('NFC'" in m for m in messages), messages
    path.write_text(QUESTIONS, encoding="utf-8")  # the same file in the keys' form: answered, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _vectors().evaluate_word_analogies(path)


def test_word_pairs_unknown_only_by_normal_form_or_white_space_are_warned_of(tmp_path):
    # the pairs were skipped with only a higher oov_ratio to show ('word1, word2, score' read with delimiter=',':
    # half a file's pairs lost, and Pearson moved from 0.36 to 0.62 in a probe), where analogies warned
    vectors = np.array([[1, 0], [0, 1], [0.1, 0.9], [0.2, 0.8]], np.float32)
    kv = KeyedVectors(vectors, ["caf\u00e9", "car", "bus", "van"])
    path = tmp_path / "pairs.tsv"
    path.write_text("caf\u00e9\tbus\t9\ncar\tbus\t8\nvan\tcar\t1\ncafe\u0301\tcar\t0\ncar \tcaf\u00e9\t0\n",
                    encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert kv.evaluate_word_pairs(path)[2] == 40.0
    messages = [str(w.message) for w in caught]
    assert any("unknown only because of white space around them, e.g. 'CAR '" in m for m in messages)
    assert any("unknown only because of their Unicode normal form, e.g. 'CAFE\\u0301'" in m for m in messages)
    assert all("so the pairs that hold them were skipped" in m for m in messages) and len(messages) == 2


def test_analogies_all_unknown_warn_also_with_dummy4unknown_and_restrict_vocab(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(": royal\nking queen man woman\n")
    with pytest.warns(UserWarning, match=r"all 1 hold a word outside the 4 most frequent of the 8 keys.*counted "
                                         "wrong, as dummy4unknown asks"):
        score, sections = _vectors().evaluate_word_analogies(path, restrict_vocab=4, dummy4unknown=True)
    assert score == 0.0 and len(sections[-1]["incorrect"]) == 1


def test_analogies_partly_unknown_do_not_warn_but_an_empty_file_does(tmp_path):
    """A file wider than the vocabulary (questions-words.txt against a small model) is the usual case: no
    warning while some question was evaluated; a file of no question at all warns."""
    path = tmp_path / "q.txt"
    path.write_text(": royal\nking queen man woman\nking prince man boy\nemperor queen man woman\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _vectors().evaluate_word_analogies(path)
    path.write_text(": royal\n: capitals\n")
    with pytest.warns(UserWarning, match="holds no analogy question"):
        assert _vectors().evaluate_word_analogies(path)[0] == 0.0


@pytest.mark.parametrize("content, no_header", [
    ("2 2\ncat\t1\t2\ndog 3 4\n", False),
    ("cat\t1\t2\ndog\t3 4\n", True),
    ("2 2\ncat  1 \t 2\ndog 3 4\n", False),  # runs of separators, as word2vec.c's ReadWord reads them
])
def test_tabs_separate_fields_as_in_word2vec_c(tmp_path, content, no_header):
    """'cat\\t1\\t2' was 'expected a word and 2 numbers, got 0 numbers', though a tab ends a word as the writer
    says (and word2vec.c's ReadWord reads)."""
    path = tmp_path / "v.txt"
    path.write_text(content)
    kv = KeyedVectors.load_word2vec_format(path, no_header=no_header)
    assert kv.index_to_key == ["cat", "dog"]
    np.testing.assert_array_equal(kv.vectors, [[1, 2], [3, 4]])


@pytest.mark.parametrize("content, no_header, message", [
    ("2 2\nnew\tyork 1 2\ndog 3 4\n", False, "line 2: expected a word and 2 numbers, got 3 numbers. A tab"),
    ("new\tyork 1 2\ndog 3 4\n", True, "line 2: expected a word and 3 numbers .as line 1., got 2 numbers. A tab"),
    ("2 2\ncat  1\ndog 3 4\n", False, "line 2: expected a word and 2 numbers, got 1 numbers"),
])
def test_a_record_of_the_wrong_count_names_its_tabs(tmp_path, content, no_header, message):
    """A word that holds a tab (gensim writes it as it is) is named as the cause of the count, not read as a key
    (it was 'new\\tyork' before, a key sknn's own writer refuses)."""
    path = tmp_path / "v.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        KeyedVectors.load_word2vec_format(path, no_header=no_header)


@pytest.mark.parametrize("number, read", [("1_000", "1000.0"), ("\uff14", "4.0"), ("\u0664", "4.0"),
                                          ("\u20032", "2.0")])
@pytest.mark.parametrize("key", ["cat", "New_York", "caf\u00e9"])
def test_numbers_only_python_reads_are_refused_naming_the_line(tmp_path, number, read, key):
    """'1_000' read as 1000.0 and the full-width '４' as 4.0 (Python's float() and numpy read both; word2vec.c's
    atof neither)."""
    path = tmp_path / "v.txt"
    path.write_text(f"2 2\ndog 3 4\n{key} 1 {number}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"line 3 \(the vector of '{key}'\): .* is not a number as word2vec's "
                                         rf"format writes numbers .*reads it as {read}"):
        KeyedVectors.load_word2vec_format(path)
    path.write_text(f"dog 3 4\n{key} 1 {number}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2 .* is not a number as word2vec's format"):
        KeyedVectors.load_word2vec_format(path, no_header=True)
    path.write_text(f"2 2\ndog 3 4\n{key} 1 2.5e-3\n", encoding="utf-8")  # the key's '_' or letters are no number
    assert KeyedVectors.load_word2vec_format(path).index_to_key == ["dog", key]
