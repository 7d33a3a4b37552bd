"""The networks of the sequence family: recurrent layers exact on padded batches, character encoders, and
:class:`SequenceNet`, which maps a padded batch to one output per token.

The recurrent layers read each sequence within its own length in both directions, so
padding never changes a result.
"""

import torch
from torch import nn

from ._sequence_input import PAD, UNK

__all__ = ["CELLS", "AdaptiveSoftmax", "CharCNN", "CharLSTM", "RecurrentLayers", "SequenceNet", "adaptive_cutoff",
           "language_model_cutoff"]

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


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
        make = CELLS[cell]
        self.bidirectional = bidirectional
        width = hidden_size * (2 if bidirectional else 1)
        self.forward_layers = nn.ModuleList(
            make(input_size if i == 0 else width, hidden_size, batch_first=True) for i in range(num_layers))
        self.backward_layers = nn.ModuleList(
            make(input_size if i == 0 else width, hidden_size, batch_first=True) for i in range(num_layers)
        ) if bidirectional else None
        self.dropout = nn.Dropout(dropout)
        # oneDNN's bfloat16 GRU and RNN are slower on the CPU than its float32 ones, and give a sequence alone other
        # results than in a batch (its LSTM is faster, and the same alone): under the CPU's bfloat16 autocast
        # (precision='bf16' on a CPU with AMX) they run in float32
        self.float32_on_cpu = cell != "lstm"

    def _run(self, layer, x):
        if self.float32_on_cpu and x.device.type == "cpu" and torch.is_autocast_enabled("cpu"):
            with torch.autocast("cpu", enabled=False):
                return layer(x.float())
        return layer(x)

    def forward(self, x, lengths):
        rev = None
        if self.bidirectional:
            rev = _reverse_index(lengths, x.shape[1], x.device)[:, :, None]
        for i, layer in enumerate(self.forward_layers):
            if i:
                x = self.dropout(x)
            out, _ = self._run(layer, x)
            if self.bidirectional:
                back, _ = self._run(self.backward_layers[i], x.gather(1, rev.expand(-1, -1, x.shape[2])))
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


def adaptive_cutoff(counts, width, other_cost=0.0, min_speedup=1.0, slack=1.1):
    """The shortlist of an :class:`AdaptiveSoftmax` for words seen ``counts`` times (indices by decreasing count), or
    None when it would not make a training step at least ``min_speedup`` times faster than a full softmax.

    Costs are multiply-adds per token: a full softmax's ``n_words * width``; the adaptive one's ``(cutoff + 1) *
    width``, plus, for the share of tokens whose word is past the shortlist, ``(n_words - cutoff) * width`` and a
    ``width`` x ``width`` projection; ``other_cost``, the rest of the network's. Of the cutoffs within ``slack`` of
    the cheapest, the largest: the more words scored directly, the closer to a full softmax.
    """
    counts = torch.as_tensor(counts, dtype=torch.float64)
    n_words = len(counts)
    if n_words < 3 or counts.sum() <= 0:
        return None
    beyond = (counts.sum() - torch.cumsum(counts, 0)) / counts.sum()  # beyond[c - 1]: share of tokens past c words
    cutoff = torch.arange(1, n_words)
    cost = width * (cutoff + 1 + beyond[:-1] * (n_words - cutoff + width))
    best = cost.min()
    if (other_cost + n_words * width) < min_speedup * (other_cost + best):
        return None
    return int(cutoff[cost <= best * slack].max())


def language_model_cutoff(counts, mode, cell, num_layers, embedding_dim, hidden_size, tie_weights):
    """The adaptive softmax's shortlist for a language model (``mode``: True, False or 'auto'), or None.

    'auto' takes it when it makes a training step (a forward recurrent stack, then the output layer) at least 1.5x
    cheaper in multiply-adds, and never below 1,000 words, where the output's products are too small to be worth it.
    """
    auto = isinstance(mode, str)
    if not (auto or mode) or (auto and len(counts) < 1000):
        return None
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    recurrent = gates * hidden_size * (embedding_dim + hidden_size) + (num_layers - 1) * gates * 2 * hidden_size ** 2
    return adaptive_cutoff(counts, embedding_dim if tie_weights else hidden_size, other_cost=recurrent,
                           min_speedup=1.5 if auto else 1.0)


class AdaptiveSoftmax(nn.Module):
    """The output layer of a language model over a large vocabulary, at a fraction of a full softmax's cost.

    The ``cutoff`` most frequent words and one cluster for all the others are scored from the hidden state; a word
    past the shortlist gets the cluster's probability times its own within the cluster, scored from a projection of
    the hidden state (Grave et al., 2017, "Efficient softmax approximation for GPUs", with one tail cluster). The two
    levels make an exact distribution over the whole vocabulary. In training, given the targets, only the tokens
    whose next word is past the shortlist score the tail: about ``cutoff + share_past * n_words`` scores a token
    instead of ``n_words`` (finding them costs one device-to-host synchronisation a batch).

    Parameters
    ----------
    in_features : int
    n_words : int, words by decreasing frequency (index 0 the most frequent after any specials)
    cutoff : int, the words scored directly
    shared_weight : nn.Parameter (n_words, width) or None
        The word embedding, to share (tied weights); None: the layer has its own.
    width : int, the width of ``shared_weight``; a hidden state of another width is projected to it first
    """

    def __init__(self, in_features, n_words, cutoff, shared_weight=None, width=None):
        super().__init__()
        if not 0 < cutoff < n_words:
            raise ValueError(f"cutoff={cutoff} must be between 1 and n_words - 1 = {n_words - 1}.")
        width = in_features if width is None else width
        self.cutoff = cutoff
        self.projection = None if width == in_features else nn.Linear(in_features, width, bias=False)
        if shared_weight is None:
            shared_weight = nn.Parameter(torch.empty(n_words, width))
            nn.init.normal_(shared_weight, std=width ** -0.5)
        self.weight = shared_weight
        self.bias = nn.Parameter(torch.zeros(n_words))
        self.cluster = nn.Linear(width, 1)
        self.tail = nn.Linear(width, width, bias=False)
        with torch.no_grad():  # the tail starts as the full softmax's scores
            self.tail.weight.copy_(torch.eye(width))

    def _head(self, h):
        c = self.cutoff
        scores = nn.functional.linear(h, torch.cat([self.weight[:c], self.cluster.weight]),
                                      torch.cat([self.bias[:c], self.cluster.bias]))
        return torch.log_softmax(scores, dim=1)

    def _tail(self, h):
        c = self.cutoff
        return torch.log_softmax(nn.functional.linear(self.tail(h), self.weight[c:], self.bias[c:]), dim=1)

    def forward(self, h, targets=None):
        """Log-probabilities (n, n_words); with ``targets`` (n,), each token's negative log-likelihood (n,) instead."""
        if self.projection is not None:
            h = self.projection(h)
        head = self._head(h)
        c = self.cutoff
        if targets is None:
            return torch.cat([head[:, :c], head[:, c:] + self._tail(h)], dim=1)
        past = targets >= c
        nll = -head.gather(1, targets.clamp(max=c)[:, None]).squeeze(1)
        rows = past.nonzero().squeeze(1)
        tail = self._tail(h[rows]).gather(1, (targets[rows] - c)[:, None]).squeeze(1)
        return nll.index_add(0, rows, -tail)


class SequenceNet(nn.Module):
    """Embeddings (word, and optionally character) -> recurrent layers -> one output per token.

    Takes a padded batch (as :class:`SequenceBatches` yields it) and returns the outputs of
    the real tokens only, flattened in sequence order: (n_tokens, n_outputs); with
    ``last_only``, the outputs of each sequence's last token, (n_sequences, n_outputs).

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
    frozen_copy : bool, a second word embedding that never trains (``frozen_embedding``, loaded with the
        pretrained vectors), read beside the trained one
    tie_weights : bool, share the output layer with the word embedding (language models); when the
        recurrent output's width differs from ``embedding_dim``, a linear projection to it comes first
    adaptive_cutoff : int or None, an :class:`AdaptiveSoftmax` output scoring this many words directly
        (language models); the network then takes the padded next words as ``targets`` in training and
        returns each token's negative log-likelihood, and log-probabilities without them
    first_word : int, the id of the first word of the vocabulary: the ids below it are the model's own symbols
        ('<pad>', '<unk>', and a language model's '<s>', '</s>'), which ``word_dropout`` never replaces

    The words the trained embedding reads in training are counted (``word_counts``, a buffer saved with the weights,
    as a batch norm's statistics are): outside training, a word whose vector never trained (a word of the
    validation rows only, whose vector is the random start) reads as the unknown word, as a word not in the
    vocabulary does; words with a pretrained vector (:meth:`keep_words`) and every word of a network saved before
    the counts (count -1) read as they are.
    """

    _optional_buffers = {"word_counts": -1}  # what a file saved before the counts reads as (every word as it is)

    def __init__(self, n_outputs, vocab_size=None, n_features=None, embedding_dim=100, hidden_size=128,
                 num_layers=1, cell="lstm", bidirectional=True, dropout=0.0, word_dropout=0.0,
                 char_features=None, n_chars=0, char_dim=64, pretrained=None, freeze_embeddings=False,
                 frozen_copy=False, tie_weights=False, adaptive_cutoff=None, first_word=UNK + 1):
        super().__init__()
        self.word_dropout = word_dropout
        self.first_word = first_word
        width = 0
        self.embedding = None
        if vocab_size is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
            if pretrained is not None:
                with torch.no_grad():
                    self.embedding.weight.copy_(pretrained)
            self.embedding.weight.requires_grad_(not freeze_embeddings)
            width += embedding_dim
            self.register_buffer("word_counts", torch.zeros(vocab_size, dtype=torch.int64))
            self.word_counts[PAD] = -1  # (padding, read as it is)
        self.frozen_embedding = None
        if vocab_size is not None and frozen_copy:
            self.frozen_embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
            with torch.no_grad():
                self.frozen_embedding.weight.copy_(self.embedding.weight)
            self.frozen_embedding.weight.requires_grad_(False)
            width += embedding_dim
        if n_features is not None:
            width += n_features
        self.chars = None
        if char_features is not None:
            self.chars = (CharLSTM if char_features == "lstm" else CharCNN)(n_chars, 32, char_dim)
            width += 2 * (char_dim // 2) if char_features == "lstm" else char_dim  # (two directions of char_dim // 2)
        self.dropout = nn.Dropout(dropout)
        self.rnn = RecurrentLayers(cell, width, hidden_size, num_layers, bidirectional, dropout)
        out_width = hidden_size * (2 if bidirectional else 1)
        if tie_weights and self.embedding is None:
            raise ValueError("tie_weights=True needs word input (an embedding to share).")
        if adaptive_cutoff is not None:
            self.output = AdaptiveSoftmax(out_width, n_outputs, adaptive_cutoff,
                                          *((self.embedding.weight, embedding_dim) if tie_weights else ()))
        elif tie_weights:
            tied = nn.Linear(embedding_dim, n_outputs)
            tied.weight = self.embedding.weight
            # a hidden state wider or narrower than the embedding is projected to its size first
            self.output = tied if out_width == embedding_dim else nn.Sequential(
                nn.Linear(out_width, embedding_dim, bias=False), tied)
        else:
            self.output = nn.Linear(out_width, n_outputs)

    def word_vectors(self, words):
        """[frozen copy, trained embedding] of the word ids (B, T) (the copy only where there is one); in
        training, ``word_dropout`` of the words (never the model's own symbols, such as '<s>') read as unknown by the
        trained embedding."""
        counts = self._buffers.get("word_counts")  # (None: a network pickled before the counts)
        learning = self.training and torch.is_grad_enabled()
        if counts is not None and not learning:  # a word that never trained (seen in validation rows only) is unknown
            words = torch.where(counts[words] != 0, words, torch.full_like(words, UNK))
        frozen = getattr(self, "frozen_embedding", None)  # (None in networks pickled before it existed)
        parts = [] if frozen is None else [frozen(words)]  # every word keeps its pretrained vector here
        if self.training and self.word_dropout > 0:
            # (a network pickled before it had one: a tagger's, unless its model, unpickled, gave it its own)
            first_word = getattr(self, "first_word", UNK + 1)
            drop = (torch.rand(words.shape, device=words.device) < self.word_dropout) & (words >= first_word)
            words = words.masked_fill(drop, UNK)
        if counts is not None and learning:  # the words the trained embedding reads, counted on the device
            flat = words.flatten()
            counts.index_add_(0, flat, (counts[flat] >= 0).long())  # (-1: read as it is, trained or not)
        return parts + [self.embedding(words)]

    def keep_words(self, rows):
        """Read the words of ``rows`` as they are, trained or not (their vectors are pretrained): a count of -1."""
        if self._buffers.get("word_counts") is not None and len(rows):
            self.word_counts[rows.to(self.word_counts.device)] = -1

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name, value in self._optional_buffers.items():  # a network saved before them: read as it was then
            if prefix + name not in state_dict and name in self._buffers:
                state_dict[prefix + name] = torch.full_like(self._buffers[name], value)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, lengths, words=None, features=None, chars=None, char_lengths=None, char_index=None,
                last_only=False, targets=None):
        parts = [] if words is None else self.word_vectors(words)
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
        if isinstance(self.output, AdaptiveSoftmax):
            return self.output(self.dropout(out), None if targets is None else targets[mask])
        return self.output(self.dropout(out))
