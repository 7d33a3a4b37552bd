"""KeyedVectors: word vectors to query, evaluate and save, apart from any training.

The small object gensim hands out as ``model.wv``: a table of vectors with their words,
``most_similar``, ``similarity``, ``doesnt_match`` (and gensim's other queries, ``distances``,
``rank``, ``most_similar_cosmul``, ... from :mod:`sknn._kv_queries`), the standard evaluations (word
analogies, word-pair similarity) and the word2vec file formats, text and binary, which
gensim and the original word2vec tool read and write.
"""

import math
import os
from numbers import Integral, Number, Real

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError

from . import _kv_eval_files, _w2v_files
from ._input_files import file_path
from ._kv_queries import (KeyedVectorQueries, _as_list, _check_restrict_vocab, _check_topn, _check_word,
                          _key_hint, _known_words, _no_vector_hint, _unit_rows, _weighted_direction,
                          _weighted_item)
from ._text_checks import warn_form_misses
from ._w2v_files import beyond_float32_error
from ._validation import check_flag, check_width
from ._warnings import warn_user

__all__ = ["KeyedVectors"]


def _first_duplicate(keys):
    """(key, first row, second row) of the first key given twice, or None."""
    seen = {}
    for i, key in enumerate(keys):
        if key in seen:
            return key, seen[key], i
        seen[key] = i
    return None


def _text_keys(index_to_key):
    """The keys as str: text as it is, a number as its text ('1'); bytes, missing values (None, NaN) and other
    objects are refused, naming their position (str() made b'cat' the key "b'cat'", and NaN 'nan')."""
    keys = []
    for i, key in enumerate(index_to_key):
        if isinstance(key, str):
            keys.append(str(key))  # (np.str_ as str)
        elif isinstance(key, (bytes, bytearray)):
            raise TypeError(f"index_to_key[{i}] is bytes ({key!r:.40}); keys are text: decode them first "
                            "([k.decode('utf-8') for k in keys]).")
        elif key is None or type(key).__name__ in ("NAType", "NaTType") or (isinstance(key, Real) and key != key):
            raise ValueError(f"index_to_key[{i}] is {key!r}, a missing value, not a word (pandas reads the words "
                             "'null', 'NA' and 'nan' as missing: read the file with keep_default_na=False, "
                             "na_filter=False).")
        elif isinstance(key, Number) and not isinstance(key, (bool, np.bool_, complex, np.complexfloating)):
            keys.append(str(key))  # a number's text: queries then ask for '1', not 1
        else:
            raise TypeError(f"index_to_key[{i}] is {key!r:.40} (of type {type(key).__name__}); keys are words (str), "
                            "or numbers taken as their text.")
    return keys


def _checked_vectors(vectors, keys):
    """``vectors`` as a C-contiguous float32 array of one finite row per key: a float32, C-contiguous array is
    shared, not copied (edits to it show in the answers); any other (float64, a column slice) is copied."""
    try:
        given = np.asarray(vectors)
        with np.errstate(over="ignore"):
            vectors = given.astype(np.float32, copy=False)
    except (TypeError, ValueError):
        raise TypeError("vectors must be a 2-D array of numbers, one row per key.") from None
    if vectors.ndim != 2 or len(vectors) != len(keys):
        raise ValueError(f"vectors must be a 2-D array with one row per key: got shape {vectors.shape} for "
                         f"{len(keys)} keys.")
    if vectors.shape[1] == 0:
        raise ValueError("vectors has 0 columns: a key's vector needs at least one number (vector_size >= 1).")
    finite = np.isfinite(vectors).all(axis=1) if vectors.size else np.ones(len(vectors), dtype=bool)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        if given.dtype.kind in "iuf" and np.isfinite(given[row]).all():  # finite, but not in float32
            raise beyond_float32_error(f"The vector of {keys[row]!r} (row {row})", np.abs(given[row]).max())
        raise ValueError(f"The vector of {keys[row]!r} (row {row}) holds NaN or infinity; word vectors must be "
                         "finite.")
    return np.ascontiguousarray(vectors)


class KeyedVectors(KeyedVectorQueries):
    """Word vectors, one row per word, most frequent words first.

    Parameters
    ----------
    vectors : array-like of shape (n_words, vector_size)
    index_to_key : sequence of str, the word of each row (a number is taken as its text)
    counts : array-like of shape (n_words,), default=None
        Occurrences of each word in the training corpus, if known.

    Attributes
    ----------
    vectors : ndarray of shape (n_words, vector_size), float32
        A float32, C-contiguous array given is shared, not copied (edits to it show in the answers); any
        other (float64, a slice of columns) is copied. The vectors may be edited in place
        (``kv.vectors -= kv.vectors.mean(axis=0)``) or replaced (``kv.vectors = new``, one row per key):
        every answer follows, for nothing is kept from them (a search computes the rows' lengths with
        their products, from the current vectors, in the same pass).
    index_to_key : list of str
        Keys are text: numbers given as keys become their text (1 is '1'); bytes and missing values
        (None, NaN) are refused.
    key_to_index : dict of str -> int
    vector_size : int

    Examples
    --------
    >>> import numpy as np
    >>> from sknn import KeyedVectors
    >>> kv = KeyedVectors(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), ["cat", "dog", "car"])
    >>> kv.most_similar("cat", topn=1)[0][0]
    'dog'
    >>> "car" in kv, kv["car"].tolist()
    (True, [0.0, 1.0])
    """

    def __init__(self, vectors, index_to_key, counts=None):
        if isinstance(index_to_key, (set, frozenset, dict)) or (hasattr(index_to_key, "keys") and
                                                               not hasattr(index_to_key, "iloc")):
            raise TypeError(f"index_to_key must be a list of keys in the order of the rows of vectors; got a "
                            f"{type(index_to_key).__name__}, whose order says nothing of the rows: pass a list (for a "
                            "dict of key -> row: sorted(d, key=d.get)).")
        if isinstance(index_to_key, (str, bytes)) or not hasattr(index_to_key, "__len__"):
            raise TypeError(f"index_to_key must be a list of keys (words), one per row of vectors; got "
                            f"{index_to_key!r:.40}.")
        keys = _text_keys(index_to_key)
        vectors = _checked_vectors(vectors, keys)
        counts = None if counts is None else _w2v_files.checked_counts(counts, len(vectors))
        duplicate = _first_duplicate(keys)
        if duplicate:
            raise ValueError(f"index_to_key holds {duplicate[0]!r} twice (rows {duplicate[1]} and {duplicate[2]}): "
                             "each key has one vector; drop or rename the repeated keys.")
        self._vectors = vectors
        self.index_to_key = keys
        self.key_to_index = {key: i for i, key in enumerate(keys)}
        self.counts = counts

    # -- lookup -----------------------------------------------------------------------
    @property
    def vectors(self):
        return self._vectors

    @vectors.setter
    def vectors(self, vectors):  # checked as the constructor's
        self._vectors = _checked_vectors(vectors, self.index_to_key)

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return self.has_index_for(key)

    def has_index_for(self, key):
        """Whether ``key`` is in the vocabulary (gensim 4's name for ``key in kv``; a number is no row number here:
        keys are text). Several words at once (a list) are refused, naming the test of each."""
        if isinstance(key, (list, tuple, set, np.ndarray)):
            raise TypeError(f"A key is one word (a str), not a {type(key).__name__} ({key!r:.40}); test each word: "
                            "all(w in kv for w in words), or [w for w in words if w in kv].")
        return key in self.key_to_index

    def __iter__(self):
        return iter(self.index_to_key)

    def __repr__(self):
        return f"KeyedVectors<{len(self)} keys, vector_size={self.vector_size}>"

    def get_index(self, key, default=None):
        """Row of ``key``; when it is not in the vocabulary ``default`` if one is given (gensim's -1, say), else a
        KeyError naming it."""
        try:
            return self.key_to_index[key]
        except (KeyError, TypeError) as exc:
            if default is not None and isinstance(exc, KeyError):
                return default
            raise KeyError(f"Key {key!r} not present in the vocabulary ({len(self)} words)."
                           + _key_hint(key, self.key_to_index)) from None

    def get_vector(self, key, norm=False):
        """The vector of ``key`` (a copy), scaled to unit length if ``norm``."""
        index = self.get_index(key)
        return self._unit_rows_of([index])[0] if norm else self.vectors[index].copy()

    def __getitem__(self, keys):
        if isinstance(keys, (str, Number)) or keys is None:  # one key (None, 1: keys not present, named so)
            return self.get_vector(keys)
        rows = [self.get_index(k) for k in _as_list(keys, "keys", vectors=False)]
        return self.vectors[rows].copy()

    def _unit_rows_of(self, rows):
        """The current vectors of ``rows`` (a few words' rows, or a search's block) scaled to unit length, as float32
        (zeros stay zero), computed in float64, where the squares of float32 values neither overflow nor underflow;
        a row made NaN or infinite by an edit is refused, naming it."""
        block = self._vectors[rows].astype(np.float64)
        lengths = np.sqrt(np.square(block).sum(axis=1, keepdims=True))
        if not np.isfinite(lengths).all():
            self._refuse_edited_row(int(np.asarray(rows)[np.flatnonzero(~np.isfinite(lengths[:, 0]))[0]]))
        block /= np.where(lengths > 0, lengths, 1.0)
        return block.astype(np.float32)

    def _word_direction(self, word):
        """The unit vector (float32) of ``word``, refused when it is all zeros: it has no direction to compare."""
        vector = self._unit_rows_of([self.get_index(word)])[0]
        if not vector.any():
            raise ValueError(f"The vector of {word!r} is all zeros: it has no direction to compare (a word that never "
                             "trained? a padding row?); query other words.")
        return vector

    def _unit_table(self, restrict_vocab=None):
        """The first ``restrict_vocab`` vectors (None: all) scaled to unit length, computed now: for the
        evaluations, which search once per question (a table as large as the vectors, for that call only)."""
        self._check_finite_rows(slice(None, restrict_vocab))
        return _unit_rows(self._vectors[:restrict_vocab])

    def _check_finite_rows(self, rows=slice(None)):
        """Refuse ``rows`` (default: all) where an edit of ``vectors`` left NaN or infinity, naming the first."""
        finite = np.isfinite(self._vectors[rows]).all(axis=1)
        if not finite.all():
            self._refuse_edited_row(int(np.arange(len(self._vectors))[rows][np.flatnonzero(~finite)[0]]))

    def _refuse_edited_row(self, row):
        """The ValueError naming ``row``, which an edit of ``vectors`` made NaN or infinite (the constructor and the
        setter refuse such vectors; an edit in place is met by the queries that read the row)."""
        raise ValueError(f"The vector of {self.index_to_key[row]!r} (row {row}) holds NaN or infinity, put there by an "
                         "edit of kv.vectors; word vectors must be finite: correct that row.")

    def fill_norms(self, force=False):
        """Does nothing: kept for code written for gensim, which calls it before searching.

        Nothing is kept here that an edit of ``vectors`` could leave stale: each search computes the rows'
        lengths in the same pass as their products with the query, from the current vectors (about twice the
        time of the product alone, and no normalised copy of the table in memory). ``force`` is ignored.
        """

    def get_normed_vectors(self):
        """All vectors scaled to unit length (zero vectors stay zero), computed from the current ``vectors`` on
        each call: a new array as large as ``vectors``, which is not kept (searches do not need it)."""
        return self._unit_table()

    def __setstate__(self, state):
        if "vectors" in state:  # (pickled before vectors was a property)
            state["_vectors"] = state.pop("vectors")
        for cached in ("_normed", "_normed_fingerprint"):  # (pickled while unit vectors were kept)
            state.pop(cached, None)
        self.__dict__.update(state)

    # -- similarity ---------------------------------------------------------------------
    def _query_terms(self, positive, negative, method="most_similar"):
        """(positive terms, negative terms, rows of the query's words), a term a (vector, weight): each word's unit
        vector, each vector as given (float64: its length weighs it, as in gensim); the weight of a (word or
        vector, weight) pair as given (``method`` other than most_similar refuses pairs), else +1 (positive) or
        -1 (negative). A word or vector of zeros, which has no direction, is refused."""
        terms, used = ([], []), set()
        for side, (items, name) in enumerate(((positive, "positive"), (negative, "negative"))):
            items = _as_list(items, name)
            for i, item in enumerate(items):
                w, weight = _weighted_item(item, f"{name}[{i}]", -1.0 if side else 1.0, method)
                if isinstance(w, str):
                    vector = self._word_direction(w).astype(np.float64)
                    used.add(self.get_index(w))
                else:
                    previous = items[i - 1] if i and method == "most_similar" else None  # (for a bare pair)
                    vector = self._check_query_vector(w, f"{name}[{i}]", previous)
                    if not vector.any():
                        raise ValueError(f"The query vector {name}[{i}] is all zeros: it has no direction, and "
                                         "every word would be as similar as any other; pass a vector with a "
                                         "non-zero value, or a word.")
                terms[side].append((vector, weight))
        return terms[0], terms[1], used

    def _mean_direction(self, positive, negative):
        """(unit direction of the weighted sum of the query's terms, rows of its words), as gensim's mean."""
        positives, negatives, used = self._query_terms(positive, negative)
        if not positives + negatives:
            raise ValueError("most_similar needs at least one word in positive or negative.")
        direction = _weighted_direction(positives + negatives)
        if direction is None:
            plain = all(w == 1 for _, w in positives) and all(w == -1 for _, w in negatives)  # no weights given
            cause = ("positive and negative cancel out (the same words on both sides?)" if plain and negatives else
                     "the positive words and vectors cancel out (they point in opposite directions)" if plain else
                     "the weighted terms cancel out (the weights times the words' unit vectors and the vectors sum "
                     "to zero)")
            cause = cause if any(weight for _, weight in positives + negatives) else "every weight is 0"
            raise ValueError(f"{cause}: the query has no direction, and every word would be as similar as any "
                             "other.")
        return direction, used

    def _check_query_vector(self, vector, name, previous=None):
        """A query vector as float64 (any finite float, even beyond float32's range, has a direction), refused
        unless it is finite and of ``vector_size`` values (a number after the word or vector ``previous``: a
        (word, weight) pair given bare?)."""
        try:
            vec = np.asarray(vector, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} is {vector!r:.60} (of type {type(vector).__name__}); pass a word (str) or a "
                            f"vector of {self.vector_size} numbers.") from None
        if vec.ndim == 0 and not isinstance(vector, np.ndarray):  # None, a number: no vector, no word
            missing = _no_vector_hint(vector, name, previous)
            raise TypeError(f"{name} is {vector!r:.60} (of type {type(vector).__name__}); pass a word (str) or a "
                            f"vector of {self.vector_size} numbers{missing}.")
        if vec.ndim != 1:
            raise ValueError(f"{name} is an array of shape {vec.shape}; pass a word (str) or one vector of "
                             f"{self.vector_size} numbers.")
        check_width(len(vec), self.vector_size, name, "the vectors' size (vector_size)", unit="values")
        if not np.isfinite(vec).all():
            raise ValueError(f"{name} holds NaN or infinity; a query vector must be finite.")
        return vec

    def most_similar(self, positive=None, negative=None, topn=10, *, restrict_vocab=None, indexer=None):
        """The ``topn`` words closest (cosine) to the weighted mean of ``positive`` and ``negative``.

        As gensim's: words are scaled to unit length, vectors taken as they are (a vector's length
        weighs it: ``[v, 'cat']`` leans towards ``v`` when it is longer than 1), each weighted +1
        (positive) or -1 (negative), or as given in a ``(word or vector, weight)`` pair (on either
        side: ``negative=[('man', 0.5)]`` weighs 'man' +0.5, as in gensim); the query words are left out
        of the answer. A list of numbers is one vector.

        Parameters
        ----------
        positive, negative : str, vector, (str or vector, float) or list of them
        topn : int or None
            How many words to return (none if it is below 1, as in gensim); None returns the
            similarity to every word.
        restrict_vocab : int or None, keyword-only
            Only search the ``restrict_vocab`` most frequent words. (gensim's 4th parameter is
            clip_start, which sknn does not have: the parameters after ``topn`` are keyword-only.)
        indexer : None, keyword-only
            Accepted for code written for gensim; the search is exact, and any other indexer is refused.

        Returns
        -------
        list of (word, similarity), most similar first
        """
        _check_topn(topn, "most_similar")
        if indexer is not None:
            raise InvalidParameterError(f"indexer must be None: most_similar searches every vector exactly and uses "
                                        f"no approximate index; got {indexer!r:.60}. Leave indexer out.")
        direction, used = self._mean_direction(positive, negative)
        sims = self._cosines_to(direction, _check_restrict_vocab(restrict_vocab))
        return sims if topn is None else self._top_matches(sims, topn, used)

    def similarity(self, w1, w2):
        """Cosine similarity of two words (0.0 when one is all zeros: it has no direction), from their current
        vectors, in float64 (where the squares of float32 values neither overflow nor underflow)."""
        rows = (self.get_index(w1), self.get_index(w2))
        first, second = (self._vectors[row].astype(np.float64) for row in rows)
        squares = (float(first @ first), float(second @ second))
        for row, square in zip(rows, squares):
            if not math.isfinite(square):
                self._refuse_edited_row(row)
        return float(first @ second) / math.sqrt(squares[0] * squares[1]) if squares[0] and squares[1] else 0.0

    def doesnt_match(self, words):
        """The word furthest from the mean of ``words`` (unknown words are left out, as in gensim, with a warning)."""
        if isinstance(words, str):
            raise TypeError(f"doesnt_match needs a list of words, got the string {words!r:.60}: pass "
                            f"{words.split()!r:.60} (its words), not its characters.")
        words = [_check_word(w, f"words[{i}]") for i, w in enumerate(_as_list(words, "words", vectors=False))]
        known = _known_words(self, words, "doesnt_match")
        if not known:
            raise ValueError(f"None of the words {list(words)!r} is in the vocabulary.")
        normed = np.array([self._word_direction(w) for w in known])  # (a word of zeros matches nothing and all)
        mean = normed.mean(axis=0)
        mean /= max(np.linalg.norm(mean), 1e-12)
        return known[int(np.argmin(normed @ mean))]

    # -- evaluation -------------------------------------------------------------------
    def _ok_vocab(self, restrict_vocab, case_insensitive):
        keys = self.index_to_key[:_check_restrict_vocab(restrict_vocab)]
        if check_flag(case_insensitive, "case_insensitive"):  # the most frequent spelling wins, as in gensim
            return {k.upper(): i for i, k in reversed(list(enumerate(keys)))}
        return {k: i for i, k in enumerate(keys)}

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Accuracy on analogies "a is to b as c is to d" (the questions-words.txt format).

        Lines ``: section`` start a section; other lines hold four words (a line of other than
        four words is skipped, as in gensim, with one warning counting them and naming the first).
        As gensim's: the answer is the best of ``most_similar(positive=[b, c], negative=[a])``
        among the ``restrict_vocab`` most frequent words, leaving out a, b and c (with
        ``case_insensitive``, any spelling of them, among the 5 nearest); a question
        whose search holds no other word has no answer and is wrong; questions with
        a word outside those are skipped (counted wrong if ``dummy4unknown``), with a warning when
        all are (the score, 0.0 as gensim's, then says nothing) and one naming the words unknown only
        because of their Unicode normal form. ``similarity_function`` must be 'most_similar' (3CosAdd).

        Returns
        -------
        score : float, correct / (correct + incorrect) over all sections
        sections : list of dict with keys 'section', 'correct', 'incorrect' (lists of
            quadruplets); the last is 'Total accuracy'.
        """
        if similarity_function != "most_similar":
            raise InvalidParameterError(f"similarity_function must be 'most_similar' (3CosAdd, the only one gensim "
                                        f"implements too), got {similarity_function!r:.60}; for 3CosMul, call "
                                        "most_similar_cosmul on each question.")
        check_flag(dummy4unknown, "dummy4unknown"), check_flag(case_insensitive, "case_insensitive")
        questions, skipped = _kv_eval_files.read_analogies(analogies)
        skipped.warn()
        ok = self._ok_vocab(restrict_vocab, case_insensitive)
        normed = self._unit_table(restrict_vocab)  # once for all the questions
        sections, unknown = [], []
        for name, lines in questions:
            section = {"section": name, "correct": [], "incorrect": []}
            sections.append(section)
            for words in lines:
                if case_insensitive:
                    words = [w.upper() for w in words]
                a, b, c, expected = words
                if not all(w in ok for w in words):
                    unknown.append(words)
                    if dummy4unknown:
                        section["incorrect"].append((a, b, c, expected))
                    continue
                rows = {ok[a], ok[b], ok[c]}
                direction = normed[ok[b]] + normed[ok[c]] - normed[ok[a]]
                sims = normed @ (direction / max(np.linalg.norm(direction), 1e-12))
                predicted = self._analogy_answer(sims, rows, (a, b, c), case_insensitive)
                (section["correct"] if predicted == expected else section["incorrect"]).append((a, b, c, expected))
        correct = sum(len(s["correct"]) for s in sections)
        incorrect = sum(len(s["incorrect"]) for s in sections)
        sections.append({"section": "Total accuracy", "correct": [q for s in sections for q in s["correct"]],
                         "incorrect": [q for s in sections for q in s["incorrect"]]})
        _kv_eval_files.warn_unanswered(analogies, questions, unknown, ok, restrict_vocab, len(self), dummy4unknown)
        score = correct / (correct + incorrect) if correct + incorrect else 0.0
        return score, sections

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of the model's similarities with human judgements (e.g. wordsim353.tsv).

        Lines ``word1 <delimiter> word2 <delimiter> score``, read in ``encoding``; lines starting
        with '#' are comments. As in gensim, a line of other than three fields, or whose score is
        not a number, is skipped: with one warning counting them and naming the first, but none for
        a first line whose score is not a number, a header (``Word 1,Word 2,Human (mean)``). A score
        of NaN or infinity is refused, naming its line. Pairs with a word outside the
        ``restrict_vocab`` most frequent are left out (or scored 0 if ``dummy4unknown``), as in gensim.

        Returns
        -------
        pearson : scipy's PearsonRResult (statistic, pvalue)
        spearman : scipy's SignificanceResult (statistic, pvalue)
        oov_ratio : float, percentage of pairs with an unknown word
        """
        from scipy import stats

        if not isinstance(delimiter, str) or not delimiter:
            raise ValueError(f"delimiter must be a non-empty string (such as '\\t' or ','), got {delimiter!r}.")
        check_flag(dummy4unknown, "dummy4unknown"), check_flag(case_insensitive, "case_insensitive")
        judged, skipped = _kv_eval_files.read_pairs(pairs, delimiter, encoding)
        ok = self._ok_vocab(restrict_vocab, case_insensitive)
        human, pair_rows, oov, unknown = [], [], 0, []
        for a, b, value in judged:
            if case_insensitive:
                a, b = a.upper(), b.upper()
            if a not in ok or b not in ok:
                oov += 1
                unknown.append([a, b])
                if dummy4unknown:
                    human.append(value)
                    pair_rows.append(None)  # scored 0
                continue
            human.append(value)
            pair_rows.append((ok[a], ok[b]))
        warn_form_misses(unknown, ok, f"the word-pair file {os.fspath(pairs)!r}", effect="so the pairs that hold "
                         "them were skipped", case_fix="Pass case_insensitive=True (the default), which reads "
                         "words in one case.")
        if len(human) < 2:  # (lines of another layout first, where they are most: a delimiter of another kind)
            vocabulary = (f"Fewer than 2 pairs of {pairs} have both words in the vocabulary." if judged else
                          "No pair was left to score." if skipped.count else f"{pairs} holds no pair (no line word1"
                          f"{delimiter!r}word2{delimiter!r}score): pass a word-pair file such as wordsim353.tsv.")
            raise ValueError(f"{skipped.note()} {vocabulary}" if skipped.count > len(judged) else
                             f"{vocabulary} {skipped.note()}".rstrip())
        skipped.warn()
        rows = sorted({row for pair in pair_rows if pair for row in pair})  # each word's unit vector once
        units = dict(zip(rows, self._unit_rows_of(rows))) if rows else {}
        model = [0.0 if pair is None else float(units[pair[0]] @ units[pair[1]]) for pair in pair_rows]
        return stats.pearsonr(human, model), stats.spearmanr(human, model), 100.0 * oov / max(len(judged), 1)

    # -- files ----------------------------------------------------------------------------
    def save_word2vec_format(self, fname, fvocab=None, binary=False, *, write_header=True):
        """Write the vectors in word2vec's format, as gensim and the C tool do.

        Text: a header line ``n_words vector_size``, then ``word v1 v2 ...`` per line, in the vectors' order (gensim
        writes vectors with counts by decreasing count, its ``sort_attr='count'``: the same order for a trainer's).
        Binary: the same header, then each word, a space and its float32 values.
        Both formats end a word at ASCII whitespace (a space, tab or line break), so a key
        that is empty or holds any (such as ``'New York'``) is refused before the file is
        opened: it would not read back. Other whitespace (U+00A0, U+2003) is part of a key.

        Parameters
        ----------
        fname : path
            A name ending in .gz, .bz2 or .xz writes the file compressed so (as gensim does; both read it back).
        fvocab : path, default=None
            Also write the words' ``counts`` there, a line ``word count`` each, in the vectors' order (gensim's
            fvocab, the C tool's -save-vocab; read back by ``load_word2vec_format(fname, fvocab)``). Refused,
            before any file is written, when these vectors have no counts.
        binary : bool, default=False
            The binary format (as gensim, the third parameter: ``save_word2vec_format(fname, None, True)``).
        write_header : bool, default=True, keyword-only
            False leaves the header out (GloVe's layout, text only to read back:
            ``load_word2vec_format(fname, no_header=True)``).
        """
        fvocab = _w2v_files.checked_fvocab(fvocab)  # (a bool: binary passed second, as sknn's order was)
        if check_flag(binary, "binary") & (not check_flag(write_header, "write_header")):
            raise ValueError("binary=True needs the header (write_header=True): it is where a binary file says its "
                             "vectors' size, and no reader can read the file without it.")
        self._check_finite_rows()  # before the file is opened: such a file would not read back
        if fvocab is not None and self.counts is None:
            raise ValueError("fvocab: these vectors have no counts to write (counts=None); pass counts= to "
                             "KeyedVectors (Word2VecTransformer's wv_ has them), or leave fvocab out.")
        _w2v_files.write(fname, self.index_to_key, self.vectors, binary=binary, write_header=write_header,
                         fvocab=fvocab, counts=self.counts)

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf-8", unicode_errors="strict",
                             limit=None, *, no_header=False):
        """Read vectors written in word2vec's format (by gensim, the C tool or :meth:`save_word2vec_format`).

        Parameters
        ----------
        fname : path
            A file compressed with gzip, bzip2 or xz (``GoogleNews-vectors-negative300.bin.gz``) is
            decompressed as it is read.
        fvocab : path, default=None
            A vocabulary file, a line ``word count`` each (the C tool's -save-vocab, gensim's fvocab): the
            words' ``counts``, read with ``encoding``; a word of ``fname`` it lacks is refused, naming it
            (gensim gives it no count). None: ``counts`` is None.
        binary : bool, whether the file is in the binary format
        encoding, unicode_errors : how the words are decoded (as ``bytes.decode``)
        limit : int or None, read only the first ``limit`` vectors (None: all; 0, which gensim reads as
            all, is refused)
        no_header : bool, default=False, keyword-only
            The file has no header line: its first line is the first vector, as in GloVe's
            files. The text format only; the words are counted by a first pass over the file
            (as gensim's ``no_header``).

        Raises
        ------
        FileNotFoundError
        ValueError
            Naming the file and the line or vector: no valid header (two non-negative
            counts), a header that promises more vectors than the file's size can hold
            (checked before anything is allocated), the text format read as binary or the
            reverse, a value that is not a number, NaN or infinity, a truncated file.

        Examples
        --------
        >>> import numpy as np, tempfile, os
        >>> from sknn import KeyedVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "glove.txt")
        >>> with open(path, "w") as f:
        ...     _ = f.write("the 0.1 0.2 0.3\\nof -0.2 0.5 0.1\\n")
        >>> kv = KeyedVectors.load_word2vec_format(path, no_header=True)
        >>> kv.index_to_key, kv.vector_size
        (['the', 'of'], 3)
        """
        fname, fvocab = file_path(fname, "fname", "a word2vec file"), _w2v_files.checked_fvocab(fvocab)
        if not os.path.isfile(fname):
            raise FileNotFoundError(f"No word2vec file at {fname!r}.")
        if fvocab is not None and not os.path.isfile(fvocab):
            raise FileNotFoundError(f"No vocabulary file (fvocab) at {fvocab!r}.")
        if limit is not None and (not isinstance(limit, Integral) or isinstance(limit, bool) or limit < 1):
            raise InvalidParameterError(f"limit must be None (every vector) or a positive int (how many vectors to "
                                        f"read), got {limit!r}" + (" (gensim reads 0 as no limit: pass None)."
                                                                   if limit == 0 else "."))
        check_flag(no_header, "no_header"), check_flag(binary, "binary")
        counted = None if fvocab is None else _w2v_files.read_counts(fvocab, encoding, unicode_errors)
        vectors, keys = _w2v_files.read(fname, binary=binary, limit=limit, encoding=encoding,
                                        unicode_errors=unicode_errors, no_header=bool(no_header))
        first = {}
        for i, key in enumerate(keys):
            first.setdefault(key, i)
        if len(first) < len(keys):  # as gensim: each word's first vector, with a warning
            duplicate = _first_duplicate(keys)
            warn_user(f"{fname!r} holds {len(keys) - len(first)} vector(s) of words already read (the first: "
                      f"{duplicate[0]!r}, vectors {duplicate[1] + 1} and {duplicate[2] + 1}); each word keeps its "
                      "first vector.", UserWarning)
            rows = sorted(first.values())
            vectors, keys = vectors[rows], [keys[i] for i in rows]
        missing = [] if counted is None else [key for key in keys if key not in counted]
        if missing:
            raise ValueError(f"The vocabulary file {fvocab!r} has no count for {missing[0]!r} (nor for "
                             f"{len(missing) - 1} other word(s) of {fname!r}): pass the vocabulary written with "
                             "these vectors, or leave fvocab out.")
        return cls(vectors, keys, counts=None if counted is None else [counted[key] for key in keys])
