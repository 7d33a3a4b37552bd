"""The input of the sequence family: checks, vocabularies, token ids and the batch source.

A sequence is a list of tokens (strings) or an array of feature vectors (length, n_features), encoded once per fit
into flat tensors; :class:`SequenceBatches` pads each batch of sequences of similar length to its longest one.
"""

from collections import Counter
from numbers import Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from ._labels import check_label_types, check_label_values, check_labels
from ._sequence_columns import (check_feature_names, check_step_array, frame_columns, frame_labels, frame_rows,
                                is_step_value, refuse_frame_of_numbers, unpadded_rows)
from ._text_checks import is_missing, token_fix, warn_form_misses
from ._validation import check_magnitude, first_non_string, is_unordered, plain_items, unmasked
from ._warnings import warn_user

__all__ = ["BOS", "EOS", "MAX_WORD_CHARS", "PAD", "UNK", "BOS_TOKEN", "EOS_TOKEN", "PAD_TOKEN", "UNK_TOKEN",
           "SequenceBatches", "build_vocabulary", "char_table", "check_label_sequences", "check_prefixes",
           "check_sequences", "check_tokens", "is_token", "spans", "steps_of_rows", "token_forms", "token_ids",
           "warn_own_symbols", "warn_own_symbols_in"]

PAD, UNK, BOS, EOS = 0, 1, 2, 3
PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN = "<pad>", "<unk>", "<s>", "</s>"
_SYMBOL_MEANING = {UNK_TOKEN: "the unknown word", BOS_TOKEN: "the start of a sentence",
                   EOS_TOKEN: "the end of a sentence"}
_PAD_SPELLINGS = {f"<{p}{a}{d}>" for p in "pP" for a in "aA" for d in "dD"}  # lowercase=True makes each '<pad>'
_NUMERIC_HINT = {True: "for numeric sequences pass arrays of shape (length, n_features)",
                 False: "this model reads words only: give a number as its string, str(3)"}
MAX_WORD_CHARS = 24  # longer tokens keep their first and last 12 characters


def is_token(t):
    return isinstance(t, (str, np.str_))


def check_tokens(seq, where, lowercase=True, numeric=True):
    """Refuse a token that is not a string (None included), is empty or white space only, or is the padding symbol
    '<pad>' (which a network reads as no token at all; with ``lowercase``, any casing of it), naming its sequence
    and position. ``numeric``: whether the model also takes numeric sequences (what the message for a number
    suggests)."""
    j = first_non_string(seq)
    if j >= 0:
        fix = token_fix(seq[j]) if not isinstance(seq[j], Real) or is_missing(seq[j]) else _NUMERIC_HINT[numeric]
        raise TypeError(f"{where}[{j}] is {seq[j]!r:.60} (of type {type(seq[j]).__name__}), not a string: every token "
                        f"must be a string ({fix}).")
    pads = _PAD_SPELLINGS if lowercase else {PAD_TOKEN}  # (not lower-cased, '<PAD>' is a word)
    if all(map(str.strip, seq)) and pads.isdisjoint(seq):  # (at C speed, the common case)
        return
    # (a token of format characters only, such as a stray right-to-left mark, is a word: a tokenizer's output)
    for j, t in enumerate(seq):
        if not t.strip():
            what = "the empty string" if t == "" else f"{t!r}, only white space"
            raise ValueError(f"{where}[{j}] is {what}: every token needs a character other than white space "
                             "(text.split() leaves out the empty strings and white space that text.split(' ') keeps "
                             "between two spaces).")
        if t in pads:
            raise ValueError(f"{where}[{j}] is {t!r}, the padding symbol, which the network reads as no "
                             "token at all: replace it in the text (e.g. with '<pad_>').")


def warn_own_symbols(counts, specials, name="X"):
    """Warn that tokens spelled as the model's own symbols ('<unk>', '<s>', '</s>') are read as those symbols;
    ``counts`` maps tokens (as the vocabulary spells them) to their counts in ``name``."""
    found = [t for t in specials if t in counts and t != PAD_TOKEN]
    if found:
        said = ", ".join(f"{t!r} ({_SYMBOL_MEANING[t]}, {counts[t]} times)" for t in found)
        warn_user(f"{name} holds tokens spelled as the model's own symbols: {said}; they are read as those symbols. "
                  "If they are words of the text, rename them.")


def warn_own_symbols_in(sequences, specials, lowercase, name="X"):
    """:func:`warn_own_symbols` for sequences read without building a vocabulary (``lowercase``: as it reads them)."""
    wanted = set(specials) - {PAD_TOKEN}
    counts = Counter(key for seq in sequences for key in (t.lower() if lowercase else t for t in seq) if key in wanted)
    warn_own_symbols(counts, specials, name)


def _as_steps(seq):
    """A sequence of numbers in another container as an array of steps: a DataFrame (one row a step; its columns
    checked by :func:`frame_columns`: all numbers or booleans) or a Series, a torch tensor, an object array of numbers
    (:func:`is_step_value`); anything else as it is (a DataFrame's list() is its column names)."""
    if isinstance(seq, pd.DataFrame):
        try:
            return seq.to_numpy(dtype=np.float64)
        except (TypeError, ValueError, OverflowError):  # (an integer beyond float64: refused below, as not numeric)
            return seq.to_numpy()
    if hasattr(seq, "to_numpy") and hasattr(seq, "dtypes" if getattr(seq, "ndim", 1) == 2 else "dtype"):
        values = seq.to_numpy()
        if values.dtype.kind not in "biuf" and getattr(seq, "ndim", 1) != 2:
            return values.tolist()
        seq = values  # (object columns of numbers: converted below)
    if isinstance(seq, torch.Tensor):
        return seq.detach().cpu().numpy()
    if isinstance(seq, np.ndarray) and seq.dtype == object and seq.size and is_step_value(seq.flat[0]):
        try:
            return seq.astype(np.float64)
        except (TypeError, ValueError, OverflowError):
            return seq
    return seq


def _check_ordered(items, where):
    """Refuse a set or a dict where a sequence is read in order (tokens of a text, labels of its tokens)."""
    if is_unordered(items):
        raise TypeError(f"{where} is a {type(items).__name__}, whose order is not the text's: pass a list (of "
                        "sequences, of tokens or of labels, in their order).")


def _kind(seq):
    """'features' for a numeric sequence (array, list of numbers or of vectors), else 'tokens'."""
    if isinstance(seq, np.ndarray):
        return "features" if seq.dtype.kind in "fiub" else "tokens"
    listed = isinstance(seq, (list, tuple)) and len(seq)
    numbers = listed and isinstance(seq[0], (Real, np.number, list, tuple, np.ndarray)) and not isinstance(seq[0], bool)
    return "features" if numbers else "tokens"


def _whole_numbers(seq):
    """Whether ``seq`` is a list (not an array) of whole numbers: word ids, as often as a series of counts."""
    return isinstance(seq, (list, tuple)) and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                                  for v in seq)


def check_sequences(X, name="X", lowercase=True, numeric=True, estimator=None, reset=True):
    """X as a list of sequences: ('tokens', list of lists of str) or ('features', list of float32 arrays).

    Raises clear errors for a string or scalar in place of a list of sequences, empty
    sequences, non-string tokens, features that are not numbers, NaN/inf and inconsistent
    feature counts. ``lowercase`` and ``numeric`` are :func:`check_tokens`'s (whether the
    model lower-cases words, and takes numeric sequences). With ``estimator``, the column
    names of DataFrame sequences are recorded in its ``feature_names_in_`` (``reset``) or
    checked against them (:func:`check_feature_names`).
    """
    if X is None:
        raise ValueError(f"{name} is None; pass a list of sequences (lists of tokens"
                         + (", or arrays of feature vectors)." if numeric else ")."))
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} is a single string; pass a list of sequences, each a list of tokens, "
                        "e.g. [['The', 'cat', 'sat'], ['Hello', 'world']].")
    if sp.issparse(X):
        raise TypeError(f"{name} is a scipy sparse matrix; pass a list of sequences, each a list of tokens"
                        + (f", or an array of shape (length, n_features): [{name}.toarray()] for one sequence of "
                           "feature vectors." if numeric else "."))
    _check_ordered(X, name)
    if isinstance(X, np.ndarray) and X.dtype.kind == "S":
        raise TypeError(f"{name} is an array of bytes (dtype {X.dtype}); tokens are text: decode it first "
                        f"({name}.astype(str)).")
    if isinstance(X, np.ndarray) and X.dtype.kind == "U" and X.ndim == 2:
        X = [[str(t) for t in row] for row in unpadded_rows(X, name, _PAD_SPELLINGS if lowercase else {PAD_TOKEN})]
    elif isinstance(X, np.ndarray) and X.dtype.kind == "U" and X.ndim == 1:
        X = X.tolist()  # texts (or one text's tokens), each named below with its fix, as in a list of strings
    elif isinstance(X, np.ndarray) and X.dtype.kind == "U":
        raise ValueError(f"{name} is a {X.ndim}-D array of text; pass a list of sequences, each a list of tokens, "
                         "e.g. [['The', 'cat', 'sat'], ['Hello', 'world']] (or a 2-D array: one sequence per row).")
    elif isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 3:
            X = list(X)
        else:
            raise ValueError(
                f"{name} is a {X.ndim}-D numeric array; pass a list of sequences: token lists, or arrays of shape "
                "(length, n_features) (a 3-D array (n_sequences, length, n_features) also works). For one series, "
                "pass [series]; for univariate series, add a feature axis: series[..., None].")
    where = name
    refuse_frame_of_numbers(X, name, numeric)
    if hasattr(X, "iloc"):  # a pandas Series of sequences, or a DataFrame of one sequence per row
        X = frame_rows(X, name, whole_sequences=True)
        where = f"{name}.iloc"  # (by position: its X[i] is the row labelled i)
    try:
        X = list(X)
    except TypeError:
        raise TypeError(f"{name} must be a list of sequences, got {type(X).__name__}.") from None
    if not X:
        raise ValueError(f"{name} is empty: at least one sequence is needed.")
    seen = {}  # the verdicts on the columns of the DataFrames met so far
    names = [frame_columns(seq, where, i, numeric, seen) for i, seq in enumerate(X)]  # (their columns checked)
    X = [_as_steps(seq) for seq in X]
    for i, seq in enumerate(X):
        check_step_array(seq, where, i, numeric)
    kind = _kind(X[0])
    out = []
    n_features = None
    for i, seq in enumerate(X):
        if is_token(seq) or isinstance(seq, bytes) or not hasattr(seq, "__len__") or sp.issparse(seq):
            raise _not_a_sequence(seq, f"{where}[{i}]", i, name, numeric)
        _check_ordered(seq, f"{where}[{i}]")
        if len(seq) == 0:
            raise ValueError(f"{where}[{i}] is an empty sequence; every sequence needs at least one token. "
                             "Leave empty sentences out.")
        if kind == "tokens":
            if _kind(seq) == "features" and isinstance(seq, np.ndarray):
                raise TypeError(f"{where}[{i}] is an array of numbers, but {where}[0] holds tokens: every sequence of "
                                f"{name} is of one kind (token lists, or arrays of shape (length, n_features)).")
            seq = seq.tolist() if isinstance(seq, np.ndarray) else list(seq)  # (an array's as str, not np.str_)
            check_tokens(seq, f"{where}[{i}]", lowercase, numeric)
            out.append(seq)
        else:
            try:
                a = np.asarray(seq, dtype=np.float64 if not isinstance(seq, np.ndarray) else None)
                if a.dtype.kind not in "biuf":
                    raise TypeError
            except (TypeError, ValueError):
                if not isinstance(seq, np.ndarray):  # tokens after a first item that is not one: name that item
                    check_tokens(list(seq), f"{where}[{i}]", lowercase, numeric)
                if _kind(seq) == "tokens" and all(isinstance(t, str) for t in seq):  # (X[0] decided the kind)
                    ids = " (whole numbers: word ids? pass them as strings, [str(t) for t in " + where + "[0]])"
                    ids = ids if _whole_numbers(X[0]) else ""
                    raise TypeError(f"{where}[{i}] holds tokens, but {where}[0] holds numbers, read as a sequence of "
                                    f"feature vectors{ids}: every sequence of {name} is of one kind (token lists, or "
                                    "arrays of shape (length, n_features)).") from None
                raise TypeError(f"{where}[{i}] is not numeric: numeric sequences must be arrays of shape "
                                "(length, n_features).") from None
            check_magnitude(a, f"{where}[{i}]", fix="Scale the features of the sequences first (e.g. StandardScaler "
                            "on their steps).")
            a = a.astype(np.float32)
            if a.ndim == 1:
                a = a[:, None]
            if a.ndim != 2:
                raise ValueError(f"{where}[{i}] has shape {a.shape}; a numeric sequence has shape (length, "
                                 "n_features).")
            if a.shape[1] == 0:
                raise ValueError(f"{where}[{i}] has 0 features per step (shape {a.shape}); a numeric sequence needs "
                                 "at least one.")
            if n_features is None:
                n_features = a.shape[1]
            elif a.shape[1] != n_features:
                raise ValueError(f"{where}[{i}] has {a.shape[1]} features per step, but {where}[0] has "
                                 f"{n_features}.")
            out.append(a)
    if kind == "features" and numeric and all(map(_whole_numbers, X[:100])):  # (a model of tokens refuses them)
        warn_user(f"{name} holds lists of whole numbers, read as one numeric feature per step (a series): if they are "
                  f"word ids, pass them as strings ([[str(i) for i in s] for s in {name}]); for a series of counts, "
                  "pass arrays of shape (length, 1).")
    if estimator is not None:
        check_feature_names(estimator, names, reset, where)
    return kind, out


def _not_a_sequence(item, where, position, name, numeric):
    """The error for an item of ``name`` (``where``, at ``position``) that is not a sequence: a text not yet split
    into tokens, a missing value, a number. ``numeric``: whether the model also takes numeric sequences."""
    features = " (or, for numeric sequences, an array of shape (length, n_features))" if numeric else ""
    if is_missing(item):
        return TypeError(f"The sequence at position {position} ({where}) is missing ({item!r}); every item of "
                         f"{name} must be a list of tokens{features}: drop the missing sequences first (with their "
                         f"labels, for a tagger), e.g. {name}.dropna() for pandas.")
    if isinstance(item, bytes):
        return TypeError(f"{where} is bytes ({item!r:.40}), not a sequence of tokens; tokens are text: decode and "
                         f"split the texts first, [s.decode('utf-8').split() for s in {name}].")
    if is_token(item):
        return TypeError(f"{where} is a str ({str(item)!r:.40}), a text not split into tokens; each item of {name} "
                         f"must be a list of tokens{features}: split the texts first, [s.split() for s in {name}] "
                         f"(or {name}.str.split() for a pandas Series); for one sequence already split into "
                         "tokens, put its token list in a list: [tokens].")
    if sp.issparse(item):
        return TypeError(f"{where} is a scipy sparse matrix; each item of {name} must be a list of tokens{features}: "
                         f"pass its rows as an array, {where}.toarray().")
    return TypeError(f"{where} is a {type(item).__name__}, not a sequence; each item of {name} must be a list of "
                     f"tokens{features}.")


def check_label_sequences(y, lengths, name="y"):
    """The label sequences of y, each as long as its token sequence, flattened to one array."""
    if y is None:
        raise ValueError("y is None: a tagger learns from label sequences; pass y, a list of labels per sequence.")
    if isinstance(y, (str, bytes)):
        raise TypeError("y is a single string; pass one list of labels per sequence of X.")
    if hasattr(y, "iloc"):
        y = frame_rows(y, name)
    _check_ordered(y, name)
    y = list(y)
    is_label = [is_token(labels) or not hasattr(labels, "__len__") for labels in y]
    if any(is_label):  # before the counts: a flat y has as many items as the tokens of one sequence
        i, hint, flat = is_label.index(True), "", all(is_label)
        if flat and len(lengths) == 1:
            hint = f" {name} looks like the labels of one sequence: pass [{name}]."
        elif flat and len(y) == len(lengths) and set(lengths) == {1}:  # sequences of one token each
            hint = f" Each sequence has one token: pass one list per sequence, [[label] for label in {name}]."
        elif flat and len(y) == sum(lengths):
            hint = f" {name} holds as many labels as X has tokens in all: split it into one list per sequence."
        elif flat and len(y) == len(lengths):
            hint = (f" {name} holds one label per sequence (its class), but a tagger learns a label per token; to "
                    "classify sequences, fit a classifier on features of each (e.g. Word2VecTransformer).")
        raise TypeError(f"{name}[{i}] is of type {type(y[i]).__name__} ({y[i]!r:.40}); each item of {name} must be "
                        f"the list of labels of one sequence.{hint}")
    if len(y) != len(lengths):
        raise ValueError(f"X has {len(lengths)} sequences but y has {len(y)} label sequences.")
    flat = []
    for i, (labels, n) in enumerate(zip(y, lengths)):
        _check_ordered(labels, f"{name}[{i}]")
        labels = frame_labels(labels, f"{name}[{i}]")
        if len(labels) != n:
            only = next(iter(labels), None)  # (the first by position: a Series' [0] is its label 0)
            deep = len(labels) == 1 and not is_token(only) and getattr(only, "__len__", None) and \
                len(only) == n  # ([[l] for l in y]: each sequence's labels in a list of one)
            raise ValueError(f"Sequence {i} has {n} tokens but {len(labels)} labels; every token needs exactly one "
                             "label." + (f" {name}[{i}] holds its {n} labels in a list of one, a level too deep: pass "
                                         f"[labels[0] for labels in {name}]." if deep else ""))
        flat.extend(labels)
    check_labels(flat, name, lengths=list(lengths))
    as_strings = f"[[str(label) for label in labels] for labels in {name}]"  # DenseClassifier's checks: complex
    check_label_values(flat, name, as_strings=as_strings)  # numbers, signaling NaN, whole numbers beyond 2**53; and
    check_label_types(flat, name, as_strings)  # Decimals, Periods, zoned dates (as numpy reads them: dates pass)
    first = next((v for v in flat if not is_token(v) and not isinstance(v, bytes) and hasattr(v, "__len__")), None)
    if first is not None:  # a label of one item each (an array of shape (n, length, 1)), or of several parts
        fix = (f"[[label[0] for label in labels] for labels in {name}] (np.asarray({name})[..., 0] for an array)"
               if len(first) == 1 else f"its parts joined, [['|'.join(map(str, label)) for label in labels] for "
               f"labels in {name}]")
        raise ValueError(f"Each label must be a single value (a string or a number), not a {type(first).__name__} "
                         f"({first!r:.30}); pass {fix}.")
    flat = np.asarray(flat)
    if flat.dtype.kind == "f" and np.isinf(flat).any():  # (NaN: refused as missing by check_labels)
        raise ValueError(f"{name} holds {float(flat[np.isinf(flat)][0])!r}, which is no class: a label is a string "
                         "or a finite number. Replace it with the tag it stands for, or leave its sequence out.")
    return flat


def check_prefixes(prefixes, lowercase=True):
    """The prefixes of a language model's ``predict_next`` (a list, or any iterable such as a generator, of token
    lists) as a list of token lists: a clear error for a string, a list of strings or a token that is not a string
    (``lowercase``: whether the model lower-cases words)."""
    if sp.issparse(prefixes):
        raise TypeError("prefixes is a scipy sparse matrix; pass a list of token lists, e.g. [['Robert', 'weighs']].")
    prefixes = plain_items(unmasked(prefixes, "prefixes"), "prefixes")  # (masked tokens: refused, by name)
    if hasattr(prefixes, "iloc"):  # a Series of token lists, or a DataFrame of one prefix per row: by position
        empty = (np.flatnonzero(prefixes.isna().all(axis=1).to_numpy()) if prefixes.ndim == 2 and prefixes.shape[1]
                 else [])
        if len(empty):  # (not the empty prefix, [], a sentence's start: a row whose words are missing)
            raise ValueError(f"prefixes.iloc[{empty[0]}] holds missing cells only, not words: drop such rows "
                             "(prefixes.dropna(how='all')); the empty prefix of a sentence's start is [].")
        prefixes = frame_rows(prefixes, "prefixes")
    _check_ordered(prefixes, "prefixes")
    if not isinstance(prefixes, (str, bytes)) and not hasattr(prefixes, "__len__") and hasattr(prefixes, "__iter__"):
        prefixes = list(prefixes)  # a generator of token lists, read once (as check_sequences reads X)
    if isinstance(prefixes, (str, bytes)) or not hasattr(prefixes, "__len__"):
        raise TypeError("prefixes must be a list of token lists, e.g. [['Robert', 'weighs', 'about']].")
    checked = []
    for i, p in enumerate(prefixes):
        if is_token(p) or not hasattr(p, "__len__"):  # (one prefix's tokens, or texts not split)
            raise TypeError(str(_not_a_sequence(p, f"prefixes[{i}]", i, "prefixes", numeric=False)))
        _check_ordered(p, f"prefixes[{i}]")
        checked.append(p.tolist() if isinstance(p, np.ndarray) else list(p))
        check_tokens(checked[-1], f"prefixes[{i}]", lowercase, numeric=False)
    return checked


def build_vocabulary(sequences, min_count=1, max_size=None, specials=(PAD_TOKEN, UNK_TOKEN), extra=()):
    """Token -> index, specials first, then tokens by decreasing count (ties: first seen); the keys are plain str
    (numpy's np.str_ tokens, equal to theirs, would otherwise come back from predictions and attributes)."""
    counts = Counter(t for seq in sequences for t in seq)
    kept = [t for t, c in counts.most_common() if c >= min_count and t not in specials]
    if max_size is not None:
        kept = kept[:max(0, max_size - len(specials))]
    vocab = {t: i for i, t in enumerate(specials)}
    for t in kept:
        vocab.setdefault(str(t), len(vocab))
    for t in extra:
        vocab.setdefault(str(t), len(vocab))
    return vocab, counts


def token_ids(sequences, vocab, lowercase, prefix=(), suffix=(), name=None):
    """The id of each token of ``sequences`` in ``vocab`` (``UNK`` for unknown ones), end to end, each sequence
    between ``prefix`` and ``suffix``. With ``name`` (the input of a fitted model), tokens unknown only because of
    their Unicode normal form or white space around them are warned of first
    (:func:`sknn._text_checks.warn_form_misses`)."""
    if name is not None:
        warn_form_misses(sequences, vocab, name, lowercase, effect="so the model reads them as unknown words")
    get = vocab.get
    ids = [get(t, UNK) for seq in sequences for t in (
        [*prefix, *(s.lower() for s in seq), *suffix] if lowercase else [*prefix, *seq, *suffix])]
    return torch.tensor(ids, dtype=torch.int64)


def char_table(forms, char_vocab):
    """(n_forms, width) character ids of each form, and each form's length in characters."""
    width = min(MAX_WORD_CHARS, max(len(f) for f in forms))
    table = np.zeros((len(forms), width), dtype=np.int64)
    lengths = np.empty(len(forms), dtype=np.int64)
    half = MAX_WORD_CHARS // 2
    get = char_vocab.get
    for i, f in enumerate(forms):
        if len(f) > MAX_WORD_CHARS:
            f = f[:half] + f[-half:]
        table[i, :len(f)] = [get(c, UNK) for c in f]
        lengths[i] = len(f)
    return torch.from_numpy(table), torch.from_numpy(lengths)


def token_forms(sequences, char_vocabulary):
    """The form (distinct token) id of each token, end to end, and the character table of the forms."""
    form_ids = {}
    forms = torch.tensor([form_ids.setdefault(t, len(form_ids)) for s in sequences for t in s], dtype=torch.int64)
    return forms, char_table(list(form_ids), char_vocabulary)


def steps_of_rows(lengths, rows):
    """Which steps of sequences of ``lengths`` laid end to end belong to the sequences ``rows`` (None: all)."""
    if rows is None:
        return slice(None)
    keep = torch.zeros(len(lengths), dtype=torch.bool)
    keep[torch.as_tensor(rows, dtype=torch.int64)] = True
    return torch.repeat_interleave(keep, lengths)


def spans(starts, lengths):
    """The positions ``start, ..., start + length - 1`` of each span, end to end, in one vectorised index."""
    n = int(lengths.sum())
    shift = starts - (torch.cumsum(lengths, 0) - lengths)
    return torch.repeat_interleave(shift, lengths, output_size=n) + torch.arange(n)


# -- the batch source ----------------------------------------------------------------------
class SequenceBatches:
    """Variable-length sequences stored flat, served as padded batches of similar lengths.

    Tokens of all sequences sit end to end in one tensor; a batch gathers its sequences
    with one vectorised index and pads them to the longest one. When shuffling, sequences
    are drawn at random, grouped by length within pools of 50 batches, and the batches
    come in random order; otherwise they come longest first.

    Parameters
    ----------
    inputs : dict of str -> tensor
        Flat per-token tensors: 'words' (n_tokens,) int64 and/or 'features'
        (n_tokens, n_features) float32, and 'forms' (n_tokens,) int64 indices into
        ``char_table`` when character features are used.
    lengths : tensor (n_sequences,)
    y : tensor (n_tokens,) or None
    sample_weight : tensor (n_sequences,) or None, one weight per sequence
    char_table : (tensor (n_forms, width), tensor (n_forms,)) or None
    last_only : bool, ask the network for the output of each sequence's last token only
    """

    POOL = 50

    def __init__(self, inputs, lengths, y=None, sample_weight=None, char_table=None, last_only=False):
        self.inputs = inputs
        self.lengths = lengths
        self.y = y
        self.sample_weight = sample_weight
        self.char_table = char_table
        self.last_only = last_only
        self.starts = torch.cumsum(lengths, 0) - lengths

    def __len__(self):
        return len(self.lengths)

    def n_tokens(self):
        return int(self.lengths.sum())

    def _token_index(self, seq_index):
        lengths = self.lengths[seq_index]
        return spans(self.starts[seq_index], lengths), lengths

    def subset(self, indices):
        seq_index = torch.as_tensor(np.asarray(indices), dtype=torch.int64)
        tok, lengths = self._token_index(seq_index)
        take = lambda a: None if a is None else a[tok]  # noqa: E731
        return SequenceBatches({k: v[tok] for k, v in self.inputs.items()}, lengths, take(self.y),
                               None if self.sample_weight is None else self.sample_weight[seq_index],
                               self.char_table)

    def order(self):
        """The order of the sequences when not shuffling: longest first (stable)."""
        return torch.sort(self.lengths, descending=True, stable=True).indices

    def _batch_indices(self, batch_size, shuffle, generator):
        n = len(self)
        if not shuffle:
            order = self.order()
            return [order[i:i + batch_size] for i in range(0, n, batch_size)]
        perm = torch.randperm(n, generator=generator)
        batches = []
        pool = batch_size * self.POOL
        for p in range(0, n, pool):
            chunk = perm[p:p + pool]
            chunk = chunk[torch.sort(self.lengths[chunk], descending=True, stable=True).indices]
            batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
        return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        device = torch.device(device)
        for seq_index in self._batch_indices(batch_size, shuffle, generator):
            yield self.batch(seq_index, device)

    def batch(self, seq_index, device="cpu"):
        tok, lengths = self._token_index(seq_index)
        B, T = len(lengths), int(lengths.max())
        mask = torch.arange(T) < lengths[:, None]
        X = {"lengths": lengths}  # lengths stay on the CPU
        if self.last_only:
            X["last_only"] = True
        # For a GPU, padded batches are built in pinned memory (torch's caching host
        # allocator reuses it), so their copies do not block.
        pin = torch.device(device).type == "cuda"
        for key, flat in self.inputs.items():
            if key == "forms":
                continue
            padded = torch.zeros((B, T, *flat.shape[1:]), dtype=flat.dtype, pin_memory=pin)
            padded[mask] = flat[tok]
            X[key] = padded.to(device, non_blocking=True)
        if self.char_table is not None:
            forms, inverse = torch.unique(self.inputs["forms"][tok], return_inverse=True)
            index = torch.zeros((B, T), dtype=torch.int64)
            index[mask] = inverse
            chars, char_lengths = self.char_table
            char_lengths = char_lengths[forms]
            X["chars"] = chars[forms, :int(char_lengths.max())].to(device, non_blocking=True)
            X["char_lengths"] = char_lengths
            X["char_index"] = index.to(device, non_blocking=True)
        y = None if self.y is None else self.y[tok].to(device, non_blocking=True)
        w = None
        if self.sample_weight is not None:
            w = torch.repeat_interleave(self.sample_weight[seq_index], lengths).to(device, non_blocking=True)
        return X, y, w


def warn_unscaled(seqs):
    """Warn when numeric features are far from unit scale: the network reads them as they are, and a feature in
    the thousands saturates the recurrent gates (a timestamp column made a tagger predict one class)."""
    top = np.max(np.abs(np.concatenate(seqs)), axis=0)
    j = int(np.argmax(top))
    if top[j] > 1e3:
        warn_user(f"Feature {j} of X's steps reaches {top[j]:.3g}: the network reads the features as they are, and "
                  "values far from unit scale saturate its gates. Standardise the features first (e.g. StandardScaler "
                  "fitted on the steps stacked, np.concatenate(X)).")
