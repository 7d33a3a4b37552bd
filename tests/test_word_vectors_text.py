"""Text at the edges of word vectors: byte-order marks, Unicode normal forms, missing values (None) as words,
numpy strings as tokens, long first words in vector files (tiny, seconds)."""

import warnings

import numpy as np
import pytest

from sknn import KeyedVectors, Word2VecTransformer

W2V = dict(vector_size=4, min_count=1, epochs=1, device="cpu", random_state=0, sample=0)


@pytest.fixture
def kv():
    return KeyedVectors(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), ["cat", "dog", "car"])


# -- vector files -------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [None, 4])
def test_a_text_file_with_a_long_first_word_read_as_binary_is_refused(tmp_path, limit):
    path = tmp_path / "long.txt"
    keys = ["x" * 5000, "cat", "dog", "car"]
    KeyedVectors(np.eye(4, 3), keys).save_word2vec_format(path, binary=False)
    with pytest.raises(ValueError, match=r"is in word2vec's text format .*but binary=True; pass binary=False"):
        KeyedVectors.load_word2vec_format(path, binary=True, limit=limit)  # was read as garbage, without a word
    assert KeyedVectors.load_word2vec_format(path).index_to_key == keys


def test_a_binary_file_with_a_long_first_word_read_as_text_is_refused(tmp_path):
    path = tmp_path / "long.bin"
    KeyedVectors(np.full((2, 3), 1e-3), ["x" * 5000, "cat"]).save_word2vec_format(path, binary=True)
    with pytest.raises(ValueError, match=r"not in word2vec's text format; if it is in the binary format, pass "
                                         r"binary=True"):
        KeyedVectors.load_word2vec_format(path)


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_byte_order_mark_at_the_start_of_a_vector_file_is_no_part_of_it(tmp_path, header, encoding):
    path = tmp_path / "vectors.txt"
    path.write_text(("2 3\n" if header else "") + "the 0.1 0.2 0.3\nof -0.2 0.5 0.1\n", encoding="utf-8-sig")
    kv = KeyedVectors.load_word2vec_format(path, no_header=not header, encoding=encoding)
    assert kv.index_to_key == ["the", "of"]  # was '\ufeffthe' (no header) or refused (a header)
    np.testing.assert_allclose(kv["the"], [0.1, 0.2, 0.3])


def test_a_byte_order_mark_before_a_binary_files_header_is_skipped(tmp_path):
    path = tmp_path / "vectors.bin"
    KeyedVectors(np.eye(2, 3), ["the", "of"]).save_word2vec_format(path, binary=True)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert KeyedVectors.load_word2vec_format(path, binary=True).index_to_key == ["the", "of"]


def test_evaluation_files_joined_with_cat_lose_the_byte_order_marks_of_later_lines(tmp_path):
    kv = KeyedVectors(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]), ["a", "b", "c", "d"])
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("\ufeffa\tb\t9\nc\td\t8\n\ufeffa\tc\t1\nb\td\t2\n", encoding="utf-8")
    assert kv.evaluate_word_pairs(pairs)[2] == 0.0  # no pair out of the vocabulary (was 50%: '\ufeffa')
    analogies = tmp_path / "questions.txt"
    analogies.write_text(": one\na b c d\n\ufeff: two\n\ufeffa b c d\n", encoding="utf-8")
    sections = kv.evaluate_word_analogies(analogies)[1]
    assert [s["section"] for s in sections] == ["one", "two", "Total accuracy"]
    assert len(sections[1]["correct"] + sections[1]["incorrect"]) == 1


# -- Word2VecTransformer ------------------------------------------------------------------------
def test_word2vec_drops_byte_order_marks_from_every_text_alike(tmp_path):
    part = "\ufeffhello world\nhello there\n"
    path = tmp_path / "joined.txt"
    path.write_text(part + part, encoding="utf-8")  # two files saved with a BOM, joined with cat
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w2v = Word2VecTransformer(**W2V).fit(str(path))
        assert w2v.wv_.index_to_key == ["hello", "there", "world"]  # last seen first; was '\ufeffhello' too
        assert Word2VecTransformer(**W2V).fit(["\ufeffhello world", "hello \ufeffthere"]).wv_.index_to_key == \
            ["hello", "there", "world"]
        as_str = w2v.transform(["\ufeffhello world"])
    np.testing.assert_array_equal(as_str, w2v.transform(["\ufeffhello world".encode()]))
    np.testing.assert_array_equal(as_str, w2v.transform(["hello world"]))
    with warnings.catch_warnings():  # a mark inside a word is the word's: text and tokens read it alike
        warnings.simplefilter("ignore")
        inside = Word2VecTransformer(**W2V).fit(["ab\ufeffc de"] * 3)
    assert inside.wv_.index_to_key == ["de", "ab\ufeffc"]
    np.testing.assert_array_equal(inside.transform(["ab\ufeffc"]), inside.transform([["ab\ufeffc"]]))


def test_word2vec_vocabulary_keys_are_plain_str_when_tokens_come_in_numpy_arrays():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w2v = Word2VecTransformer(**W2V).fit([np.array(["the", "cat", "sat"])] * 5)
    assert {type(k) for k in w2v.vocabulary_} == {str}  # were np.str_, while wv_ held str
    assert w2v.vocabulary_ == {"sat": 0, "cat": 1, "the": 2}  # equal counts: last seen first (gensim)


# -- queries ------------------------------------------------------------------------------------
@pytest.mark.parametrize("keys", [None, [None]])
def test_none_as_a_key_is_a_key_error_naming_it(kv, keys):
    with pytest.raises(KeyError, match=r"Key None not present in the vocabulary"):
        kv[keys]  # kv[None] was an empty array: fewer vectors than keys


@pytest.mark.parametrize("call, name", [
    (lambda kv: kv.most_similar(["cat", None]), r"positive\[1\]"),
    (lambda kv: kv.most_similar(negative=[None], positive="cat"), r"negative\[0\]"),
    (lambda kv: kv.most_similar_cosmul(["cat", None]), r"positive\[1\]"),
    (lambda kv: kv.get_mean_vector([None, "cat"]), r"keys\[0\]"),
    (lambda kv: kv.distances(None), "word_or_vector"),
    (lambda kv: kv.similar_by_vector(None), "vector"),
])
def test_none_among_query_words_is_named_as_none_not_as_an_array(kv, call, name):
    with pytest.raises(TypeError, match=name + r" is None \(of type NoneType\); pass a word \(str\) or a vector of "
                                        r"2 numbers \(a None is often a missing value"):
        call(kv)  # was "an array of shape ()"


def test_a_number_as_a_query_word_is_named_with_its_type(kv):
    with pytest.raises(TypeError, match=r"positive\[1\] is 5 \(of type int\); pass a word \(str\) or a vector of 2"):
        kv.most_similar(["cat", 5])


def test_none_as_a_list_of_words_or_in_doesnt_match_is_named(kv):
    with pytest.raises(TypeError, match=r"ws1 is None; pass a list of words"):
        kv.n_similarity(None, ["cat"])  # was "ws1 is empty"
    with pytest.raises(TypeError, match=r"words\[0\] is None \(of type NoneType\); pass a word"):
        kv.doesnt_match([None, "cat", "car"])  # was left out in silence


def test_doesnt_match_warns_of_the_words_it_leaves_out():
    # an unknown word (here one of another Unicode form) was left out in silence: the answer among the others
    vectors = np.array([[1, 0], [0, 1], [0.1, 0.9], [0.2, 0.8]], np.float32)
    kv = KeyedVectors(vectors, ["caf\u00e9", "car", "bus", "van"])
    with pytest.warns(UserWarning) as caught:
        assert kv.doesnt_match(["cafe\u0301", "car", "bus", "van"]) == "van"
    messages = [str(w.message) for w in caught]
    assert "doesnt_match left out 1 word(s) not in the vocabulary, e.g. 'cafe\\u0301', and answered among the " \
           "other 3." in messages
    assert any("unknown only because of their Unicode normal form" in m for m in messages)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kv.doesnt_match(["caf\u00e9", "car", "bus", "van"]) == "caf\u00e9"


@pytest.mark.parametrize("asked", [" cat", "cat\n", "cat\u00a0"])
def test_a_key_asked_with_white_space_around_it_is_told_to_strip_it(asked):
    # (a bare "Key ' cat' not present" before: ' cat' of a file split on commas)
    kv = KeyedVectors(np.eye(3, dtype=np.float32), ["cat", "dog", "car"])
    with pytest.raises(KeyError, match=r"'cat' is a key: strip the white space around the word \(word\.strip\(\)\)"):
        kv.similarity(asked, "dog")


@pytest.mark.parametrize("asked, present, form", [
    ("cafe\u0301", "caf\u00e9", "NFC"),
    ("caf\u00e9", "cafe\u0301", "NFD"),
    ("\ufb01sh", "fish", "NFKC"),
])
def test_a_key_missing_in_one_unicode_normal_form_but_present_in_another_says_so(asked, present, form):
    kv = KeyedVectors(np.array([[1.0, 0.0], [0.9, 0.1]]), [present, "dog"])
    with pytest.raises(KeyError, match=r"not present in the vocabulary .*unicodedata\.normalize\('" + form) as err:
        kv[asked]
    message = err.value.args[0]  # (str() of a KeyError is its repr: backslashes doubled)
    assert f"Its {form} form is a key: {ascii(asked)} here, {ascii(present)} in the vocabulary" in message
    with pytest.raises(KeyError) as err:
        kv["zebra"]
    assert err.value.args[0] == "Key 'zebra' not present in the vocabulary (2 words)."  # no form of it is a key
    assert asked not in kv  # keys are not normalised, as gensim's


# -- keys that are not text ---------------------------------------------------------------------------------
def test_bytes_and_missing_values_as_keys_are_refused_naming_their_position():
    """str() made b'cat' the key "b'cat'" (so 'cat' was not in the vocabulary) and None the key 'None'."""
    vectors = np.eye(3)
    with pytest.raises(TypeError, match=r"index_to_key\[1\] is bytes \(b'dog'\); keys are text: decode them"):
        KeyedVectors(vectors, ["cat", b"dog", "car"])
    with pytest.raises(TypeError, match=r"index_to_key\[0\] is bytes"):
        KeyedVectors(vectors, np.array([b"cat", b"dog", b"car"]))
    for missing in (None, float("nan"), np.float32("nan")):
        with pytest.raises(ValueError, match=r"index_to_key\[2\] is .*a missing value, not a word .*"
                                             r"keep_default_na=False, na_filter=False"):
            KeyedVectors(vectors, ["cat", "dog", missing])
    with pytest.raises(TypeError, match=r"index_to_key\[0\] is \('a', 'b'\) \(of type tuple\); keys are words"):
        KeyedVectors(vectors, [("a", "b"), "dog", "car"])


def test_a_glove_file_read_by_pandas_names_the_words_it_made_missing(tmp_path):
    """pandas reads the words 'null' and 'nan' as NaN: two of them were the misleading "holds 'nan' twice"."""
    pd = pytest.importorskip("pandas")
    path = tmp_path / "glove.txt"
    path.write_text("the 0.1 0.2\nnull 0.3 0.4\nnan 0.5 0.6\n")
    table = pd.read_csv(path, sep=" ", header=None, index_col=0)
    with pytest.raises(ValueError, match=r"index_to_key\[1\] is nan, a missing value.*keep_default_na=False"):
        KeyedVectors(table.to_numpy(), table.index)
    table = pd.read_csv(path, sep=" ", header=None, index_col=0, keep_default_na=False, na_filter=False)
    assert KeyedVectors(table.to_numpy(), table.index).index_to_key == ["the", "null", "nan"]


def test_numbers_as_keys_are_their_text_and_a_number_asked_for_says_so():
    kv = KeyedVectors(np.eye(3), [1, np.int64(2), "three"])
    assert kv.index_to_key == ["1", "2", "three"] and "1" in kv and kv.get_index("2") == 1
    for asked in (1, np.int64(1)):
        with pytest.raises(KeyError, match=r"Key .*1\)? not present .* Keys are text: ask for '1'"):
            kv.get_index(asked)
        with pytest.raises(KeyError, match=r"Keys are text: ask for '1'"):
            kv[asked]  # was "keys is 1 (of type int); pass a word (str), a vector or a list of them"
    with pytest.raises(KeyError, match=r"Key b'three' not present .* decode it first"):
        kv.get_index(b"three")
