"""Checks of text input shared by the word-vector transformer: Unicode normal forms, missing documents and
containers of numbers given where documents are expected; and strings that differ only by surrounding white space
(labels, table categories).

Keys are never normalised (as gensim's): ``'caf\\xe9'`` (NFC) and ``'cafe\\u0301'`` (NFD) print alike but are two
words. These checks only say so, and how to reconcile the text, at the cost of a look at the tokens that are not
ASCII (``str.isascii`` is O(1)).
"""

import re
import unicodedata
from functools import partial
from numbers import Number
from itertools import filterfalse

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from ._warnings import warn_user

__all__ = ["FormMisses", "TOKENS_ADVICE", "check_one_spelling_per_label", "form_twins", "is_missing",
           "missing_document", "near_spellings", "not_documents", "spacing_twins", "spelling_key", "warn_form_misses",
           "warn_form_twins"]

_CANONICAL = ("NFC", "NFD")  # canonically equivalent spellings: the same characters, composed or not
_LOWER_VOCABULARIES = {}  # (id, size) of a vocabulary -> whether its keys are all lower case (FormMisses.lower_keys)
_SPACE = re.compile(r"\s")
_NORMALISE = "unicodedata.normalize('NFC', text)"
_is_nfc = partial(unicodedata.is_normalized, "NFC")
_DOCUMENTS_ADVICE = (f"Normalise the text before fitting: {_NORMALISE} for each document, or a tokenizer that "
                     "normalises (tokenizer=lambda s: unicodedata.normalize('NFC', s).split()).")
#: the advice for models that take token lists (no tokenizer of their own)
TOKENS_ADVICE = ("Normalise the tokens before fitting: [[unicodedata.normalize('NFC', t) for t in seq] for seq in X], "
                 "and so every input after.")


def is_missing(value):
    """Whether ``value`` is a missing value of pandas or numpy (None, nan, pd.NA, NaT) rather than a document."""
    if value is None or (isinstance(value, (float, np.floating)) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType") or (isinstance(value, np.datetime64) and np.isnat(value))


def token_fix(token):
    """The fix for a token that is not a string, by its kind: a missing value, bytes, a nested sequence, a number,
    anything else."""
    if is_missing(token):
        return "a None or NaN is often a missing value: drop it or replace it"
    if isinstance(token, (bytes, bytearray)):
        return "decode bytes first: token.decode('utf-8')"
    if isinstance(token, (list, tuple, np.ndarray)):
        return "a document is one flat list of tokens: flatten the nested lists"
    if isinstance(token, Number):
        return "give a number as its string (str(3))"
    return "pass each token as the str of its word"


def _is_not(doc):
    """A test, in Python, that a document ``d`` is not the missing value ``doc`` (for a list comprehension)."""
    if doc is None:
        return "d is not None"
    if isinstance(doc, (float, np.floating)):
        return "d == d"  # (nan is the one value unequal to itself)
    if type(doc).__name__ in ("NAType", "NaTType"):
        return f"d is not pd.{type(doc).__name__[:-4]}"
    return "not (isinstance(d, np.datetime64) and np.isnat(d))"


def missing_document(doc, position, where):
    """The error for the document ``where`` of X, at ``position``, that is missing (``is_missing``); the fix
    suggested is pandas' for a Series (``where`` is ``X.iloc[...]``), a list comprehension for anything else."""
    if ".iloc[" in where:
        fix = "fill the missing documents first (X.fillna('')), or drop their rows (X.dropna())"
    else:
        test = _is_not(doc)
        fix = (f"drop the missing documents first ([d for d in X if {test}]), or replace them with '' ([d if {test} "
               "else '' for d in X])")
    return TypeError(f"The document at position {position} ({where}) is missing ({doc!r}); a document must be a "
                     f"string or a list of tokens: {fix}.")


def not_documents(X, name="X"):
    """The error for ``X`` that holds numbers, not documents: a sparse matrix, a torch tensor, a numeric array or
    Series (any other 2-D array is ``as_documents``'s to refuse); None for anything else."""
    if sp.issparse(X):
        kind = "array" if isinstance(X, getattr(sp, "sparray", ())) else "matrix"  # (scipy < 1.11: matrices only)
        what = f"a scipy sparse {kind} of shape {X.shape} (numbers, such as the counts of a CountVectorizer)"
    elif isinstance(X, torch.Tensor):
        what = f"a torch tensor of shape {tuple(X.shape)} and dtype {X.dtype} (numbers)"
    elif isinstance(X, np.ndarray) and X.ndim > 2:
        what = f"a {X.ndim}-D array of shape {X.shape}"
    elif isinstance(X, np.ndarray) and X.ndim == 1 and X.size and X.dtype.kind in "biufcmM":
        what = f"an array of numbers (dtype {X.dtype})"
    elif hasattr(X, "iloc") and getattr(X, "ndim", 0) == 1 and getattr(X.dtype, "kind", "O") in "biufcmM" and len(X):
        missing = " (a text column whose values are all missing reads as numbers: fill them, X.fillna(''))"
        what = f"a Series of numbers (dtype {X.dtype})" + (missing if X.isna().all() else "")
    else:
        return None
    return TypeError(f"{name} is {what}; a text transformer takes documents: a file path, a 1-D sequence of "
                     "strings, or a list of token lists.")


def _twins(counts):
    """Groups of the tokens of ``counts`` that are canonically equivalent (one NFC form), the most frequent
    first. Two NFC words are never equivalent, so only tokens that are not NFC (nor ASCII, which is NFC) are
    normalised, at C speed and with no table of their own: a corpus in NFC pays a quick check per distinct word."""
    groups = {}
    for word in filterfalse(_is_nfc, filterfalse(str.isascii, counts)):
        groups.setdefault(unicodedata.normalize("NFC", word), set()).add(word)
    found = []
    for form, words in groups.items():
        if form in counts:  # (an ASCII one included: the KELVIN SIGN's NFC form is 'K')
            words.add(form)
        if len(words) > 1:
            found.append(sorted(words, key=lambda w: (-counts[w], w)))
    return found


def warn_form_twins(counts, kept=None, pruned="min_count", name="X", advice=_DOCUMENTS_ADVICE):
    """Warn that ``counts`` (the tokens of ``name`` and their counts) spells words in more than one Unicode normal
    form: each spelling kept (in ``kept``, the vocabulary; all of ``counts`` when None) becomes a key of its own,
    and a text in the other form misses it. Where at most one spelling of a word was kept (``pruned``, such as
    ``'min_count=5'``, left the others out), say that instead: the left-out spellings have no vector."""
    twins = _twins(counts)
    if not twins:
        return
    split = [[w for w in words if kept is None or w in kept] for words in twins]
    apart = [keys for keys in split if len(keys) > 1]  # (their kept spellings only)
    lost = [words for words, keys in zip(twins, split) if len(keys) < 2]
    words = min(apart or lost, key=lambda group: -sum(counts[w] for w in group))[:3]  # the most used one
    example = " and ".join(f"{ascii(str(w))} ({counts[w]} times)" for w in words)
    if apart:
        more = (f" ({len(lost)} more with spellings that {pruned} left out of the vocabulary)" if lost else "")
        warn_user(f"{name} spells {len(apart)} word(s) in more than one Unicode normal form{more}, e.g. "
                  f"{example}: they print alike but are different keys, each with a vector of its own (as in "
                  f"gensim and scikit-learn's vectorizers), and a text in one form misses the other's. {advice}",
                  UserWarning)
    else:
        warn_user(f"{name} spells {len(lost)} word(s) in more than one Unicode normal form, e.g. {example}: "
                  f"they print alike but are different keys, counted apart, and {pruned} left out of the "
                  "vocabulary all but at most one spelling of each (a text in a left-out spelling misses the "
                  f"word). {advice}", UserWarning)


class FormMisses:
    """The tokens unknown to ``index`` only because of their Unicode normal form (their NFC or NFD form is a key), of a
    compatibility form or invisible characters (their NFKC form, or the token without them, is a key), of
    white space around them (``'cat '``: their stripped form is a key), or of upper case where every key is lower
    case (``'The'``, a vocabulary of lower-cased text), collected document by document while transforming: ``add``
    takes the tokens of a document that holds unknown ones while ``active``, ``warn`` says what was found. Only
    tokens that are not ASCII, of documents with white space in a token, or with upper case where the keys have none,
    are looked at (each test at C speed), each distinct one once, and only in the first ``DOCUMENTS`` documents with
    unknown tokens (or until ``TOKENS`` distinct ones were looked at): a text in another form than the vocabulary's
    shows it from its first documents, and a large input pays no more than that."""

    DOCUMENTS = 20_000
    TOKENS = 20_000
    _BATCH = 2048

    def __init__(self, index):
        self.index = index
        self._known = index.__contains__
        self.pending = set()
        self.seen = set()
        self.found = {}  # token -> the key it is a spelling of
        self.spaced = {}  # token -> the key it is with the white space around it stripped
        self.cased = {}  # token -> the key it is in lower case, where every key is lower case
        self.compatible = {}  # token -> the key it is in NFKC or without invisible characters ('１２３': '123')
        self._lower_keys = None
        self.documents = 0
        self.active = True

    @property
    def lower_keys(self):
        """Whether every key is lower case, some key a cased letter (the vocabulary of a lower-cased text): a cased
        vocabulary's first capital ends the look; a lower-case one's answer is kept for the vocabulary (by its
        identity and size), so that predicting cased text again does not read every key again."""
        if self._lower_keys is None:
            known = (id(self.index), len(self.index))
            if known not in _LOWER_VOCABULARIES:
                strings = [k for k in self.index if isinstance(k, str)]
                folded = not any(k != k.lower() for k in strings) and any(k != k.upper() for k in strings)
                _LOWER_VOCABULARIES[known] = folded
                while len(_LOWER_VOCABULARIES) > 16:  # (the vocabularies of the models in use)
                    _LOWER_VOCABULARIES.pop(next(iter(_LOWER_VOCABULARIES)))
            self._lower_keys = _LOWER_VOCABULARIES[known]
        return self._lower_keys

    def cased_document(self, joined):
        """Whether a document, its tokens ``joined``, has upper case where every key is lower case."""
        return joined != joined.lower() and self.lower_keys

    def add(self, tokens):
        pending, joined = self.pending, "".join(tokens)
        if not joined.isascii():
            pending.update(filterfalse(self._known, filterfalse(str.isascii, tokens)))
        if _SPACE.search(joined):  # (a token's white space, which ''.join keeps)
            pending.update(t for t in tokens if t != t.strip() and not self._known(t))
        if self.cased_document(joined):
            pending.update(t for t in tokens if t != t.lower() and not self._known(t))
        if len(pending) >= self._BATCH:
            self._resolve()
        self.documents += 1
        if self.documents >= self.DOCUMENTS:
            self.active = False

    def _resolve(self):
        index, found = self.index, self.found
        for token in self.pending - self.seen:
            bare = token.strip()
            if bare != token:  # (the stripped form a key, as it is or in a normal form)
                key = next((k for k in (bare, *(unicodedata.normalize(f, bare) for f in _CANONICAL)) if k in index),
                           None)
                if key is not None:
                    self.spaced[token] = key
                    continue
            key = next((unicodedata.normalize(f, token) for f in _CANONICAL  # (a token in a form is its own key
                        if not unicodedata.is_normalized(f, token) and unicodedata.normalize(f, token) in index), None)
            compat = None
            if key is None:  # a compatibility form (full-width digits, ligatures) or zero-width characters
                bare = re.sub(_INVISIBLE, "", token)
                folded = bare if unicodedata.is_normalized("NFKC", bare) else unicodedata.normalize("NFKC", bare)
                compat = next((k for k in (bare, folded) if k != token and k in index), None)
            if key is not None:
                found[token] = key
            elif compat is not None:
                self.compatible[token] = compat
            elif token != token.lower() and token.lower() in index and self.lower_keys:
                self.cased[token] = token.lower()
        self.seen |= self.pending
        self.pending.clear()
        self.active = self.active and len(self.seen) < self.TOKENS

    def warn(self, name="X", effect="so they were left out of the document vectors", where="the vocabulary",
             case_fix="Lower-case the tokens as that text was ([[t.lower() for t in doc] for doc in X])."):
        """Say what was found: ``effect`` is what the unknown spellings cost, ``where`` what holds the keys,
        ``case_fix`` the fix of tokens unknown only by their upper case. Returns whether anything was said."""
        self._resolve()
        if self.spaced:
            token = min(self.spaced)
            warn_user(f"{len(self.spaced)} distinct token(s) of {name} are unknown only because of white space "
                      f"around them, e.g. {ascii(str(token))} here, {ascii(self.spaced[token])} in {where}: they "
                      f"are different keys, {effect}. Strip the tokens (token.strip(); text.split() makes tokens "
                      "without white space).", UserWarning)
        if self.cased:
            token = min(self.cased)
            warn_user(f"{len(self.cased)} distinct token(s) of {name} are unknown only because of upper case, e.g. "
                      f"{ascii(str(token))} here, {ascii(self.cased[token])} in {where}, whose keys are all lower "
                      f"case (a lower-cased text): they are different keys, {effect}. {case_fix}", UserWarning)
        if self.compatible:
            token = min(self.compatible)
            warn_user(f"{len(self.compatible)} distinct token(s) of {name} are unknown only because of compatibility "
                      f"forms or invisible characters, e.g. {ascii(str(token))} here, {ascii(self.compatible[token])} "
                      f"in {where}: they read alike but are different keys, {effect}. Normalise the text: "
                      f"unicodedata.normalize('NFKC', text) (full-width letters and digits, ligatures) and "
                      f"re.sub('{_INVISIBLE}', '', text) (zero-width characters).", UserWarning)
        if not self.found:
            return bool(self.spaced or self.cased or self.compatible)
        token = min(self.found)  # (the same example from run to run)
        key = self.found[token]
        form = next((f for f in _CANONICAL if unicodedata.normalize(f, key) == key), "NFC")
        warn_user(f"{len(self.found)} distinct token(s) of {name} are unknown only because of their Unicode "
                  f"normal form, e.g. {ascii(str(token))} here, {ascii(key)} in {where}: they print alike but "
                  f"are different keys, {effect}. Normalise the text as {where} is: unicodedata.normalize("
                  f"{form!r}, text) for each document or token (or a tokenizer that normalises); for a "
                  f"vocabulary of mixed forms, normalise the training text too and fit again.", UserWarning)
        return True


def warn_form_misses(sequences, keys, name="X", lowercase=False, **message):
    """Warn of the tokens of ``sequences`` (lists of tokens; lower-cased first with ``lowercase``) unknown to
    ``keys`` (a vocabulary or a set of words) only because of their Unicode normal form or of white space around
    them: :class:`FormMisses` over the first of them, ``message`` its ``warn``'s ``effect`` and ``where``. A sequence
    of ASCII tokens without white space costs two checks."""
    misses = FormMisses(keys)
    for seq in sequences:
        if not misses.active:
            break
        joined = "".join(seq)
        if not joined.isascii() or _SPACE.search(joined) or (not lowercase and misses.cased_document(joined)):
            misses.add([t.lower() for t in seq] if lowercase else list(seq))
    misses.warn(name, **message)


def spacing_twins(values):
    """The strings among ``values`` (numpy's str_ too) that differ only by surrounding white space: each stripped
    form with its spellings (plain str, in order of appearance), for the forms spelt two ways or more and for ''
    where empty or spaces-only strings are (vectorised: one pass where no string has such spaces)."""
    distinct = pd.Series(pd.unique(np.asarray(values, dtype=object)), dtype=object)
    texts = distinct[distinct.map(lambda v: isinstance(v, str))]
    stripped = texts.str.strip()
    spaced = stripped[(texts != stripped) | (texts == "")]
    if spaced.empty:
        return {}
    near = stripped.isin(spaced)  # the spellings of each stripped form that some spaced string shares
    forms = texts[near].groupby(stripped[near].to_numpy(), sort=False).agg(list)
    return {key: [str(text) for text in forms[key]] for key in pd.unique(spaced) if not key or len(forms[key]) > 1}


def warn_spacing_twins(words, fix):
    """Warn that ``words`` (a corpus's tokens) spells words that differ only by white space around them ('dog ' and
    'dog', from text split on commas): keys of their own, each with part of the word's counts; ``fix`` strips them."""
    spaced = [spellings for form, spellings in spacing_twins(list(words)).items() if form]
    if spaced:
        warn_user(f"Tokens that differ only by white space around them ({' and '.join(map(repr, spaced[0][:2]))}"
                  f"{'; ...' if len(spaced) > 1 else ''}) are words of their own, each with part of the word's "
                  f"counts; strip the tokens first ({fix}).")


# characters no one sees and no text needs: zero-width space, word joiner, byte-order mark, soft hyphen (the
# zero-width joiner and non-joiner are kept: emoji sequences and Persian words are written with them)
_INVISIBLE = r"[\u200b\u2060\ufeff\u00ad]"
#: how to make strings of one form (labels or categories): for a message, after ``y`` or ``X[column]``
FORM_FIX = f".str.normalize('NFC').str.replace('{_INVISIBLE}', '', regex=True)"


def form_twins(values):
    """The strings among ``values`` that differ only by their Unicode form ('caf\\xe9' composed, 'cafe\\u0301' not,
    as macOS writes file names) or by invisible characters ('yes\\u200b'), white space around them aside: a list of
    their spellings (plain str, two or more each), where any; a look at the strings that are not ASCII only."""
    distinct = pd.Series(pd.unique(np.asarray(values, dtype=object)), dtype=object)
    texts = distinct[distinct.map(lambda v: isinstance(v, str))].astype(object)
    odd = ~texts.map(str.isascii)
    if not odd.any():
        return []
    keys = texts.str.strip()
    keys[odd] = texts[odd].str.normalize("NFC").str.replace(_INVISIBLE, "", regex=True).str.strip()
    shared = keys[odd & (keys != texts.str.strip())]
    groups = texts[keys.isin(shared)].groupby(keys[keys.isin(shared)].to_numpy(), sort=False).agg(list)
    return [[str(t) for t in spellings] for spellings in groups if len({t.strip() for t in spellings}) > 1]


def spelling_key(text, case=False):
    """What ``text`` spells, whatever its spelling: invisible characters removed, in Unicode's composed form, white
    space around it stripped, and its case folded (unless ``case``)."""
    text = unicodedata.normalize("NFC", re.sub(_INVISIBLE, "", text)).strip()
    return text if case else text.casefold()


def near_spellings(values, known):
    """The strings among ``values`` (a column's values that match none of ``known``, a fitted model's categories)
    that spell a string of ``known`` otherwise: with other case, spaces around them, another Unicode form or invisible
    characters ('rome' or 'Rome ' for 'Rome'). A list of ``(value, category)`` pairs, in the order of ``values``."""
    key = spelling_key
    keys = {}
    for category in known:
        if isinstance(category, str):
            keys.setdefault(key(category), category)
    if not keys:
        return []
    texts = [v for v in pd.unique(np.asarray(values, dtype=object)) if isinstance(v, str)]
    return [(str(v), keys[key(v)]) for v in texts if key(v) in keys]


_PLAIN_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")  # ('1', '1.0', '.5', '1e3')
_WHOLE = re.compile(r"\s*[+-]?\d+\s*")  # a whole number written as such


def _number_twins(labels):
    """Two text labels that are one whole number written as such and with a decimal point or an exponent ('1' and
    '1.0', '1000' and '1e3': a column of one file written by two programs), else None; '3.1' and '3.10' (versions,
    sections) and '7' and '007' (codes) may be labels of their own, and are not told."""
    seen = {}
    for label in labels:
        if isinstance(label, str) and _PLAIN_NUMBER.fullmatch(label) and float(label).is_integer():
            value = float(label)
            first = seen.setdefault(value, label)
            if first != label and sum(_WHOLE.fullmatch(text) is not None for text in (first, label)) == 1:
                return first, label
    return None


def check_one_spelling_per_label(labels, name="y"):
    """Refuse text labels (the distinct ``labels`` of a classifier's target) that print or read as one label but
    would be two classes: one number written two ways ('1', '1.0'), or one text in two Unicode forms or with
    invisible characters (:func:`form_twins`)."""
    numbers = _number_twins(labels)
    if numbers:
        raise ValueError(f"{name} holds labels that spell one number two ways: {numbers[0]!r} and {numbers[1]!r} "
                         "would be two classes; write each number one way (y.replace({" + f"{numbers[1]!r}: "
                         f"{numbers[0]!r}" + "})).")
    forms = form_twins(labels)
    if forms:
        shown = " and ".join(map(ascii, forms[0][:3]))
        raise ValueError(f"{name} holds labels that differ only by their Unicode form or invisible characters, which "
                         f"print alike: {shown} would be {len(forms[0])} classes; make them one form first "
                         f"(y{FORM_FIX}).")
