"""The vocabulary of Word2VecTransformer: words and their counts, as gensim builds it, and a corpus in memory read
once as word numbers, so that its first epoch looks up no word again."""

from array import array
from collections import Counter, defaultdict
from typing import NamedTuple

import numpy as np
import torch

__all__ = ["CorpusIds", "Vocabulary", "noise_table"]


class Vocabulary:
    """Words and their counts, most frequent first, built from a streamed corpus as gensim does.

    While counting, the table is pruned whenever it grows past ``max_vocab_size``: the words
    seen fewer than t times go, t = 1, 2, 3, ... at successive prunes (gensim's prune_vocab: the
    first drops nothing; word2vec.c's, dropping those seen t times too, prunes harder), then words
    under ``min_count`` are dropped.
    """

    def __init__(self, words, counts, n_tokens, n_sentences):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.n_tokens = int(n_tokens)
        self.n_sentences = int(n_sentences)

    @classmethod
    def build(cls, sentences, min_count=5, max_vocab_size=None):
        counts = Counter()
        n_tokens = n_sentences = 0
        min_reduce = 1
        for sentence in sentences:
            counts.update(sentence)
            n_tokens += len(sentence)
            n_sentences += 1
            if max_vocab_size is not None and len(counts) > max_vocab_size:
                counts = Counter({w: c for w, c in counts.items() if c >= min_reduce})
                min_reduce += 1
        return cls.from_counts(counts, n_tokens, n_sentences, min_count), counts

    @classmethod
    def from_counts(cls, counts, n_tokens, n_sentences, min_count=5):
        """The vocabulary of ``counts`` (token -> count, in the order the tokens were first seen)."""
        # plain str keys: tokens from numpy arrays are np.str_ (equal and of equal hash, so the first seen
        # spelling's type would be the key's), while the vectors' KeyedVectors holds str
        kept = [(str(w), c) for w, c in counts.items() if c >= min_count]
        kept = sorted(reversed(kept), key=lambda wc: -wc[1])  # as gensim (lexsort): ties, the last seen first
        return cls([w for w, _ in kept], [c for _, c in kept], n_tokens, n_sentences)

    def __len__(self):
        return len(self.words)

    def keep_probabilities(self, sample):
        """gensim's probability of keeping each occurrence of a word under subsampling ``sample``."""
        counts = self.counts.astype(np.float64)
        if not sample:
            return np.ones(len(counts), dtype=np.float32)
        total = counts.sum()
        # sample >= 1: a count above which words are subsampled (gensim's shorthand: its golden-ratio threshold)
        threshold = sample * total if sample < 1.0 else float(int(sample * (3 + np.sqrt(5)) / 2))
        prob = (np.sqrt(counts / threshold) + 1) * (threshold / counts)
        return np.minimum(prob, 1.0).astype(np.float32)

    def noise_cumulative(self, ns_exponent):
        """Cumulative distribution of the negative draws, counts ** ns_exponent (float64)."""
        log_weights = ns_exponent * np.log(self.counts.astype(np.float64))  # in logs: a large exponent overflows
        weights = np.exp(log_weights - log_weights.max())
        return np.cumsum(weights / weights.sum())


def noise_table(cumulative, size=None):
    """word2vec.c's table for negative draws: word ``i`` fills a share ``p_i`` of the slots.

    A draw is then one random slot, instead of a binary search. The table holds 64 slots
    per word on average (at least a million), so its memory follows the vocabulary.
    """
    size = size or max(1 << 20, 64 * len(cumulative))
    slots = (np.arange(size, dtype=np.float64) + 0.5) / size
    table = np.searchsorted(cumulative, slots).clip(max=len(cumulative) - 1)
    return torch.from_numpy(table.astype(np.int32 if len(cumulative) < 2**31 else np.int64))


class CorpusIds(NamedTuple):
    """A corpus read once as numbers: its distinct ``words`` in the order first seen, the number of each token
    (``codes``, an index into ``words``) and the tokens of each sentence (``lengths``)."""

    words: list
    codes: np.ndarray
    lengths: np.ndarray

    @classmethod
    def read(cls, sentences):
        """Number the tokens of ``sentences`` (lists of tokens), new words in turn, at C speed: as much work as counting
        them, after which training looks up no word in its first epoch (2.7 million tokens: 0.7 s of it)."""
        numbers = defaultdict()
        numbers.default_factory = numbers.__len__  # a new word: the next number
        codes, lengths = array("I"), array("q")
        for sentence in sentences:
            codes.extend(map(numbers.__getitem__, sentence))
            lengths.append(len(sentence))
        return cls(list(numbers), np.frombuffer(codes, dtype=f"u{codes.itemsize}"), np.frombuffer(lengths, np.int64))

    def counts(self):
        """Each word's count, in the order first seen (as the Counter of :meth:`Vocabulary.build`)."""
        counts = np.zeros(len(self.words), dtype=np.int64)
        for start in range(0, len(self.codes), 1 << 18):  # in slices: bincount makes int64 of what it counts
            counts += np.bincount(self.codes[start:start + (1 << 18)], minlength=len(self.words))
        return dict(zip(self.words, counts.tolist()))
