"""The queries of :class:`~sknn.KeyedVectors` beyond ``most_similar``, as gensim 4's ``KeyedVectors`` has them
(``similar_by_word``, ``distances``, ``rank``, ``most_similar_cosmul``, ``get_mean_vector``,
``cosine_similarities``, ...), and the helpers that they share with keyedvectors.py.

:class:`KeyedVectorQueries` is a mixin: it reads the class's ``vectors``, ``index_to_key``, ``get_index``,
``_unit_rows_of`` (the unit vectors of a few rows, from the current vectors), ``most_similar``, ``similarity``,
``_check_query_vector`` and ``_query_terms``; its ``_cosines_to`` is the search over every word (no unit vectors
are kept: each search reads the current vectors); its ``_analogy_answer`` is evaluate_word_analogies' answer to
one question.
"""

import unicodedata
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError

from ._text_checks import warn_form_misses
from ._validation import check_width
from ._warnings import warn_user

__all__ = ["KeyedVectorQueries"]


def _as_list(words, name, vectors=True):
    if words is None:
        return []
    if isinstance(words, (bytes, bytearray)) or isinstance(words, np.ndarray) and words.dtype.kind == "S":
        raise TypeError(f"{name} is bytes ({words!r:.40}); keys are text: decode them first (.decode('utf-8'), "
                        "or .astype(str) for an array).")
    if isinstance(words, (set, frozenset, dict)):
        raise TypeError(f"{name} is a {type(words).__name__}, whose order is not yours: pass a list.")
    if isinstance(words, np.ndarray) and words.dtype.kind == "U" or (
            isinstance(words, np.ndarray) and words.dtype == object and all(isinstance(w, str) for w in words.flat)):
        return [str(w) for w in words.ravel()]  # an array of words, as a list of them
    if isinstance(words, (str, np.ndarray)):
        return [words]
    try:
        words = list(words)
    except TypeError:
        raise TypeError(f"{name} is {words!r:.60} (of type {type(words).__name__}); pass a word (str), a vector or a "
                        "list of them.") from None
    if vectors and words and all(isinstance(w, Real) and not isinstance(w, bool) for w in words):
        return [np.asarray(words, dtype=np.float64)]  # a list of numbers: one vector (a number alone is nothing)
    return words


def _check_restrict_vocab(restrict_vocab):
    """``restrict_vocab``: None (every word) or a positive int; 0 (gensim: no limit; here it searched no word) is
    refused, saying to pass None."""
    if restrict_vocab is not None and (not isinstance(restrict_vocab, Integral) or isinstance(restrict_vocab, bool)
                                       or restrict_vocab < 1):
        zero = " (0 would search no word, and gensim reads it as no limit: pass None)" if restrict_vocab == 0 else ""
        raise InvalidParameterError(f"restrict_vocab must be None (every word) or a positive int (how many of the most "
                                    f"frequent words to search), got {restrict_vocab!r}{zero}.")
    return restrict_vocab


def _check_topn(topn, method):
    if topn is not None and (not isinstance(topn, Integral) or isinstance(topn, bool)):
        raise InvalidParameterError(f"The 'topn' parameter of {method} must be an int or None, got {topn!r}.")
    return topn


def _check_word(word, name, other=None):
    """``word`` when it is a str; otherwise a TypeError (naming ``other``, the method that takes a vector)."""
    if not isinstance(word, str):
        raise TypeError(f"{name} is {word!r:.60} (of type {type(word).__name__}); pass a word (str)"
                        + (f", or call {other} for a vector." if other else "."))
    return word


def _weighted_item(item, name, default, method):
    """(word or vector, weight) of a query's item: a (word or vector, weight) pair's, as gensim's most_similar
    reads them, or (``item``, ``default``); a pair given to another ``method`` is refused (gensim's fail too), as
    are a weight that is a bool or not finite."""
    if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], (str, np.ndarray, tuple, list))
            and isinstance(item[1], (Real, np.bool_))):
        return item, default
    if method != "most_similar":
        raise TypeError(f"{name} is a (key, weight) pair, {item!r:.60}; {method} takes no weights (nor does "
                        "gensim's): pass the word or vector alone, or call most_similar.")
    if isinstance(item[1], (bool, np.bool_)):
        raise TypeError(f"{name} has the weight {item[1]!r}; the weight of a (word or vector, weight) pair must be a "
                        f"number, not a bool: pass {float(item[1])}.")
    if not np.isfinite(item[1]):
        raise ValueError(f"{name} has the weight {item[1]!r}; a weight must be a finite number.")
    return item[0], float(item[1])


def _no_vector_hint(item, name, previous=None):
    """The end of the error for ``item``, None or a number where a query (``name``: 'positive[1]') asks a word or a
    vector: None is often a missing value; a number after ``previous`` (the item before it, or None), a word or a
    vector, likely its weight, the pair given bare (``positive=('cat', 0.5)`` is two items): the hint names the
    list that holds a pair; else ''."""
    if item is None:
        return " (a None is often a missing value: drop it or replace it)"
    if not isinstance(item, Real) or isinstance(item, bool) or not isinstance(previous, (str, np.ndarray)):
        return ""
    before = repr(previous) if isinstance(previous, str) else "vector"
    return (f"; if it is the weight of {before:.40}, put the pair in a list, {name.split('[')[0]}=[({before:.40}, "
            f"{item!r:.40})] (given bare, (word, weight) is read as two items)")


def _key_hint(key, key_to_index):
    """A sentence for the KeyError of ``key`` (not a key): keys are text, when it is not ('1' for 1); or that it
    stripped of white space, or in lower case, is a key; or that one of its Unicode normal forms is a key (NFD
    'cafe' + U+0301 for NFC 'caf' + U+00E9: they print alike), else ''. Keys are not normalised (as gensim's): a
    text and a vocabulary in different forms are the caller's to reconcile, and this says how."""
    if isinstance(key, (bytes, bytearray)):
        return " Keys are text: decode it first (key.decode('utf-8'))."
    if not isinstance(key, str):
        text = str(key)
        return f" Keys are text: ask for {text!r}." if text in key_to_index else " Keys are text (str)."
    if key.strip() != key and key.strip() in key_to_index:  # (' cat' of a file split on commas)
        return f" {ascii(key.strip())} is a key: strip the white space around the word (word.strip())."
    if key.lower() != key and key.lower() in key_to_index:  # ('King' of a vocabulary of lower-cased text)
        return f" {ascii(key.lower())} is a key: keys are case-sensitive; ask for the word in lower case (.lower())."
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        other = unicodedata.normalize(form, key)
        if other != key and other in key_to_index:
            return (f" Its {form} form is a key: {ascii(key)} here, {ascii(other)} in the vocabulary, which differ "
                    "only in Unicode normalisation; normalise the words as the vocabulary's keys are: "
                    f"unicodedata.normalize({form!r}, word).")
    return ""


def _weighted_direction(terms):
    """The unit direction (float32) of ``sum(weight * vector)`` over the (vector, weight) ``terms`` (float64
    vectors, none all zeros), as gensim's most_similar takes it (its mean, divided by ``sum(|weight|)``, has the
    same direction); None when the terms cancel out (a sum shorter than 1e-6 of ``sum(|weight| * |vector|)``).
    Each vector is divided by its largest magnitude first, and its weight multiplied by it: vectors of any finite
    scale, 1e-300 or 1e300, neither underflow nor overflow."""
    tops = np.array([np.abs(vector).max() for vector, _ in terms])
    with np.errstate(over="ignore"):
        coefs = np.array([weight for _, weight in terms]) * tops
    if not np.isfinite(coefs).all():
        raise ValueError("The query's weights times its vectors' values overflow float64: use smaller weights.")
    coefs = coefs / max(np.abs(coefs).max(), np.finfo(np.float64).tiny)
    scaled = [vector / top for (vector, _), top in zip(terms, tops)]
    total = sum(coef * vector for coef, vector in zip(coefs, scaled))
    reach = sum(abs(coef) * np.linalg.norm(vector) for coef, vector in zip(coefs, scaled))
    return None if np.linalg.norm(total) <= 1e-6 * reach else _unit_vector(total)


_UNIT_ROWS_CHUNK = 8192  # rows of the vectors made unit length at a time
_SEARCH_BLOCK_BYTES = 1 << 20  # vectors searched at a time: their lengths are taken while they are in the cache
# squared lengths between these are exact enough in float32 (below, squares of small entries underflowed; above,
# the sum overflowed; zeros, NaN and infinity are outside too): the rows outside are scored from their unit vectors
_PLAIN_SQUARED_LENGTHS = (1e-30, float(np.finfo(np.float32).max))


def _known_words(kv, words, method):
    """The words of ``words`` that are keys of ``kv``, the others left out as gensim leaves them out, but with a
    warning naming them (gensim logs them): an answer among fewer words is another answer."""
    known = [w for w in words if w in kv]
    unknown = [w for w in words if w not in kv]
    if known and unknown:
        warn_user(f"{method} left out {len(unknown)} word(s) not in the vocabulary, e.g. "
                  f"{ascii(str(unknown[0]))[:60]}, and answered among the other {len(known)}.", UserWarning)
        warn_form_misses([unknown], kv.key_to_index, "words", effect=f"so {method} left them out",
                         case_fix="Ask for the words in lower case ([w.lower() for w in words]).")
    return known


def _unit_rows(vectors):
    """The rows of ``vectors`` (2-D) scaled to unit length, as float32; rows of zeros stay zero.

    Each row is first divided by its largest magnitude, so that the squares of its entries neither underflow
    (entries below ~1e-23 gave a length of 0) nor overflow (above ~1.8e19, a length of inf); in float32, a chunk
    of rows at a time (a few MB of temporaries, whatever the vocabulary).
    """
    unit = np.empty(vectors.shape, dtype=np.float32)
    for start in range(0, len(vectors), _UNIT_ROWS_CHUNK):
        block = np.asarray(vectors[start:start + _UNIT_ROWS_CHUNK], dtype=np.float32)
        top = np.abs(block).max(axis=1, keepdims=True) if block.shape[1] else np.zeros((len(block), 1), np.float32)
        block = block / np.where(top > 0, top, np.float32(1.0))
        lengths = np.sqrt(np.einsum("ij,ij->i", block, block))[:, None]
        unit[start:start + _UNIT_ROWS_CHUNK] = block / np.where(lengths > 0, lengths, np.float32(1.0))
    return unit


def _unit_vector(vector):
    """One vector, or the rows of a 2-D array (any finite float64, even beyond float32's range), scaled to unit
    length, as float32; zeros stay zero. Scaled by its largest magnitude in float64 first (cast to float32 at
    once, 1e300 became inf and the direction NaN)."""
    vector = np.asarray(vector, dtype=np.float64)
    top = np.abs(vector).max(axis=-1, keepdims=True) if vector.size else np.zeros(vector.shape[:-1] + (1,))
    return _unit_rows(np.atleast_2d(vector / np.where(top > 0, top, 1.0))).reshape(vector.shape)


class KeyedVectorQueries:
    """gensim's queries of word vectors: neighbours of a word or a vector, distances, ranks, 3CosMul analogies,
    weighted means."""

    def _cosines_to(self, queries, restrict_vocab=None):
        """Cosine similarity of each of the first ``restrict_vocab`` vectors (None: all) to each unit query: shape
        (n,) for one query of shape (vector_size,), (n, k) for k queries of shape (vector_size, k).

        From the current vectors, without a normalised copy of them: a block of rows at a time, its products with
        the queries and its squared lengths (float32) are computed while it is in the cache, and the products
        divided by the lengths. Rows whose squared length is outside ``_PLAIN_SQUARED_LENGTHS`` (zeros, tiny or
        huge entries, NaN or infinity put there by an edit) are scored from ``_unit_rows_of``, which refuses NaN
        and infinity, naming the row.
        """
        vectors = self.vectors[:restrict_vocab]
        scores = np.empty((len(vectors),) + queries.shape[1:], dtype=np.float32)
        squares = np.empty(len(vectors), dtype=np.float32)
        step = max(1, _SEARCH_BLOCK_BYTES // (4 * vectors.shape[1]))
        with np.errstate(all="ignore"):  # (the rows outside the plain lengths are scored again below)
            for start in range(0, len(vectors), step):
                block = vectors[start:start + step]
                np.matmul(block, queries, out=scores[start:start + step])
                np.einsum("ij,ij->i", block, block, out=squares[start:start + step])
        plain = (squares >= _PLAIN_SQUARED_LENGTHS[0]) & (squares <= _PLAIN_SQUARED_LENGTHS[1])
        lengths = np.sqrt(np.where(plain, squares, np.float32(1.0)))
        scores /= lengths.reshape((-1,) + (1,) * (scores.ndim - 1))
        others = np.flatnonzero(~plain)
        for start in range(0, len(others), step):
            rows = others[start:start + step]
            scores[rows] = self._unit_rows_of(rows) @ queries
        return scores

    def _top_matches(self, sims, topn, used):
        """(word, similarity) of the ``topn`` best rows of ``sims``, best first, leaving out the rows in ``used``
        (the query's words)."""
        if topn < 1:
            return []
        k = min(len(sims), topn + len(used))
        best = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.index_to_key[i], float(sims[i])) for i in best if i not in used][:topn]

    def _analogy_answer(self, sims, rows, question, case_insensitive):
        """As gensim: the best of the 5 nearest words outside the question's ``rows`` that is no other spelling of
        a question word ('King' for 'king'); None when the search holds no such word (no prediction: a question
        word is never one)."""
        k = min(len(sims), 5 + len(rows))
        nearest = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        nearest = [i for i in nearest[np.argsort(-sims[nearest], kind="stable")] if i not in rows][:5]
        for i in nearest:
            word = self.index_to_key[int(i)].upper() if case_insensitive else self.index_to_key[int(i)]
            if word not in question:
                return word
        return None

    def _word_rows(self, words, name):
        """The rows of a non-empty list of words (a str is one word); a KeyError naming a word not in the
        vocabulary."""
        if words is None:  # (a missing value, not an empty list)
            raise TypeError(f"{name} is None; pass a list of words (str).")
        words = _as_list(words, name, vectors=False)
        if not words:
            raise ValueError(f"{name} is empty; pass at least one word.")
        return [self.get_index(_check_word(w, f"{name}[{i}]")) for i, w in enumerate(words)]

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """The ``topn`` words closest (cosine) to ``word``, as ``most_similar(positive=[word])``.

        Parameters
        ----------
        word : str
        topn : int or None, default=10
            How many words to return; None returns the similarity to every word.
        restrict_vocab : int or None
            Only search the ``restrict_vocab`` most frequent words.

        Returns
        -------
        list of (word, similarity), most similar first (``word`` left out)

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]), ["cat", "dog", "car"])
        >>> [(w, round(s, 2)) for w, s in kv.similar_by_word("cat")]
        [('dog', 0.8), ('car', 0.0)]
        """
        word = _check_word(word, "word", "similar_by_vector")
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """gensim 4's name of :meth:`similar_by_word`: the ``topn`` keys closest (cosine) to ``key``."""
        return self.similar_by_word(key, topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """The ``topn`` words closest (cosine) to ``vector``, as ``most_similar(positive=[vector])``.

        Parameters
        ----------
        vector : array-like of shape (vector_size,)
        topn : int or None, default=10
            How many words to return; None returns the similarity to every word.
        restrict_vocab : int or None
            Only search the ``restrict_vocab`` most frequent words.

        Returns
        -------
        list of (word, similarity), most similar first (no word is left out: a word's own vector finds it)

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]), ["cat", "dog", "car"])
        >>> kv.similar_by_vector([0.0, 2.0], topn=1)
        [('car', 1.0)]
        """
        if isinstance(vector, str):
            raise TypeError(f"vector is the word {vector!r:.60}; call similar_by_word for the words near a word.")
        vector = self._check_query_vector(vector, "vector")
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean vectors of two lists of words (as gensim: the mean of the vectors as they
        are, not of their unit lengths).

        Parameters
        ----------
        ws1, ws2 : list of str (a str is one word), each non-empty

        Returns
        -------
        float (0.0 where a mean is all zeros: it has no direction)

        Raises
        ------
        KeyError naming a word not in the vocabulary (gensim 4 leaves it out in silence).

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), ["cat", "car", "pet"])
        >>> round(kv.n_similarity(["cat", "car"], ["pet"]), 4)
        1.0
        """
        rows = [self._word_rows(ws, name) for ws, name in ((ws1, "ws1"), (ws2, "ws2"))]
        self._check_finite_rows(rows[0] + rows[1])
        means = [self.vectors[r].mean(axis=0, dtype=np.float64) for r in rows]
        return float(_unit_vector(means[0]) @ _unit_vector(means[1]))

    def distance(self, w1, w2):
        """Cosine distance of two words, ``1 - similarity(w1, w2)``.

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.0, 1.0]]), ["cat", "car"])
        >>> kv.distance("cat", "car")
        1.0
        """
        return 1.0 - self.similarity(w1, w2)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a word or a vector to each of ``other_words``, or to every word.

        Parameters
        ----------
        word_or_vector : str or array-like of shape (vector_size,)
        other_words : list of str, default=()
            The words to measure; empty (or None): every word of the vocabulary, in its order (the word itself
            included, at distance 0).

        Returns
        -------
        ndarray of float32, one distance (``1 - cosine similarity``, in [0, 2]) per word; a vector of zeros is at
        distance 1 from everything (similarity 0, as :meth:`similarity` says; gensim gives NaN)

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]), ["cat", "car", "rock"])
        >>> kv.distances("cat").tolist()
        [0.0, 1.0, 2.0]
        >>> kv.distances([0.0, 3.0], ["cat", "car"]).tolist()
        [1.0, 0.0]
        """
        if isinstance(word_or_vector, str):
            query = self._unit_rows_of([self.get_index(word_or_vector)])[0]
        else:
            query = _unit_vector(self._check_query_vector(word_or_vector, "word_or_vector"))
        if _as_list(other_words, "other_words", vectors=False):
            sims = self._unit_rows_of(self._word_rows(other_words, "other_words")) @ query
        else:
            sims = self._cosines_to(query)
        return (np.float32(1.0) - sims).astype(np.float32)

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarity of ``vector_1`` to each row of ``vectors_all`` (gensim's static method).

        Parameters
        ----------
        vector_1 : array-like of shape (n,)
        vectors_all : array-like of shape (n_vectors, n)

        Returns
        -------
        ndarray of shape (n_vectors,), float32 (0.0 where a vector is all zeros: it has no direction; gensim
        gives NaN)

        Examples
        --------
        >>> from sknn import KeyedVectors
        >>> KeyedVectors.cosine_similarities([1.0, 0.0], [[2.0, 0.0], [0.0, 3.0], [-1.0, 0.0]]).tolist()
        [1.0, 0.0, -1.0]
        """
        arrays = []
        for value, name, ndim in ((vector_1, "vector_1", 1), (vectors_all, "vectors_all", 2)):
            try:
                if np.asarray(value).dtype.kind not in "biuf":  # (words, None: no numbers)
                    raise TypeError
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"{name} is {value!r:.60}; pass an array of numbers.") from None
            if array.ndim != ndim or array.shape[-1] == 0 or not np.isfinite(array).all():
                raise ValueError(f"{name} must be a {ndim}-D array of finite numbers with at least one column, got "
                                 f"shape {array.shape}{'' if np.isfinite(array).all() else ' holding NaN or inf'}.")
            arrays.append(array)
        check_width(arrays[1].shape[1], len(arrays[0]), "vectors_all", "the length of vector_1", unit="columns")
        return _unit_vector(arrays[1]) @ _unit_vector(arrays[0])

    def closer_than(self, key1, key2):
        """The words closer (cosine) to ``key1`` than ``key2`` is, in the vocabulary's order (``key1`` left out).

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]]),
        ...                   ["cat", "dog", "car", "rock"])
        >>> kv.closer_than("cat", "car")
        ['dog']
        """
        first, second = self.get_index(key1), self.get_index(key2)
        sims = self._cosines_to(self._word_direction(key1))  # (from a word of zeros every word is as close)
        return [self.index_to_key[i] for i in np.flatnonzero(sims > sims[second]) if i != first]

    def rank(self, key1, key2):
        """Rank of ``key2`` among the neighbours of ``key1``: 1 + how many words are closer to ``key1``.

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]]),
        ...                   ["cat", "dog", "car", "rock"])
        >>> kv.rank("cat", "dog"), kv.rank("cat", "rock")
        (1, 3)
        """
        return len(self.closer_than(key1, key2)) + 1

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """The ``topn`` words best by 3CosMul (Levy and Goldberg, 2014): the product of the similarities to
        ``positive`` over the product of those to ``negative``.

        As gensim's: the similarity of a row to a word is its cosine, to a vector ``v`` its cosine times the
        length of ``v`` (``row @ v / |row|``: a vector is taken as it is, not scaled to unit length); each
        is shifted (``(1 + s) / 2``, in [0, 1] for words), and the score is
        ``prod(positive) / (prod(negative) + 1e-6)``. The query words are left out of the answer; a list of
        numbers is one vector; (word, weight) pairs are refused (gensim's fails on them too).

        Parameters
        ----------
        positive : str, vector or list of them (at least one)
        negative : str, vector or list of them
        topn : int or None, default=10
            How many words to return (none if it is below 1); None returns the score of every word.
        restrict_vocab : int or None
            Only search the ``restrict_vocab`` most frequent words (gensim 4 ignores it, searching all).

        Returns
        -------
        list of (word, score), best first

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[1.0, 0.1], [0.1, 1.0], [1.0, 0.9], [0.0, -1.0]]),
        ...                   ["man", "woman", "king", "queen"])
        >>> kv.most_similar_cosmul(positive=["woman", "king"], negative=["man"], topn=1)[0][0]
        'queen'
        """
        _check_topn(topn, "most_similar_cosmul")
        positives, negatives, used = self._query_terms(positive, negative, "most_similar_cosmul")
        if not positives:
            raise ValueError("most_similar_cosmul needs at least one word or vector in positive.")
        # one search for all the query's words and vectors: the cosine of each row to each, times its length
        terms = [vector for vector, _ in positives + negatives]
        tops = np.array([np.abs(vector).max() for vector in terms])
        lengths = tops * np.array([np.linalg.norm(vector / top) for vector, top in zip(terms, tops)])
        cosines = self._cosines_to(np.stack([_unit_vector(v) for v in terms], axis=1),
                                   _check_restrict_vocab(restrict_vocab))
        with np.errstate(all="ignore"):  # (refused below, naming it)
            shifted = (1 + cosines * lengths.astype(np.float32)) / 2
            scores = np.prod(shifted[:, :len(positives)], axis=1)
            if negatives:
                scores = scores / (np.prod(shifted[:, len(positives):], axis=1) + np.float32(1e-6))
        if not np.isfinite(scores).all():
            raise ValueError(f"The query vectors' lengths (up to {lengths.max():.3g}) make the 3CosMul scores "
                             "overflow: as in gensim, a vector's length multiplies its similarities; scale the "
                             "vectors (to length 1 for their cosines).")
        return scores if topn is None else self._top_matches(scores, topn, used)

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False, ignore_missing=True):
        """The weighted mean of the vectors of ``keys``: ``sum(weight * vector) / sum(|weight|)``, as gensim's.

        Parameters
        ----------
        keys : str, vector or list of them
            Words, and vectors taken as they are (not scaled, even with ``pre_normalize``).
        weights : array-like of shape (len(keys),), default=None
            One weight per key (None: 1 each).
        pre_normalize : bool, default=True
            Scale each word's vector to unit length before averaging.
        post_normalize : bool, default=False
            Scale the mean to unit length.
        ignore_missing : bool, default=True
            Leave out the words not in the vocabulary; False raises a KeyError naming the first.

        Returns
        -------
        ndarray of shape (vector_size,), float32

        Raises
        ------
        ValueError when ``keys`` is empty, ``weights`` is not one finite number per key, or none of the words
        is in the vocabulary (gensim returns zeros then).

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import KeyedVectors
        >>> kv = KeyedVectors(np.array([[2.0, 0.0], [0.0, 4.0]]), ["cat", "car"])
        >>> kv.get_mean_vector(["cat", "car"]).tolist()
        [0.5, 0.5]
        >>> kv.get_mean_vector(["cat", "car"], weights=[3, 1], pre_normalize=False).tolist()
        [1.5, 1.0]
        """
        is_rows = isinstance(keys, np.ndarray) and keys.ndim == 2 and keys.dtype.kind in "iuf"
        keys = list(keys) if is_rows else _as_list(keys, "keys")  # a 2-D array: one vector per row, as gensim
        if not keys:
            raise ValueError("get_mean_vector needs at least one key (a word or a vector).")
        weights = self._check_weights(weights, len(keys))
        total, found, mean = 0.0, 0, np.zeros(self.vector_size, dtype=np.float64)
        for i, (key, weight) in enumerate(zip(keys, weights)):
            if isinstance(key, str):
                if key not in self.key_to_index and ignore_missing:
                    continue
                self._check_finite_rows([self.get_index(key)])
                vector = self.get_vector(key, norm=pre_normalize)
            else:
                vector = self._check_query_vector(key, f"keys[{i}]")
            mean += weight * vector
            total, found = total + abs(weight), found + 1
        if not found:
            raise ValueError(f"None of the keys {keys!r:.80} is in the vocabulary: they have no mean.")
        mean = mean / total if total > 0 else mean
        if post_normalize:
            return _unit_vector(mean)
        with np.errstate(over="ignore"):  # (refused below, naming it)
            out = mean.astype(np.float32)
        if not np.isfinite(out).all() or (mean.any() and not out.any()):
            raise ValueError(f"The mean of keys {keys!r:.60} is beyond float32's range (largest magnitude "
                             f"{np.abs(mean).max():.3g}): pass post_normalize=True for its direction, or rescale the "
                             "vectors given as keys.")
        return out

    @staticmethod
    def _check_weights(weights, n_keys):
        """One finite float64 weight per key (1 each for None)."""
        if weights is None:
            return np.ones(n_keys)
        given = weights
        try:
            if np.asarray(weights).dtype.kind not in "biuf":  # ('1', '2': text, not numbers)
                raise TypeError
            weights = np.asarray(weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"weights is {given!r:.60}; pass one number per key.") from None
        if weights.shape != (n_keys,) or not np.isfinite(weights).all():
            raise ValueError(f"weights must hold one finite number per key ({n_keys}), got {weights!r:.80}.")
        top = np.abs(weights).max(initial=0.0)  # the mean is the same for weights x c: divided by the largest, their
        return weights / top if top > 0 else weights  # sum neither overflows (1e308 each) nor underflows (5e-324)
