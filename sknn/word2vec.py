"""Word embeddings as a scikit-learn transformer: Word2VecTransformer.

Skip-gram and CBOW with negative sampling, trained by sknn's engine on batches of
centre words streamed from the corpus (a list of documents or a file read once per
epoch; see :mod:`sknn._w2v_core`). The trained vectors are a :class:`KeyedVectors`
(``wv_``), gensim's query object; ``transform`` turns each document into one vector.
"""

import time
from collections import Counter
from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._device import float32_default, recording_gradients, resolve_device, seeded
from ._engine import Engine, PassThroughLoss, TrainingDiverged
from ._family import FamilyEstimator
from ._memory import build_within_memory
from ._text_checks import FormMisses, warn_form_twins, warn_spacing_twins
from ._validation import unmasked
from ._w2v_core import (
    PAIR_STEP_BATCH,
    CorpusBatches,
    SkipGramNegative,
    is_path,
    as_documents,
    check_corpus,
    iter_corpus,
    steps_in_place,
)
from ._w2v_vocabulary import CorpusIds, Vocabulary
from ._warnings import warn_user
from .keyedvectors import KeyedVectors

__all__ = ["Word2VecTransformer"]


class _PairStepEngine(Engine):
    """The engine of word vectors: on the CPU a batch trains by word2vec's own per-pair SGD, compiled
    (:meth:`SkipGramNegative.step_in_place`), in each Hogwild! thread as in one; elsewhere (a GPU, or
    no numba) by the batched torch step, the module's loss summed over the batch and plain SGD."""

    def _train_step(self, batch, module, optimizer, **fit_params):
        if "noise" not in batch[0]:  # a batch for the torch step: negatives drawn, no compiled step
            return super()._train_step(batch, module, optimizer, **fit_params)
        losses = module.step_in_place(**batch[0])
        return {"loss": losses.mean(), "y_pred": losses}


class _Sentences:
    """A re-iterable view of the corpus as token lists; every iteration reads it again."""

    def __init__(self, corpus, tokenizer):
        self.corpus = corpus
        self.tokenizer = tokenizer

    def __call__(self):
        return iter_corpus(self.corpus, self.tokenizer)


class Word2VecTransformer(FamilyEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Word2vec word embeddings (skip-gram or CBOW, negative sampling), and documents as mean vectors.

    ``fit`` learns a vector per word of a corpus; ``transform`` maps each document to
    the mean (or ``agg``) of its known words' vectors, so the transformer can feed a
    classifier in a :class:`~sklearn.pipeline.Pipeline`. ``wv_`` holds the vectors with
    ``most_similar``, the standard evaluations and the word2vec file formats.

    The parameters are gensim's ``Word2Vec`` ones, with the same meaning and defaults:

    ==================  =====================  ==========================================
    sknn                gensim                 meaning
    ==================  =====================  ==========================================
    vector_size=100     vector_size=100        dimension of the vectors
    window=5            window=5               largest distance centre - neighbour; each
                                               centre draws its reach in 1..window
    min_count=5         min_count=5            rarer words are dropped
    max_vocab_size      max_vocab_size         prune the rarest words while counting
    sg=0                sg=0                   1: skip-gram, 0: CBOW (mean of the window)
    negative=5          negative=5             noise words per centre word
    ns_exponent=0.75    ns_exponent=0.75       noise drawn from counts ** ns_exponent (|e| <= 1e6)
    sample=1e-3         sample=1e-3            subsampling threshold of frequent words (a share of the corpus; from 1,
                                               a count, as gensim reads it)
    alpha=0.025         alpha=0.025            initial learning rate (per pair, summed)
    min_alpha=1e-4      min_alpha=1e-4         end of the rate's linear fall over the sentences (each batch at the
                                               rate of the sentences read before it, as gensim's jobs: the last
                                               one a little above)
    epochs=5            epochs=5               passes over the corpus
    batch_size='auto'   batch_words=10000      centre words per step (gensim: per job)
    random_state        seed=1                 seed of initialisation and sampling
    ==================  =====================  ==========================================

    On the CPU each (input, target) pair takes its own SGD step in turn, as in word2vec.c
    and gensim, in a loop compiled by numba (threads run it in parallel, see ``workers``).
    On a GPU (or where numba cannot be imported) a batch's updates are computed at once
    and summed, with the negatives of a centre word shared by all the pairs of its window
    (as in Intel's pWord2Vec), so that a window's scores are one matrix product; the
    benchmarks compare the resulting vectors with gensim's (benchmarks/RESULTS.md).

    Parameters
    ----------
    vector_size, window, min_count, max_vocab_size, sg, negative, ns_exponent, sample, alpha, min_alpha, epochs : \
int or float
        See the table above.
    batch_size : int or 'auto', default='auto'
        Centre words per step. On the CPU, where each pair steps on its own, it only sets
        how often the learning rate moves and the overhead per step: 'auto' is 4,096 for
        each thread (gensim's jobs are 10,000 words). Where a batch's updates are summed
        (a GPU), larger batches apply more updates at once to the same frequent words,
        which costs quality and can diverge on small vocabularies: 'auto' is then
        ``min(1024, max(32, 2 * n_words)) // workers`` (at least 8), since threads
        stepping at once add up their updates as one larger batch would.
    tokenizer : callable or None, default=None
        Turns a string (a document, or a line of a corpus file) into a list of tokens;
        None splits on whitespace. Lists of tokens are used as they are. Case is kept, as in
        gensim ('The' and 'the' are two words): pass ``lambda s: s.lower().split()`` to fold it.
        A document without a known word is a row of zeros in ``transform``.
    agg : {'mean', 'sum', 'max', 'tfidf'}, default='mean'
        How ``transform`` combines a document's word vectors; 'tfidf' is a mean weighted
        by term frequency times the inverse document frequency in the training corpus.
    workers : int or None, default=None
        CPU threads that train at once, each on its own batches, writing to the shared
        vectors without locks as gensim's ``workers`` do (Hogwild!). The updates then land
        in an order that changes from run to run, so fits on several threads are not
        reproducible. None: one thread when ``random_state`` is set (a seeded fit is
        reproducible), otherwise as many as torch uses (``torch.get_num_threads()``). On a
        GPU one thread drives the device.
    random_state : int, RandomState or None, default=None
        Makes two fits on the CPU identical (with one worker).
    device : str or torch.device, default='auto'
        'auto' trains on the GPU when there is one.
    verbose : int, default=0
        1 or more prints one line per epoch.

    Attributes
    ----------
    wv_ : KeyedVectors
        The word (input) vectors, most frequent words first. On the CPU its ``vectors``
        are the network's input table itself, not a copy (as gensim's ``wv.vectors`` is
        its ``syn0``).
    vocabulary_ : dict of str -> int
        Row of each word in ``wv_.vectors``.
    idf_ : ndarray of shape (n_words,)
        Smoothed inverse document frequency of each word (for ``agg='tfidf'``).
    corpus_count_ : int
        Sentences (documents) in the corpus.
    corpus_total_words_ : int
        Tokens in the corpus, before ``min_count`` and subsampling.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Mean loss per centre word of each epoch, one value per epoch run: 0.0 for an epoch that
        trained no word pair (subsampling left no centre word with a neighbour).
    train_time_ : float
        Seconds spent training (not counting the vocabulary pass).
    words_per_second_ : float
        Corpus words per second of training, over the epochs that finished.
    net_ : sknn.Engine
        The training engine, with the input and output vectors as its module.
    device_ : torch.device
    architecture_ : dict
        The network's parameters as fit built it (``vector_size``, ``sg``), whatever set_params did since.

    See Also
    --------
    KeyedVectors : querying, evaluating and saving word vectors.

    Examples
    --------
    >>> from sknn import Word2VecTransformer
    >>> docs = ["the cat sat on the mat", "the dog sat on the rug", "a cat and a dog"] * 30
    >>> w2v = Word2VecTransformer(vector_size=16, min_count=1, epochs=2, random_state=0).fit(docs)
    >>> w2v.transform(["the cat", "unknown words only"]).shape
    (2, 16)
    >>> len(w2v.wv_.most_similar("cat", topn=3))
    3
    """

    _parameter_constraints: dict = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 0, None, closed="left")],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left"), None],
        "sg": ["boolean", Interval(Integral, 0, 1, closed="both")],
        "negative": [Interval(Integral, 1, None, closed="left")],
        "ns_exponent": [Interval(Real, -1e6, 1e6, closed="both")],  # beyond, e * log(count) can overflow
        "sample": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "min_alpha": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "tokenizer": [callable, None],
        "agg": [StrOptions({"mean", "sum", "max", "tfidf"})],
        "workers": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "device": [str, torch.device],
        "verbose": ["verbose"],
    }

    _architecture_params = ("vector_size", "sg")
    _doc_section = "word-embeddings"

    def __init__(self, vector_size=100, window=5, min_count=5, max_vocab_size=None, sg=0, negative=5,
                 ns_exponent=0.75, sample=1e-3, alpha=0.025, min_alpha=0.0001, epochs=5, batch_size="auto",
                 tokenizer=None, agg="mean", workers=None, random_state=None, device="auto", verbose=0):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sg = sg
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.sample = sample
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.tokenizer = tokenizer
        self.agg = agg
        self.workers = workers
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # -- fitting ------------------------------------------------------------------------
    def _vocabulary(self, sentences, in_memory):
        """The vocabulary, the words' idf, and a corpus ``in_memory`` (a list...) read as numbers (:class:`CorpusIds`,
        None for a file, read again every epoch, or with ``max_vocab_size``, which prunes while counting)."""
        doc_freq = Counter()
        longest = [0]

        def counted():
            for sentence in sentences():
                doc_freq.update(set(sentence))
                longest[0] = max(longest[0], len(sentence))
                yield sentence

        corpus_ids = CorpusIds.read(counted()) if in_memory and self.max_vocab_size is None else None
        if corpus_ids is None:
            vocab, counts = Vocabulary.build(counted(), min_count=self.min_count, max_vocab_size=self.max_vocab_size)
        else:
            counts = corpus_ids.counts()
            vocab = Vocabulary.from_counts(counts, len(corpus_ids.codes), len(corpus_ids.lengths), self.min_count)
        if vocab.n_tokens == 0:
            where = f" {str(sentences.corpus)!r}" if is_path(sentences.corpus) else ""
            raise ValueError(f"The corpus{where} holds no words ({vocab.n_sentences} documents, all empty); pass "
                             "documents with text (strings or lists of tokens).")
        if len(vocab) == 0:
            raise ValueError(f"No word occurs at least min_count={self.min_count} times in the corpus "
                             f"({vocab.n_tokens} tokens); lower min_count or pass a larger corpus.")
        if longest[0] < 2:
            raise ValueError(f"Every one of the {vocab.n_sentences} documents holds a single token, so no word has a "
                             "neighbour to learn from. Is X one tokenized text passed as a flat list of tokens? "
                             "Pass a list of documents: [tokens], or the texts as strings.")
        if self.min_count > 1 or self.max_vocab_size is not None:
            self._check_a_document_keeps_two_words(sentences, vocab)
        pruned = f"min_count={self.min_count}" + ("" if self.max_vocab_size is None else
                                                  f" with max_vocab_size={self.max_vocab_size}")
        warn_form_twins(counts, vocab.index, pruned)
        warn_spacing_twins(counts, "[[t.strip() for t in doc] for doc in X], or pass the texts as strings")
        df = np.array([doc_freq[w] for w in vocab.words], dtype=np.float64)
        idf = np.log((1 + vocab.n_sentences) / (1 + df)) + 1.0  # scikit-learn's smoothed idf
        return vocab, idf, corpus_ids

    def _check_a_document_keeps_two_words(self, sentences, vocab):
        """Refuse a corpus in which ``min_count`` (or ``max_vocab_size``) left no document two words of the
        vocabulary: no word would have a neighbour, and the vectors would stay their random start. The pass
        stops at the first document that keeps two, in general the first one."""
        index = vocab.index
        for sentence in sentences():
            if sum(word in index for word in sentence) >= 2:
                return
        pruned = f"min_count={self.min_count}" + ("" if self.max_vocab_size is None else
                                                  f" with max_vocab_size={self.max_vocab_size}")
        raise ValueError(f"{pruned} left every one of the {vocab.n_sentences} documents with at most one word of the "
                         f"vocabulary ({len(vocab)} word(s) kept), so no word has a neighbour to learn from. Lower "
                         "min_count" + ("" if self.max_vocab_size is None else " or raise max_vocab_size")
                         + ", or pass a larger corpus.")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn word vectors from a corpus.

        Parameters
        ----------
        X : path, or iterable of str or of lists of str
            A text file (one sentence a line, read again every epoch, never held in
            memory), or documents: strings (split by ``tokenizer``) or lists of tokens.
            An iterable other than a list must start over at each ``iter`` (a generator
            cannot: it would be spent after the first epoch).
        y : None
            Ignored.

        Returns
        -------
        self

        Warns
        -----
        UserWarning
            When X spells a word in more than one Unicode normal form (``'caf\\xe9'`` and
            ``'cafe\\u0301'`` print alike): each spelling is a key of its own, as in gensim
            (or, where ``min_count`` left out all but one spelling, the others have no vector).
            Normalise the text first (``unicodedata.normalize('NFC', text)``).
        """
        self._clear_fitted()
        device = resolve_device(self.device)  # (an unavailable device: refused before the corpus is read)
        X = as_documents(unmasked(X))  # (masked documents: refused)
        check_corpus(X)
        sentences = _Sentences(X, self.tokenizer)
        in_memory = hasattr(X, "__len__") and not is_path(X)
        vocab, idf, corpus_ids = self._vocabulary(sentences, in_memory)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        source = CorpusBatches(sentences, vocab, window=self.window, negative=self.negative, sample=self.sample,
                               ns_exponent=self.ns_exponent, epochs=self.epochs, alpha=self.alpha,
                               min_alpha=self.min_alpha, cache=in_memory, corpus_ids=corpus_ids)
        corpus_ids = None  # (its numbers are in the source's chunks: not held through training)
        self.vocabulary_ = {word: i for i, word in enumerate(vocab.words)}
        self._record_architecture()
        workers = self._workers(device)
        if self.batch_size != "auto":
            batch_size = self.batch_size
        elif steps_in_place(device):  # each pair steps on its own: the batch only sets the overhead
            batch_size = PAIR_STEP_BATCH
        else:  # summed updates: threads stepping at once sum them as one larger batch would
            batch_size = max(8, min(1024, max(32, 2 * len(vocab))) // workers)
        interrupted = None
        try:
            # float32 tables trained as ever, whatever torch's default dtype and grad mode (inference_mode included)
            with seeded(seed, device), recording_gradients(), float32_default():
                module = build_within_memory(self._build_module, self, device, copies=1)
                net = self._make_engine(module, batch_size, device, seed, incremental=False)
                net.initialize()
                start = time.perf_counter()
                try:
                    net.partial_fit(source, None, epochs=self.epochs)
                except KeyboardInterrupt as exc:  # Ctrl-C: the engine is back at its last finished epoch
                    interrupted = exc
                except TrainingDiverged:
                    summed = "" if steps_in_place(device) else " (on this device a batch's updates are summed)"
                    raise ValueError(f"Word2VecTransformer diverged (the loss became infinite or NaN) with alpha="
                                     f"{self.alpha} and batch_size={batch_size} on a vocabulary of {len(vocab)} "
                                     f"words: the steps were too large for its frequent words{summed}. Pass a "
                                     "smaller alpha or batch_size.") from None
        except BaseException:
            self._clear_fitted()  # a failed fit leaves an unfitted estimator, not a mixed one
            raise
        self.train_time_ = time.perf_counter() - start
        self.net_ = net
        self.device_ = device
        # the module's input table itself on the CPU, not a copy (as gensim's wv.vectors is its syn0)
        weights = net.module_.input.weight.detach()[:-1].cpu().numpy()
        self.wv_ = KeyedVectors(weights, vocab.words, vocab.counts)
        self.idf_ = idf
        self.corpus_count_ = vocab.n_sentences
        self.corpus_total_words_ = vocab.n_tokens
        # every epoch that ran has a row (an interrupted one's is removed); one in which subsampling left no
        # centre word had no batch, and no loss to record: it trained no pair, as an epoch whose loss is 0.0
        history = net.history
        self.n_iter_ = len(history)
        self.loss_curve_ = [row.get("train_loss", 0.0) for row in history]
        # over the epochs that finished (a Ctrl-C's unfinished one: time, but no words counted)
        finished = self.train_time_ if interrupted is None else sum(row.get("dur", 0.0) for row in history)
        self.words_per_second_ = vocab.n_tokens * self.n_iter_ / max(finished, 1e-9)
        if interrupted is None and not any(self.loss_curve_):  # no pair stepped: the vectors are the random start
            warn_user(f"Word2VecTransformer trained no word pair: subsampling (sample={self.sample}) left out "
                      f"every word of this corpus of {vocab.n_tokens} tokens, so the vectors are their random "
                      "start. Pass a larger sample (fewer words left out), or sample=0 for a small corpus.",
                      UserWarning)
        if interrupted is not None:  # as the networks: the model of the last finished epoch is kept, and the
            if not self.n_iter_:  # (none: no vectors but the random start, an unfitted estimator)
                self._clear_fitted()
            raise KeyboardInterrupt(*interrupted.args) from None  # Ctrl-C goes on, with the engine's message
        return self

    def _build_module(self):
        """The input and output vectors of the vocabulary, drawn from torch's global generator."""
        arch = self.architecture_  # the parameters as they were when fit built the network
        return SkipGramNegative(len(self.vocabulary_), arch["vector_size"], sg=bool(arch["sg"]))

    def _make_engine(self, module, batch_size, device, seed, incremental):
        """The training engine: plain SGD whose step each batch carries (see ``CorpusBatches``)."""
        callbacks = []
        if self.verbose:
            from ._callbacks import EpochLog

            callbacks.append(("print_log", EpochLog()))
        return _PairStepEngine(module, PassThroughLoss(), optimizer=torch.optim.SGD, lr=1.0, max_epochs=self.epochs,
                      batch_size=batch_size, callbacks=callbacks, device=str(device), seed=seed,
                      verbose=int(self.verbose), workers=self._workers(device),
                      epoch_snapshot="disk")  # the tables are the memory: not held twice for a Ctrl-C

    def _workers(self, device):
        """Threads training at once: ``workers``, or by default one for a seeded fit, else torch's threads."""
        if device.type != "cpu":
            return 1
        if self.workers is not None:
            return self.workers
        return 1 if self.random_state is not None else torch.get_num_threads()

    # -- transforming ---------------------------------------------------------------------
    @property
    def _n_features_out(self):
        return self.wv_.vector_size

    def _counts_matrix(self, X, check_forms=True):
        """Documents as a sparse (n_docs, n_words) matrix of counts of their known words, and the tokens unknown
        only because of their Unicode normal form (:class:`sknn._text_checks.FormMisses`; if ``check_forms``)."""
        index = self.wv_.key_to_index  # the rows of wv_.vectors (a wv_ replaced since fit: its own words' rows)
        misses = FormMisses(index)
        misses.active = check_forms
        indptr, indices = [0], []
        for tokens in iter_corpus(X, self.tokenizer):
            start = len(indices)
            indices.extend(i for i in map(index.get, tokens) if i is not None)
            if len(indices) - start < len(tokens) and misses.active:  # unknown tokens: keys in another form?
                misses.add(tokens)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        counts = sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                               shape=(len(indptr) - 1, len(self.wv_)))
        counts.sum_duplicates()
        return counts, misses

    def transform(self, X):
        """One vector per document: the ``agg`` of its known words' vectors (zeros if it has none).

        Parameters
        ----------
        X : iterable of str or of lists of str, or a path (one document a line)

        Returns
        -------
        ndarray of shape (n_documents, vector_size), float32

        Warns
        -----
        UserWarning
            When tokens are unknown only because of their Unicode normal form (their NFC or
            NFD form is a word of the vocabulary), of white space around them, or of upper
            case where every word of the vocabulary is lower case, looked for in the first
            20,000 documents with unknown tokens. Prepare the text as the training text was.
        """
        check_is_fitted(self, "wv_")
        return self._transform(X)

    def fit_transform(self, X, y=None):
        """Fit to X, then transform it: :meth:`fit`, then :meth:`transform`.

        Parameters
        ----------
        X : path, or iterable of str or of lists of str
            As for :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        ndarray of shape (n_documents, vector_size), float32

        Warns
        -----
        UserWarning
            As :meth:`fit` does, once: the tokens of X that are unknown only because of their
            Unicode normal form were said at fit (its twin spellings).
        """
        return self.fit(X, y)._transform(X, check_forms=False)

    def _transform(self, X, check_forms=True):
        X = as_documents(unmasked(X))  # (masked documents: refused)
        if isinstance(X, Iterator):  # transform reads X once (fit once per epoch): a generator will do
            X = list(X)
        check_corpus(X)
        counts, misses = self._counts_matrix(X, check_forms)
        told = misses.warn()  # (a cause found and named: the rows' zeros follow from it)
        if counts.shape[0] and not counts.nnz and not told:
            warn_user(f"None of the {counts.shape[0]} document(s) of X holds a word of the vocabulary (empty "
                      "documents, or text other than fit's): every row is zeros. Give text of the language and tokens "
                      "fit read (prepared as the training text was).")
        out = self._aggregate(counts)
        if not np.isfinite(out).all():  # a word's vector made NaN or infinite by an edit: refused, naming it
            self.wv_._check_finite_rows(np.flatnonzero(np.bincount(counts.indices, minlength=len(self.wv_))))
        return out

    def _aggregate(self, counts):
        """Each document's row of ``counts`` (word counts) as one vector, by ``agg``."""
        vectors = self.wv_.vectors
        if self.agg == "max":
            out = np.zeros((counts.shape[0], vectors.shape[1]), dtype=np.float32)
            for row in range(counts.shape[0]):
                cols = counts.indices[counts.indptr[row]:counts.indptr[row + 1]]
                if len(cols):
                    out[row] = vectors[cols].max(axis=0)
            return out
        if self.agg == "tfidf":
            if len(self.idf_) != len(self.wv_) or self.wv_.key_to_index != self.vocabulary_:
                raise ValueError("wv_ is not the table fit made (its words or their rows differ from vocabulary_), "
                                 "and agg='tfidf' weighs each word by the idf_ fit counted for its row: fit again, "
                                 "or set agg='mean' to average the new vectors.")
            counts = counts.multiply(self.idf_.astype(np.float32)[None, :]).tocsr()
        out = np.asarray(counts @ vectors, dtype=np.float32)
        if self.agg in ("mean", "tfidf"):
            total = np.asarray(counts.sum(axis=1), dtype=np.float32)
            out /= np.where(total > 0, total, 1.0)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        # threads training at once land their updates in any order (workers=None: several unless seeded)
        tags.non_deterministic = (self.workers or 1) > 1 or (self.workers is None and self.random_state is None)
        return tags
