"""What the estimators of the sequence family share: the parameters of the recurrent networks, the vocabulary
and the pretrained word vectors, batch sizes, gradient clipping and one weight per sequence.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._alignment import check_rows_paired, check_same_step_order
from ._base import BaseNeuralNetwork
from ._module_checks import ChecksModuleOutputs, OutputContract
from ._recurrent import CELLS, SequenceNet, language_model_cutoff
from ._labels import check_label_spellings, check_same_label_kind
from ._memory import prediction_batch_rows
from ._pretrained_vectors import pretrained_matrix, read_pretrained
from ._sequence_input import (EOS, PAD_TOKEN, UNK_TOKEN, SequenceBatches, build_vocabulary, check_label_sequences,
                              warn_own_symbols, warn_unscaled)
from ._tensor_scores import accuracy_score
from ._text_checks import TOKENS_ADVICE, warn_form_misses, warn_form_twins, warn_spacing_twins
from ._validation import check_non_negative_weights, label_list, unmasked
from ._warnings import warn_user

__all__ = ["NextWordOutputs", "SequenceModel", "TaggerOutputs"]

#: the share of the training tokens under which pretrained vectors that cover them are warned of
_FEW_VECTORS = 0.5


def _warn_of_few_vectors(counts, keys, lowercase, specials):
    """Warn when the pretrained vectors (their ``keys``, lower-cased with ``lowercase``) give a vector to fewer than
    ``_FEW_VECTORS`` of the training tokens (``counts``, the model's own symbols aside): the others start from random
    values, and the vectors bring little. Where lower-casing would give one to many more (cased text, lower-case
    vectors such as GloVe's, with ``lowercase=False``), say so."""
    total = sum(c for t, c in counts.items() if t not in specials)
    covered = sum(c for t, c in counts.items() if t in keys and t not in specials)
    if not total or covered >= _FEW_VECTORS * total:
        return
    hint = "check that they are vectors of this language and of words tokenized as these are"
    if not lowercase:
        lowered = sum(c for t, c in counts.items() if t not in specials and (t in keys or t.lower() in keys))
        if lowered >= covered + 0.1 * total:
            hint = (f"with lowercase=True, {lowered / total:.0%} would get one (the text has capitals its vectors' "
                    "keys lack)")
    warn_user(f"pretrained_embeddings has a vector for {covered / total:.0%} of the training tokens only (for "
              f"{sum(t in keys for t in counts if t not in specials)} of {len(counts)} distinct words); the others "
              f"start from random values: {hint}.")


def check_sequence_weights(sample_weight, n_sequences, scoring=False):
    """``sample_weight`` of sequence models: one finite, non-negative number per sequence, not all zero; a single
    number weighs every sequence alike (scikit-learn's convention, as the dense networks read it)."""
    w = check_non_negative_weights(sample_weight, "sample_weight")
    if w.ndim == 0:
        w = np.full(n_sequences, float(w))
    if w.ndim != 1 or len(w) != n_sequences:
        raise ValueError(f"sample_weight must have one weight per sequence ({n_sequences}), got shape {w.shape}.")
    if not np.any(w > 0):
        raise ValueError("All sample weights are zero: " + ("no sequence counts in the score." if scoring else
                                                             "there is nothing to learn from."))
    return w


class SequenceModel(BaseNeuralNetwork, abstract=True):
    """What the tagger and the language model share: vocabulary, character table, network."""

    _fit_only_params = ("pretrained_embeddings",)  # (the vectors are in the embedding's weights once fitted)

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_vocab": [Interval(Integral, 3, None, closed="left"), None],
        "lowercase": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "word_dropout": [Interval(Real, 0, 1, closed="left")],
        "pretrained_embeddings": "no_validation",
        "freeze_embeddings": ["boolean", StrOptions({"copy"})],
        "clipnorm": [Interval(Real, 0, None, closed="neither"), None],
    }
    _specials = (PAD_TOKEN, UNK_TOKEN)
    _is_classifier = False  # labels are per token: no stratified splits of sequences (the tagger keeps each label
    # training, :meth:`TaggerOutputs._classes_by_sample`)

    _doc_section = "sequences"

    def _criterion(self):
        return nn.CrossEntropyLoss(reduction="none")

    def _engine_classes(self):
        return np.arange(self._n_outputs())  # a label (or the next word) per token

    def _source(self, X, y=None, sample_weight=None):
        inputs, lengths, table = X
        return SequenceBatches(inputs, lengths, y, sample_weight, table)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        tags.input_tags.string = True
        return tags

    #: batch_size='auto': (fewer training sequences than this, batch) in order, else 32
    _auto_batches = ()

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(next((size for below, size in self._auto_batches if n_samples < below), 32), n_samples)
        return super()._batch_size(n_samples)

    def _predict_batch_size(self, lengths=None):
        """Sequences per prediction batch: 256, fewer where their scores (tokens of the longest of ``lengths`` x the
        classes or words a token is scored over) would pass 2**25 values, 128 MB of float32 (a softmax makes as much
        again): a language model's 300 sequences of 300 tokens over 15,000 words asked 6 GB at once."""
        longest = int(max(lengths)) if lengths is not None and len(lengths) else 1
        return prediction_batch_rows(longest * self._n_outputs(), 256)

    def _callbacks(self, incremental):
        callbacks = super()._callbacks(incremental)
        if self.clipnorm is not None:
            from skorch.callbacks import GradientNormClipping

            callbacks.insert(0, ("clipnorm", GradientNormClipping(self.clipnorm)))
        return callbacks

    def _sample_weights(self, y_index, sample_weight, X):
        return None if sample_weight is None else check_sequence_weights(sample_weight, len(X[1]))

    def _sample_sizes(self, X):
        """The loss terms of each sequence (X encoded: its lengths, in predicted tokens): the loss is a mean over
        tokens, so a sequence's weight is given to each of its tokens."""
        return X[1].numpy()

    # Whether the words of the pretrained vectors join the vocabulary beside the training words (min_count and
    # max_vocab apart). The tagger's do: its vocabulary is its input only. A language model's vocabulary is also its
    # output (the softmax, tied to the embedding), so it keeps the training words' and the vectors only initialise them.
    _vector_words_join_vocabulary = True

    def _fit_vocabulary(self, tokens):
        """``vocabulary_`` from the training tokens (and, where ``_vector_words_join_vocabulary``, the words of the
        pretrained vectors, which are checked here either way: before any training)."""
        pretrained = read_pretrained(self.pretrained_embeddings, self.embedding_dim)
        extra = () if pretrained is None or not self._vector_words_join_vocabulary else [
            w.lower() if self.lowercase else w for w in pretrained[1]]
        lowered = ([t.lower() for t in seq] for seq in tokens) if self.lowercase else tokens
        self.vocabulary_, counts = build_vocabulary(lowered, self.min_count, self.max_vocab, self._specials, extra)
        if len(self.vocabulary_) == len(self._specials):
            if counts and set(counts) <= set(self._specials):
                raise ValueError(f"The sequences hold only the model's own symbols ({', '.join(sorted(counts))}), "
                                 "which are not words to learn; pass sentences of words.")
            if self.max_vocab is not None and self.max_vocab <= len(self._specials):
                raise ValueError(f"max_vocab={self.max_vocab} leaves no room for words beside the model's "
                                 f"{len(self._specials)} symbols ({', '.join(self._specials)}); pass a larger "
                                 "max_vocab.")
            raise ValueError(f"No token occurs at least min_count={self.min_count} times; lower min_count.")
        warn_own_symbols(counts, self._specials)
        warn_spacing_twins(counts, "[[t.strip() for t in s] for s in X]")
        pruned = f"min_count={self.min_count}" + ("" if self.max_vocab is None else f" with max_vocab={self.max_vocab}")
        warn_form_twins(counts, self.vocabulary_, pruned, advice=TOKENS_ADVICE)
        if pretrained is not None:  # training words the vectors spell in another form: no vector for them
            keys = {w.lower() for w in pretrained[1]} if self.lowercase else set(pretrained[1])
            warn_form_misses([list(counts)], keys, effect="so these words get no pretrained vector",
                             where="pretrained_embeddings", case_fix="Pass lowercase=True: words are then looked up in "
                             "lower case (the character features keep their capitals).")
            _warn_of_few_vectors(counts, keys, self.lowercase, self._specials)

    def _fit_feature_input(self, seqs):
        """What a fit on sequences of feature vectors learns of them: no vocabulary (no words, so word vectors refused:
        they were ignored without a word), the features per step."""
        if self.pretrained_embeddings is not None:
            raise ValueError("pretrained_embeddings are vectors of words, and X holds sequences of feature vectors, "
                             "which have none: pass pretrained_embeddings=None.")
        self.n_features_in_ = seqs[0].shape[1]
        self.vocabulary_ = self.char_vocabulary_ = None
        warn_unscaled(seqs)

    def _load_pretrained(self, module):
        """The pretrained vectors into the word embedding of a new network (small random values for other words)."""
        arch = self.architecture_
        embedding = getattr(module, "embedding", None)
        pretrained = None if embedding is None else read_pretrained(self.pretrained_embeddings, arch["embedding_dim"])
        if embedding is None and arch["module"] is not None and self.pretrained_embeddings is not None:
            raise ValueError(f"pretrained_embeddings go into the network's 'embedding' (an nn.Embedding), and "
                             f"module={arch['module']!r} built a network without one: give it that attribute, or "
                             "pass pretrained_embeddings=None.")
        if pretrained is not None:
            matrix, rows = pretrained_matrix(*pretrained, self.vocabulary_, arch["lowercase"], arch["embedding_dim"])
            shape = tuple(module.embedding.weight.shape)  # (a module of the user's: an embedding of its own shape)
            if shape != tuple(matrix.shape):
                raise ValueError(f"pretrained_embeddings make a table of {matrix.shape[0]} x {matrix.shape[1]} (the "
                                 f"vocabulary's words x embedding_dim), but module={arch['module']!r} built an "
                                 f"'embedding' of {shape[0]} x {shape[1]}: build it as nn.Embedding(n_inputs, "
                                 f"{matrix.shape[1]}), or pass embedding_dim={shape[1]} with vectors of that size.")
            with torch.no_grad():
                module.embedding.weight.copy_(matrix)
                if getattr(module, "frozen_embedding", None) is not None:
                    module.frozen_embedding.weight.copy_(matrix)
            if hasattr(module, "keep_words"):  # (sknn's network: its words with a vector are read as they are)
                module.keep_words(rows)

    def _record_architecture(self):
        super()._record_architecture()
        # freeze_embeddings='copy' keeps a frozen copy of pretrained vectors: there is one only where there are some
        self.architecture_["frozen_copy"] = self.freeze_embeddings == "copy" and self.pretrained_embeddings is not None
        if self.freeze_embeddings is True and self.pretrained_embeddings is None:  # (the network's random start)
            warn_user("freeze_embeddings=True without pretrained_embeddings keeps the word vectors at their random "
                      "starting values (and, with tied weights, the output's): pass pretrained_embeddings, or "
                      "freeze_embeddings=False.")

    def _embedding_args(self):
        """The word-embedding arguments of :class:`SequenceNet` for the recorded architecture (and the first id of a
        word: ``word_dropout`` leaves the model's own symbols as they are)."""
        arch = self.architecture_
        return dict(freeze_embeddings=arch["freeze_embeddings"] is True, frozen_copy=arch.get("frozen_copy", False),
                    first_word=len(self._specials))

    def _lowercase(self, reset):
        """Whether words are lower-cased: the parameter for a new vocabulary, the built network's otherwise."""
        return self.lowercase if reset else self.architecture_["lowercase"]

    def _words_array(self):
        words = np.empty(len(self.vocabulary_), dtype=object)
        for w, i in self.vocabulary_.items():
            words[i] = w
        return words

    def _per_sequence(self, encoded, transform):
        """The network's outputs for each sequence of X, in X's order (``transform`` of each batch's scores);
        ``encoded``: X as ``_check_X`` gives it."""
        source = self._source(encoded)
        out = self.net_.predict_source(source, batch_size=self._predict_batch_size(source.lengths), transform=transform)
        order = source.order()
        pieces = torch.split(out, source.lengths[order].tolist())
        result = [None] * len(order)
        for i, piece in zip(order.tolist(), pieces):
            result[i] = piece
        return result

    def _check_restored(self):
        """The word and character vocabularies number their entries 0 to n - 1, once each: the rows of the network's
        embeddings (an edited id was read beyond the table, inside torch, at predict)."""
        for name in ("vocabulary_", "char_vocabulary_"):
            vocab = getattr(self, name, None)
            if vocab is not None and sorted(vocab.values()) != list(range(len(vocab))):
                raise ValueError(f"{name} does not number its {len(vocab)} entries 0 to {len(vocab) - 1}, once each.")

    def __setstate__(self, state):
        super().__setstate__(state)
        module = getattr(getattr(self, "net_", None), "module_", None)
        if isinstance(module, SequenceNet) and not hasattr(module, "first_word"):  # pickled before it had one
            module.first_word = len(self._specials)  # (else word_dropout would read a language model's '<s>' as a word)


class TaggerOutputs(ChecksModuleOutputs):
    """The outputs the sequence tagger's loss needs (a logit per label for each real token), and the labels its
    ``predict`` and ``score`` read from them."""

    _score_fn = staticmethod(accuracy_score)

    def _output_contract(self):
        return OutputContract(len(self.classes_), "logits of shape (n_tokens, n_classes), a row per real token of the "
                              "batch's sequences, in order", "label indices of shape (n_tokens,)",
                              "torch.nn.CrossEntropyLoss")

    def _predicted_labels(self, encoded):
        """The labels of each sequence of X (``encoded`` as ``_check_X`` gives it): a list of label lists."""
        indices = self._per_sequence(encoded, lambda z: z.argmax(dim=1))
        return [label_list(self.classes_[p.numpy()]) for p in indices]

    def predict_proba(self, X):
        """Probability of each label for each token: a list of (length, n_classes) arrays."""
        # in float64, so that each row sums to 1 to within float64's precision (log_loss checks it)
        pieces = self._per_sequence(self._check_X(X, reset=False), lambda z: torch.softmax(z.to(torch.float64), dim=1))
        return [p.numpy() for p in pieces]

    def score(self, X, y, sample_weight=None):
        """Token accuracy: the fraction of tokens whose label is predicted right.

        Parameters
        ----------
        X : list of sequences
        y : list of label sequences
        sample_weight : array-like of shape (n_sequences,), default=None
            Weight of each sequence (given to each of its tokens).

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "net_")  # (NotFittedError before the checks of its input, as predict's)
        check_rows_paired(X, y, sample_weight)  # pandas labels of the sequences in another order: refused, as in fit
        check_same_step_order(X, y)  # (and of a sequence's tokens and labels)
        encoded = self._check_X(X, reset=False)  # X read once, its weights checked before the predictions
        if sample_weight is not None:
            sample_weight = check_sequence_weights(sample_weight, len(encoded[1]), scoring=True)
        pred = self._predicted_labels(encoded)
        lengths = [len(p) for p in pred]
        gold = check_label_sequences(unmasked(y, "y"), lengths)  # (masked labels: refused, as in fit)
        if len(gold) and len(self.classes_) and isinstance(gold[0], str) and isinstance(self.classes_[0], str):
            check_label_spellings(gold, fitted=self.classes_)  # 'DET ' for the tag 'DET': refused, as in fit
        else:
            check_same_label_kind(gold, self.classes_)
        dtype = self.classes_.dtype if self.classes_.dtype.kind in "mM" else object  # (object: ns dates as ints)
        right = np.concatenate([np.asarray(p, dtype=dtype) for p in pred]) == gold.astype(dtype)
        w = np.ones(len(right)) if sample_weight is None else np.repeat(sample_weight, lengths)
        return float((right * w).sum() / w.sum())

    def _classes_by_sample(self, source, y_index):
        """The labels each sequence of ``source`` holds (its tokens'), for the validation split: a label that only
        the validation sequences hold would never be learned, so one of them trains."""
        lengths = source.lengths.numpy()
        return source.y.numpy(), np.repeat(np.arange(len(lengths)), lengths), "sequence"


class NextWordOutputs(ChecksModuleOutputs):
    """The outputs the language model's loss needs (the next word's logits at each real token, or an adaptive
    softmax's log-likelihoods), and the log-likelihoods its ``perplexity`` and ``score`` read from them."""

    def _output_contract(self):
        return OutputContract(len(self.vocabulary_), "the next word's logits, of shape (n_tokens, n_words), a row per "
                              "real token of the batch's sequences, in order", "the next words' indices of shape "
                              "(n_tokens,)", "torch.nn.CrossEntropyLoss")

    def _choose_adaptive_cutoff(self, targets):
        arch, mode = self.architecture_, self.architecture_["adaptive_softmax"]
        if isinstance(mode, str) and (arch["module"] is not None or self.criterion is not None):
            return None  # 'auto' leaves a network or a loss of the user's as they are
        cutoff = language_model_cutoff(torch.bincount(targets, minlength=len(self.vocabulary_)), mode, arch["cell"],
                                       arch["num_layers"], arch["embedding_dim"], arch["hidden_size"],
                                       arch["tie_weights"])
        return None if cutoff is None else max(cutoff, EOS + 1)  # the special symbols in the shortlist

    def _shortlist(self):  # None also for a model fitted before sknn had the adaptive softmax
        return getattr(self, "adaptive_cutoff_", None)

    def _log_likelihoods(self, X, sample_weight=None):
        """The log-probability of each next word of the token sequences X (end of sequence included), float64, in the
        order the network gives them; with ``sample_weight`` (one per sequence, checked before any prediction as the
        tagger's score checks it), (that, the weight of each next word: its sequence's)."""
        check_is_fitted(self, "net_")
        (inputs, lengths, _), targets = self._encode(X, reset=False, warn_symbols=True)
        if sample_weight is not None:
            sample_weight = check_sequence_weights(sample_weight, len(lengths), scoring=True)
        source = SequenceBatches(inputs, lengths)
        order = source.order()
        tok, _ = source._token_index(order)
        pending = targets[tok]  # the next words in the order the batches' outputs come

        def next_word_log_probability(scores):  # per batch: never the whole (n_tokens, n_words) matrix
            nonlocal pending
            picked, pending = pending[:len(scores)].to(scores.device), pending[len(scores):]
            return torch.log_softmax(scores.float(), dim=1).gather(1, picked[:, None]).squeeze(1)

        logp = self.net_.predict_source(source, batch_size=self._predict_batch_size(lengths),
                                        transform=next_word_log_probability).double()
        if sample_weight is None:
            return logp
        weights = torch.from_numpy(np.asarray(sample_weight, dtype=np.float64)[order.numpy()])  # (a copy: writable)
        return logp, torch.repeat_interleave(weights, lengths[order])

    def _mean_log_likelihood(self, X, sample_weight=None):
        """The mean log-likelihood per predicted token of X; with ``sample_weight``, each token weighted by its
        sequence's weight."""
        if sample_weight is None:
            return float(self._log_likelihoods(X).mean())
        check_is_fitted(self, "net_")
        check_rows_paired(X, None, sample_weight)  # as in fit
        logp, weights = self._log_likelihoods(X, sample_weight)
        return float((logp * weights).sum() / weights.sum())
