"""Recurrent networks for sequences: LSTMSequenceTagger and LSTMLanguageModel.

A sequence is a list of tokens (strings) or an array of feature vectors
(length, n_features). Sequences are encoded once per fit into flat tensors; the batch
source groups sequences of similar length and pads each batch to its longest one (so
there is little padding); the recurrent layers read each sequence within its own
length in both directions, and the loss sees real tokens only. Both estimators train
through the shared engine.
"""

from collections import Counter
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._base import BaseNeuralNetwork
from ._engine import accuracy_score
from ._validation import check_labels, check_magnitude, check_non_negative_weights, check_positive_int, first_non_string

__all__ = ["LSTMSequenceTagger", "LSTMLanguageModel", "SequenceBatches", "SequenceNet"]

PAD, UNK, BOS, EOS = 0, 1, 2, 3
_PAD_TOKEN, _UNK_TOKEN, _BOS_TOKEN, _EOS_TOKEN = "<pad>", "<unk>", "<s>", "</s>"
_MAX_WORD_CHARS = 24  # longer tokens keep their first and last 12 characters
_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# -- input checks and encoding ------------------------------------------------------------
def _is_token(t):
    return isinstance(t, (str, np.str_))


def _check_tokens(seq, where):
    """Refuse a token that is not a string (None included), naming its sequence and position."""
    j = first_non_string(seq)
    if j >= 0:
        raise TypeError(f"{where}[{j}] is {seq[j]!r:.60} (of type {type(seq[j]).__name__}), not a string: every token "
                        "must be a string (a None is often a missing value: drop it or replace it). For numeric "
                        "sequences pass arrays of shape (length, n_features).")


def _kind(seq):
    """'features' for a numeric sequence (array, list of numbers or of vectors), else 'tokens'."""
    if isinstance(seq, np.ndarray):
        return "features" if seq.dtype.kind in "fiub" else "tokens"
    if isinstance(seq, (list, tuple)) and len(seq) and isinstance(seq[0], (Real, np.number, list, tuple, np.ndarray)) \
            and not isinstance(seq[0], bool):
        return "features"
    return "tokens"


def check_sequences(X, name="X"):
    """X as a list of sequences: ('tokens', list of lists of str) or ('features', list of float32 arrays).

    Raises clear errors for a string or scalar in place of a list of sequences, empty
    sequences, non-string tokens, NaN/inf and inconsistent feature counts.
    """
    if X is None:
        raise ValueError(f"{name} is None; pass a list of sequences (lists of tokens, or arrays of feature vectors).")
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} is a single string; pass a list of sequences, each a list of tokens, "
                        "e.g. [['The', 'cat', 'sat'], ['Hello', 'world']].")
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 3:
            X = list(X)
        else:
            raise ValueError(
                f"{name} is a {X.ndim}-D numeric array; pass a list of sequences: token lists, or arrays of shape "
                "(length, n_features) (a 3-D array (n_sequences, length, n_features) also works). For one series, "
                "pass [series]; for univariate series, add a feature axis: series[..., None].")
    if hasattr(X, "iloc"):  # a pandas Series of sequences
        X = X.tolist()
    try:
        X = list(X)
    except TypeError:
        raise TypeError(f"{name} must be a list of sequences, got {type(X).__name__}.") from None
    if not X:
        raise ValueError(f"{name} is empty: at least one sequence is needed.")
    kind = _kind(X[0])
    out = []
    n_features = None
    for i, seq in enumerate(X):
        if _is_token(seq) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name}[{i}] is a {type(seq).__name__}, not a sequence; each item of {name} must be a "
                            "list of tokens (or an array of feature vectors).")
        if len(seq) == 0:
            raise ValueError(f"{name}[{i}] is an empty sequence; every sequence needs at least one token. "
                             "Leave empty sentences out.")
        if kind == "tokens":
            seq = list(seq)
            _check_tokens(seq, f"{name}[{i}]")
            out.append(seq)
        else:
            try:
                a = np.asarray(seq, dtype=np.float64 if not isinstance(seq, np.ndarray) else None)
                if a.dtype.kind not in "biuf":
                    raise TypeError
            except (TypeError, ValueError):
                raise TypeError(f"{name}[{i}] is not numeric: numeric sequences must be arrays of shape "
                                "(length, n_features).") from None
            check_magnitude(a, f"{name}[{i}]", fix="Scale the features of the sequences first (e.g. StandardScaler "
                            "on their steps).")
            a = a.astype(np.float32)
            if a.ndim == 1:
                a = a[:, None]
            if a.ndim != 2:
                raise ValueError(f"{name}[{i}] has shape {a.shape}; a numeric sequence has shape (length, n_features).")
            if n_features is None:
                n_features = a.shape[1]
            elif a.shape[1] != n_features:
                raise ValueError(f"{name}[{i}] has {a.shape[1]} features per step, but {name}[0] has {n_features}.")
            out.append(a)
    return kind, out


def check_label_sequences(y, lengths, name="y"):
    """The label sequences of y, each as long as its token sequence, flattened to one array."""
    if y is None:
        raise ValueError("y is None: a tagger learns from label sequences; pass y, one list of labels per "
                         "sequence of X.")
    if isinstance(y, (str, bytes)):
        raise TypeError("y is a single string; pass one list of labels per sequence of X.")
    if hasattr(y, "iloc"):
        y = y.tolist()
    y = list(y)
    if len(y) != len(lengths):
        raise ValueError(f"X has {len(lengths)} sequences but y has {len(y)} label sequences.")
    flat = []
    for i, (labels, n) in enumerate(zip(y, lengths)):
        if _is_token(labels) or not hasattr(labels, "__len__"):
            raise TypeError(f"{name}[{i}] is a {type(labels).__name__}; each item of y must be the list of labels "
                            "of one sequence.")
        if len(labels) != n:
            raise ValueError(f"Sequence {i} has {n} tokens but {len(labels)} labels; every token needs exactly one "
                             "label.")
        flat.extend(labels)
    check_labels(flat, name, lengths=list(lengths))
    flat = np.asarray(flat)
    if flat.ndim != 1:
        raise ValueError("Each label must be a single value (a string or a number), not a list.")
    return flat


def build_vocabulary(sequences, min_count=1, max_size=None, specials=(_PAD_TOKEN, _UNK_TOKEN), extra=()):
    """Token -> index, specials first, then tokens by decreasing count (ties: first seen)."""
    counts = Counter(t for seq in sequences for t in seq)
    kept = [t for t, c in counts.most_common() if c >= min_count and t not in specials]
    if max_size is not None:
        kept = kept[:max(0, max_size - len(specials))]
    vocab = {t: i for i, t in enumerate(specials)}
    for t in kept:
        vocab.setdefault(t, len(vocab))
    for t in extra:
        vocab.setdefault(t, len(vocab))
    return vocab, counts


def _encode(sequences, vocab, lowercase, prefix=(), suffix=()):
    get = vocab.get
    ids = [get(t, UNK) for seq in sequences for t in (
        [*prefix, *(s.lower() for s in seq), *suffix] if lowercase else [*prefix, *seq, *suffix])]
    return torch.tensor(ids, dtype=torch.int64)


def _char_table(forms, char_vocab):
    """(n_forms, width) character ids of each form, and each form's length in characters."""
    width = min(_MAX_WORD_CHARS, max(len(f) for f in forms))
    table = np.zeros((len(forms), width), dtype=np.int64)
    lengths = np.empty(len(forms), dtype=np.int64)
    half = _MAX_WORD_CHARS // 2
    get = char_vocab.get
    for i, f in enumerate(forms):
        if len(f) > _MAX_WORD_CHARS:
            f = f[:half] + f[-half:]
        table[i, :len(f)] = [get(c, UNK) for c in f]
        lengths[i] = len(f)
    return torch.from_numpy(table), torch.from_numpy(lengths)


def _spans(starts, lengths):
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
        return _spans(self.starts[seq_index], lengths), lengths

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


# -- the network -------------------------------------------------------------------------
def _reverse_index(lengths, T, device):
    """(B, T) index that reverses each row's first ``length`` positions and keeps the padding in place."""
    t = torch.arange(T, device=device)
    lengths = lengths.to(device)[:, None]
    return torch.where(t < lengths, lengths - 1 - t, t)


class RecurrentLayers(nn.Module):
    """Stacked recurrent layers over padded batches, exact for every sequence length.

    The forward direction reads each sequence from its start, so the padding at its end
    never reaches a real position. The backward direction reads each sequence reversed
    within its own length (padding still at the end). This gives the results of packed
    sequences while running the fast fused kernels on plain padded tensors (on the CPU,
    packed LSTMs run step by step: 1.6x to 1.9x the time per batch, benchmarks/RESULTS.md).

    Parameters
    ----------
    cell : {'rnn', 'lstm', 'gru'}
    input_size, hidden_size, num_layers : int
    bidirectional : bool
    dropout : float, between layers
    """

    def __init__(self, cell, input_size, hidden_size, num_layers=1, bidirectional=True, dropout=0.0):
        super().__init__()
        make = _CELLS[cell]
        self.bidirectional = bidirectional
        width = hidden_size * (2 if bidirectional else 1)
        self.forward_layers = nn.ModuleList(
            make(input_size if i == 0 else width, hidden_size, batch_first=True) for i in range(num_layers))
        self.backward_layers = nn.ModuleList(
            make(input_size if i == 0 else width, hidden_size, batch_first=True) for i in range(num_layers)
        ) if bidirectional else None
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, lengths):
        rev = None
        if self.bidirectional:
            rev = _reverse_index(lengths, x.shape[1], x.device)[:, :, None]
        for i, layer in enumerate(self.forward_layers):
            if i:
                x = self.dropout(x)
            out, _ = layer(x)
            if self.bidirectional:
                back, _ = self.backward_layers[i](x.gather(1, rev.expand(-1, -1, x.shape[2])))
                out = torch.cat([out, back.gather(1, rev.expand(-1, -1, back.shape[2]))], dim=2)
            x = out
        return x


class CharCNN(nn.Module):
    """A word's characters -> one vector: embedding, a convolution of width 3, max over positions."""

    def __init__(self, n_chars, embedding_dim=32, out_dim=64):
        super().__init__()
        self.embedding = nn.Embedding(n_chars, embedding_dim, padding_idx=PAD)
        self.conv = nn.Conv1d(embedding_dim, out_dim, kernel_size=3, padding=1)

    def forward(self, chars, lengths):
        h = torch.relu(self.conv(self.embedding(chars).transpose(1, 2)))  # (U, out, L), >= 0
        h = h * (chars != PAD).unsqueeze(1)  # padding positions cannot win the max
        return h.amax(dim=2)


class CharLSTM(nn.Module):
    """A word's characters -> the final states of a bidirectional LSTM over them."""

    def __init__(self, n_chars, embedding_dim=32, out_dim=64):
        super().__init__()
        self.embedding = nn.Embedding(n_chars, embedding_dim, padding_idx=PAD)
        self.rnn = RecurrentLayers("lstm", embedding_dim, out_dim // 2, bidirectional=True)

    def forward(self, chars, lengths):
        out = self.rnn(self.embedding(chars), lengths)  # (U, L, out_dim)
        half = out.shape[2] // 2
        last = (lengths.to(out.device) - 1)[:, None, None].expand(-1, 1, half)
        # forward state after the last character; backward state after reading back to the first
        return torch.cat([out[:, :, :half].gather(1, last)[:, 0], out[:, 0, half:]], dim=1)


class SequenceNet(nn.Module):
    """Embeddings (word, and optionally character) -> recurrent layers -> one output per token.

    Takes a padded batch (as :class:`SequenceBatches` yields it) and returns the outputs of the real tokens only, flattened in
    sequence order: (n_tokens, n_outputs); with ``last_only``, the outputs of each
    sequence's last token, (n_sequences, n_outputs).

    Parameters
    ----------
    n_outputs : int
    vocab_size : int or None, None for feature-vector input
    n_features : int or None, the width of feature-vector input
    embedding_dim, hidden_size, num_layers : int
    cell : {'rnn', 'lstm', 'gru'}
    bidirectional : bool
    dropout : float, on the embeddings, between recurrent layers and before the output
    word_dropout : float, probability of replacing a training token by the unknown word
    char_features : {None, 'cnn', 'lstm'}
    n_chars, char_dim : int
    pretrained : tensor (vocab_size, embedding_dim) or None
    freeze_embeddings : bool
    tie_weights : bool, share the output layer with the word embedding (language models)
    """

    def __init__(self, n_outputs, vocab_size=None, n_features=None, embedding_dim=100, hidden_size=128,
                 num_layers=1, cell="lstm", bidirectional=True, dropout=0.0, word_dropout=0.0,
                 char_features=None, n_chars=0, char_dim=64, pretrained=None, freeze_embeddings=False,
                 tie_weights=False):
        super().__init__()
        self.word_dropout = word_dropout
        width = 0
        self.embedding = None
        if vocab_size is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
            if pretrained is not None:
                with torch.no_grad():
                    self.embedding.weight.copy_(pretrained)
            self.embedding.weight.requires_grad_(not freeze_embeddings)
            width += embedding_dim
        if n_features is not None:
            width += n_features
        self.chars = None
        if char_features is not None:
            self.chars = (CharLSTM if char_features == "lstm" else CharCNN)(n_chars, 32, char_dim)
            width += char_dim
        self.dropout = nn.Dropout(dropout)
        self.rnn = RecurrentLayers(cell, width, hidden_size, num_layers, bidirectional, dropout)
        out_width = hidden_size * (2 if bidirectional else 1)
        if tie_weights:
            if self.embedding is None or out_width != embedding_dim:
                raise ValueError(f"tie_weights=True needs hidden_size ({out_width}) equal to embedding_dim "
                                 f"({embedding_dim}).")
            self.output = nn.Linear(out_width, n_outputs)
            self.output.weight = self.embedding.weight
        else:
            self.output = nn.Linear(out_width, n_outputs)

    def forward(self, lengths, words=None, features=None, chars=None, char_lengths=None, char_index=None,
                last_only=False):
        parts = []
        if words is not None:
            if self.training and self.word_dropout > 0:
                drop = (torch.rand(words.shape, device=words.device) < self.word_dropout) & (words > UNK)
                words = words.masked_fill(drop, UNK)
            parts.append(self.embedding(words))
        if features is not None:
            parts.append(features)
        if self.chars is not None:
            parts.append(self.chars(chars, char_lengths)[char_index])
        h = self.dropout(torch.cat(parts, dim=2) if len(parts) > 1 else parts[0])
        out = self.rnn(h, lengths)
        if last_only:
            out = out[torch.arange(len(lengths)), lengths.to(out.device) - 1]
        else:
            mask = torch.arange(out.shape[1], device=out.device) < lengths.to(out.device)[:, None]
            out = out[mask]
        return self.output(self.dropout(out))


# -- shared parameters and fit cycle ----------------------------------------------------
class _SequenceModel(BaseNeuralNetwork):
    """What the tagger and the language model share: vocabulary, character table, network."""

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "cell": [StrOptions(set(_CELLS))],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_vocab": [Interval(Integral, 3, None, closed="left"), None],
        "lowercase": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "word_dropout": [Interval(Real, 0, 1, closed="left")],
        "pretrained_embeddings": "no_validation",
        "freeze_embeddings": ["boolean"],
        "clipnorm": [Interval(Real, 0, None, closed="neither"), None],
    }
    _specials = (_PAD_TOKEN, _UNK_TOKEN)

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(32, n_samples)
        return super()._batch_size(n_samples)

    def _predict_batch_size(self):
        return 256

    def _callbacks(self, incremental):
        callbacks = super()._callbacks(incremental)
        if self.clipnorm is not None:
            from skorch.callbacks import GradientNormClipping

            callbacks.insert(0, ("clipnorm", GradientNormClipping(self.clipnorm)))
        return callbacks

    def _sample_weights(self, y_index, sample_weight, X):
        if sample_weight is None:
            return None
        w = check_non_negative_weights(sample_weight, "sample_weight")
        if w.ndim != 1 or len(w) != len(X[1]):
            raise ValueError(f"sample_weight must have one weight per sequence ({len(X[1])}), got shape {w.shape}.")
        if not np.any(w > 0):
            raise ValueError("All sample weights are zero: there is nothing to learn from.")
        return w

    def _read_pretrained(self):
        """(vectors, words) of ``pretrained_embeddings``, checked; None when there are none."""
        vectors = self.pretrained_embeddings
        if vectors is None:
            return None
        vectors = getattr(vectors, "wv_", vectors)  # a fitted Word2VecTransformer gives its keyed vectors
        if hasattr(vectors, "key_to_index"):  # keyed vectors, sknn's or gensim's
            words = list(vectors.key_to_index)
        elif hasattr(vectors, "items"):
            words = list(vectors)
        else:
            raise TypeError("pretrained_embeddings must be a dict word -> vector, keyed vectors, or a fitted "
                            f"Word2VecTransformer; got {type(vectors).__name__}.")
        if not words:
            raise ValueError("pretrained_embeddings holds no word.")
        dim = len(np.asarray(vectors[words[0]]))
        if dim != self.embedding_dim:
            raise ValueError(f"The pretrained vectors have {dim} dimensions but embedding_dim={self.embedding_dim}; "
                             f"pass embedding_dim={dim}.")
        table = getattr(vectors, "vectors", None)
        if isinstance(table, np.ndarray):  # keyed vectors: one matrix
            if not np.isfinite(table).all():
                raise ValueError("pretrained_embeddings holds NaN or infinity; pretrained vectors must be finite.")
        else:  # a dict: one vector per word
            for w in words:
                try:
                    row = np.asarray(vectors[w], dtype=np.float64)
                except (TypeError, ValueError):
                    raise TypeError(f"pretrained_embeddings[{w!r}] is not a vector of numbers.") from None
                if row.shape != (dim,):
                    raise ValueError(f"pretrained_embeddings[{w!r}] has shape {row.shape}; every pretrained vector "
                                     f"must hold {dim} numbers (embedding_dim).")
                if not np.isfinite(row).all():
                    raise ValueError(f"pretrained_embeddings[{w!r}] holds NaN or infinity; pretrained vectors must "
                                     "be finite.")
        return vectors, words

    def _fit_vocabulary(self, tokens):
        """``vocabulary_`` from the training tokens and the words of the pretrained vectors."""
        pretrained = self._read_pretrained()
        extra = () if pretrained is None else [w.lower() if self.lowercase else w for w in pretrained[1]]
        lowered = ([t.lower() for t in seq] for seq in tokens) if self.lowercase else tokens
        self.vocabulary_, _ = build_vocabulary(lowered, self.min_count, self.max_vocab, self._specials, extra)
        if len(self.vocabulary_) == len(self._specials):
            raise ValueError(f"No token occurs at least min_count={self.min_count} times; lower min_count.")
        self._pretrained = pretrained  # read once more by _build_module, then dropped

    def _pretrained_matrix(self):
        """The initial embedding matrix: pretrained vectors where there are some, small random values elsewhere."""
        pretrained = self.__dict__.pop("_pretrained", None)
        if pretrained is None:
            return None
        vectors, words = pretrained
        matrix = torch.randn(len(self.vocabulary_), self.embedding_dim) * 0.1  # seeded by the fit
        matrix[PAD] = 0
        seen, rows, values = set(), [], []
        for w in words:
            key = w.lower() if self.lowercase else w
            if key not in seen:  # with lowercase, the first (most frequent) casing wins
                seen.add(key)
                rows.append(self.vocabulary_[key])
                values.append(np.asarray(vectors[w], dtype=np.float32))
        if rows:  # one copy for all the words
            matrix[torch.tensor(rows)] = torch.from_numpy(np.stack(values))
        return matrix

    def _words_array(self):
        words = np.empty(len(self.vocabulary_), dtype=object)
        for w, i in self.vocabulary_.items():
            words[i] = w
        return words


class LSTMSequenceTagger(_SequenceModel):
    """Label every token of a sequence (part-of-speech tagging, per-step labels of a series).

    A recurrent network (RNN, LSTM or GRU, optionally bidirectional) reads word
    embeddings learned in fit, and optionally character features that give unseen
    words a representation; a linear layer maps each position to the label scores.
    Sequences of similar length are batched together; padding never changes a result.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
    bidirectional : bool, default=True
    num_layers : int, default=1
    hidden_size : int, default=128
        Units of each recurrent layer (per direction).
    embedding_dim : int, default=100
    char_features : bool or {'cnn', 'lstm'}, default=False
        Add a representation of each word's characters: a convolution ('cnn' or True)
        or a bidirectional LSTM ('lstm') over them.
    char_dim : int, default=64
        Size of the character representation of a word.
    min_count : int, default=1
        Words seen fewer times in fit are unknown (share the '<unk>' embedding).
    max_vocab : int or None, default=None
        Keep the most frequent words only.
    lowercase : bool, default=False
        Lower-case words before the vocabulary lookup (characters keep their case).
    dropout : float, default=0.25
        Dropout on the embeddings, between recurrent layers and before the output layer.
    word_dropout : float, default=0.05
        Probability of replacing a training token by '<unk>', so the unknown-word
        embedding is learned.
    pretrained_embeddings : dict, keyed vectors or fitted Word2VecTransformer, default=None
        Initial word vectors (of size ``embedding_dim``); their words join the
        vocabulary, so words absent from the training data still get their vector.
    freeze_embeddings : bool, default=False
        Keep the word vectors fixed.
    clipnorm : float or None, default=5.0
        Clip the gradient norm (as Keras' ``clipnorm``), which keeps recurrent networks stable.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, max_iter, shuffle, \
early_stopping, validation_fraction, n_iter_no_change, tol, warm_start, random_state, device, precision, \
verbose, callbacks
        As in :class:`sknn.DenseClassifier`; ``batch_size`` counts sequences ('auto': 32).

    Attributes
    ----------
    classes_ : ndarray, the labels
    vocabulary_ : dict, word -> index ('<pad>' is 0, '<unk>' 1)
    char_vocabulary_ : dict or None
    n_features_in_ : int, for feature-vector sequences only
    history_, loss_curve_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`; losses and scores are per token.

    Examples
    --------
    >>> from sknn import LSTMSequenceTagger
    >>> X = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"]] * 20
    >>> y = [["DET", "NOUN", "VERB"]] * 60
    >>> tagger = LSTMSequenceTagger(hidden_size=16, embedding_dim=16, max_iter=15, random_state=0).fit(X, y)
    >>> tagger.predict([["a", "dog", "sleeps"]])
    [['DET', 'NOUN', 'VERB']]
    >>> tagger.score(X, y)
    1.0
    """

    _parameter_constraints = {
        **_SequenceModel._parameter_constraints,
        "bidirectional": ["boolean"],
        "char_features": ["boolean", StrOptions({"cnn", "lstm"})],
        "char_dim": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, cell="lstm", bidirectional=True, num_layers=1, hidden_size=128, embedding_dim=100,
                 char_features=False, char_dim=64, min_count=1, max_vocab=None, lowercase=False, dropout=0.25,
                 word_dropout=0.05, pretrained_embeddings=None, freeze_embeddings=False, clipnorm=5.0,
                 optimizer="adam", learning_rate_init=0.002, learning_rate="constant", momentum=0.9, nesterov=True,
                 alpha=0.0, l1=0.0, batch_size="auto", max_iter=20, shuffle=True, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, warm_start=False, random_state=None,
                 device="auto", precision="32", verbose=0, callbacks=None):
        self.cell = cell
        self.bidirectional = bidirectional
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.char_features = char_features
        self.char_dim = char_dim
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.lowercase = lowercase
        self.dropout = dropout
        self.word_dropout = word_dropout
        self.pretrained_embeddings = pretrained_embeddings
        self.freeze_embeddings = freeze_embeddings
        self.clipnorm = clipnorm
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks

    _is_classifier = False  # labels are per token: no stratified splits of sequences

    def _char_mode(self):
        return {False: None, True: "cnn"}.get(self.char_features, self.char_features)

    # -- input ----------------------------------------------------------------------
    def _encode(self, X, reset):
        kind, seqs = check_sequences(X)
        lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)
        if reset:
            self.input_kind_ = kind
            if kind == "features":
                self.n_features_in_ = seqs[0].shape[1]
                self.vocabulary_ = None
                self.char_vocabulary_ = None
            else:
                self._fit_vocabulary(seqs)
                self.char_vocabulary_ = None
                if self._char_mode():
                    chars, _ = build_vocabulary((t for seq in seqs for t in seq))
                    self.char_vocabulary_ = chars
        elif kind != self.input_kind_:
            raise ValueError(f"X holds {kind} sequences but {type(self).__name__} was fitted on {self.input_kind_} "
                             "sequences.")
        if kind == "features":
            if seqs[0].shape[1] != self.n_features_in_:
                raise ValueError(f"X has {seqs[0].shape[1]} features per step, but {type(self).__name__} was fitted "
                                 f"with {self.n_features_in_}.")
            return {"features": torch.from_numpy(np.concatenate(seqs))}, lengths, None
        inputs = {"words": _encode(seqs, self.vocabulary_, self.lowercase)}
        table = None
        if self.char_vocabulary_ is not None:
            form_ids = {}
            inputs["forms"] = torch.tensor([form_ids.setdefault(t, len(form_ids)) for s in seqs for t in s],
                                           dtype=torch.int64)
            table = _char_table(list(form_ids), self.char_vocabulary_)
        return inputs, lengths, table

    def _check_X_y(self, X, y, reset):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y: one list of labels per sequence of X.")
        encoded = self._encode(X, reset)
        return encoded, check_label_sequences(y, encoded[1].tolist())

    def _check_X(self, X, reset):
        check_is_fitted(self, "net_")
        return self._encode(X, reset)

    def _prepare_targets(self, y, keep, classes, incremental):
        if not keep:
            try:
                found = np.unique(y)
            except TypeError as exc:
                raise ValueError("The labels mix types (e.g. strings and numbers); use one type for all.") from exc
            if len(found) < 2:
                raise ValueError(f"{type(self).__name__} needs at least 2 different labels, but y has only "
                                 f"{found.tolist()[0]!r}.")
            self.classes_ = found
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"y contains labels not seen in the first fit: {np.unique(y[unknown])[:10].tolist()}.")
        return torch.from_numpy(np.searchsorted(self.classes_, y).astype(np.int64)), None

    def _criterion(self):
        return nn.CrossEntropyLoss(reduction="none")

    _score_fn = staticmethod(accuracy_score)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Train on sequences X and their label sequences y for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : list of sequences: token lists, or arrays of shape (length, n_features)
        y : list of label sequences, each as long as its sequence in X
        sample_weight : array-like of shape (n_sequences,), default=None
            Weight of each sequence, given to each of its tokens; sequences of weight 0 are left out.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights (vocabulary and labels stay).

        Every label must have been seen in the first fit.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _n_outputs(self):
        return len(self.classes_)

    def _source(self, X, y=None, sample_weight=None):
        inputs, lengths, table = X
        return SequenceBatches(inputs, lengths, y, sample_weight, table)

    def _build_module(self, n_inputs, n_outputs):
        words = self.input_kind_ == "tokens"
        return SequenceNet(
            n_outputs, vocab_size=len(self.vocabulary_) if words else None,
            n_features=None if words else self.n_features_in_, embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size, num_layers=self.num_layers, cell=self.cell,
            bidirectional=self.bidirectional, dropout=self.dropout, word_dropout=self.word_dropout,
            char_features=self._char_mode() if words else None,
            n_chars=len(self.char_vocabulary_ or ()), char_dim=self.char_dim,
            pretrained=self._pretrained_matrix() if words else None, freeze_embeddings=self.freeze_embeddings)

    # -- predictions ------------------------------------------------------------------
    def _per_sequence(self, X, transform):
        encoded = self._check_X(X, reset=False)
        source = self._source(encoded)
        out = self.net_.predict_source(source, batch_size=self._predict_batch_size(), transform=transform)
        order = source.order()
        pieces = torch.split(out, source.lengths[order].tolist())
        result = [None] * len(order)
        for i, piece in zip(order.tolist(), pieces):
            result[i] = piece
        return result

    def predict(self, X):
        """The labels of each token: a list (one per sequence) of label lists.

        Parameters
        ----------
        X : list of sequences (token lists or (length, n_features) arrays)

        Returns
        -------
        y : list of lists
        """
        pieces = self._per_sequence(X, lambda z: z.argmax(dim=1))
        return [self.classes_[p.numpy()].tolist() for p in pieces]

    def predict_proba(self, X):
        """Probability of each label for each token: a list of (length, n_classes) arrays."""
        pieces = self._per_sequence(X, lambda z: torch.softmax(z, dim=1))
        return [p.numpy().astype(np.float64) for p in pieces]

    def score(self, X, y, sample_weight=None):
        """Token accuracy: the fraction of tokens whose label is predicted right.

        Parameters
        ----------
        X : list of sequences
        y : list of label sequences
        sample_weight : array-like of shape (n_sequences,), default=None
            Weight of each sequence (given to each of its tokens).
        """
        pred = self.predict(X)
        lengths = [len(p) for p in pred]
        y_flat = check_label_sequences(y, lengths)
        right = np.concatenate([np.asarray(p, dtype=object) for p in pred]) == y_flat.astype(object)
        if sample_weight is None:
            return float(right.mean())
        w = np.repeat(np.asarray(sample_weight, dtype=np.float64), lengths)
        return float((right * w).sum() / w.sum())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags


class LSTMLanguageModel(_SequenceModel):
    """Next-word prediction: a recurrent language model over token sequences.

    Each sequence is read from a start symbol; at every position the network predicts
    the next word (and, after the last, the end of the sequence). ``predict_next``
    gives the likeliest continuations of prefixes; ``perplexity`` and ``score`` say how
    well the model predicts held-out text.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
    num_layers : int, default=1
    hidden_size : int, default=256
    embedding_dim : int, default=256
    tie_weights : bool, default=False
        Share the output layer's weights with the word embedding (needs
        ``hidden_size == embedding_dim``): fewer parameters, often a lower perplexity.
    min_count : int, default=2
    max_vocab : int or None, default=20000
    lowercase : bool, default=False
    dropout : float, default=0.3
    word_dropout : float, default=0.0
    pretrained_embeddings, freeze_embeddings, clipnorm
        As in :class:`LSTMSequenceTagger`.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, batch_size, max_iter, shuffle, \
early_stopping, validation_fraction, n_iter_no_change, tol, warm_start, random_state, device, precision, \
verbose, callbacks
        As in :class:`LSTMSequenceTagger`.

    Attributes
    ----------
    vocabulary_ : dict, word -> index ('<pad>', '<unk>', '<s>', '</s>' first)
    history_, loss_curve_, n_iter_, net_, device_
        The loss is the mean negative log-likelihood per predicted token.

    Examples
    --------
    >>> from sknn import LSTMLanguageModel
    >>> text = [["robert", "weighs", "about", "200", "pounds"], ["anna", "weighs", "about", "60", "kilos"]] * 30
    >>> lm = LSTMLanguageModel(hidden_size=32, embedding_dim=32, min_count=1, max_iter=30,
    ...                        random_state=0).fit(text)
    >>> lm.predict_next([["robert", "weighs"]], top_k=1)
    [['about']]
    >>> lm.perplexity(text) < 2
    True
    """

    _parameter_constraints = {
        **_SequenceModel._parameter_constraints,
        "tie_weights": ["boolean"],
    }
    _specials = (_PAD_TOKEN, _UNK_TOKEN, _BOS_TOKEN, _EOS_TOKEN)
    _is_classifier = False

    def __init__(self, cell="lstm", num_layers=1, hidden_size=256, embedding_dim=256, tie_weights=False,
                 min_count=2, max_vocab=20000, lowercase=False, dropout=0.3, word_dropout=0.0,
                 pretrained_embeddings=None, freeze_embeddings=False, clipnorm=5.0, optimizer="adam",
                 learning_rate_init=0.002, learning_rate="constant", momentum=0.9, nesterov=True, alpha=0.0, l1=0.0,
                 batch_size="auto", max_iter=10, shuffle=True, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, warm_start=False, random_state=None, device="auto", precision="32", verbose=0,
                 callbacks=None):
        self.cell = cell
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.tie_weights = tie_weights
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.lowercase = lowercase
        self.dropout = dropout
        self.word_dropout = word_dropout
        self.pretrained_embeddings = pretrained_embeddings
        self.freeze_embeddings = freeze_embeddings
        self.clipnorm = clipnorm
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks

    def _check_params(self):
        if self.tie_weights and self.hidden_size != self.embedding_dim:
            raise ValueError(f"tie_weights=True needs hidden_size == embedding_dim, got {self.hidden_size} and "
                             f"{self.embedding_dim}.")

    def _encode(self, X, reset):
        kind, seqs = check_sequences(X)
        if kind != "tokens":
            raise ValueError(f"{type(self).__name__} models token sequences; X holds numeric arrays.")
        if reset:
            self._fit_vocabulary(seqs)
        lengths = torch.tensor([len(s) + 1 for s in seqs], dtype=torch.int64)
        ids = _encode(seqs, self.vocabulary_, self.lowercase, prefix=(_BOS_TOKEN,), suffix=(_EOS_TOKEN,))
        # input: <s> w1 ... wn ; target: w1 ... wn </s>
        tok = _spans(torch.cumsum(lengths + 1, 0) - (lengths + 1), lengths)
        return ({"words": ids[tok]}, lengths, None), ids[tok + 1]

    def _check_X_y(self, X, y, reset):
        return self._encode(X, reset)

    def _prepare_targets(self, y, keep, classes, incremental):
        return y, None

    def _criterion(self):
        return nn.CrossEntropyLoss(reduction="none")

    _score_fn = None

    def _n_outputs(self):
        return len(self.vocabulary_)

    def _source(self, X, y=None, sample_weight=None):
        inputs, lengths, _ = X
        return SequenceBatches(inputs, lengths, y, sample_weight)

    def _build_module(self, n_inputs, n_outputs):
        return SequenceNet(
            n_outputs, vocab_size=len(self.vocabulary_), embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size, num_layers=self.num_layers, cell=self.cell, bidirectional=False,
            dropout=self.dropout, word_dropout=self.word_dropout, pretrained=self._pretrained_matrix(),
            freeze_embeddings=self.freeze_embeddings, tie_weights=self.tie_weights)

    def fit(self, X, y=None, sample_weight=None):
        """Train on token sequences X for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : list of token lists
        y : ignored
        sample_weight : array-like of shape (n_sequences,), default=None

        Returns
        -------
        self
        """
        return super().fit(X, None, sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on X, continuing from the current weights (the vocabulary stays)."""
        return self._fit(X, None, sample_weight=sample_weight, incremental=True)

    def _log_likelihoods(self, X):
        check_is_fitted(self, "net_")
        (inputs, lengths, _), targets = self._encode(X, reset=False)
        source = SequenceBatches(inputs, lengths)
        logp = self.net_.predict_source(source, batch_size=self._predict_batch_size(),
                                        transform=lambda z: torch.log_softmax(z.float(), dim=1))
        order = source.order()
        tok, _ = source._token_index(order)
        return logp.gather(1, targets[tok][:, None]).squeeze(1).double()

    def perplexity(self, X):
        """exp of the mean negative log-likelihood per predicted token (end of sequence included).

        Words outside the vocabulary count as '<unk>', as in the usual benchmark protocol.
        """
        return float(torch.exp(-self._log_likelihoods(X).mean()))

    def score(self, X, y=None):
        """Mean log-likelihood per predicted token (higher is better; ``-log(perplexity)``)."""
        return float(self._log_likelihoods(X).mean())

    def predict_next(self, prefixes, top_k=5, return_proba=False):
        """The likeliest next words after each prefix.

        Parameters
        ----------
        prefixes : list of token lists (an empty list asks for a first word)
        top_k : int, default=5
            How many words to propose (at most the vocabulary's words).
        return_proba : bool, default=False
            Give (word, probability) pairs instead of words.

        Returns
        -------
        list (one per prefix) of ``top_k`` words, most likely first; special symbols
        ('<unk>', '<s>', '</s>') are never proposed.
        """
        check_is_fitted(self, "net_")
        top_k = check_positive_int(top_k, "top_k", "predict_next")
        if isinstance(prefixes, (str, bytes)) or not hasattr(prefixes, "__len__") or (
                len(prefixes) and (_is_token(prefixes[0]) or not hasattr(prefixes[0], "__len__"))):
            raise TypeError("prefixes must be a list of token lists, e.g. [['Robert', 'weighs', 'about']].")
        if len(prefixes) == 0:
            return []
        for i, p in enumerate(prefixes):
            if _is_token(p) or not hasattr(p, "__len__"):
                raise TypeError(f"prefixes[{i}] is a {type(p).__name__}, not a list of tokens; pass one token list "
                                "per prefix, e.g. [['Robert', 'weighs', 'about']].")
            _check_tokens(list(p), f"prefixes[{i}]")
        lengths = torch.tensor([len(p) + 1 for p in prefixes], dtype=torch.int64)
        ids = _encode([list(p) for p in prefixes], self.vocabulary_, self.lowercase, prefix=(_BOS_TOKEN,))
        source = SequenceBatches({"words": ids}, lengths, last_only=True)
        probs = self.net_.predict_source(source, batch_size=self._predict_batch_size(),
                                         transform=lambda z: torch.softmax(z.float(), dim=1))
        probs[:, [PAD, UNK, BOS, EOS]] = 0
        k = min(top_k, len(self.vocabulary_) - len(self._specials))
        top_p, top_i = probs.topk(k, dim=1)
        words = self._words_array()
        result = [None] * len(prefixes)
        for row, i in enumerate(source.order().tolist()):
            picked = words[top_i[row].numpy()].tolist()
            result[i] = list(zip(picked, top_p[row].double().tolist())) if return_proba else picked
        return result

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags
