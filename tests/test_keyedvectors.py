"""KeyedVectors against gensim's: the queries gensim 4 has (similar_by_word, distances, rank, most_similar_cosmul,
get_mean_vector, ...), the evaluations' reading of their files, and keys of Unicode whitespace. Each behaviour has a
test on a hand-built table with known answers (no gensim) and one comparing with gensim on the same vectors."""

import itertools
import re
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sknn import KeyedVectors, Word2VecTransformer

# cat (1, 0), dog at 0.8 of cat, car at right angles, rock opposite: every cosine is known
WORDS = ["cat", "dog", "car", "rock"]
TABLE = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]], dtype=np.float32)


@pytest.fixture
def kv():
    return KeyedVectors(TABLE, WORDS)


@pytest.fixture
def pair():
    """The same random vectors in sknn's KeyedVectors and gensim's."""
    rng = np.random.RandomState(0)
    words = [f"w{i}" for i in range(40)]
    vectors = (rng.randn(40, 8) * rng.uniform(0.2, 3.0, size=(40, 1))).astype(np.float32)  # lengths differ
    theirs = _gensim_twin(words, vectors)
    return KeyedVectors(vectors, words), theirs


def _same_matches(ours, theirs):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5, atol=1e-6)


def test_get_index_returns_a_default_for_a_missing_key_as_gensims(kv):
    assert kv.get_index("dog") == 1 and kv.get_index("dog", -1) == 1 and kv.get_index("cow", default=-1) == -1
    with pytest.raises(KeyError, match="'cow' not present"):
        kv.get_index("cow")
    with pytest.raises(KeyError):  # a key that cannot be one (a list): named, not the default
        kv.get_index(["cat"], default=-1)


# -- similar_by_word, similar_by_vector -----------------------------------------------------------------------
def test_similar_by_word_and_by_vector_on_known_cosines(kv):
    assert [(w, round(s, 5)) for w, s in kv.similar_by_word("cat")] == [("dog", 0.8), ("car", 0.0), ("rock", -1.0)]
    assert kv.similar_by_word("cat", topn=1, restrict_vocab=3) == kv.most_similar("cat", topn=1, restrict_vocab=3)
    assert [(w, round(s, 5)) for w, s in kv.similar_by_vector([0.0, 2.0], topn=2)] == [("car", 1.0), ("dog", 0.6)]
    assert kv.similar_by_vector(np.array([3.0, 0.0]), topn=1)[0][0] == "cat"  # a word's own vector finds it
    assert kv.similar_by_vector([1.0, 0.0], topn=None).shape == (4,)
    with pytest.raises(TypeError, match=r"word is array\(.*pass a word \(str\), or call similar_by_vector"):
        kv.similar_by_word(np.array([1.0, 0.0]))
    with pytest.raises(TypeError, match="vector is the word 'cat'; call similar_by_word"):
        kv.similar_by_vector("cat")
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.similar_by_word("zebra")
    with pytest.raises(ValueError, match="vector has 3 values"):
        kv.similar_by_vector([1.0, 0.0, 0.0])


def test_similar_by_word_and_by_vector_agree_with_gensim(pair):
    ours, theirs = pair
    for word in ("w0", "w7", "w39"):
        _same_matches(ours.similar_by_word(word, topn=5), theirs.similar_by_word(word, topn=5))
        _same_matches(ours.similar_by_word(word, topn=3, restrict_vocab=20),
                      theirs.similar_by_word(word, topn=3, restrict_vocab=20))
    vector = np.random.RandomState(1).randn(8).astype(np.float32)
    _same_matches(ours.similar_by_vector(vector, topn=6), theirs.similar_by_vector(vector, topn=6))
    np.testing.assert_allclose(ours.similar_by_vector(vector, topn=None), theirs.similar_by_vector(vector, topn=None),
                               rtol=1e-5, atol=1e-6)


# -- n_similarity, distance, distances --------------------------------------------------------------------------
def test_n_similarity_averages_the_vectors_as_they_are():
    kv = KeyedVectors(np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 0.5], [1.0, 1.0]]), ["a", "b", "ab", "unit_mean"])
    assert kv.n_similarity(["a", "b"], ["ab"]) == pytest.approx(1.0)  # mean (1, 0.5), not of unit rows (0.5, 0.5)
    assert kv.n_similarity(["a", "b"], ["unit_mean"]) == pytest.approx(1.5 / np.sqrt(1.25) / np.sqrt(2))
    assert kv.n_similarity("a", "b") == pytest.approx(0.0)  # a str is one word
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.n_similarity(["a", "zebra"], ["b"])
    with pytest.raises(ValueError, match="ws2 is empty"):
        kv.n_similarity(["a"], [])


def test_distance_and_distances_on_known_cosines(kv):
    assert kv.distance("cat", "dog") == pytest.approx(0.2) and kv.distance("cat", "rock") == pytest.approx(2.0)
    all_words = kv.distances("cat")
    assert all_words.dtype == np.float32
    np.testing.assert_allclose(all_words, [0.0, 0.2, 1.0, 2.0], atol=1e-6)
    np.testing.assert_allclose(kv.distances("cat", ["rock", "dog"]), [2.0, 0.2], atol=1e-6)
    np.testing.assert_allclose(kv.distances([0.0, 5.0], ("car", "cat")), [0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(kv.distances([0.0, 0.0]), [1.0, 1.0, 1.0, 1.0])  # similarity 0 to a vector of zeros
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.distances("cat", ["dog", "zebra"])
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.distance("zebra", "cat")


def test_n_similarity_distance_and_distances_agree_with_gensim(pair):
    ours, theirs = pair
    for ws1, ws2 in ((["w0", "w1"], ["w2"]), (["w3", "w4", "w5"], ["w6", "w7"]), (["w8"], ["w8", "w9"])):
        assert ours.n_similarity(ws1, ws2) == pytest.approx(float(theirs.n_similarity(ws1, ws2)), abs=1e-6)
    for w1, w2 in (("w0", "w1"), ("w5", "w30"), ("w2", "w2")):
        assert ours.distance(w1, w2) == pytest.approx(float(theirs.distance(w1, w2)), abs=1e-6)
    np.testing.assert_allclose(ours.distances("w3"), theirs.distances("w3"), atol=1e-6)
    np.testing.assert_allclose(ours.distances("w3", ["w1", "w9"]), theirs.distances("w3", ["w1", "w9"]), atol=1e-6)
    vector = np.random.RandomState(2).randn(8).astype(np.float32)
    np.testing.assert_allclose(ours.distances(vector), theirs.distances(vector), atol=1e-6)


# -- closer_than, rank ------------------------------------------------------------------------------------------
def test_closer_than_and_rank_on_known_cosines(kv):
    assert kv.closer_than("cat", "car") == ["dog"]
    assert kv.closer_than("cat", "rock") == ["dog", "car"]  # in the vocabulary's order
    assert kv.closer_than("cat", "dog") == [] and kv.closer_than("cat", "cat") == []
    assert [kv.rank("cat", w) for w in ("dog", "car", "rock")] == [1, 2, 3]
    assert kv.rank("rock", "car") == 1  # cat and dog are further from rock than car is
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.rank("cat", "zebra")


def test_closer_than_and_rank_agree_with_gensim(pair):
    ours, theirs = pair
    for w1, w2 in (("w0", "w1"), ("w5", "w30"), ("w12", "w3"), ("w7", "w7")):
        assert ours.closer_than(w1, w2) == theirs.closer_than(w1, w2)
        assert ours.rank(w1, w2) == theirs.rank(w1, w2)


# -- most_similar_cosmul ----------------------------------------------------------------------------------------
def test_most_similar_cosmul_on_known_cosines(kv):
    # (1 + cos) / 2 to dog over (1 + cos) / 2 to car (+1e-6): cat 0.9 / 0.5, rock 0.1 / 0.5; dog and car left out
    top = kv.most_similar_cosmul(positive=["dog"], negative=["car"])
    assert [w for w, _ in top] == ["cat", "rock"]
    np.testing.assert_allclose([s for _, s in top], [0.9 / 0.500001, 0.1 / 0.500001], rtol=1e-5)
    scores = kv.most_similar_cosmul("cat", topn=None)  # one positive: (1 + cos) / 2, the ranking of most_similar
    np.testing.assert_allclose(scores, [1.0, 0.9, 0.5, 0.0], atol=1e-6)
    assert [w for w, _ in kv.most_similar_cosmul("cat")] == [w for w, _ in kv.most_similar("cat")]
    assert kv.most_similar_cosmul("cat", restrict_vocab=2) == [("dog", pytest.approx(0.9))]
    assert kv.most_similar_cosmul("cat", topn=0) == []
    with pytest.raises(ValueError, match="needs at least one word or vector in positive"):
        kv.most_similar_cosmul(negative=["cat"])
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.most_similar_cosmul(positive=["cat"], negative=["zebra"])


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")  # gensim's own call
def test_most_similar_cosmul_agrees_with_gensim(pair):
    ours, theirs = pair
    for positive, negative in ((["w1", "w2"], ["w0"]), (["w5"], []), (["w3", "w4", "w9"], ["w10", "w11"])):
        _same_matches(ours.most_similar_cosmul(positive, negative, topn=7),
                      theirs.most_similar_cosmul(positive, negative, topn=7))
        np.testing.assert_allclose(ours.most_similar_cosmul(positive, negative, topn=None),
                                   theirs.most_similar_cosmul(positive, negative, topn=None), rtol=1e-5)
    unit = theirs.get_vector("w6", norm=True)  # gensim takes a vector as it is: the same as ours for a unit one
    _same_matches(ours.most_similar_cosmul([unit, "w1"], topn=5), theirs.most_similar_cosmul([unit, "w1"], topn=5))


# -- get_mean_vector --------------------------------------------------------------------------------------------
def test_get_mean_vector_weighs_scales_and_leaves_out_as_asked():
    kv = KeyedVectors(np.array([[2.0, 0.0], [0.0, 4.0], [3.0, 4.0]]), ["cat", "car", "bus"])
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "car"]), [0.5, 0.5])
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "car"], pre_normalize=False), [1.0, 2.0])
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "car"], weights=[3, 1], pre_normalize=False), [1.5, 1.0])
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "car"], weights=[1, -1]), [0.5, -0.5])  # / sum(|w|)
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "car"], post_normalize=True), [0.5 ** 0.5] * 2, rtol=1e-6)
    np.testing.assert_allclose(kv.get_mean_vector(["cat", np.array([0.0, 3.0])]), [0.5, 1.5])  # a vector as it is
    np.testing.assert_allclose(kv.get_mean_vector(np.array([[1.0, 0.0], [0.0, 3.0]])), [0.5, 1.5])  # rows
    np.testing.assert_allclose(kv.get_mean_vector(["cat", "zebra"]), [1.0, 0.0])  # ignore_missing
    assert kv.get_mean_vector("bus").dtype == np.float32
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.get_mean_vector(["cat", "zebra"], ignore_missing=False)
    with pytest.raises(ValueError, match="None of the keys .*'zebra'.* is in the vocabulary"):
        kv.get_mean_vector(["zebra"])
    with pytest.raises(ValueError, match=r"one finite number per key \(2\)"):
        kv.get_mean_vector(["cat", "car"], weights=[1.0])
    with pytest.raises(ValueError, match="at least one key"):
        kv.get_mean_vector([])
    with pytest.raises(ValueError, match=r"keys\[1\] has 3 values"):
        kv.get_mean_vector(["cat", np.ones(3)])


def test_get_mean_vector_agrees_with_gensim(pair):
    ours, theirs = pair
    vector = np.random.RandomState(3).randn(8).astype(np.float32)
    for keys, kwargs in ((["w0", "w1", "w2"], {}), (["w0", "w1"], dict(weights=[2.0, -0.5])),
                         (["w3", "w4"], dict(pre_normalize=False)), (["w5", "w6"], dict(post_normalize=True)),
                         (["w7", "nope", vector], dict(weights=np.array([1.0, 5.0, 0.5], dtype=np.float32)))):
        np.testing.assert_allclose(ours.get_mean_vector(keys, **kwargs), theirs.get_mean_vector(keys, **kwargs),
                                   rtol=1e-5, atol=1e-6)


# -- a query vector beyond float32's range ----------------------------------------------------------------------
def test_a_query_vector_beyond_float32_keeps_its_direction(kv):
    top = kv.most_similar(positive=[np.array([1e300, 0.0])], topn=2)  # cast to float32 at once, it was NaN
    assert [(w, round(s, 5)) for w, s in top] == [("cat", 1.0), ("dog", 0.8)]
    np.testing.assert_allclose(kv.distances([0.0, 1e300], ["car"]), [0.0], atol=1e-6)


# -- evaluate_word_pairs: exactly three fields ------------------------------------------------------------------
PAIRS = "cat\tdog\t7.5\ncar\tbus\t8\t(disputed)\nsun\tmoon\t6.5\nmoon\ttree\t3\ntree\tsun\t1\n"


def _pairs_vectors():
    words = ["cat", "dog", "car", "bus", "tree", "sun", "moon"]
    return words, np.random.default_rng(3).normal(size=(len(words), 6)).astype(np.float32)


@pytest.mark.parametrize("line, fields", [("car\tbus\t8\t(disputed)", 4), ("car\tbus", 2), ("car\tbus\t8\t", 4)])
def test_word_pairs_lines_of_other_than_three_fields_are_skipped_with_a_warning_naming_them(tmp_path, line, fields):
    kv = KeyedVectors(*_pairs_vectors()[::-1])
    path, without = tmp_path / "pairs.tsv", tmp_path / "without.tsv"
    path.write_text(f"cat\tdog\t7.5\n{line}\nsun\tmoon\t6.5\nmoon\ttree\t3\n")
    without.write_text("cat\tdog\t7.5\nsun\tmoon\t6.5\nmoon\ttree\t3\n")
    with pytest.warns(UserWarning, match=rf"pairs\.tsv, line 2: {fields} fields, not 3 \({re.escape(repr(line))}\): "
                                         r"skipped, as gensim .*\(1 line\(s\) skipped in all\)\. .*with '#'"):
        pearson, spearman, oov = kv.evaluate_word_pairs(path)
    assert (pearson[0], spearman[0], oov) == pytest.approx(kv.evaluate_word_pairs(without)[0][:1]
                                                           + kv.evaluate_word_pairs(without)[1][:1] + (0.0,))


def test_word_pairs_of_another_delimiter_are_named_before_the_vocabulary(tmp_path):
    kv = KeyedVectors(*_pairs_vectors()[::-1])
    path = tmp_path / "pairs.txt"
    path.write_text(PAIRS.replace("\t", " "))  # every line skipped: the delimiter, not the vocabulary, is at fault
    with pytest.raises(ValueError, match=r"^.*pairs\.txt, line 1: 1 fields, not 3 .* pass the delimiter the file "
                                         r"uses\. No pair was left to score\.$"):
        kv.evaluate_word_pairs(path)
    path.write_text("# comments only\n\n")
    with pytest.raises(ValueError, match=r"pairs\.txt holds no pair \(no line word1'\\t'word2'\\t'score\): pass a "
                                         r"word-pair file"):
        kv.evaluate_word_pairs(path)
    path.write_text("cat\tdog\t7.5\nemu\tgnu\t3\nsun moon 6.5\n")  # one pair read: the vocabulary comes first
    with pytest.raises(ValueError, match=r"^Fewer than 2 pairs of .* in the vocabulary\. .*line 3: 1 fields"):
        kv.evaluate_word_pairs(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
def test_vector_files_in_utf16_or_utf32_are_refused_naming_the_conversion(tmp_path, encoding):
    """word2vec files are read line by line as bytes: UTF-16 text was said to lack a header (or not to be the
    utf-16 text it was)."""
    path = tmp_path / "v.txt"
    path.write_text("2 3\ncat 1 2 3\ndog 4 5 6\n", encoding=encoding)
    bom = encoding != "utf-16-le"  # (utf-16-le writes no byte-order mark: the encoding named tells)
    wide = encoding[:6].upper()
    if bom:
        with pytest.raises(ValueError, match=rf"v\.txt' is {wide} text, which sknn does not read .*iconv -f {wide} "):
            KeyedVectors.load_word2vec_format(path)
    named = {"utf-16-le": "UTF-16LE"}.get(encoding, wide)  # (iconv and Python read UTF-16 without a mark as BE)
    with pytest.raises(ValueError, match=rf"encoding='{encoding}' names {named} text for '.*v\.txt'.*convert it to "
                                         rf"UTF-8 first \(iconv -f {named} .*encoding='{named.lower()}'"):
        KeyedVectors.load_word2vec_format(path, encoding=encoding, no_header=not bom)
    with pytest.raises(ValueError, match=r"encoding must be the name of a text encoding .* got 'utf-99'"):
        KeyedVectors.load_word2vec_format(path, encoding="utf-99")


def test_word_pairs_read_as_gensim_skipping_the_line_it_skips(tmp_path):
    words, vectors = _pairs_vectors()
    theirs = _gensim_twin(words, vectors)
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS)
    with pytest.warns(UserWarning, match="line 2: 4 fields, not 3"):
        pearson, spearman, oov = KeyedVectors(vectors, words).evaluate_word_pairs(path)
    their_pearson, their_spearman, their_oov = theirs.evaluate_word_pairs(path)  # gensim skips the line
    assert pearson[0] == pytest.approx(their_pearson[0]) and spearman[0] == pytest.approx(their_spearman[0])
    assert oov == pytest.approx(their_oov)


# -- evaluate_word_analogies: a question word is never the answer; section names ---------------------------------
def test_an_analogy_whose_search_holds_only_question_words_is_wrong(tmp_path):
    kv = KeyedVectors(np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32), list("abcdefgh"))
    path = tmp_path / "q.txt"
    path.write_text(": s\nb c a c\n")  # the expected word is a question word; restrict_vocab=3 searches a, b, c
    score, sections = kv.evaluate_word_analogies(path, restrict_vocab=3)
    assert score == 0.0 and sections[0]["incorrect"] == [("B", "C", "A", "C")]
    # with a 4th word searched, it is the answer, whatever its similarity
    path.write_text(": s\nb c a d\n")
    assert kv.evaluate_word_analogies(path, restrict_vocab=4)[0] == 1.0


def test_analogies_with_few_words_searched_agree_with_gensim(tmp_path):
    words = list("abcdefgh")
    vectors = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    theirs = _gensim_twin(words, vectors)
    rng = np.random.default_rng(1)
    questions = [" ".join(rng.choice(words[:5], size=4)) for _ in range(42)]  # answers among the question too
    questions += [f"{a} {b} {c} {d}" for a, b, c in itertools.permutations("abc") for d in "abc"]  # 3 distinct
    path = tmp_path / "q.txt"
    path.write_text(": : first\n" + "\n".join(questions[:42]) + "\n: second\n" + "\n".join(questions[42:]) + "\n")
    for restrict_vocab in (3, 4, 5, 8):
        score, sections = KeyedVectors(vectors, words).evaluate_word_analogies(path, restrict_vocab=restrict_vocab)
        their_score, their_sections = theirs.evaluate_word_analogies(path, restrict_vocab=restrict_vocab)
        assert score == pytest.approx(their_score)
        assert [(s["section"], s["correct"], s["incorrect"]) for s in sections] == \
            [(s["section"], s["correct"], s["incorrect"]) for s in their_sections]


def test_a_section_name_loses_all_its_leading_colons_and_spaces(tmp_path):
    kv = KeyedVectors(np.eye(5, dtype=np.float32), ["man", "woman", "king", "queen", "x"])
    path = tmp_path / "q.txt"
    path.write_text(": : gender\nman woman king queen\n:  plural\nman woman king queen\n")
    assert [s["section"] for s in kv.evaluate_word_analogies(path)[1]] == ["gender", "plural", "Total accuracy"]


# -- word2vec files: an empty word in binary, keys of Unicode whitespace -----------------------------------------
def _binary_with_an_empty_first_key(path):
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    with open(path, "wb") as f:  # as gensim's save_word2vec_format(binary=True) writes the keys '', 'c', 'd'
        f.write(b"3 4\n")
        for key, vector in zip(["", "c", "d"], vectors):
            f.write(key.encode() + b" " + vector.astype("<f4").tobytes())


def test_a_binary_file_with_an_empty_word_names_it_not_the_header(tmp_path):
    path = tmp_path / "e.bin"
    _binary_with_an_empty_first_key(path)
    with pytest.raises(ValueError, match=r"e\.bin', vector 1: the word is empty") as error:
        KeyedVectors.load_word2vec_format(path, binary=True)
    assert "header" not in str(error.value)
    path.write_bytes(b"3 4\n" + b"c " + bytes(16))  # a file truncated by far is still refused from its size
    with pytest.raises(ValueError, match="promises 3 vectors of 4 numbers"):
        KeyedVectors.load_word2vec_format(path, binary=True)


def test_a_binary_file_gensim_writes_with_an_empty_word_names_it(tmp_path):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors
    theirs = gensim_kv(4)
    theirs.add_vectors(["", "c", "d"], np.arange(12, dtype=np.float32).reshape(3, 4))
    theirs.save_word2vec_format(tmp_path / "g.bin", binary=True)
    _binary_with_an_empty_first_key(tmp_path / "e.bin")
    assert (tmp_path / "g.bin").read_bytes() == (tmp_path / "e.bin").read_bytes()
    with pytest.raises(ValueError, match="vector 1: the word is empty"):
        KeyedVectors.load_word2vec_format(tmp_path / "g.bin", binary=True)


UNICODE_SPACE_KEYS = ["\u2003", "a\u00a0b", "\u3000", "x\u2028y", "\x85", "plain"]


@pytest.mark.parametrize("binary", [False, True])
def test_keys_of_unicode_whitespace_round_trip(tmp_path, binary):
    """Only ASCII whitespace ends a word in word2vec's formats: a key that is U+2003 is a key."""
    vectors = np.random.default_rng(0).normal(size=(len(UNICODE_SPACE_KEYS), 3)).astype(np.float32)
    path = tmp_path / "v"
    KeyedVectors(vectors, UNICODE_SPACE_KEYS).save_word2vec_format(path, binary=binary)
    back = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert back.index_to_key == UNICODE_SPACE_KEYS
    np.testing.assert_array_equal(back.vectors, vectors)
    if not binary:
        path.write_bytes("2 2\n\u2003 1.0 2.0\nc 3.0 4.0\n".encode())
        assert KeyedVectors.load_word2vec_format(path).index_to_key == ["\u2003", "c"]
        path.write_bytes(b"2 2\n\t 1.0 2.0\nc 3.0 4.0\n")  # ASCII whitespace alone is no word
        with pytest.raises(ValueError, match="line 2: the word is empty"):
            KeyedVectors.load_word2vec_format(path)


@pytest.mark.parametrize("binary", [False, True])
def test_keys_of_unicode_whitespace_are_read_by_gensim_both_ways(tmp_path, binary):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors
    vectors = np.random.default_rng(0).normal(size=(len(UNICODE_SPACE_KEYS), 3)).astype(np.float32)
    ours = tmp_path / "ours"
    KeyedVectors(vectors, UNICODE_SPACE_KEYS).save_word2vec_format(ours, binary=binary)
    theirs = gensim_kv.load_word2vec_format(ours, binary=binary)
    assert list(theirs.index_to_key) == UNICODE_SPACE_KEYS
    np.testing.assert_array_equal(theirs.vectors, vectors)
    written = tmp_path / "theirs"
    theirs.save_word2vec_format(written, binary=binary)
    assert KeyedVectors.load_word2vec_format(written, binary=binary).index_to_key == UNICODE_SPACE_KEYS


def test_get_mean_vector_at_any_scale_of_the_weights():
    kv = KeyedVectors(np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32), ["cat", "dog"])
    expected = kv.get_mean_vector(["cat", "dog"], pre_normalize=False)
    for scale in (1e308, 5e-324):  # (the sum overflowed to inf: zeros; subnormal products: another direction)
        got = kv.get_mean_vector(["cat", "dog"], weights=[scale, scale], pre_normalize=False)
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="beyond float32's range"):
        kv.get_mean_vector([np.array([1e300, 0.0])], pre_normalize=False)
    with pytest.raises(TypeError, match="one number per key"):
        kv.get_mean_vector(["cat", "dog"], weights=["1", "2"])


# -- edits of the vectors --------------------------------------------------------------------------------------
def _answers(kv):
    """Every query's answer about cat, dog and car, from the few-word ones to the searches over every word."""
    return [kv.similarity("cat", "dog"), kv.distance("cat", "car"), kv.distances("cat").tolist(),
            kv.distances("cat", ["dog", "car"]).tolist(), kv.closer_than("cat", "car"), kv.rank("cat", "car"),
            kv.most_similar("cat", topn=2), kv.most_similar_cosmul("cat", topn=2),
            kv.doesnt_match(["cat", "dog", "car"]), kv.get_vector("car", norm=True).tolist(),
            kv.get_normed_vectors().tolist(), kv.n_similarity("cat", "dog")]


def _fresh(kv):
    return KeyedVectors(kv.vectors.copy(), kv.index_to_key)


@pytest.mark.parametrize("edit", [
    lambda kv, table: kv.vectors.__setitem__(kv.get_index("car"), kv["cat"]),  # a row set in place
    lambda kv, table: kv.vectors.__isub__(kv.vectors.mean(axis=0)),  # centred: a common post-processing step
    lambda kv, table: setattr(kv, "vectors", table[::-1] * 2.0),  # a new array assigned
    lambda kv, table: table.__setitem__(1, [-1.0, 0.2]),  # the caller's array, which the vectors are
])
def test_every_answer_follows_edits_of_the_vectors(edit):
    """The unit vectors were computed once: after an edit every similarity answered from the old vectors."""
    table = TABLE.copy()
    kv = KeyedVectors(table, WORDS)
    before = _answers(kv)
    edit(kv, table)
    assert _answers(kv) == _answers(_fresh(kv)) != before


def test_the_reported_edit_of_one_row_is_seen_and_fill_norms_is_gensims(tmp_path):
    kv = KeyedVectors(np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]]), ["cat", "car", "pet"])
    assert kv.similarity("cat", "car") == 0.0
    kv.fill_norms()  # gensim's code calls it before searching: here it does nothing, and keeps nothing
    kv.vectors[kv.get_index("car")] = kv["cat"]
    assert kv.similarity("cat", "car") == pytest.approx(1.0)  # was 0.0
    kv.fill_norms(force=True)
    assert kv.most_similar("cat", topn=1)[0] == ("car", pytest.approx(1.0))
    with pytest.raises(ValueError, match=r"one row per key: got shape \(2, 2\) for 3 keys"):
        kv.vectors = np.eye(2)  # a new array is checked as the constructor's
    kv.vectors[2, 0] = np.nan
    for query in (lambda: kv.most_similar("cat"), lambda: kv.most_similar_cosmul("cat"), lambda: kv.distances("cat"),
                  lambda: kv.closer_than("cat", "car"), lambda: kv.similarity("cat", "pet"), kv.get_normed_vectors,
                  lambda: kv.n_similarity(["cat", "pet"], ["car"]),  # (was nan)
                  lambda: kv.get_mean_vector(["cat", "pet"], pre_normalize=False),  # (was 'beyond float32's range')
                  lambda: kv.save_word2vec_format(tmp_path / "kv.txt")):  # (a file that would not read back)
        with pytest.raises(ValueError, match=r"The vector of 'pet' \(row 2\) holds NaN or infinity, put there by an "
                                             r"edit"):
            query()
    assert kv.most_similar("cat", restrict_vocab=2)[0][0] == "car"  # a search that does not meet that row
    assert not (tmp_path / "kv.txt").exists()
    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0)
    w2v.fit([["the", "cat", "sat"], ["the", "dog", "sat"]] * 20)
    w2v.wv_.vectors[w2v.vocabulary_["cat"]] = np.nan  # features of NaN went on to the next step, silently
    assert np.isfinite(w2v.transform([["the", "dog"]])).all()
    with pytest.raises(ValueError, match=r"The vector of 'cat' \(row \d\) holds NaN or infinity, put there by an edit"):
        w2v.transform([["the", "cat"]])


def test_searches_keep_no_unit_vectors_and_allocate_no_copy_of_the_vectors():
    """Unit vectors were kept (a second table as large as the vectors), checked by a CRC of every byte of the
    vectors on each search (4x the search's time), and stored in two steps that two threads could interleave (one
    thread's unit vectors with the other's CRC); get_normed_vectors handed out that table, whose edits every later
    search read."""
    rng = np.random.default_rng(0)
    kv = KeyedVectors(rng.standard_normal((4000, 64), dtype=np.float32), [f"w{i}" for i in range(4000)])
    searches = [lambda: kv.most_similar("w1", topn=3), lambda: kv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=3),
                lambda: kv.distances("w1"), lambda: kv.rank("w1", "w2"), lambda: kv.similar_by_vector(kv["w5"])]
    answers = []
    tracemalloc.start()
    try:
        for search in searches:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            answers.append(search())
            assert tracemalloc.get_traced_memory()[1] - before < kv.vectors.nbytes / 4  # rows' scores, no table
    finally:
        tracemalloc.stop()
    kv.fill_norms(force=True)
    kv.get_normed_vectors()[:] = 0.0  # a new array each call, the caller's
    assert [name for name, value in vars(kv).items() if isinstance(value, np.ndarray)] == ["_vectors"]
    np.testing.assert_equal([search() for search in searches], answers)


def test_searches_score_zeros_and_tiny_or_huge_vectors_by_their_direction():
    """A search takes each row's squared length in float32 with its product: squares of tiny entries underflow
    and of huge ones overflow, so those rows (and zeros) are scored from their unit vectors instead."""
    directions = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 0.0], [-1.0, 0.0], [0.6, -0.8], [0.0, 1.0]], np.float32)
    scales = np.array([[1e-25], [1e20], [1.0], [3e-38], [1e38], [2.0]], np.float32)  # (3e-38 * 3e-38 is 0)
    kv = KeyedVectors(directions * scales, ["a", "b", "zero", "c", "d", "e"])
    np.testing.assert_allclose(kv.most_similar([1.0, 0.0], topn=None), [1.0, 0.8, 0.0, -1.0, 0.6, 0.0], atol=1e-6)
    np.testing.assert_allclose(kv.distances("e"), [1.0, 0.4, 1.0, 1.0, 1.8, 0.0], atol=1e-6)
    assert kv.most_similar("a", topn=2) == kv.similar_by_vector([1.0, 0.0], topn=3)[1:]
    np.testing.assert_allclose(kv.most_similar_cosmul("a", topn=None), [1.0, 0.9, 0.5, 0.0, 0.8, 0.5], atol=1e-6)


def test_a_float32_c_contiguous_array_is_shared_and_any_other_copied():
    """The docstring said any float32 array was used as it is; a slice of columns (not contiguous) is copied."""
    table = TABLE.copy()
    assert KeyedVectors(table, WORDS).vectors is table
    wide = np.hstack([TABLE, np.zeros((4, 1), np.float32)])
    for given in (wide[:, :2], TABLE.astype(np.float64), np.asfortranarray(TABLE)):
        kv = KeyedVectors(given, WORDS)
        assert kv.vectors.flags.c_contiguous and not np.shares_memory(kv.vectors, given)
    kv = KeyedVectors(wide[:, :2], WORDS)
    wide[:, :2] = TABLE[::-1]  # an edit of the caller's array, which the vectors are a copy of
    assert kv.most_similar("cat", topn=1)[0][0] == "dog"


# -- compressed files ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("ext", ["gz", "bz2", "xz"])
def test_compressed_files_are_written_and_read_by_their_extension(tmp_path, ext, binary):
    """A .gz name held plain text (gensim could not read it), and reading a .gz file failed without saying why."""
    path = tmp_path / f"v.{'bin' if binary else 'txt'}.{ext}"
    KeyedVectors(TABLE, WORDS).save_word2vec_format(path, binary=binary)
    opener = {"gz": "gzip", "bz2": "bz2", "xz": "lzma"}[ext]
    assert __import__(opener).open(path).read().startswith(b"4 2\ncat ")  # compressed, as the name says
    back = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert back.index_to_key == WORDS and np.array_equal(back.vectors, TABLE)
    assert KeyedVectors.load_word2vec_format(path, binary=binary, limit=2).index_to_key == WORDS[:2]


@pytest.mark.parametrize("binary", [False, True])
def test_compressed_files_round_trip_with_gensim_both_ways(tmp_path, binary):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors
    ours = tmp_path / f"ours.{'bin' if binary else 'txt'}.gz"
    KeyedVectors(TABLE, WORDS).save_word2vec_format(ours, binary=binary)
    theirs = gensim_kv.load_word2vec_format(ours, binary=binary)
    assert list(theirs.index_to_key) == WORDS and np.array_equal(theirs.vectors, TABLE)
    written = tmp_path / f"theirs.{'bin' if binary else 'txt'}.gz"
    theirs.save_word2vec_format(written, binary=binary)
    back = KeyedVectors.load_word2vec_format(written, binary=binary)
    assert back.index_to_key == WORDS and np.array_equal(back.vectors, TABLE)


def test_a_damaged_compressed_file_or_a_lying_header_in_one_is_named(tmp_path):
    path = tmp_path / "v.bin.gz"
    KeyedVectors(TABLE, WORDS).save_word2vec_format(path, binary=True)
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(ValueError, match=r"Cannot read '.*v\.bin\.gz': .*damaged or truncated"):
        KeyedVectors.load_word2vec_format(path, binary=True)
    gzip = pytest.importorskip("gzip")
    with gzip.open(path, "wb") as f:  # its size says nothing of the vectors: read, not allocated, up to the end
        f.write(b"1000000000 3\ncat 1 2 3\n")
    with pytest.raises(ValueError, match="ends after 1 of its 1000000000 vectors: it is truncated"):
        KeyedVectors.load_word2vec_format(path)


# -- gensim 4's other names --------------------------------------------------------------------------------------
def test_has_index_for_similar_by_key_and_cosine_similarities_on_known_cosines(kv):
    assert kv.has_index_for("cat") and not kv.has_index_for("zebra") and not kv.has_index_for(0)
    assert kv.similar_by_key("cat", topn=2) == kv.similar_by_word("cat", topn=2)
    sims = KeyedVectors.cosine_similarities([2.0, 0.0], [[1.0, 0.0], [0.8, 0.6], [0.0, 0.0], [-3.0, 0.0]])
    np.testing.assert_allclose(sims, [1.0, 0.8, 0.0, -1.0], rtol=1e-6)  # (a vector of zeros: 0, gensim NaN)
    with pytest.raises(ValueError, match="vectors_all has 3 columns, but the length of vector_1 is 2"):
        kv.cosine_similarities([1.0, 0.0], np.ones((2, 3)))
    with pytest.raises(TypeError, match="vector_1 is 'cat'; pass an array of numbers"):
        kv.cosine_similarities("cat", TABLE)


def test_has_index_for_similar_by_key_and_cosine_similarities_agree_with_gensim(pair):
    ours, theirs = pair
    assert [ours.has_index_for(k) for k in ("w0", "w39", "zz")] == [theirs.has_index_for(k) for k in ("w0", "w39",
                                                                                                       "zz")]
    _same_matches(ours.similar_by_key("w3", topn=5, restrict_vocab=30), theirs.similar_by_key("w3", topn=5,
                                                                                              restrict_vocab=30))
    np.testing.assert_allclose(ours.cosine_similarities(ours["w1"], ours.vectors),
                               theirs.cosine_similarities(theirs["w1"], theirs.vectors), rtol=1e-5, atol=1e-6)


# -- gensim's names mean gensim's things: positional order, fvocab, weights, lengths, skipped lines -------------
def test_save_and_load_take_gensims_positional_order_and_a_counts_file(tmp_path):
    kv = KeyedVectors(TABLE, WORDS, counts=[9, 7, 7, 2])
    path, vocab = tmp_path / "v.bin", tmp_path / "v.vocab"
    kv.save_word2vec_format(path, None, True)  # gensim's (fname, fvocab, binary): was text, binary=None
    back = KeyedVectors.load_word2vec_format(path, None, True)  # (fname, fvocab, binary)
    assert back.index_to_key == WORDS and back.counts is None
    np.testing.assert_array_equal(back.vectors, TABLE)
    assert KeyedVectors.load_word2vec_format(path, None, True, "utf8", "strict", 2).index_to_key == WORDS[:2]
    kv.save_word2vec_format(path, vocab)  # text, with the counts file
    assert vocab.read_text() == "cat 9\ndog 7\ncar 7\nrock 2\n"
    assert KeyedVectors.load_word2vec_format(path, vocab).counts.tolist() == [9, 7, 7, 2]
    with pytest.raises(TypeError, match="positional argument"):
        kv.save_word2vec_format(path, None, False, False)  # write_header is keyword-only (gensim: total_vec)
    with pytest.raises(TypeError, match="positional argument"):
        KeyedVectors.load_word2vec_format(path, None, False, "utf8", "strict", None, np.float32)  # (datatype)
    with pytest.raises(ValueError, match=r"fvocab: these vectors have no counts .*pass counts="):
        KeyedVectors(TABLE, WORDS).save_word2vec_format(tmp_path / "w.txt", tmp_path / "w.vocab")
    assert not (tmp_path / "w.txt").exists() and not (tmp_path / "w.vocab").exists()
    vocab.write_text("cat 9\ndog 7\nrock 2\n")
    with pytest.raises(ValueError, match=r"v\.vocab' has no count for 'car' \(nor for 0 other"):
        KeyedVectors.load_word2vec_format(path, vocab)
    vocab.write_text("cat 9\ndog seven\n")
    with pytest.raises(ValueError, match=r"v\.vocab', line 2: expected 'word count'"):
        KeyedVectors.load_word2vec_format(path, vocab)
    with pytest.raises(FileNotFoundError, match="No vocabulary file"):
        KeyedVectors.load_word2vec_format(path, tmp_path / "none.vocab")


@pytest.mark.parametrize("binary", [False, True])
def test_counts_files_round_trip_with_gensim_both_ways(tmp_path, binary):
    words = ["the", "caf\u00e9", "\u65e5\u672c", "dog"]  # (gensim's counts reader splits a word at U+00A0)
    theirs = _gensim_twin(words, TABLE)
    for word, count in zip(words, (40, 30, 20, 10)):
        theirs.set_vecattr(word, "count", count)
    theirs.save_word2vec_format(tmp_path / "g.w2v", tmp_path / "g.vocab", binary)
    ours = KeyedVectors.load_word2vec_format(tmp_path / "g.w2v", tmp_path / "g.vocab", binary)
    assert ours.index_to_key == words and ours.counts.tolist() == [40, 30, 20, 10]
    ours.save_word2vec_format(tmp_path / "s.w2v", tmp_path / "s.vocab", binary)
    back = type(theirs).load_word2vec_format(tmp_path / "s.w2v", tmp_path / "s.vocab", binary)
    assert [back.get_vecattr(w, "count") for w in back.index_to_key] == [40, 30, 20, 10]


def test_most_similar_takes_keywords_after_topn_and_indexer_none(kv):
    with pytest.raises(TypeError, match="positional argument"):
        kv.most_similar(["cat"], None, 2, 3)  # gensim's 4th is clip_start: it was restrict_vocab here
    assert kv.most_similar("cat", topn=2, indexer=None) == kv.most_similar("cat", topn=2)
    with pytest.raises(ValueError, match=r"indexer must be None: most_similar searches every vector exactly"):
        kv.most_similar("cat", indexer=object())
    # gensim's positional parameters of the same meaning stay positional
    assert kv.similar_by_word("cat", 1, 2) == kv.similar_by_key("cat", 1, 2) == [("dog", pytest.approx(0.8))]
    assert kv.similar_by_vector([1.0, 0.0], 1, 2)[0][0] == "cat"
    assert kv.most_similar_cosmul("cat", None, 1, 2) == [("dog", pytest.approx(0.9))]


def test_query_vectors_weigh_by_their_length_as_in_gensim(kv):
    # cat's unit vector (1, 0) + (0, 3): the direction (1, 3), nearest car (was (1, 1) from unit lengths: dog)
    top = kv.most_similar(positive=["cat", np.array([0.0, 3.0])], topn=2)
    assert [(w, round(s, 4)) for w, s in top] == [("car", round(3 / 10 ** 0.5, 4)), ("dog", round(2.6 / 10 ** 0.5, 4))]
    # 3CosMul: a row's similarity to a vector is its cosine times the vector's length, (1 + 2 cos) / 2 here
    np.testing.assert_allclose(kv.most_similar_cosmul([[0.0, 2.0]], topn=None), [0.5, 1.1, 1.5, 0.5], atol=1e-6)
    assert kv.most_similar(positive=[[1e-300, 0.0], [0.0, 3e-300]], topn=1)[0][0] == "car"  # any scale


def test_query_vectors_and_weights_agree_with_gensim(pair):
    ours, theirs = pair
    vector = np.random.RandomState(5).randn(8).astype(np.float32) * 4
    for positive, negative in (([vector * 5, "w2"], []), ([("w1", 2.0), ("w2", 0.5)], []),
                               ([("w1", 2.0)], [("w3", 3.0)]), ([], [("w1", 0.5)]),
                               ([(vector, 2.0), "w4"], ["w5", ("w6", -2.0)]), (["w7", vector], ["w8"])):
        _same_matches(ours.most_similar(positive, negative, topn=8), theirs.most_similar(positive, negative, topn=8))
        np.testing.assert_allclose(ours.most_similar(positive, negative, topn=None),
                                   theirs.most_similar(positive, negative, topn=None), rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match=r"positive\[0\] is a \(key, weight\) pair.*takes no weights"):
        ours.most_similar_cosmul([("w1", 2.0)])


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")  # gensim's own call
def test_most_similar_cosmul_takes_vectors_as_they_are_as_gensim(pair):
    ours, theirs = pair
    vector = np.random.RandomState(6).randn(8).astype(np.float32)
    for positive, negative in (([vector * 0.3], []), (["w1", vector * 0.5], ["w5"]), (["w2"], [vector * 0.4])):
        _same_matches(ours.most_similar_cosmul(positive, negative, topn=6),
                      theirs.most_similar_cosmul(positive, negative, topn=6))
        np.testing.assert_allclose(ours.most_similar_cosmul(positive, negative, topn=None),
                                   theirs.most_similar_cosmul(positive, negative, topn=None), rtol=1e-4, atol=1e-6)


def test_word2vec_orders_words_of_equal_counts_as_gensim():
    gensim_word2vec = pytest.importorskip("gensim.models").Word2Vec

    sentences = [["b", "a", "c", "d"], ["c", "e", "b", "f"], ["g", "f", "a"], ["e", "h", "d"]]
    theirs = gensim_word2vec(min_count=1, vector_size=4, workers=1)
    theirs.build_vocab(sentences)
    ours = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0).fit(sentences)
    assert ours.wv_.index_to_key == theirs.wv.index_to_key  # among equal counts, the word seen last first
    assert ours.wv_.index_to_key == ["f", "e", "d", "c", "a", "b", "h", "g"]


def test_word_pairs_take_gensims_encoding_skip_a_header_in_silence_and_warn_of_other_lines(tmp_path):
    words, vectors = _pairs_vectors()
    words[0] = "caf\u00e9"
    theirs = _gensim_twin(words, vectors)
    ours = KeyedVectors(vectors, words)
    path = tmp_path / "pairs.csv"
    path.write_bytes("Word 1,Word 2,Human (mean)\ncaf\u00e9,dog,7.5\nsun,moon,6.5\nmoon,tree,3\ntree,sun,1\n"
                     "car,bus,8\n".encode("latin-1"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the header is skipped without a word
        pearson, spearman, oov = ours.evaluate_word_pairs(path, ",", "latin-1")  # gensim's positional encoding
    their_pearson, their_spearman, their_oov = theirs.evaluate_word_pairs(path, ",", "latin-1")
    assert (pearson[0], spearman[0], oov) == pytest.approx((their_pearson[0], their_spearman[0], their_oov))
    with pytest.raises(ValueError, match=r"pairs\.csv, line 2: not UTF-8 text"):
        ours.evaluate_word_pairs(path, ",", "utf8")
    path.write_text("caf\u00e9,dog,7.5\nsun,moon,high\nmoon,tree,3\ntree;sun;1\ncar,bus,8\n")
    with pytest.warns(UserWarning, match=r"pairs\.csv, line 2: the score 'high' is not a finite number .*"
                                         r"\(2 line\(s\) skipped in all\)"):
        pearson, spearman, oov = ours.evaluate_word_pairs(path, ",")
    assert pearson[0] == pytest.approx(theirs.evaluate_word_pairs(path, ",")[0][0])
    with pytest.raises(ValueError, match="encoding must be the name of a text encoding"):
        ours.evaluate_word_pairs(path, ",", "no-such-codec")


def test_analogies_skip_lines_of_other_than_four_words_with_a_warning_as_gensim(tmp_path):
    words = list("abcdefgh")
    vectors = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    theirs = _gensim_twin(words, vectors)
    path = tmp_path / "q.txt"
    path.write_text(": s\na b c d\na b c\ne f g h\na b c d e\nb a d c\n")
    with pytest.warns(UserWarning, match=r"q\.txt, line 3: 3 words, not 4 \('a b c'\): skipped, .*"
                                         r"\(2 line\(s\) skipped in all\)"):
        score, sections = KeyedVectors(vectors, words).evaluate_word_analogies(path, similarity_function="most_similar")
    their_score, their_sections = theirs.evaluate_word_analogies(path)
    assert score == pytest.approx(their_score)
    assert [(s["section"], s["correct"], s["incorrect"]) for s in sections] == \
        [(s["section"], s["correct"], s["incorrect"]) for s in their_sections]
    with pytest.raises(ValueError, match="similarity_function must be 'most_similar'"):
        KeyedVectors(vectors, words).evaluate_word_analogies(path, similarity_function="most_similar_cosmul")


# -- old positional calls, weights and files, named with their fix ------------------------------------------------
@pytest.mark.parametrize("method, args, given", [
    ("save", (True,), "binary=True"),
    ("load", (True,), "binary=True"),
    ("load", (False, 2), "binary=False"),  # (binary, limit) as sknn's order was
    ("load", (np.True_,), "binary=True"),
    ("save", (1,), "binary=True or binary=False"),
])
def test_binary_passed_second_as_sknns_old_order_names_gensims_order(tmp_path, method, args, given):
    """binary used to be the second parameter: (f, True) set fvocab=True, a TypeError from os.fspath (after
    os.path.isfile(True) had looked at file descriptor 1)."""
    kv = KeyedVectors(TABLE, WORDS, counts=[9, 7, 7, 2])
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=True)
    call = kv.save_word2vec_format if method == "save" else KeyedVectors.load_word2vec_format
    with pytest.raises(InvalidParameterError, match=r"fvocab is (np\.True_|True|False|1): binary is the third "
                                                    r"parameter, as in gensim \(fname, fvocab, binary\).*pass "
                                                    rf"{given} by name"):
        call(path, *args)
    for call in (kv.save_word2vec_format, KeyedVectors.load_word2vec_format):
        with pytest.raises(InvalidParameterError, match=r"fvocab must be None or the path \(a str or path-like\) of a "
                                                        r"vocabulary file.*got \['v\.vocab'\] \(of type list\)"):
            call(path, ["v.vocab"])


def test_the_counts_file_is_written_after_the_vectors(tmp_path):
    """The fvocab file was written first: a vectors file that could not be written left it behind, alone."""
    kv = KeyedVectors(TABLE, WORDS, counts=[9, 7, 7, 2])
    with pytest.raises(FileNotFoundError):
        kv.save_word2vec_format(tmp_path / "no-such-folder" / "v.txt", tmp_path / "v.vocab")
    assert not (tmp_path / "v.vocab").exists()
    kv.save_word2vec_format(tmp_path / "v.txt", tmp_path / "v.vocab")
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt", tmp_path / "v.vocab").counts.tolist() == [9, 7, 7, 2]


def test_an_int_encoding_names_restrict_vocab_as_the_fourth_parameter_and_an_underscore_score_is_named(tmp_path, kv):
    """evaluate_word_pairs(p, '\\t', 30000), restrict_vocab third as sknn had it, was 'encoding must be the name of a
    text encoding'; a score '1_0' (10 to Python's float) was 'not a finite number', without the underscore."""
    path = tmp_path / "pairs.tsv"
    path.write_text("cat\tdog\t1\ncat\tcar\t2\ndog\trock\t3\n")
    with pytest.raises(InvalidParameterError, match=r"encoding is 30000, a number: restrict_vocab is now the 4th "
                                                    r"parameter, as in gensim .*pass restrict_vocab=30000 by name"):
        kv.evaluate_word_pairs(path, "\t", 30000)
    path.write_text("cat\tdog\t1\ncat\tcar\t1_0\ndog\trock\t3\n")
    with pytest.raises(ValueError, match=r"line 2: the score '1_0' is not a finite number as written: underscores are "
                                         r"refused \(Python's float\(\) reads it as 10\.0"):
        kv.evaluate_word_pairs(path)


def test_a_cut_compressed_pairs_file_in_another_encoding_is_named_damaged(tmp_path, kv):
    """With an encoding other than UTF-8, a .gz cut short let a bare EOFError out (only UnicodeDecodeError was
    caught)."""
    import gzip

    path = tmp_path / "pairs.tsv.gz"
    path.write_bytes(gzip.compress("".join(f"caf\u00e9\tdog\t{i}\n" for i in range(2000)).encode("latin-1"))[:-40])
    with pytest.raises(ValueError, match=r"Cannot read '.*pairs\.tsv\.gz' after line \d+: .*damaged or truncated"):
        kv.evaluate_word_pairs(path, "\t", "latin-1")


def test_a_bool_weight_a_bare_pair_and_weighted_terms_that_cancel_are_named(kv):
    """A bool weight and a bare pair ('cat', 0.5) fell to 'positive[1] is 0.5 ...; pass a word or a vector'; weights
    that cancel one word were 'the positive words and vectors cancel out (they point in opposite directions)'."""
    with pytest.raises(TypeError, match=r"positive\[0\] has the weight True; the weight of a \(word or vector, "
                                        r"weight\) pair must be a number, not a bool: pass 1\.0"):
        kv.most_similar([("cat", True)])
    for query, side in ((dict(positive=("cat", 0.5)), "positive"), (dict(negative=["cat", 0.5]), "negative")):
        with pytest.raises(TypeError, match=rf"{side}\[1\] is 0\.5 \(of type float\); pass a word \(str\) or a vector "
                                            rf"of 2 numbers; if it is the weight of 'cat', put the pair in a list, "
                                            rf"{side}=\[\('cat', 0\.5\)\]"):
            kv.most_similar(**query)
    with pytest.raises(ValueError, match=r"^the weighted terms cancel out"):
        kv.most_similar([("cat", 1), ("cat", -1)])
    with pytest.raises(ValueError, match=r"^the positive words and vectors cancel out"):
        kv.most_similar(["cat", "rock"])  # (opposite vectors, no weights given)
    assert kv.most_similar([("cat", 1), ("dog", 0.5)], topn=1) == kv.most_similar([("cat", 1.0), ("dog", 0.5)], topn=1)


def _gensim_twin(words, vectors):
    """gensim's KeyedVectors holding ``vectors`` under ``words`` (the test is skipped without gensim)."""
    theirs = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors(np.shape(vectors)[1])
    theirs.add_vectors(words, vectors)
    return theirs


def test_a_headerless_file_read_to_its_limit_and_latin1_words_get_the_encoding_to_pass(tmp_path):
    """limit= with no_header=True scanned the whole file and refused a damaged line after the limit (GloVe 840B has
    words with spaces far down; gensim reads the first vectors); a Latin-1 file was told unicode_errors='replace',
    which merges 'café' and 'cafè' into one word, not encoding='latin-1'."""
    path = tmp_path / "nh.txt"
    path.write_text("cat 1 2\ndog 3 4\nbad line here x\n")
    assert KeyedVectors.load_word2vec_format(path, no_header=True, limit=2).index_to_key == ["cat", "dog"]
    with pytest.raises(ValueError, match="line 3: expected a word and 2 numbers"):
        KeyedVectors.load_word2vec_format(path, no_header=True)
    latin = tmp_path / "l1.txt"
    latin.write_bytes("2 2\ncaf\u00e9 1 2\ncaf\u00e8 3 4\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"is not utf-8 text .*encoding='latin-1'.*unicode_errors='replace' reads it "
                                         r"anyway, but words that differ only in those bytes become one"):
        KeyedVectors.load_word2vec_format(latin)
    assert KeyedVectors.load_word2vec_format(latin, encoding="latin-1").index_to_key == ["caf\u00e9", "caf\u00e8"]


@pytest.mark.parametrize("key", ["k\x1cj", "k\x1fj", "\x01x"])
def test_a_key_with_a_control_character_reads_back_from_a_binary_file(tmp_path, key):
    """sknn wrote such a key (gensim does too) but refused to read the file back, its second word taken for the
    bytes of a vector under a header of the wrong size."""
    kv = KeyedVectors(np.arange(6, dtype=np.float32).reshape(2, 3), ["plain", key])
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    again = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True)
    assert again.index_to_key == ["plain", key]
    np.testing.assert_array_equal(again.vectors, kv.vectors)


@pytest.mark.parametrize("header, match", [
    (b"5 2\n", r"The second word of .* reads as b'\\x00.*', bytes of a vector: the records do not line up with "
               r"the header's vector size, 2; correct the header"),
    (b"5 5\n", r"the word is empty .*Or the records do not line up with the header's vector size, 5")])
def test_a_binary_header_of_another_vector_size_than_the_rows_is_named(tmp_path, header, match):
    """A header saying 2 numbers for rows of 4 read the rest of each row into the next word ('\\x00...\\ncat'),
    loaded with only a warning about the count; a larger size failed naming the word, not the header."""
    vectors = np.zeros((5, 4), np.float32)
    vectors[:, :2] = np.random.RandomState(0).randn(5, 2)
    path = tmp_path / "v.bin"
    path.write_bytes(header + b"".join(w.encode() + b" " + v.tobytes() + b"\n"
                                       for w, v in zip(["the", "cat", "dog", "car", "bus"], vectors)))
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(path, binary=True)
    # a tab in a key (gensim writes it) and records ended by CRLF line up: read
    words = ["the", "a\tb", "dog", "car", "bus"]
    path.write_bytes(b"5 4\r\n" + b"".join(w.encode() + b" " + v.tobytes() + b"\r\n" for w, v in zip(words, vectors)))
    assert KeyedVectors.load_word2vec_format(path, binary=True).index_to_key == words


def test_the_file_methods_name_a_value_that_is_no_path(kv):
    """Lines in a list or an open stream gave os.fspath's 'expected str, bytes or os.PathLike object, not list'."""
    import io

    for call, said in ((lambda: kv.evaluate_word_analogies([": capital", "a b c d"]),
                        r"^analogies must be the path of an analogy file .* got list; write the lines to a file first"),
                       (lambda: kv.evaluate_word_pairs(io.StringIO("a\tb\t1")),
                        r"^pairs must be the path of a file of word pairs .* got StringIO; pass its path, not an open"),
                       (lambda: KeyedVectors.load_word2vec_format(io.BytesIO(b"1 2\na 1 2\n")),
                        r"^fname must be the path of a word2vec file .* got BytesIO"),
                       (lambda: kv.save_word2vec_format(None), r"^fname must be the path of the word2vec file to "
                                                               r"write .* got NoneType")):
        with pytest.raises(TypeError, match=said):
            call()


def test_several_words_tested_as_one_key_are_refused_with_the_test_of_each():
    """['king'] in kv raised 'unhashable type: list' from inside a dict; a tuple of words was 'not in' in silence."""
    kv = KeyedVectors(np.eye(3, dtype=np.float32), ["king", "queen", "man"])
    for words in (["king"], ("king", "queen"), np.array(["king"])):
        with pytest.raises(TypeError, match=r"A key is one word \(a str\), not a \w+ .*all\(w in kv for w in words\)"):
            words in kv
        with pytest.raises(TypeError, match=r"A key is one word"):
            kv.has_index_for(words)
    assert "king" in kv and "King" not in kv and 1 not in kv
