"""Hostile word2vec input: compressed and binary corpora, bad tokens, lying vector files, Ctrl-C (tiny, seconds)."""

import bz2
import gzip
import lzma
import re
import threading
import time
import warnings

import unicodedata

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.utils._param_validation import InvalidParameterError

from sknn import KeyedVectors, Word2VecTransformer
from sknn import _w2v_core
from sknn._w2v_core import SkipGramNegative

DOCS = ["the cat sat on the mat", "the dog sat on the rug", "a cat and a dog"] * 20
W2V = dict(vector_size=4, min_count=1, epochs=2, device="cpu", random_state=0)


@pytest.fixture
def corpus(tmp_path):
    text = "\n".join(DOCS) + "\n"
    paths = {"plain": tmp_path / "corpus.txt"}
    paths["plain"].write_text(text)
    for ext, opener in (("gz", gzip.open), ("bz2", bz2.open), ("xz", lzma.open)):
        paths[ext] = tmp_path / f"corpus.txt.{ext}"
        with opener(paths[ext], "wt") as f:
            f.write(text)
    return paths


# -- corpus files -------------------------------------------------------------------------------
@pytest.mark.parametrize("ext", ["gz", "bz2", "xz"])
def test_compressed_corpora_are_read_decompressed_as_gensims_linesentence(corpus, ext):
    plain = Word2VecTransformer(**W2V).fit(str(corpus["plain"]))
    packed = Word2VecTransformer(**W2V).fit(str(corpus[ext]))
    assert packed.vocabulary_ == plain.vocabulary_ and packed.corpus_total_words_ == plain.corpus_total_words_
    np.testing.assert_array_equal(packed.wv_.vectors, plain.wv_.vectors)
    np.testing.assert_array_equal(packed.transform(str(corpus[ext])), plain.transform(str(corpus["plain"])))


@pytest.mark.parametrize("content, match", [
    (bytes(range(256)) * 20, "not a text file"),
    ("the cat sat\n".encode("utf-16"), "not a text file.*UTF-16"),
    (gzip.compress(b"the cat sat\n" * 500, mtime=0)[:40], "cannot be read as a \\(compressed\\) text file"),
], ids=["binary", "utf-16", "truncated-gzip"])
def test_binary_or_damaged_corpus_files_are_refused_before_training(tmp_path, content, match):
    path = tmp_path / "corpus.bin"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"X='.*corpus\.bin'.*{match}"):
        Word2VecTransformer(**W2V).fit(str(path))


# -- tokens and documents -------------------------------------------------------------------------
@pytest.mark.parametrize("doc, match", [
    (["a", None], r"X\[1\]\[1\] is None \(of type NoneType\), not a string"),
    (["a", 3], r"X\[1\]\[1\] is 3 \(of type int\), not a string: every token must be a string \(give a number as"),
    (["a", None], r"X\[1\]\[1\] is None .*\(a None or NaN is often a missing value"),
    (["a", b"b"], r"X\[1\]\[1\] is b'b' \(of type bytes\), not a string: .*\(decode bytes first"),
    (["a", ["b"]], r"X\[1\]\[1\] is \['b'\] .*\(a document is one flat list of tokens"),
    (["a", {"b": 1}], r"X\[1\]\[1\] is \{'b': 1\} .*\(pass each token as the str of its word\)"),
    (None, r"The document at position 1 \(X\[1\]\) is missing \(None\); .*\[d for d in X if d is not None\]"),
    (np.nan, r"The document at position 1 \(X\[1\]\) is missing \(nan\); .*\[d for d in X if d == d\]"),
    ({"a", "b"}, r"X\[1\] is \{.*\(of type set\); a document must be a string or a list of tokens"),
    (7, r"X\[1\] is 7 \(of type int\)"),
])
def test_bad_tokens_and_documents_are_named(doc, match):
    with pytest.raises(TypeError, match=match):
        Word2VecTransformer(**W2V).fit([["a", "b"], doc])
    fitted = Word2VecTransformer(**W2V).fit(DOCS)
    with pytest.raises(TypeError, match=match):
        fitted.transform(["a b", doc])


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT])
def test_the_fixes_named_for_a_missing_document_of_a_list_work(missing):
    """A plain list was told X.fillna('') and X.dropna(), which it has not: the list comprehensions told run."""
    fitted = Word2VecTransformer(**W2V).fit(DOCS)
    X = ["the cat", missing, ["a", "dog"]]
    with pytest.raises(TypeError, match="is missing") as error:
        fitted.transform(X)
    assert ".fillna" not in str(error.value) and ".dropna" not in str(error.value)
    drop, fill = re.findall(r"\(\[(d (?:for|if) .*?)\]\)", str(error.value))
    assert len(fitted.transform(eval(f"[{drop}]", {"pd": pd, "np": np, "X": X}))) == 2
    assert not fitted.transform(eval(f"[{fill}]", {"pd": pd, "np": np, "X": X}))[1].any()


def test_a_tokenizer_must_return_a_list_of_strings():
    with pytest.raises(TypeError, match=r"The tokenizer turned X\[0\] into 'the cat.*a list of strings"):
        Word2VecTransformer(tokenizer=str.lower, **W2V).fit(DOCS)
    with pytest.raises(TypeError, match="tokenizer must return a list of strings"):
        Word2VecTransformer(tokenizer=lambda s: [None], **W2V).fit(DOCS)
    # re.split leaves '' at the ends: a word no vector file could hold (its save failed after training)
    with pytest.raises(ValueError, match=r"tokenizer turned X\[0\] into tokens such as '' \(position 6\).*leave out"):
        Word2VecTransformer(tokenizer=lambda s: re.split(r"\W+", s + "."), **W2V).fit(DOCS)


def test_keyed_vectors_refuse_what_would_not_save_or_read_back(tmp_path):
    vectors = np.ones((2, 3), dtype=np.float32)
    for keys in ("ab", None):  # 'ab' became the keys 'a' and 'b'
        with pytest.raises(TypeError, match="index_to_key must be a list of keys"):
            KeyedVectors(vectors, keys)
    with pytest.raises(ValueError, match="counts holds -1"):
        KeyedVectors(vectors, ["a", "b"], counts=[1, -1])
    # a fraction was cut, a column kept as such, NaN, text and 1e30 failed inside numpy or Python
    for counts, said in (([1.7, 1], "counts holds 1.7; a word's count is a whole number"),
                         ([[1], [2]], r"1-D\), got an array of shape \(2, 1\)"), ([np.nan, 1], "counts holds nan"),
                         (["3", "1"], "counts holds '3', which is no number"), ([1e30, 1], r"counts holds 1e\+30"),
                         ([None, 1], "holds None")):
        with pytest.raises(ValueError, match=said):
            KeyedVectors(vectors, ["a", "b"], counts=counts)
    kv = KeyedVectors(vectors, ["a", "b"], counts=np.array([3.0, 2.0]))
    assert kv.counts.tolist() == [3, 2] and kv.counts.dtype == np.int64
    kv.save_word2vec_format(tmp_path / "kv.bin", binary=True)
    for call in (lambda: kv.save_word2vec_format(tmp_path / "kv.txt", binary="False"),  # (wrote the binary format)
                 lambda: KeyedVectors.load_word2vec_format(tmp_path / "kv.bin", binary="True"),
                 lambda: kv.evaluate_word_pairs(tmp_path / "kv.txt", case_insensitive="False"),
                 lambda: kv.evaluate_word_analogies(tmp_path / "kv.txt", dummy4unknown="no")):
        with pytest.raises(InvalidParameterError, match=r"must be True or False, got '"):
            call()
    with pytest.raises(ValueError, match=r"binary=True needs the header \(write_header=True\)"):
        kv.save_word2vec_format(tmp_path / "headless.bin", binary=True, write_header=False)  # (no reader could read it)
    assert not (tmp_path / "kv.txt").exists() and not (tmp_path / "headless.bin").exists()
    with pytest.raises(ValueError, match=r"lone surrogate.*key\.encode\('utf-8', 'backslashreplace'\)\.decode\(\), "
                                         "which keeps distinct keys distinct"):
        KeyedVectors(vectors, ["a", "b\udc80"]).save_word2vec_format(tmp_path / "v.txt")
    assert not (tmp_path / "v.txt").exists()  # refused before the file is opened (was left half-written)
    # a NUL in a key that is not the first: the binary reader took it for a header's wrong vector size
    nul = KeyedVectors(np.ones((3, 3), dtype=np.float32), ["alpha", "a\x00b", "beta"])
    with pytest.raises(ValueError, match=r"The key 'a\\x00b' holds a NUL character.*Save with binary=False"):
        nul.save_word2vec_format(tmp_path / "v.bin", binary=True)
    assert not (tmp_path / "v.bin").exists()
    nul.save_word2vec_format(tmp_path / "v.txt")  # the text format reads it back
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt").index_to_key == nul.index_to_key
    # a first key starting with a byte-order mark came back without it (no header), its vocabulary file unreadable
    for options in ({"write_header": False}, {"fvocab": tmp_path / "v.voc"}):
        with pytest.raises(ValueError, match=r"The key '\\ufeffbom' starts with U\+FEFF, a byte-order mark"):
            KeyedVectors(vectors, ["\ufeffbom", "b"], counts=[2, 1]).save_word2vec_format(tmp_path / "v.txt", **options)
    KeyedVectors(vectors, ["b\ufeff", "a"]).save_word2vec_format(tmp_path / "v.txt")  # inside a key: kept
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt").index_to_key == ["b\ufeff", "a"]
    pairs = tmp_path / "pairs.tsv"
    kv = KeyedVectors(np.random.RandomState(0).randn(3, 4), ["a", "b", "c"])
    for score in ("nan", "inf", "1_0"):
        pairs.write_text(f"a\tb\t1.0\na\tc\t{score}\nb\tc\t2\n")
        with pytest.raises(ValueError, match=rf"line 2: the score '{score}' is not a finite number"):
            kv.evaluate_word_pairs(pairs)
    with pytest.raises(ValueError, match="delimiter must be a non-empty string"):
        kv.evaluate_word_pairs(pairs, delimiter="")


def test_an_exponent_whose_noise_distribution_overflows_is_refused():
    with pytest.raises(InvalidParameterError, match="ns_exponent"):  # was a NaN noise table and a normal-looking loss
        Word2VecTransformer(**{**W2V, "ns_exponent": 1e308}).fit(DOCS)


def test_a_fit_that_trains_no_pair_says_so():
    """Subsampling can leave out every word of a small corpus: the vectors stayed their random start, with a
    loss curve of [0.0] that looked like a perfect fit."""
    with pytest.warns(UserWarning, match=r"trained no word pair: subsampling \(sample=1e-12\) left out every.*Pass "
                                         r"a larger sample \(fewer words left out\), or sample=0") as rec:
        Word2VecTransformer(**{**W2V, "sample": 1e-12}).fit(DOCS)
    assert rec[0].filename == __file__  # the caller's line (was sklearn/base.py)
    assert Word2VecTransformer(**{**W2V, "sample": 0.5}).fit(DOCS).loss_curve_[0] > 0  # the advice works
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Word2VecTransformer(**{**W2V, "sample": 0}).fit(DOCS).loss_curve_[0] > 0


def test_a_corpus_read_once_or_otherwise_each_time_is_refused_not_trained_on_nothing():
    """An object whose __iter__ gave one generator every time passed the check of iterators: the vocabulary's pass
    read it, every epoch read nothing (a loss of 0.0, the vectors their random start, a warning that blamed
    subsampling); one that gave fewer documents on later reads trained without a word."""
    class OneShot:
        def __init__(self, docs):
            self.docs = (d for d in docs)

        def __iter__(self):
            return self.docs

    class Shrinking:
        def __init__(self, docs):
            self.docs, self.reads = docs, 0

        def __iter__(self):
            self.reads += 1
            return iter(self.docs if self.reads <= 3 else self.docs[:3])

    with pytest.raises(TypeError, match=r"X is an iterator .*an object whose __iter__ starts over"):
        Word2VecTransformer(**W2V).fit(OneShot(DOCS))
    with pytest.raises(ValueError, match=rf"The corpus gave 3 documents on this pass but {len(DOCS)} when its "
                                         r"vocabulary was counted: .* each read must give the same documents"):
        Word2VecTransformer(**W2V).fit(Shrinking(DOCS))


def test_a_carriage_return_within_a_line_of_a_corpus_file_is_no_line_end(tmp_path):
    """A lone '\r' inside a line (a pasted Windows fragment) split it into two documents: transform gave more rows
    than the file has lines, misaligned with their labels; gensim's LineSentence keeps the line whole."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"the cat\rsat on the mat\r\nthe dog sat\n" * 10)
    model = Word2VecTransformer(**{**W2V, "min_count": 1}).fit(path)
    assert model.corpus_count_ == 20 and model.transform(path).shape == (20, W2V["vector_size"])
    assert "cat" in model.vocabulary_ and "sat" in model.vocabulary_
    path.write_bytes(b"the cat sat\rthe dog sat\r" * 10)  # old Mac line ends: one line
    with pytest.raises(ValueError, match=r"ends its lines with '\\r' alone \(old Mac text\).*tr '\\r' '\\n'"):
        Word2VecTransformer(**W2V).fit(path)


def test_corpus_files_with_a_bom_are_read_and_other_encodings_refused(tmp_path):
    """A BOM became part of the first word ('\\ufeffthe' beside 'the'); Latin-1 bytes were replaced, merging
    'café' and 'cafè'."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(("\ufeff" + "\n".join(DOCS)).encode("utf-8"))
    assert "\ufeffthe" not in Word2VecTransformer(**W2V).fit(path).wv_.key_to_index
    path.write_bytes("café au lait\ncafè naïve\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"X='.*corpus\.txt' is not UTF-8 text .*iconv"):
        Word2VecTransformer(**W2V).fit(path)
    with pytest.raises(ValueError, match=r"X\[0\] is bytes that are not UTF-8 text.*decode\('latin-1'\)"):
        Word2VecTransformer(**W2V).fit(["café".encode("latin-1"), b"a b"])
    # the bad byte after the first 64 KB: the line named was the one its chunk of decoding began after
    path.write_bytes(("the cat sat on the mat\n" * 7000).encode("utf-8") + "café\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"X='.*corpus\.txt' is not UTF-8 text at line 7001 "):
        Word2VecTransformer(**W2V).fit(path)


@pytest.mark.parametrize("token", ["", " ", "\t", "\u00a0"])
def test_empty_and_white_space_tokens_are_refused(token):
    with pytest.raises(ValueError, match=r"X\[1\]\[1\] is .*, no word: every token needs a visible character"):
        Word2VecTransformer(**W2V).fit([["a", "b"], ["a", token, "b"]])


# -- vector files ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vector_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vectors")
    kv = KeyedVectors(np.random.RandomState(0).randn(6, 5).astype(np.float32), [f"w{i}" for i in range(6)])
    kv.save_word2vec_format(folder / "v.txt")
    kv.save_word2vec_format(folder / "v.bin", binary=True)
    return kv, folder


def test_text_read_as_binary_and_binary_read_as_text_are_refused(vector_files):
    kv, folder = vector_files
    with pytest.raises(ValueError, match=r"v\.txt' is in word2vec's text format.*pass binary=False"):
        KeyedVectors.load_word2vec_format(folder / "v.txt", binary=True)
    with pytest.raises(ValueError, match=r"v\.bin' is not a line of a word.*pass binary=True"):
        KeyedVectors.load_word2vec_format(folder / "v.bin", binary=False)
    for name, binary in (("v.txt", False), ("v.bin", True)):  # the right reading still works
        np.testing.assert_array_equal(KeyedVectors.load_word2vec_format(folder / name, binary=binary).vectors,
                                      kv.vectors)


def test_text_files_in_other_encodings_or_with_extra_lines_read_as_they_say(tmp_path):
    """The first record is checked as the reader reads it: with the encoding given and split on spaces only
    (a Latin-1 or no-break-space word first was refused as 'binary'); vectors past the header's count warn."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 2\ncaf\xe9 1 2\nb 3 4\n")
    assert KeyedVectors.load_word2vec_format(path, encoding="latin-1").index_to_key == ["café", "b"]
    assert KeyedVectors.load_word2vec_format(path, unicode_errors="replace").index_to_key == ["caf\ufffd", "b"]
    path.write_bytes("2 2\na\u00a0b 1 2\nc 3 4\n".encode())
    assert KeyedVectors.load_word2vec_format(path).index_to_key == ["a\u00a0b", "c"]
    path.write_bytes(b"2 2\na 1 2\nb 3 4\nc 5 6\n")
    with pytest.warns(UserWarning, match=r"holds more after the 2 vectors its header announces; .*count to read them: "
                                         r"vectors of 2 numbers each were read"):
        assert len(KeyedVectors.load_word2vec_format(path)) == 2
    # a binary header announcing 4 numbers for records of 3 reads the next record's first bytes into each vector
    binary = tmp_path / "v.bin"
    binary.write_bytes(b"2 4\n" + b"".join(w + b" " + np.array(v, "<f4").tobytes() for w, v in (
        (b"king", [1, 2, 3]), (b"queen", [4, 5, 6]), (b"man", [7, 8, 9]), (b"woman", [1, 2, 3]))))
    with pytest.warns(UserWarning, match=r"count to read them, or its vector size: vectors of 4 numbers each"):
        KeyedVectors.load_word2vec_format(binary, binary=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(KeyedVectors.load_word2vec_format(path, limit=1)) == 1  # asked for fewer: no warning


@pytest.mark.parametrize("content, binary, match", [
    (b"1000000000 300\ncat " + b"0 " * 300 + b"\n", False, r"promises 1000000000 vectors of 300 numbers.*truncated"),
    (b"1000000000 300\ncat " + b"\0" * 1200, True, r"promises 1000000000 vectors of 300 numbers"),
    (b"2 1000000000\n", True, "promises 2 vectors of 1000000000 numbers"),
    (b"-1 3\n", False, "says -1 words of 3 numbers"),
    (b"2 0\n", False, "says 2 words of 0 numbers"),
    (b"2 three\nw 1 2 3\n", False, "does not start with a word2vec header"),
    (b"1 3\nw 1 x 3\n", False, r"line 2 \(the vector of 'w'\): 'x' is not a number"),
    (b"2 3\nw 1 2 3\nv 1 2\n", False, r"line 3: expected a word and 3 numbers, got 2"),
    (b"1 3\nw 1 nan 3\n", False, r"line 2: the vector of 'w' holds NaN or infinity"),
    (b"1 3\nw 1 inf 3\n", False, "holds NaN or infinity"),
    (b"3 3\nw 1.0000 2.0000 3.0000\nv 1.0000 2.0000 3.0000\n", False, r"ends after 2 of its 3 vectors"),
    (b"2 3\nw 1 2\nv 1 2 3\n", False, r"line 2: expected a word and 3 numbers, got 2"),  # not 'pass binary=True'
    (b"1 2\n 1 2\n", False, r"line 2: the word is empty"),
    (b"2 3\n cat 1 2 3\ndog 1 2 3\n", False, r"line 2: expected a word and 3 numbers, got 4 numbers\. The line "
                                           r"starts with a space or tab: its word is empty"),
    (b"2 2\nNew York 0.1 0.2\ncat 0.3 0.4\n", False, r"line 2: expected a word and 2 numbers, got 3 numbers\. Its "
                                                   r"word holds a space \('New York'\?\).*'New_York'"),
    (b"2 2\n " + np.ones(2, "<f4").tobytes() + b"\na " + np.ones(2, "<f4").tobytes() + b"\n", True,
     r"vector 1: the word is empty"),
])
def test_lying_or_damaged_word2vec_files_get_clear_errors(tmp_path, content, binary, match):
    path = tmp_path / "vectors"
    path.write_bytes(content)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(path, binary=binary)
    assert time.perf_counter() - start < 5  # refused from the header and the size, nothing allocated


@pytest.mark.parametrize("limit", [-1, 1.5, "2", True, 0])
def test_load_refuses_a_bad_limit(vector_files, limit):
    zero = r".*got 0 \(gensim reads 0 as no limit: pass None\)" if limit == 0 else ""  # 0 read no vector
    with pytest.raises(InvalidParameterError, match=r"limit must be None \(every vector\) or a positive int" + zero):
        KeyedVectors.load_word2vec_format(vector_files[1] / "v.txt", limit=limit)


def test_query_vectors_of_the_wrong_width_are_named(vector_files):
    kv = vector_files[0]
    with pytest.raises(ValueError, match=r"positive\[1\] has 4 values, but the vectors' size \(vector_size\) is 5"):
        kv.most_similar(positive=["w0", np.ones(4)])
    with pytest.raises(ValueError, match=r"negative\[0\] is an array of shape \(2, 5\)"):
        kv.most_similar(positive="w0", negative=[np.ones((2, 5))])
    with pytest.raises(ValueError, match=r"positive\[0\] holds NaN"):
        kv.most_similar(positive=[np.full(5, np.nan)])
    with pytest.raises(InvalidParameterError, match="'topn' parameter of most_similar"):
        kv.most_similar("w0", topn="3")
    assert kv.most_similar("w0", topn=0) == [] and len(kv.most_similar(np.ones(5), topn=2)) == 2


def test_keyed_vectors_refuse_non_finite_vectors():
    with pytest.raises(ValueError, match=r"The vector of 'b' \(row 1\) holds NaN or infinity"):
        KeyedVectors(np.array([[1.0, 0.0], [np.inf, 1.0]]), ["a", "b"])


@pytest.mark.parametrize("n_keys", [0, 2])
def test_keyed_vectors_of_no_numbers_are_refused(n_keys):  # every similarity would be NaN, every norm 0
    with pytest.raises(ValueError, match="vectors has 0 columns: a key's vector needs at least one number"):
        KeyedVectors(np.zeros((n_keys, 0)), [f"w{i}" for i in range(n_keys)])


def test_keys_given_twice_are_refused_and_a_file_keeps_each_words_first_vector(tmp_path):
    """A key twice made ``kv['a']`` one of two rows and ``most_similar('a')`` answer 'a' itself."""
    with pytest.raises(ValueError, match=r"index_to_key holds 'a' twice \(rows 0 and 2\)"):
        KeyedVectors(np.eye(3), ["a", "b", "a"])
    path = tmp_path / "dup.txt"
    path.write_text("3 2\na 1 0\nb 0 1\na -1 0\n")
    with pytest.warns(UserWarning, match=r"holds 1 vector\(s\) of words already read \(the first: 'a', vectors 1 "
                                         r"and 3\); each word keeps its first vector"):
        kv = KeyedVectors.load_word2vec_format(path)
    assert kv.index_to_key == ["a", "b"] and kv["a"].tolist() == [1.0, 0.0]
    assert [w for w, _ in kv.most_similar("a")] == ["b"]


@pytest.mark.parametrize("binary", [False, True])
def test_keys_that_would_not_read_back_are_refused_before_saving(tmp_path, binary):
    """word2vec's formats end a word at whitespace: 'New York' saved in binary read back as 'New' and a
    garbage vector."""
    for key in ("New York", "tab\there", ""):
        kv = KeyedVectors(np.eye(3, dtype=np.float32), [key, "Paris", "city"])
        path = tmp_path / "kv.bin"
        with pytest.raises(ValueError, match="empty or holds whitespace, which ends a word in word2vec's format"):
            kv.save_word2vec_format(path, binary=binary)
        assert not path.exists()


def test_lookups_and_searches_with_odd_arguments(vector_files):
    kv = vector_files[0]
    assert kv[[]].shape == (0, 5) and kv[["w0", "w1"]].shape == (2, 5)  # as many rows as keys
    with pytest.raises(TypeError, match="positive is 3 \\(of type int\\); pass a word"):
        kv.most_similar(3)
    for bad in (-1, 2.5, True):
        with pytest.raises(InvalidParameterError, match=r"restrict_vocab must be None \(every word\) or a positive"):
            kv.most_similar("w0", restrict_vocab=bad)
    for search in (kv.most_similar, kv.similar_by_word, kv.most_similar_cosmul):  # each answered [] in silence
        with pytest.raises(InvalidParameterError, match=r"got 0 \(0 would search no word.*pass None\)"):
            search("w0", restrict_vocab=0)
    assert len(kv.most_similar("w0", topn=100)) == len(kv) - 1


# -- Ctrl-C ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("workers, step", [(1, "step_in_place"), (2, "step_in_place"), (2, "forward")])
def test_an_interrupted_fit_keeps_the_model_of_the_last_finished_epoch(monkeypatch, workers, step):
    """Ctrl-C in a step of the compiled per-pair path, or of the batched torch path (without numba)."""
    params = {**W2V, "epochs": 3, "batch_size": 8, "workers": workers}
    seen = {"calls": 0}
    original = getattr(SkipGramNegative, step)
    if step == "forward":
        monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)

    one_at_a_time = threading.Lock()  # no other thread's step runs while the vectors are read

    def forward(self, *args, **kwargs):
        with one_at_a_time:
            seen["calls"] += 1
            if n_batches is None:  # counting the steps of an epoch
                return original(self, *args, **kwargs)
            if seen["calls"] == n_batches + 1:  # the first step of the second epoch, before its update
                seen["vectors"] = self.input.weight.detach()[:-1].clone().numpy()
            if seen["calls"] == n_batches + 3:  # in the second epoch (an epoch has at least 4 steps)
                raise KeyboardInterrupt  # from a step of either thread, the epoch stops the same way
            return original(self, *args, **kwargs)

    monkeypatch.setattr(SkipGramNegative, step, forward)
    n_batches = None
    Word2VecTransformer(**{**params, "epochs": 1, "workers": 1}).fit(DOCS)  # the same draws in its first epoch
    n_batches, seen["calls"] = seen["calls"], 0
    assert n_batches >= 4
    w2v = Word2VecTransformer(**params)
    with pytest.raises(KeyboardInterrupt):
        w2v.fit(DOCS)
    assert w2v.n_iter_ == 1 and len(w2v.loss_curve_) == 1
    np.testing.assert_array_equal(w2v.wv_.vectors, seen["vectors"])  # the vectors of the finished epoch
    assert w2v.transform(["the cat"]).shape == (1, 4)  # ready to use
    first = w2v.net_.history[0, "dur"]  # the words of the finished epoch over its time (the unfinished one's too)
    assert w2v.words_per_second_ == pytest.approx(w2v.corpus_total_words_ / first)


def test_evaluation_files_with_a_bad_score_name_the_line(vector_files, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("w0\tw1\t3.5\nw1\tw2\thigh\n")
    with pytest.raises(ValueError, match=r"pairs\.tsv, line 2: the score 'high' is not a finite number"):
        vector_files[0].evaluate_word_pairs(pairs, case_insensitive=False)


def test_evaluation_files_that_are_not_text_name_the_line(vector_files, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_bytes(b": capital\nw0 w1 w2 w3\n\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match=r"questions\.txt, line 3: not UTF-8 text"):
        vector_files[0].evaluate_word_analogies(questions)


@pytest.mark.parametrize("step", ["compiled", "torch"])
def test_steps_too_large_stop_the_fit_with_an_error_not_nan_vectors(monkeypatch, step):
    """An alpha that makes the vectors overflow: both steps turn it into a NaN loss, and the fit says
    what diverged and what to lower (the compiled loops keep NaN semantics under fastmath)."""
    if step == "torch":
        monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)
    for sg in (0, 1):
        w2v = Word2VecTransformer(**{**W2V, "sg": sg, "alpha": 1e30})
        with pytest.raises(ValueError, match=r"diverged \(the loss became infinite or NaN\) with alpha=1e\+30.*"
                                             r"Pass a smaller alpha"):
            w2v.fit(DOCS)
        assert not hasattr(w2v, "wv_")  # no half-fitted transformer


def test_keyed_vectors_take_arrays_of_words_and_refuse_empty_queries():
    kv = KeyedVectors(np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.5, 0.5]]),
                      ["king", "queen", "man", "woman", "a"])
    words = np.array(["king", "woman"])
    np.testing.assert_array_equal(kv[words], kv[["king", "woman"]])  # was "Key array([...]) not present"
    assert kv.most_similar(positive=words, negative=["man"], topn=1) == \
        kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
    with pytest.raises(ValueError, match="positive and negative cancel out"):
        kv.most_similar(positive="king", negative="king")  # every similarity 0: an arbitrary answer
    padded = KeyedVectors(np.array([[1.0, 0], [0.9, 0.1], [-1, 0], [0, 0]]), ["one", "uno", "minus", "none"])
    for query in (lambda: padded.most_similar("none"), lambda: padded.rank("none", "minus"),
                  lambda: padded.closer_than("none", "minus"), lambda: padded.doesnt_match(["one", "uno", "none"])):
        with pytest.raises(ValueError, match="The vector of 'none' is all zeros: it has no direction"):
            query()  # (rank was 1 for every word, closer_than [], doesnt_match 'none')
    assert padded.rank("one", "none") == 2 and padded.doesnt_match(["one", "uno", "minus"]) == "minus"
    with pytest.raises(TypeError, match=r"doesnt_match needs a list of words, got the string 'king'"):
        kv.doesnt_match("king")  # was read letter by letter
    assert kv.doesnt_match(np.array(["king", "queen", "man"])) == "man"


def test_a_flat_list_of_tokens_is_refused_a_whole_basket_window_and_an_extreme_exponent_train():
    with pytest.raises(ValueError, match="single token.*a flat list of tokens"):
        Word2VecTransformer(**W2V).fit("the cat sat on the mat".split())
    baskets = [[f"item{j}" for j in np.random.RandomState(i).randint(0, 9, size=4)] for i in range(30)]
    w = Word2VecTransformer(**dict(W2V, window=10**8)).fit(baskets)  # masks clipped to the longest basket
    assert np.isfinite(w.loss_curve_).all()
    for exponent in (2000.0, -2000.0):  # counts ** exponent overflows float64: the noise is taken in logs
        cumulative = Word2VecTransformer(**dict(W2V, ns_exponent=exponent)).fit(DOCS)
        assert np.isfinite(_w2v_core.Vocabulary(cumulative.wv_.index_to_key, cumulative.wv_.counts, 1, 1)
                           .noise_cumulative(exponent)).all()


def test_unordered_keys_bytes_queries_and_over_long_binary_keys_are_refused(tmp_path):
    vectors = np.eye(3, dtype=np.float32)
    for keys in ({"zebra": 1, "apple": 0, "cat": 2}, {"zebra", "apple", "cat"}):  # a dict's rows would be ignored
        with pytest.raises(TypeError, match=r"index_to_key must be a list of keys in the order of the rows"):
            KeyedVectors(vectors, keys)
    kv = KeyedVectors(vectors, ["cat", "dog", "bee"])
    for query in (b"cat", np.array(["cat"], dtype="S")):  # b'cat' was the vector [99, 97, 116]
        with pytest.raises(TypeError, match=r"is bytes .*decode them first"):
            kv.most_similar(query)
    with pytest.raises(TypeError, match=r"is a set, whose order is not yours"):
        kv[{"cat", "dog"}]
    long = KeyedVectors(vectors, ["cat", "dog", "x" * 100_001])  # the binary reader stops at 100,000 bytes
    with pytest.raises(ValueError, match=r"100,001 bytes long, more than the 100,000 .* binary=False"):
        long.save_word2vec_format(tmp_path / "v.bin", binary=True)
    long.save_word2vec_format(tmp_path / "v.txt")
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt").index_to_key == long.index_to_key


def test_a_set_of_documents_is_refused():
    docs = [["the", "cat"], ["a", "dog"]] * 5
    with pytest.raises(TypeError, match=r"X is a set of documents, whose order changes from run to run"):
        Word2VecTransformer(min_count=1, epochs=1).fit({tuple(d) for d in docs})
    with pytest.raises(TypeError, match=r"X is a dict: iterating it gives its keys, not its documents.*X\.values\(\)"):
        Word2VecTransformer(**W2V).fit({"a": "the cat", "b": "a dog"})  # (was: 'whose order changes from run to run')
    with pytest.raises(TypeError, match=r"a document must be a string or a list of tokens"):
        Word2VecTransformer(min_count=1, epochs=1).fit([set(d) for d in docs])


def test_threads_training_at_once_are_tagged_non_deterministic():
    assert Word2VecTransformer(workers=2, random_state=0).__sklearn_tags__().non_deterministic
    assert not Word2VecTransformer(workers=1, random_state=0).__sklearn_tags__().non_deterministic
    assert not Word2VecTransformer(random_state=0).__sklearn_tags__().non_deterministic  # one thread when seeded


# -- lengths, epochs without pairs ------------------------------------------------------------------
@pytest.mark.parametrize("scale", [1e-25, 1e-40, 1e20, 3e38])
def test_parallel_vectors_of_any_finite_length_have_similarity_one(scale):
    """Lengths taken in float32 underflowed to 0 (entries below ~1e-23) or overflowed to inf (above ~1.8e19):
    parallel vectors had a similarity of 1e-25 or 0, and a word with itself 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kv = KeyedVectors(np.array([[scale, scale], [1.0, 1.0], [1.0, -1.0]]), ["odd", "unit", "other"])
        assert kv.similarity("odd", "unit") == pytest.approx(1.0, abs=1e-6)
        assert kv.similarity("odd", "odd") == pytest.approx(1.0, abs=1e-6)
        assert np.linalg.norm(kv.get_vector("odd", norm=True)) == pytest.approx(1.0, abs=1e-6)
        (first, similarity), (last, _) = kv.most_similar("odd")
        assert first == "unit" and similarity == pytest.approx(1.0, abs=1e-6) and last == "other"
        assert kv.most_similar("unit")[0][0] == "odd"
        assert kv.most_similar(positive=[[scale, scale]], topn=1)[0][0] in ("odd", "unit")


def test_an_all_zero_query_vector_is_named_and_a_huge_one_answered():
    """[0, 0] was refused as 'positive and negative cancel out' with no negative; [3e38, 3e38], whose float32
    length overflows, too."""
    kv = KeyedVectors(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), ["cat", "dog", "car"])
    with pytest.raises(ValueError, match=r"The query vector positive\[0\] is all zeros: it has no direction"):
        kv.most_similar(positive=[[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"positive words and vectors cancel out"):
        kv.most_similar(positive=[[1.0, 0.0], [-1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [w for w, _ in kv.most_similar(positive=[[3e38, 3e38]], topn=3)] == \
            [w for w, _ in kv.most_similar(positive=[[1.0, 1.0]], topn=3)]


def test_min_count_leaving_every_document_one_word_is_refused_naming_min_count():
    """The check of one-token documents looked at the words before min_count: the fit trained no pair and the
    warning blamed subsampling, even with sample=0."""
    docs = [["the", f"rare{i}"] for i in range(30)]  # 'the' is frequent, every other word occurs once
    with pytest.raises(ValueError, match=r"min_count=2 left every one of the 30 documents with at most one word"):
        Word2VecTransformer(**{**W2V, "min_count": 2, "sample": 0}).fit(docs)
    with pytest.raises(ValueError, match=r"min_count=1 with max_vocab_size=2 left every one.*raise max_vocab_size"):
        pruned = [["the", f"rare{i}", f"odd{i}"] for i in range(30)]  # each document prunes all but 'the'
        Word2VecTransformer(**{**W2V, "max_vocab_size": 2, "sample": 0}).fit(pruned)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one document that keeps two words is enough
        Word2VecTransformer(**{**W2V, "min_count": 2, "sample": 0}).fit(docs + [["the", "the"]])


@pytest.mark.parametrize("sample", [1e-6, 1e-5, 1e-3])
def test_every_epoch_run_is_counted_even_one_that_subsampling_left_without_a_pair(sample):
    """An epoch in which subsampling kept no centre word had no batch and was not counted: n_iter_ 0 or 1 for
    epochs=3, an empty loss curve and 0 words per second."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the fit that trains no pair says so)
        w2v = Word2VecTransformer(**{**W2V, "epochs": 3, "sample": sample}).fit(DOCS[:15])
    assert w2v.n_iter_ == 3 and len(w2v.loss_curve_) == 3 and w2v.words_per_second_ > 0
    assert all(np.isfinite(w2v.loss_curve_)) and min(w2v.loss_curve_) >= 0.0


def test_finite_vectors_beyond_float32_are_named_as_such():
    with pytest.raises(ValueError, match=r"row 0\) holds values beyond float32's range \(up to 1e\+39"):
        KeyedVectors(np.array([[1e39, 1.0], [1.0, 2.0]]), ["a", "b"])  # was 'holds NaN or infinity'
    with pytest.raises(ValueError, match="holds NaN or infinity"):
        KeyedVectors(np.array([[np.inf, 1.0], [1.0, 2.0]]), ["a", "b"])


def test_a_text_file_with_values_beyond_float32_says_so_without_a_numpy_warning(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 2\na 1e-50 2\nb 3 1e50\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was numpy's 'overflow encountered in cast', then 'the file is damaged'
        with pytest.raises(ValueError, match=r"line 3: the vector of 'b' holds values beyond float32's range "
                                             r"\(up to 1e\+50.*scale the vectors"):
            KeyedVectors.load_word2vec_format(path)


# -- documents in pandas, containers of numbers, Unicode normal forms ----------------------------------------------
def test_a_missing_document_of_a_series_is_named_by_its_position():
    fitted = Word2VecTransformer(**W2V).fit(DOCS)
    docs = pd.Series(["the cat", np.nan, "a dog"], index=[7, 0, 1])  # docs[1] is 'a dog': X[1] named another row
    with pytest.raises(TypeError, match=r"The document at position 1 \(X\.iloc\[1\]\) is missing \(nan\); a "
                       r"document must be a string.*X\.fillna\(''\).*X\.dropna\(\)"):
        fitted.transform(docs)
    with pytest.raises(TypeError, match=r"position 1 \(X\.iloc\[1\]\) is missing \(<NA>\)"):
        Word2VecTransformer(**W2V).fit(pd.Series(DOCS[:1] + [None] + DOCS[2:], dtype="string").to_frame("text"))


@pytest.mark.parametrize("X, what", [
    (sp.csr_matrix(np.eye(3)), r"a scipy sparse matrix of shape \(3, 3\)"),
    (sp.csr_array(np.eye(3)), r"a scipy sparse array of shape \(3, 3\)"),
    (torch.ones(3), r"a torch tensor of shape \(3,\) and dtype torch\.float32"),
    (np.arange(3), r"an array of numbers \(dtype int64\)"),
    (pd.Series([1.5, 2.5]), r"a Series of numbers \(dtype float64\)"),
    (pd.Series([np.nan, np.nan]), r"a Series of numbers \(dtype float64\) \(a text column whose values are all "
                                  r"missing.*X\.fillna\(''\)\)"),
    (np.array(DOCS[:8], dtype=object).reshape(2, 2, 2), r"a 3-D array of shape \(2, 2, 2\)"),
])
def test_containers_of_numbers_are_refused_as_documents(X, what):
    """A sparse matrix was read as token lists of numbers, a tensor failed in torch ('iteration over a 0-d
    tensor'), both with no word of what X should be."""
    match = f"X is {what}[^;]*; a text transformer takes documents: a file path, a 1-D sequence of strings"
    with pytest.raises(TypeError, match=match):
        Word2VecTransformer(**W2V).fit(X)
    with pytest.raises(TypeError, match=match):
        Word2VecTransformer(**W2V).fit(DOCS).transform(X)


def test_a_column_of_numbers_is_refused_naming_the_column():
    with pytest.raises(TypeError, match=r"X's column 'n' is a Series of numbers \(dtype float64\); a text "
                       r"transformer takes documents"):
        Word2VecTransformer(**W2V).fit(pd.DataFrame({"n": [1.5, 2.5]}))


NFC, NFD = unicodedata.normalize("NFC", "caf\u00e9"), unicodedata.normalize("NFD", "caf\u00e9")


def test_words_in_two_unicode_normal_forms_are_warned_about_at_fit():
    with pytest.warns(UserWarning, match=r"X spells 1 word\(s\) in more than one Unicode normal form, e\.g\. "
                      r"'caf\\xe9' \(20 times\) and 'cafe\\u0301' \(10 times\).*different keys.*"
                      r"unicodedata\.normalize\('NFC', text\)") as record:
        fitted = Word2VecTransformer(**W2V).fit([f"the {NFC} is open", f"a {NFC} bar", f"a {NFD} and a bar"] * 10)
    assert record[0].filename == __file__  # (the line of the fit)
    assert NFC in fitted.vocabulary_ and NFD in fitted.vocabulary_  # kept as given, as gensim's keys
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one form, other words not ASCII: nothing to say
        Word2VecTransformer(**W2V).fit([f"the {NFC} is open", "a na\u00efve \u00fcber bar"] * 10)


@pytest.mark.parametrize("trained, given, form", [(NFC, NFD, "NFC"), (NFD, NFC, "NFD")])
def test_tokens_unknown_only_because_of_their_normal_form_are_warned_about_at_transform(trained, given, form):
    fitted = Word2VecTransformer(**W2V).fit([f"the {trained} is open", "a dog and a bar"] * 10)
    with pytest.warns(UserWarning, match=rf"1 distinct token\(s\) of X are unknown only because of their Unicode "
                      rf"normal form, e\.g\. {re.escape(ascii(given))} here, {re.escape(ascii(trained))} in the "
                      rf"vocabulary.*unicodedata\.normalize\('{form}', text\)") as record:
        out = fitted.transform([f"the {given}", given, f"{given} {given}"])
    assert record[0].filename == __file__ and len(record) == 1
    assert not out[1].any()  # still a zero row: keys are not normalised
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # unknown words that are not ASCII, but no key's other form
        fitted.transform([f"the {trained}", "na\u00efve \u00fcber", "zebra"])


def test_a_whole_corpus_given_as_one_string_is_not_echoed_back_whole():
    """The error for a string that is not a file quoted all of it (1.15 million characters for a corpus)."""
    text = "the cat sat on the mat " * 5000
    for call in (lambda: Word2VecTransformer(**W2V).fit(text),
                 lambda: Word2VecTransformer(**W2V).fit([["the", "cat"]] * 5).transform(text)):
        with pytest.raises(ValueError, match=r"X='the cat sat.*'\.\.\. \(115,000 characters\) is a string but not a "
                           "file") as error:
            call()
        assert len(str(error.value)) < 400


def test_tokens_unknown_only_because_of_upper_case_are_warned_of_where_every_key_is_lower_case():
    """Vectors of a lower-cased text turned every capitalised word of a cased document into a zero, silently (a
    document of 'The Cat' was a row of zeros); the key error of 'Cat' said only that it was not present."""
    fitted = Word2VecTransformer(**W2V).fit(["the cat sat on the mat", "a dog ran in the park"] * 10)
    with pytest.warns(UserWarning, match=r"^3 distinct token\(s\) of X are unknown only because of upper case, e\.g\. "
                      r"'Cat' here, 'cat' in the vocabulary, whose keys are all lower case.*left out of the document "
                      r"vectors\. Lower-case the tokens.*\[\[t\.lower\(\) for t in doc\] for doc in X\]") as record:
        out = fitted.transform([["The", "Cat", "sat"], ["THE"], ["the", "zebra"]])
    assert len(record) == 1 and not out[1].any()  # still a zero row: keys are case-sensitive, as gensim's
    with pytest.raises(KeyError, match=r"'cat' is a key: keys are case-sensitive; ask for the word in lower case"):
        fitted.wv_["Cat"]
    cased = Word2VecTransformer(**W2V, sample=0).fit(["The cat sat", "Paris is far"] * 10)  # keys of both cases
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message="None of the")  # (no known word at all: told)
        fitted.transform([["the", "cat"], ["Zebra", "ZEBRA"], ["42"]])  # known, or unknown in lower case too
        cased.transform([["CAT", "paris"]])


def test_the_sequence_models_warn_of_upper_case_unknown_to_a_lower_case_vocabulary():
    """A language model of lower-cased text (lowercase=False, its default) read a cased sentence's capitalised words
    as unknown without a word; a tagger given lower-case vectors with lowercase=False gave its capitalised words
    none."""
    from sknn import LSTMLanguageModel, LSTMSequenceTagger

    small = dict(max_iter=1, random_state=0, device="cpu")
    lm = LSTMLanguageModel(min_count=1, **small).fit([["the", "cat", "sat"], ["a", "dog", "ran"]] * 4)
    with pytest.warns(UserWarning, match=r"1 distinct token\(s\) of X are unknown only because of upper case, e\.g\. "
                      r"'The' here, 'the' in the vocabulary.*so the model reads them as unknown words"):
        lm.perplexity([["The", "cat", "sat"]])
    vectors = {"the": np.ones(4), "dog": np.zeros(4), "runs": np.full(4, 0.5)}
    with pytest.warns(UserWarning, match=r"unknown only because of upper case, e\.g\. 'The' here, 'the' in "
                      r"pretrained_embeddings.*no pretrained vector\. Pass lowercase=True"):
        LSTMSequenceTagger(lowercase=False, embedding_dim=4, pretrained_embeddings=vectors, **small).fit(
            [["The", "dog", "runs"]] * 4, [["D", "N", "V"]] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LSTMSequenceTagger(embedding_dim=4, pretrained_embeddings=vectors, **small).fit(
            [["The", "dog", "runs"]] * 4, [["D", "N", "V"]] * 4)  # lowercase=True: looked up in lower case


def test_the_normal_form_check_looks_at_a_bounded_number_of_documents(monkeypatch):
    """transform stays fast on a large input: the check stops after the first documents with unknown tokens."""
    from sknn import _text_checks

    fitted = Word2VecTransformer(**W2V).fit([f"the {NFC} is open", "a dog and a bar"] * 10)
    monkeypatch.setattr(_text_checks.FormMisses, "DOCUMENTS", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message="None of the")  # (no known word at all: told)
        fitted.transform(["zebra \u00fcber"] * 3 + [NFD])  # the form's miss comes after the first 3 documents
    with pytest.warns(UserWarning, match="unknown only because of their Unicode normal form"):
        fitted.transform(["zebra \u00fcber"] * 2 + [NFD])


def test_only_words_not_in_nfc_are_normalised_by_the_fit_check(monkeypatch):
    """Two NFC words are never twins: the check normalised every distinct word that is not ASCII (seconds and
    hundreds of MiB on a large vocabulary); it finds the same twins normalising only the others."""
    from sknn import _text_checks

    calls = []
    normalize = unicodedata.normalize
    monkeypatch.setattr(_text_checks.unicodedata, "normalize", lambda form, s: calls.append(s) or normalize(form, s))
    words = [f"w\u00f6rt{i}" for i in range(50)]  # NFC, not ASCII
    kelvin, ring = "\u212a", "A\u030a\u0323"  # 'K' is the KELVIN SIGN's NFC; the ring's two non-NFC spellings
    counts = {**{w: 2 for w in words}, NFC: 3, NFD: 2, kelvin: 1, "K": 4, ring: 1, "A\u0323\u030a": 1}
    assert _text_checks._twins(counts) == [[NFC, NFD], ["K", kelvin], [ring, "A\u0323\u030a"]]
    assert sorted(calls) == sorted([NFD, kelvin, ring, "A\u0323\u030a"])  # the words that are not NFC only
    fitted = Word2VecTransformer(**W2V).fit([" ".join(words[:10]) + f" {NFC}"] * 3)
    calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message="None of the")  # (no known word at all: told)
        fitted.transform([" ".join(words[10:20])])  # unknown NFC words: looked up in NFD only, never in NFC
    assert sorted(calls) == sorted(words[10:20])
    with pytest.warns(UserWarning, match="unknown only because of their Unicode normal form"):
        fitted.transform([NFD])


def test_sparse_input_is_refused_with_a_scipy_that_has_no_sparse_arrays(monkeypatch):
    """scipy 1.10 (allowed) has no sp.sparray: naming the kind raised an AttributeError."""
    monkeypatch.delattr(sp, "sparray")
    with pytest.raises(TypeError, match=r"X is a scipy sparse matrix of shape \(3, 3\)"):
        Word2VecTransformer(**W2V).fit(sp.csr_matrix(np.eye(3)))


def test_the_fit_warning_names_only_twins_that_keep_a_vector_each():
    """With min_count dropping the rarer spelling, 'each with a vector of its own' was untrue, and fit_transform
    warned again from transform."""
    docs = [f"the {NFC} is open"] * 10 + [f"the {NFD} is open"]
    with pytest.warns(UserWarning) as record:
        out = Word2VecTransformer(**{**W2V, "min_count": 5, "sample": 0}).fit_transform(docs)
    assert len(record) == 1, [str(w.message) for w in record]  # fit's (transform's check would repeat it)
    message = str(record[0].message)
    assert "a vector of its own" not in message
    assert re.search(r"X spells 1 word\(s\) in more than one Unicode normal form, e\.g\. 'caf\\xe9' \(10 times\) "
                     r"and 'cafe\\u0301' \(1 times\).*min_count=5 left out of the vocabulary all but at most one "
                     r"spelling of each", message), message
    assert out.shape == (11, 4)
    with pytest.warns(UserWarning, match=r"X spells 1 word\(s\) in more than one Unicode normal form \(1 more with "
                      r"spellings that min_count=2 left out of the vocabulary\), e\.g\. 'caf\\xe9' \(10 times\) and "
                      r"'cafe\\u0301' \(3 times\).*a vector of its own"):
        Word2VecTransformer(**{**W2V, "min_count": 2}).fit(docs + [f"an {NFD} \u00fcber"] * 2 + ["an u\u0308ber"])


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_tokenizer_reads_a_file_line_without_its_line_break(tmp_path, ending):
    """The tokenizer was given each line of a corpus file with its '\\n': its last token was 'mat\\n', so a file and
    the list of its lines gave different vocabularies."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(ending.join(DOCS[:3]).encode() + ending.encode())
    kw = dict(W2V, sample=0, tokenizer=lambda s: s.split(" "))
    from_file = Word2VecTransformer(**kw).fit(str(path))
    from_lines = Word2VecTransformer(**kw).fit(DOCS[:3])
    assert list(from_file.vocabulary_) == list(from_lines.vocabulary_)
    assert "mat" in from_file.vocabulary_ and not any(w != w.strip() for w in from_file.vocabulary_)
    np.testing.assert_allclose(from_file.transform(str(path)), from_lines.transform(DOCS[:3]))


def test_an_unknown_device_is_refused_before_the_corpus_is_read():
    from sknn import Word2VecTransformer

    def corpus():
        raise AssertionError("the corpus was read first")
        yield ["never"]

    class Documents:
        def __iter__(self):
            return corpus()

    with pytest.raises(ValueError, match=r"device='nonsense' is not a device torch knows"):
        Word2VecTransformer(device="nonsense").fit(Documents())


def test_tokens_that_differ_only_by_white_space_around_them_are_warned_of_at_fit():
    # text split on commas ('the dog, a cat'.split(',')) gives ' a cat' beside 'a cat': two keys, each with part of
    # the word's counts, and a text given as a string later finds one of them only (as LSTMSequenceTagger warns)
    corpus = [["the", "dog", "runs"], ["a", "dog ", "sleeps"]] * 4
    with pytest.warns(UserWarning, match=r"Tokens that differ only by white space around them \('dog' and 'dog '\) "
                                         r"are words of their own.*\[\[t\.strip\(\) for t in doc\] for doc in X\]"):
        Word2VecTransformer(**W2V).fit(corpus)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Word2VecTransformer(**W2V, sample=0).fit([[t.strip() for t in doc] for doc in corpus])


def test_a_folder_a_missing_path_or_bytes_as_the_corpus_are_named_with_the_fix(tmp_path):
    # (a pathlib.Path to a folder was called 'a string but not a file'; bytes got no fix)
    for corpus, what in ((tmp_path, "a folder"), (str(tmp_path), "a folder"), (tmp_path / "none.txt", "no file"),
                         (str(tmp_path / "none.txt"), "a string but not a file")):
        with pytest.raises(ValueError, match=rf"^X='.*' is {what}; pass a path to a text file"):
            Word2VecTransformer(**W2V).fit(corpus)
    with pytest.raises(TypeError, match=r"got bytes: pass a path as text \(os\.fsdecode\(X\)\), or a document in a list"):
        Word2VecTransformer(**W2V).fit(b"the cat sat")


def test_word2vec_trains_where_numba_can_cache_nothing(monkeypatch):
    """numba keeps the compiled loops beside their module or in the user's cache folder; where it can write to neither
    (a read-only install with no writable home: a container's, a serverless function's), @njit(cache=True) raised
    'cannot cache function: no locator available' and every fit failed inside numba. The loops are compiled for the
    process instead, and train as ever."""
    import importlib

    from numba.core import caching

    from sknn import _w2v_steps

    monkeypatch.setattr(getattr(caching, "CacheImpl", None) or caching._CacheImpl, "_locator_classes", [])
    monkeypatch.delenv("NUMBA_CACHE_LOCATOR_CLASSES", raising=False)
    importlib.reload(_w2v_steps)  # its loops as Python functions again, to compile
    try:
        docs = [["a", "b", "c", "d"], ["b", "c", "d", "e"]] * 20
        fitted = Word2VecTransformer(vector_size=8, min_count=1, epochs=2, random_state=0).fit(docs)
        assert _w2v_steps.compiled_step(True) is not None and fitted.n_iter_ == 2  # (the compiled step trained)
        assert np.isfinite(fitted.wv_.vectors).all() and fitted.loss_curve_[0] > 0
    finally:
        monkeypatch.undo()
        importlib.reload(_w2v_steps)  # compiled from the cache again, for the other tests


def test_word2vec_trains_without_a_warning_where_numba_runs_its_loops_as_python(monkeypatch):
    """NUMBA_DISABLE_JIT=1 (coverage runs, debugging) runs the loops as Python: the noise generator's products, which
    wrap by design, warned 'overflow encountered in scalar multiply' from sknn's own code, an error under -W error."""
    import importlib

    import numba

    from sknn import _w2v_steps

    monkeypatch.setattr(numba.config, "DISABLE_JIT", True)
    importlib.reload(_w2v_steps)
    try:
        assert not hasattr(_w2v_steps._pair, "py_func")  # (the loops are Python)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fitted = Word2VecTransformer(vector_size=8, min_count=1, epochs=2, random_state=0).fit(
                [["a", "b", "c", "d"], ["b", "c", "d", "e"]] * 20)
        assert np.isfinite(fitted.wv_.vectors).all() and fitted.loss_curve_[0] > 0
    finally:
        monkeypatch.undo()
        importlib.reload(_w2v_steps)


def test_word2vec_trains_where_no_temporary_file_can_be_written(monkeypatch):
    """word2vec keeps the last finished epoch's tables (what a Ctrl-C goes back to) in a temporary file, not in memory
    twice: where none can be written (a full /tmp; no usable folder at all, where TORCHINDUCTOR_CACHE_DIR gives torch's
    compiler the folder it needs, else the fit refuses the process first), every fit failed with tempfile's or numpy's
    OSError. The snapshot is kept in memory instead, with a warning naming TMPDIR; training is the same."""
    from sknn import _training_control

    docs = [["a", "b", "c", "d"], ["b", "c", "d", "e"]] * 20
    params = dict(vector_size=8, min_count=1, epochs=3, random_state=0)
    expected = Word2VecTransformer(**params).fit(docs).wv_.vectors

    def no_folder(*args, **kwargs):
        raise FileNotFoundError(2, "No usable temporary directory found in ['/tmp', '/var/tmp']")

    monkeypatch.setattr(_training_control.tempfile, "TemporaryFile", no_folder)
    with pytest.warns(UserWarning, match=r"could not be written to a temporary file \(.*No usable temporary directory"
                                         r".*\); they are kept in memory instead.*set TMPDIR"):
        fitted = Word2VecTransformer(**params).fit(docs)
    np.testing.assert_array_equal(fitted.wv_.vectors, expected)
