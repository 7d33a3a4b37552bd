"""Training pieces of Word2VecTransformer: vocabulary, the corpus batch source, the SGNS module.

The corpus is streamed every epoch in chunks of sentences; each chunk is encoded to an int tensor and everything
after that is vectorised: frequent-word subsampling, the dynamic (reduced) window and, for the torch step, the
negative draws from the unigram^0.75 distribution. A batch holds ``batch_size`` centre words with their window of
neighbours (and, for the torch step, their negatives).

Two steps train on these batches. On the CPU, word2vec's own: each (input, target) pair
takes its SGD step in turn, in a loop compiled by numba (:mod:`sknn._w2v_steps`,
``SkipGramNegative.step_in_place``), skip-gram drawing negatives per pair as word2vec.c.
Elsewhere (a GPU, or no numba) a batched torch step: negatives drawn per centre word are
shared by every pair of its window (the scheme of Intel's pWord2Vec, Ji et al. 2016), so
the scores of a window are one small matrix product and the batch's updates are summed.
"""

import codecs
import itertools
import os
import re
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from ._input_files import READ_ERRORS, first_line_not_utf8, read_error
from ._memory import release_freed_memory
from ._text_checks import is_missing, missing_document, not_documents, token_fix
from ._validation import compressed_opener, first_non_string, is_unordered
from ._w2v_steps import compiled_step, noise_sampler
from ._w2v_vocabulary import CorpusIds, Vocabulary, noise_table

__all__ = ["PAIR_STEP_BATCH", "CorpusBatches", "SkipGramNegative", "Vocabulary", "as_documents",
           "check_corpus", "check_text_file", "is_path", "iter_corpus", "open_corpus_file", "steps_in_place"]

_CHUNK_TOKENS = 50_000  # tokens encoded at a time: a chunk takes a few MB
PAIR_STEP_BATCH = 4096  # centre words per compiled step: sets only the overhead (each pair steps on its own)
BYTE_ORDER_MARK = "\ufeff"
_LEADING_MARKS = re.compile(r"(?:^|(?<=\s))\ufeff+")  # byte-order marks at the start of a text or of a word


def steps_in_place(device):
    """Whether batches on ``device`` train by the compiled per-pair step (else by the batched torch step)."""
    return torch.device(device).type == "cpu" and compiled_step(True) is not None


def _tokenized(text, tokenizer, where):
    """The tokens of ``text`` (a document, or a line of a corpus file), byte-order marks that start a word dropped
    first."""
    # a BOM starts files (or, joined with cat, later lines) and strings read without 'utf-8-sig': no part of the
    # word after it, dropped from every text alike (a document gives the same tokens as str, bytes or a file's
    # line); one inside a word is the word's, as in a document given as tokens
    if BYTE_ORDER_MARK in text:
        text = _LEADING_MARKS.sub("", text)
    if tokenizer is None:
        return text.split()
    tokens = tokenizer(text)
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, (list, tuple)) or first_non_string(tokens) >= 0:
        raise TypeError(f"The tokenizer turned {where} into {tokens!r:.80}; a tokenizer must return a list of "
                        "strings.")
    if not all(map(str.strip, tokens)):
        j = next(j for j, t in enumerate(tokens) if not t.strip())
        raise ValueError(f"The tokenizer turned {where} into tokens such as {tokens[j]!r} (position {j}), no word: "
                         "make it leave out empty and white-space tokens (e.g. [t for t in re.split(...) if t]).")
    return tokens


def _tokens(doc, tokenizer, where="a document", position=None):
    """One document as a list of tokens: a string is tokenized, a sequence of tokens (strings) is kept; ``position``
    (in X) names a missing document."""
    if isinstance(doc, str):
        return _tokenized(doc, tokenizer, where)
    if isinstance(doc, bytes):
        try:
            return _tokenized(doc.decode("utf-8"), tokenizer, where)
        except UnicodeDecodeError as exc:  # replacing the bad bytes would merge words ('café', 'cafè')
            raise ValueError(f"{where} is bytes that are not UTF-8 text ({exc.reason}); decode it first with its "
                             "encoding (doc.decode('latin-1')).") from None
    listed = type(doc) is list  # (neither missing nor unordered: these checks cost a large corpus seconds a pass)
    if not listed and position is not None and is_missing(doc):  # (a Series' label would name another row)
        raise missing_document(doc, position, where)
    if not listed and (doc is None or not hasattr(doc, "__iter__") or is_unordered(doc)):
        raise TypeError(f"{where} is {doc!r:.60} (of type {type(doc).__name__}); a document must be a string or a "
                        "list of tokens (strings), in the text's order.")
    tokens = list(doc)
    j = first_non_string(tokens)
    if j >= 0:
        raise TypeError(f"{where}[{j}] is {tokens[j]!r:.60} (of type {type(tokens[j]).__name__}), not a string: every "
                        f"token must be a string ({token_fix(tokens[j])}).")
    if not all(map(str.strip, tokens)):  # '' or white space: a word no vector file can hold
        j = next(j for j, t in enumerate(tokens) if not t.strip())
        raise ValueError(f"{where}[{j}] is {tokens[j]!r}, no word: every token needs a visible character "
                         "(text.split() leaves out the empty strings and white space that text.split(' ') keeps).")
    return tokens


def is_path(corpus):
    return isinstance(corpus, (str, os.PathLike))


def open_corpus_file(path):
    """A text stream of a corpus file, decompressed when it is gzip, bzip2 or xz (recognised by content), whose lines
    end at '\\n' only (a '\\r' within a line is a space, as gensim's LineSentence reads it, not a line's end that
    would make two documents of one line and misalign transform's rows)."""
    return (compressed_opener(path) or open)(path, "rt", encoding="utf-8", newline="\n")  # (_tokenized drops BOMs)


def check_text_file(path, name="X"):
    """Refuse a corpus file that is not text: a NUL byte in its first 64 KB (after decompression), bytes there that
    are not UTF-8, or a compressed stream that cannot be read (an error of the system is the system's)."""
    try:
        with (compressed_opener(path) or open)(path, "rb") as f:
            sample = f.read(1 << 16)
    except READ_ERRORS as exc:  # the system's error as the system's (read_error); a stream cut or damaged, named
        error = read_error(path, exc)
        raise error if isinstance(error, OSError) else ValueError(f"{name}={os.fspath(path)!r} cannot be read as a "
                                                                  f"(compressed) text file: {exc}; it is damaged or "
                                                                  "truncated.") from None
    if b"\x00" in sample:
        raise ValueError(f"{name}={os.fspath(path)!r} is not a text file (it holds NUL bytes: a binary file, or text "
                         "in UTF-16); pass a UTF-8 text file with one sentence a line (gzip, bzip2 and xz files are "
                         "decompressed).")
    if sample.count(b"\r") >= 2 and b"\n" not in sample:  # (no line end but CRs)
        raise ValueError(f"{name}={os.fspath(path)!r} ends its lines with '\\r' alone (old Mac text), which a corpus "
                         "file does not: convert them first, e.g. tr '\\r' '\\n' < in.txt > out.txt.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)  # (a character cut at 64 KB is fine)
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc, "in its first 64 KB", name) from None


def _not_utf8(path, exc, where, name):
    """The error for a corpus file that is not UTF-8 (its bytes replaced, different words would merge)."""
    return ValueError(f"{name}={os.fspath(path)!r} is not UTF-8 text {where} ({exc.reason}); convert it first, e.g. "
                      "iconv -f latin1 -t utf-8 in.txt > out.txt.")


def iter_corpus(corpus, tokenizer=None):
    """Iterate over the sentences (lists of tokens) of a file path or a re-iterable of documents.

    A file holds one sentence a line; gzip, bzip2 and xz files are decompressed, as
    gensim's LineSentence does.
    """
    if is_path(corpus):
        line_no = 0
        try:
            with open_corpus_file(corpus) as f:
                for line_no, line in enumerate(f, 1):  # (a tokenizer gets the line without its line break)
                    yield _tokenized(line.rstrip("\r\n"), tokenizer, f"line {line_no} of {os.fspath(corpus)!r}")
        except READ_ERRORS as exc:
            raise read_error(corpus, exc, f" after line {line_no}" if line_no else "") from None
        except UnicodeDecodeError as exc:  # (read in chunks: the bad line is found anew)
            bad = first_line_not_utf8(corpus)
            raise _not_utf8(corpus, exc, f"at line {bad}" if bad else f"after line {line_no}", "X") from None
        return
    name = "X.iloc" if hasattr(corpus, "iloc") else "X"  # (a Series' X[i] is the row labelled i)
    for i, doc in enumerate(corpus):
        yield _tokens(doc, tokenizer, f"{name}[{i}]", i)


def as_documents(X):
    """A one-column DataFrame or 2-D array of texts as its column; other 2-D tables, sparse matrices, tensors and
    arrays of numbers are refused."""
    name = "X"
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # a DataFrame
        if X.shape[1] != 1:
            raise ValueError(f"X is a DataFrame with {X.shape[1]} columns; pass the one column that holds the text, "
                             "e.g. df['text'].")
        X, name = X.iloc[:, 0], f"X's column {X.columns[0]!r}"
    elif isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] != 1 or X.dtype.kind not in "OUST":
            rows = " (if each row holds one document's tokens: X.tolist())" if X.dtype.kind in "OUST" else ""
            raise TypeError(f"X is a 2-D array of shape {X.shape} and dtype {X.dtype}; a text transformer takes "
                            f"documents: a file path, a 1-D sequence of strings, or a list of token lists{rows}.")
        X = X[:, 0]
    error = not_documents(X, name)
    if error is not None:
        raise error
    return X


def check_corpus(corpus, name="X"):
    """Clear errors for a corpus that cannot be streamed once per epoch."""
    if is_path(corpus):
        if not os.path.isfile(corpus):
            what = "a folder" if os.path.isdir(corpus) else "no file" if isinstance(corpus, os.PathLike) else \
                "a string but not a file"
            text = os.fspath(corpus)
            shown = repr(text) if len(text) <= 250 else f"{text[:60]!r}... ({len(text):,} characters)"  # (a text)
            raise ValueError(f"{name}={shown} is {what}; pass a path to a text file (one sentence a "
                             "line), or a list of documents (strings or lists of tokens).")
        check_text_file(corpus, name)
        return
    if isinstance(corpus, bytes):
        raise TypeError(f"{name} must be a file path or an iterable of documents, got bytes: pass a path as text "
                        f"(os.fsdecode({name})), or a document in a list ([{name}.decode('utf-8')]).")
    if isinstance(corpus, Mapping):  # iterating it gives its keys, not the documents
        raise TypeError(f"{name} is a dict: iterating it gives its keys, not its documents; pass a list of the "
                        f"documents, list({name}.values()).")
    if is_unordered(corpus):  # its order changes from one process to the next
        raise TypeError(f"{name} is a {type(corpus).__name__} of documents, whose order changes from run to run "
                        "(and with it a seeded fit): pass a list.")
    try:
        it = iter(corpus)
    except TypeError:
        raise TypeError(f"{name} must be a file path or an iterable of documents (strings or lists of tokens), "
                        f"got {type(corpus).__name__}.") from None
    if it is corpus or iter(corpus) is it:  # (an __iter__ that gives one generator every time reads once too)
        raise TypeError(f"{name} is an iterator (e.g. a generator), which can be read only once, but training "
                        "reads the corpus once per epoch; pass a list, a file path, or an object whose __iter__ "
                        "starts over (as gensim's LineSentence).")


class CorpusBatches:
    """Centre words with their windows and negatives, streamed from a corpus once per epoch.

    A batch source for the Engine: ``batches`` yields ``(X, None, None)`` where ``X`` is a
    dict of tensors for :class:`SkipGramNegative`: ``tokens`` (the centres and ``window``
    neighbours each side), ``context_mask`` (which neighbours are in the reduced window
    and the same sentence), ``step_scale`` (below), and either, for the compiled step on
    the CPU (``steps_in_place``), ``centres``, ``noise`` (the alias table it draws
    negatives from) and ``noise_seed``, or, for ``forward``, ``targets`` (centre, then
    negatives) and ``target_mask``. ``step_scale`` is the batch's step: the learning rate,
    decaying linearly from ``alpha`` to ``min_alpha`` over the corpus's sentences of all epochs
    (as gensim's, given the corpus's count of sentences), times the number of centres, so that the
    engine's mean over the batch gives every pair a step of the rate as in word2vec's per-pair SGD. The
    step travels with the batch, not in a callback, so threads training at once (``workers``) each step
    by their own batch's rate.

    Randomness (subsampling, reduced windows, negatives) comes from the engine's
    generator, so a seeded fit is reproducible. With ``cache``, the corpus (in memory
    already) is encoded once, in the first epoch, and later epochs read the word ids.
    """

    def __init__(self, sentences, vocab, window, negative, sample, ns_exponent, epochs, alpha=0.025, min_alpha=1e-4,
                 cache=False, corpus_ids=None):
        self.sentences = sentences  # a callable returning a fresh iterator of token lists
        self.vocab = vocab
        self.window = int(window)
        self.negative = int(negative)
        self.keep = torch.from_numpy(vocab.keep_probabilities(sample))
        self.cumulative = vocab.noise_cumulative(ns_exponent)
        self._noise = self._table = None  # the draws of each step, built when it first runs
        self.epochs = epochs
        self.alpha, self.min_alpha = float(alpha), float(min_alpha)
        self.words_done = self.sentences_done = 0  # read so far, over all epochs (sentences: the learning rate)
        self.total_sentences = max(1, vocab.n_sentences * epochs)
        # an in-memory corpus is encoded once (2 bytes a known word under 65,536 words): later epochs
        # skip the word lookups
        self.encoded = [] if cache or corpus_ids is not None else None
        self._complete = False
        if corpus_ids is not None:  # (a corpus read as numbers already: its chunks now, with no word looked up)
            self._encode_all(corpus_ids)

    @property
    def table(self):
        """word2vec.c's table of negative draws, for the torch step (the compiled steps use ``noise``)."""
        if self._table is None:
            self._table = noise_table(self.cumulative)
        return self._table

    @property
    def noise(self):
        """The alias table of negative draws, for the compiled steps (:class:`sknn._w2v_steps.Noise`)."""
        if self._noise is None:
            self._noise = noise_sampler(np.diff(self.cumulative, prepend=0.0), self.negative)
        return self._noise

    def __len__(self):
        return self.vocab.n_sentences

    def subset(self, indices):
        raise NotImplementedError("A streamed corpus has no random access; word2vec sets no validation data aside.")

    def _chunks(self):
        """Encoded chunks: (ids of the known words, known words of each sentence, raw words). Unknown
        words are dropped here, so the windows span over them (as gensim's)."""
        if self._complete:
            yield from self.encoded
            return
        if self.encoded is not None:
            self.encoded = []  # an interrupted first pass starts over
        index, unknown = self.vocab.index, itertools.repeat(-1)
        ids, lengths, n, read = [], [], 0, 0
        for sentence in self.sentences():
            ids.extend(map(index.get, sentence, unknown))  # (at C speed: the unknown words are dropped by numpy)
            lengths.append(len(sentence))
            n, read = n + len(sentence), read + 1
            if n >= _CHUNK_TOKENS:
                yield self._encoded(ids, lengths, n)
                ids, lengths, n = [], [], 0
        if lengths:
            yield self._encoded(ids, lengths, n)
        if read != self.vocab.n_sentences:  # (a corpus read once, or another each time: no epoch of the corpus)
            raise ValueError(f"The corpus gave {read} documents on this pass but {self.vocab.n_sentences} when its "
                             "vocabulary was counted: training reads it once per epoch, and each read must give the "
                             "same documents; pass a list, a file path, or an object whose __iter__ starts over.")
        self._complete = self.encoded is not None

    def _encode_all(self, corpus):
        """Every chunk of ``corpus`` (:class:`CorpusIds`), as the first pass of :meth:`_chunks` cuts them."""
        numbers = np.array([self.vocab.index.get(w, -1) for w in corpus.words], dtype=np.int64)
        ends, first, start = np.cumsum(corpus.lengths), 0, 0
        while first < len(ends):  # a chunk ends with the sentence that brings it to _CHUNK_TOKENS words, or the last
            last = min(int(np.searchsorted(ends, start + _CHUNK_TOKENS)), len(ends) - 1)
            stop = int(ends[last])
            self._encoded(numbers[corpus.codes[start:stop]], corpus.lengths[first:last + 1], stop - start)
            first, start = last + 1, stop
        self._complete = True

    def _encoded(self, ids, lengths, n):
        """The chunk of ``n`` words, their ``ids`` (-1: unknown) and sentences' ``lengths``, as one of known words."""
        dtype = np.uint16 if len(self.vocab) <= 2**16 else np.int32 if len(self.vocab) < 2**31 else np.int64
        ids, lengths = np.array(ids, dtype=np.int64), np.array(lengths, dtype=np.int64)
        known = ids >= 0
        lengths = np.bincount(np.repeat(np.arange(len(lengths)), lengths)[known], minlength=len(lengths))
        chunk = ids[known].astype(dtype), lengths, n
        if self.encoded is not None:
            self.encoded.append(chunk)
        return chunk

    def _encode(self, ids, lengths, generator):
        """Subsample frequent words: the chunk's word ids and sentence of each."""
        ids = torch.from_numpy(ids.astype(np.int64))
        sent = torch.repeat_interleave(torch.arange(len(lengths)), torch.from_numpy(lengths))
        if len(ids):
            draw = torch.rand(len(ids), generator=generator)
            kept = draw < self.keep[ids]
            ids, sent = ids[kept], sent[kept]
        return ids, sent

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        if generator is None:
            generator = torch.Generator().manual_seed(0)
        V, K = len(self.vocab), self.negative
        compiled = steps_in_place(device or "cpu")  # the compiled step draws the negatives itself
        for ids, lengths, n_raw in self._chunks():
            ids, sent = self._encode(ids, lengths, generator)
            n = len(ids)
            # no neighbour lies further than the chunk's longest sentence: a larger window (a whole basket
            # as context) reaches as far, with masks that fit in memory
            W = min(self.window, max(1, int(lengths.max(initial=1)) - 1))
            offsets = torch.arange(-W, W + 1)
            if n:  # the whole chunk at once; batches are then slices (views)
                pad_ids = torch.full((W,), V, dtype=torch.int64)
                pad_sent = torch.full((W,), -1, dtype=torch.int64)
                tokens = torch.cat([pad_ids, ids, pad_ids])
                reach = (self.window - torch.randint(0, self.window, (n, 1), generator=generator))  # gensim's
                reach = reach.clamp(max=W)  # reduced window, drawn from the whole window
                sent_windows = torch.cat([pad_sent, sent, pad_sent]).unfold(0, 2 * W + 1, 1)  # a view

                def context(a, b):  # made with each batch: for the whole chunk at once, a window as wide as a long
                    # basket (item2vec) took chunk x (2W + 1) bytes (2.8 GB for one 8,000-item basket)
                    return (sent_windows[a:b] == sent[a:b, None]) & (offsets.abs() <= reach[a:b]) & (offsets != 0)
                if not compiled:
                    slots = torch.randint(0, len(self.table), (n, K), generator=generator)
                    targets = torch.cat([ids[:, None], self.table[slots].long()], dim=1)
                    target_mask = targets != ids[:, None]
                    target_mask[:, 0] = True
            done_before, read_before = self.words_done, self.sentences_done
            starts = range(0, n, batch_size)
            for b, start in enumerate(starts):
                stop = min(start + batch_size, n)
                # the learning rate follows the sentences read before the batch (as gensim's before a job, given
                # the corpus's count of sentences, as Word2Vec(sentences) gives it), spread over the chunk's batches
                progress = min(1.0, (read_before + len(lengths) * b / len(starts)) / self.total_sentences)
                self.words_done = done_before + n_raw * (b + 1) // len(starts)
                rate = self.alpha - (self.alpha - self.min_alpha) * progress
                X = {"tokens": tokens[start:stop + 2 * W], "context_mask": context(start, stop),
                     "step_scale": torch.tensor(rate * (stop - start))}
                if compiled:
                    X.update(centres=ids[start:stop], noise=self.noise,
                             noise_seed=torch.randint(1, 2**62, (), generator=generator))
                else:
                    X.update(targets=targets[start:stop], target_mask=target_mask[start:stop])
                    if device is not None and torch.device(device).type != "cpu":
                        X = {k: t.to(device, non_blocking=True) for k, t in X.items()}
                yield X, None, None
            self.words_done, self.sentences_done = done_before + n_raw, read_before + len(lengths)
            release_freed_memory()


def _band(scores, n_targets, width):
    """The (centres, targets, width) band of block scores (blocks, G * targets, G + width - 1), as a view."""
    n_blocks, rows, length = scores.shape
    block = rows // n_targets
    return scores.as_strided((n_blocks, block, n_targets, width),
                             (scores.stride(0), n_targets * length + 1, length, 1))


class _WindowLoss(torch.autograd.Function):
    """Skip-gram negative-sampling loss of each centre over its window, with a hand-written backward.

    ``u`` holds the input vectors of the centres and ``width // 2`` neighbours each side
    (consecutive rows), ``v`` the output vectors of each centre's targets (the centre,
    then its negatives), ``weight`` which (target, neighbour) pairs count. Centres go in
    blocks of ``G``: a block's targets times its ``G + width - 1`` input rows is one
    matrix product (a strided view of ``u``, no copy), and each centre's scores are a
    band of it. Larger products run several times faster than one tiny product per
    centre, which pays for the scores outside the band.
    """

    @staticmethod
    def forward(ctx, u, v, weight, sign):
        n, n_targets, width = weight.shape
        block = max(16, width - 1)
        pad = -n % block
        if pad:  # whole blocks only: padded centres have zero weight
            u = torch.cat([u, u.new_zeros(pad, u.shape[1])])
            v = torch.cat([v, v.new_zeros(pad, *v.shape[1:])])
            weight = torch.cat([weight, weight.new_zeros(pad, n_targets, width)])
        n_blocks = (n + pad) // block
        inputs = u.unfold(0, block + width - 1, block)  # (blocks, d, G + width - 1), a view
        targets = v.reshape(n_blocks, block * n_targets, -1)
        scores = torch.bmm(targets, inputs)
        z = _band(scores, n_targets, width).reshape(n + pad, n_targets, width) * sign[:, None]
        loss = (nn.functional.softplus(-z) * weight).sum(dim=(1, 2))
        g = torch.sigmoid(-z).mul_(weight).mul_(-sign[:, None])  # d loss / d score
        ctx.save_for_backward(u, v, g)
        ctx.n = n
        return loss[:n]

    @staticmethod
    def backward(ctx, grad):
        u, v, g = ctx.saved_tensors
        n = ctx.n
        n_all, n_targets, width = g.shape
        block = max(16, width - 1)
        n_blocks = n_all // block
        if n < n_all:
            grad = torch.cat([grad, grad.new_zeros(n_all - n)])
        g = g * grad[:, None, None]
        g_scores = g.new_zeros(n_blocks, block * n_targets, block + width - 1)
        _band(g_scores, n_targets, width).copy_(g.view(n_blocks, block, n_targets, width))
        inputs = u.unfold(0, block + width - 1, block)
        grad_v = torch.bmm(g_scores, inputs.transpose(1, 2)).reshape(n_all, n_targets, -1)[:n]
        grad_inputs = torch.bmm(g_scores.transpose(1, 2), v.reshape(n_blocks, block * n_targets, -1))
        grad_u = u.new_zeros(u.shape)
        grad_u[:n_blocks * block].view(n_blocks, block, -1).add_(grad_inputs[:, :block])
        tail = width - 1  # the last rows of a block's inputs are the first rows of the next block's
        if n_blocks > 1:
            grad_u[block:n_blocks * block].view(n_blocks - 1, block, -1)[:, :tail].add_(grad_inputs[:-1, block:])
        grad_u[n_blocks * block:].add_(grad_inputs[-1, block:])
        return grad_u[:n + width - 1], grad_v, None, None


class _WindowSum(torch.autograd.Function):
    """Each centre's sum of its window's input vectors: ``u`` holds the centres and ``width // 2``
    neighbours each side (consecutive rows), ``mask`` (centres, width) which of them count.

    One fused multiply-add over all centres per offset, forward and backward: the window
    is a band, so neither a gather nor a product per centre is needed.
    """

    @staticmethod
    def forward(ctx, u, mask):
        n, width = mask.shape
        out = u.new_zeros(n, u.shape[1])
        for offset in range(width):
            out.addcmul_(u[offset:offset + n], mask[:, offset:offset + 1])
        ctx.save_for_backward(mask)
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        n, width = mask.shape
        grad_u = grad.new_zeros(n + width - 1, grad.shape[1])
        for offset in range(width):
            grad_u[offset:offset + n].addcmul_(grad, mask[:, offset:offset + 1])
        return grad_u, None


class _ScaledGradient(torch.autograd.Function):
    """The identity, whose gradient is multiplied by ``scale``: a step size carried by the batch."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(scale)
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        (scale,) = ctx.saved_tensors
        return grad * scale, None


class SkipGramNegative(nn.Module):
    """Input and output word vectors trained with negative sampling, skip-gram or CBOW.

    ``forward`` returns the loss of each centre word (with ``step_scale``, whose gradient
    is scaled by it: the batch's step size, see :class:`CorpusBatches`): for skip-gram the sum over the
    pairs (neighbour -> centre) of its window of ``-log s(u.v_centre) - sum log s(-u.v_neg)``;
    for CBOW the same with ``u`` the mean of the window's input vectors. The row
    ``n_words`` of each table is padding (it only meets zero weights). The tables are sparse embeddings: a step only
    touches the rows of the batch.
    """

    def __init__(self, n_words, vector_size, sg=True, sparse=True):
        super().__init__()
        self.sg = bool(sg)
        self.input = nn.Embedding(n_words + 1, vector_size, sparse=sparse)
        self.output = nn.Embedding(n_words + 1, vector_size, sparse=sparse)
        with torch.no_grad():  # gensim 4's initialisation: inputs uniform in (-1/d, 1/d), zero outputs
            self.input.weight.uniform_(-1.0 / vector_size, 1.0 / vector_size)
            self.input.weight[n_words].zero_()
            self.output.weight.zero_()

    def forward(self, tokens, context_mask, targets, target_mask, step_scale=None):
        losses = self._losses(tokens, context_mask, targets, target_mask)
        return losses if step_scale is None else _ScaledGradient.apply(losses, step_scale)

    def step_in_place(self, tokens, context_mask, centres, step_scale, noise, noise_seed):
        """word2vec's own SGD on a batch, in place: each (input, target) pair in turn takes a step of the
        batch's rate (``step_scale`` / centres), as in word2vec.c and gensim; the negatives of each
        prediction are drawn from ``noise`` (:class:`sknn._w2v_steps.Noise`) by a generator started at
        ``noise_seed``. Compiled (:mod:`sknn._w2v_steps`), for tables on the CPU; returns each
        centre's loss. The batches come from :class:`CorpusBatches` on the CPU where numba is
        installed (``steps_in_place``); elsewhere they hold the negatives for ``forward``.
        """
        weight = self.input.weight
        if weight.device.type != "cpu" or weight.dtype != torch.float32:
            raise RuntimeError(f"The compiled word2vec step trains float32 tables on the CPU, not {weight.dtype} "
                               f"on {weight.device}: give such a module batches for forward (device={weight.device}).")
        losses = np.empty(len(centres), dtype=np.float32)
        with np.errstate(over="ignore"):  # (the generator's products wrap by design: numpy warns where numba runs
            compiled_step(self.sg)(  # the loops as Python, as NUMBA_DISABLE_JIT=1 does)
                weight.detach().numpy(), self.output.weight.detach().numpy(), tokens.numpy(), context_mask.numpy(),
                centres.numpy(), float(step_scale) / max(1, len(centres)), losses, *noise, int(noise_seed))
        return torch.from_numpy(losses)

    def _losses(self, tokens, context_mask, targets, target_mask):
        u = self.input(tokens)  # (B + 2W, d)
        v = self.output(targets)  # (B, 1+K, d)
        sign = torch.ones(targets.shape[1], dtype=u.dtype, device=u.device)
        sign[1:] = -1
        if self.sg:
            weight = (target_mask[:, :, None] & context_mask[:, None, :]).to(u.dtype)
            return _WindowLoss.apply(u, v, weight, sign)
        cmask = context_mask.to(u.dtype)
        count = cmask.sum(dim=1, keepdim=True)
        summed = _WindowSum.apply(u, cmask)  # (B, d)
        # gensim (cbow_mean=1): the mean goes forward, and each neighbour receives the whole error
        hidden = summed.detach() / count.clamp(min=1) + (summed - summed.detach())
        scores = (v * hidden[:, None, :]).sum(dim=2)  # (B, 1+K): tiny products, faster elementwise than bmm
        losses = nn.functional.softplus(-sign * scores) * target_mask.to(u.dtype)
        return losses.sum(dim=1) * (count[:, 0] > 0)
