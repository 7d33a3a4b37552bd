"""Recurrent networks for sequences: LSTMSequenceTagger and LSTMLanguageModel.

A sequence is a list of tokens (strings) or an array of feature vectors
(length, n_features). The family's input (checks, vocabularies, the batch source) is
:mod:`sknn._sequence_input`, its networks :mod:`sknn._recurrent`, what its estimators
share :mod:`sknn._sequence_model` and the tagger's ONNX graph :mod:`sknn._sequence_onnx`;
the estimators here train through the shared engine, and the loss sees real tokens only.
"""

from numbers import Integral

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._alignment import check_same_step_order
from ._engine import PassThroughLoss
from ._labels import check_not_quantities, check_same_label_kind, fit_classes, label_indices
from ._recurrent import RecurrentLayers, SequenceNet
from ._sequence_input import (BOS, BOS_TOKEN, EOS, EOS_TOKEN, PAD, PAD_TOKEN, UNK, UNK_TOKEN, SequenceBatches,
                              build_vocabulary, check_label_sequences, check_prefixes, check_sequences,
                              spans, steps_of_rows, token_forms, token_ids, warn_own_symbols_in)
from ._sequence_model import NextWordOutputs, SequenceModel, TaggerOutputs
from ._sequence_onnx import tagger_onnx_feed, tagger_onnx_graph
from ._targets import keyword_only_classes
from ._validation import check_positive_int, merged_validation_data, plain_items, refuse_data_loader, unmasked

__all__ = ["LSTMSequenceTagger", "LSTMLanguageModel", "RecurrentLayers", "SequenceBatches", "SequenceNet"]


class LSTMSequenceTagger(TaggerOutputs, SequenceModel):
    """Label every token of a sequence (part-of-speech tagging, per-step labels of a series).

    A recurrent network (RNN, LSTM or GRU, optionally bidirectional) reads word
    embeddings learned in fit, and optionally character features that give unseen
    words a representation; a linear layer maps each position to the label scores.
    Sequences of similar length are batched together; padding never changes a result.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
    bidirectional : bool, default=True
    num_layers : int, default=2
    hidden_size : int, default=256
        Units of each recurrent layer (per direction); 256: 0.2 point over 128 on EWT, in 1.8x the time.
    embedding_dim : int, default=100
    char_features : bool or {'cnn', 'lstm'}, default=True
        Add a representation of each word's characters: a convolution ('cnn' or True)
        or a bidirectional LSTM ('lstm') over them. It gives words unseen in fit a
        representation (token sequences only; ignored for feature vectors). A word of more than 24 characters
        is read as its first and last 12.
    char_dim : int, default=64
        Size of the character representation of a word ('lstm': two directions of char_dim // 2).
    min_count : int, default=1
        Words seen fewer times in fit are unknown (share the '<unk>' embedding).
    max_vocab : int or None, default=None
        Keep the most frequent words only.
    lowercase : bool, default=True
        Lower-case words before the vocabulary lookup (characters keep their case, so the
        character features still see capitals).
    dropout : float, default=0.33
        Dropout on the embeddings, between recurrent layers and before the output layer.
    word_dropout : float, default=0.35
        Probability of replacing a training token by '<unk>' in the trained embedding (a frozen copy of
        pretrained vectors keeps the word's vector), so the network learns to read unseen words.
    pretrained_embeddings : dict, keyed vectors or fitted Word2VecTransformer, default=None
        Initial word vectors (of size ``embedding_dim``); their words join the vocabulary, so words absent
        from the training data still get their vector. With ``lowercase``, a word takes the vector of its
        lower-case spelling where the vectors have it ('may' over 'May'), else of its first casing in the
        vectors' order. ``clone`` (GridSearchCV...) copies a fitted transformer unfitted: pass ``w2v.wv_``.
    freeze_embeddings : bool or 'copy', default='copy'
        Train the pretrained word vectors (False), keep them fixed (True), or both ('copy': a
        frozen copy beside the trained ones, so that words unseen in training keep theirs).
    clipnorm : float or None, default=5.0
        Clip the gradient norm (as Keras' ``clipnorm``), which keeps recurrent networks stable.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, batch_size, max_iter, shuffle, \
early_stopping, validation_fraction, n_iter_no_change, tol, warm_start, random_state, device, precision, \
verbose, callbacks, criterion
        As in :class:`sknn.DenseClassifier`; ``batch_size`` counts sequences ('auto': 2 below 600
        training sequences, 4 below 1,500, 16 below 10,000, else 32: small data gets more steps in the same
        epochs; each ``partial_fit`` call reads its own chunk so, as MLPClassifier's does).
        ``warm_start`` and ``partial_fit`` keep the first fit's vocabulary and characters (new words read as
        unknown ones, as at prediction). The tagger's own defaults: Adam at ``learning_rate_init=0.002`` with a
        cosine decay (``learning_rate='cosine'``) over ``max_iter=20`` epochs, no L2 penalty (``alpha=0.0``), no
        early stopping (with it, ``validation_fraction=0.1`` and ``n_iter_no_change=10``).
        With the defaults above, UD English-EWT dev UPOS accuracy is 0.9531 after 605 s of
        training on 2 CPU cores; with word vectors trained by :class:`sknn.Word2VecTransformer`,
        0.9594 after 11.3 minutes, the vectors included (``benchmarks/RESULTS.md``).
    module : torch.nn.Module class or callable, default=None
        Your own network, called as ``module(n_inputs, n_classes)`` (``n_inputs``: the
        vocabulary's size for token sequences, the features per step for arrays). Its
        ``forward`` takes a padded batch as keyword arguments: ``lengths`` (B,) on the CPU,
        ``words`` (B, T) word ids (0 pads) or ``features`` (B, T, n_features), and with
        ``char_features`` ``chars``, ``char_lengths``, ``char_index``; it returns the outputs
        of the real tokens only, in sequence order, (n_tokens, n_classes) (and, with
        ``last_only=True``, the outputs of each sequence's last token, (B, n_classes)). It
        replaces the network the parameters above describe; an attribute ``embedding`` (an
        ``nn.Embedding``) receives ``pretrained_embeddings``.

    Attributes
    ----------
    classes_ : ndarray, the labels
    vocabulary_ : dict, word -> index ('<pad>' is 0, '<unk>' 1)
    char_vocabulary_ : dict or None
    n_features_in_, feature_names_in_ : int, and the DataFrames' string column names, for feature-vector sequences
    input_kind_ : {'tokens', 'features'}, what the sequences held at fit
    architecture_ : dict, the network's parameters as fit built it (whatever set_params did since)
    history_, loss_curve_, loss_, best_loss_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`; losses and scores are per token.

    Examples
    --------
    >>> from sknn import LSTMSequenceTagger
    >>> X = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"]] * 20
    >>> y = [["DET", "NOUN", "VERB"]] * 60
    >>> tagger = LSTMSequenceTagger(hidden_size=16, embedding_dim=16, max_iter=30, random_state=0).fit(X, y)
    >>> tagger.predict([["a", "dog", "sleeps"]])
    [['DET', 'NOUN', 'VERB']]
    >>> tagger.score(X, y)
    1.0
    """

    _parameter_constraints = {
        **SequenceModel._parameter_constraints, "bidirectional": ["boolean"],
        "char_features": ["boolean", StrOptions({"cnn", "lstm"})],
        "char_dim": [Interval(Integral, 2, None, closed="left")],
    }

    _architecture_params = ("cell", "bidirectional", "num_layers", "hidden_size", "embedding_dim", "char_features",
                            "char_dim", "min_count", "max_vocab", "lowercase", "dropout", "word_dropout",
                            "freeze_embeddings", "module")
    # smaller batches on fewer training sentences: more steps in the same epochs (benchmarks/RESULTS.md, "Small
    # treebanks": 2 sentences a step best at 200 and 500, 4 near it at 1,000, 16 at 3,000 and 6,000; 32 was chosen on
    # EWT's 12,544)
    _auto_batches = ((600, 2), (1500, 4), (10000, 16))

    def __init__(self, cell="lstm", bidirectional=True, num_layers=2, hidden_size=256, embedding_dim=100,
                 char_features=True, char_dim=64, min_count=1, max_vocab=None, lowercase=True, dropout=0.33,
                 word_dropout=0.35, pretrained_embeddings=None, freeze_embeddings="copy", clipnorm=5.0,
                 optimizer="adam", learning_rate_init=0.002, learning_rate="cosine", momentum=0.9, nesterov=True,
                 alpha=0.0, l1=0.0, batch_size="auto", max_iter=20, shuffle=True, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, warm_start=False, random_state=None,
                 device="auto", precision="32", verbose=0, callbacks=None, module=None, criterion=None):
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
        self.module = module
        self.criterion = criterion

    @staticmethod
    def _char_mode(char_features):
        return {False: None, True: "cnn"}.get(char_features, char_features)

    # -- input ----------------------------------------------------------------------
    def _encode(self, X, reset, fit_rows=None):
        refuse_data_loader(X, type(self).__name__)
        X = plain_items(unmasked(X))  # masked tokens or numbers: refused
        kind, seqs = check_sequences(X, lowercase=self._lowercase(reset), estimator=self, reset=reset)
        lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)
        if reset:
            self.input_kind_ = kind
            if kind == "features":
                self._fit_feature_input(seqs)
            else:
                learned = seqs if fit_rows is None else [seqs[i] for i in fit_rows]  # weight 0: no words
                self._fit_vocabulary(learned)
                self.char_vocabulary_ = None
                if self._char_mode(self.char_features):
                    chars, _ = build_vocabulary((t for seq in learned for t in seq))
                    self.char_vocabulary_ = chars
        elif kind != self.input_kind_:
            fix = ("pass each sentence as a list of word strings (whole-number word ids as their strings: str(3))"
                   if kind == "features" else "pass each sequence as a (n_steps, n_features) array of numbers")
            raise ValueError(f"X holds sequences of {kind} but {type(self).__name__} was fitted on sequences of "
                             f"{self.input_kind_}: {fix}.")
        if kind == "features":
            if seqs[0].shape[1] != self.n_features_in_:
                raise ValueError(f"X has {seqs[0].shape[1]} features per step, but {type(self).__name__} was fitted "
                                 f"with {self.n_features_in_}.")
            return {"features": torch.from_numpy(np.concatenate(seqs))}, lengths, None
        inputs = {"words": token_ids(seqs, self.vocabulary_, self._lowercase(reset), name=None if reset else "X")}
        table = None
        if self.char_vocabulary_ is not None:
            inputs["forms"], table = token_forms(seqs, self.char_vocabulary_)
        return inputs, lengths, table

    def _check_X_y(self, X, y, reset, fit_rows=None):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y: one list of labels per sequence of X.")
        check_same_step_order(X, y)  # a sequence's tokens and labels as Series of one index in another order
        encoded = self._encode(X, reset, fit_rows)
        return encoded, check_label_sequences(y, encoded[1].tolist())

    def _check_X(self, X, reset):
        check_is_fitted(self, "net_")
        return self._encode(X, reset)

    def _prepare_targets(self, y, keep, classes, incremental, fit_rows=None):
        check_not_quantities(y, type(self).__name__,
                             fix="it has no regression mode; round them to classes if they are classes.")
        self.classes_ = fit_classes(y, classes, type(self).__name__, self.classes_ if keep else None)
        return self._encode_targets(y)

    def _encode_targets(self, y):  # (labels of another kind than fit's, booleans for numbers: refused, as by score)
        return torch.from_numpy(label_indices(check_same_label_kind(y, self.classes_), self.classes_)), None

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None, *, validation_data=None, X_val=None, y_val=None,
            sample_weight_val=None):
        """Train on sequences X and their label sequences y for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : list of sequences: token lists, or arrays of shape (length, n_features)
            (a DataFrame or a tensor per sequence counts as its array). A 3-D array is
            sequences of one length: padding would be read as steps, so pass sequences of
            different lengths as a list. Features are read as they are: standardise them.
            A DataFrame of tokens is one sequence per row, a token a cell; a table of one token
            per row (CoNLL-U in pandas) is passed as ``table.groupby(sentence_id)[form].agg(list)``.
        y : list of label sequences, each as long as its sequence in X
        sample_weight : array-like of shape (n_sequences,), default=None
            Weight of each sequence, given to each of its tokens in the loss (there a weight of 2 counts as the sequence
            given twice; the vocabulary and ``min_count`` count each sequence once); weight 0 leaves a sequence out.
        validation_data : tuple (X_val, y_val) or (X_val, y_val, sample_weight_val), default=None
            A validation set of your own, as in :meth:`sknn.DenseClassifier.fit`: it replaces the split of
            ``validation_fraction``, is scored every epoch, and gives the best epoch with ``early_stopping=True``.
        X_val, y_val, sample_weight_val : default=None
            The same in scikit-learn's form, as :meth:`sknn.DenseClassifier.fit` takes it.

        Returns
        -------
        self
        """
        validation_data = merged_validation_data(validation_data, X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight=sample_weight, validation_data=validation_data)

    @keyword_only_classes
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, *, classes=None, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights (vocabulary and labels stay).

        The labels are those of the first call's ``classes`` (every label that will ever appear, e.g.
        ``np.unique(np.concatenate(y_all))``), else of its ``y``. ``classes`` and ``sample_weight`` (one per
        sequence) are keyword-only; the weights step as given, not rescaled to mean 1 per token as in ``fit``:
        keep their scale one across calls."""
        return self._fit(X, y, sample_weight=sample_weight, incremental=True, classes=classes)

    def _n_outputs(self):
        return len(self.classes_)

    def _build_module(self):
        arch = self.architecture_  # the parameters as they were when the network was first built
        words = self.input_kind_ == "tokens"
        custom = self._custom_module(len(self.vocabulary_) if words else self.n_features_in_, self._n_outputs())
        if custom is not None:
            return custom
        return SequenceNet(
            self._n_outputs(), vocab_size=len(self.vocabulary_) if words else None,
            n_features=None if words else self.n_features_in_, embedding_dim=arch["embedding_dim"],
            hidden_size=arch["hidden_size"], num_layers=arch["num_layers"], cell=arch["cell"],
            bidirectional=arch["bidirectional"], dropout=arch["dropout"], word_dropout=arch["word_dropout"],
            char_features=self._char_mode(arch["char_features"]) if words else None,
            n_chars=len(self.char_vocabulary_ or ()), char_dim=arch["char_dim"], **self._embedding_args())

    def _onnx_graph(self, network):
        return tagger_onnx_graph(self, network)

    def _onnx_feed(self, X):
        return tagger_onnx_feed(self, X)

    # -- predictions ------------------------------------------------------------------
    def predict(self, X):
        """The labels of each token: a list (one per sequence) of label lists (which scikit-learn's
        ``cross_val_predict`` cannot join: use ``cross_validate`` and the tagger's ``score``).

        Parameters
        ----------
        X : list of sequences (token lists or (length, n_features) arrays)

        Returns
        -------
        y : list of lists
        """
        return self._predicted_labels(self._check_X(X, reset=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


class LSTMLanguageModel(NextWordOutputs, SequenceModel):
    """Next-word prediction: a recurrent language model over token sequences.

    Each sequence is read from a start symbol; at every position the network predicts
    the next word (and, after the last, the end of the sequence). ``predict_next``
    gives the likeliest continuations of prefixes; ``perplexity`` and ``score`` say how
    well the model predicts held-out text.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
    num_layers : int, default=2
        Two learned in 10 epochs what one reached in 20 (benchmarks/RESULTS.md).
    hidden_size : int, default=256
    embedding_dim : int, default=256
    tie_weights : bool, default=True
        Share the output layer's weights with the word embedding: fewer parameters and a
        lower perplexity (benchmarks/RESULTS.md, "Next-word prediction"). When
        ``hidden_size`` differs from ``embedding_dim``, a linear projection (without bias)
        maps the hidden state to ``embedding_dim`` before the shared layer. With
        ``freeze_embeddings=True`` the shared weights stay frozen as outputs too.
    adaptive_softmax : 'auto' or bool, default='auto'
        Score the most frequent words directly and the rest through one cluster (Grave et
        al. 2017): exact probabilities, in training at a fraction of a full softmax's cost.
        The shortlist is chosen from the training counts (``adaptive_cutoff_``). 'auto':
        when that makes a step at least 1.5x cheaper (1,000 words or more) and neither
        ``module`` nor ``criterion`` is given; True: whenever it makes a step cheaper at
        all (else a full softmax, ``adaptive_cutoff_`` None); False: a full softmax.
    min_count : int, default=2
    max_vocab : int or None, default=20000
    lowercase : bool, default=False
    dropout : float, default=0.4
    word_dropout : float, default=0.1
        The probability of reading a training word as '<unk>': it regularises, and teaches
        the model what follows unknown words.
    pretrained_embeddings, freeze_embeddings, clipnorm
        As in :class:`LSTMSequenceTagger` (but ``freeze_embeddings=False`` by default), except that
        the vocabulary (the softmax's words) is the training words' only (``min_count``,
        ``max_vocab``): the vectors initialise their embeddings, and a word found only in the
        vectors is '<unk>', never proposed.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, batch_size, max_iter, shuffle, \
early_stopping, validation_fraction, n_iter_no_change, tol, warm_start, random_state, device, precision, \
verbose, callbacks, criterion
        As in :class:`LSTMSequenceTagger`; the language model's own defaults are Adam at
        ``learning_rate_init=0.003`` with a cosine decay over ``max_iter=16`` epochs, and ``batch_size='auto'``
        meaning 32 sequences (at most the data's size) however many there are (smaller batches fitted small texts
        worse; on a text of a few thousand sentences, ``learning_rate_init=0.006`` did better: RESULTS.md).
    module : torch.nn.Module class or callable, default=None
        Your own network, called as ``module(n_words, n_words)`` (the vocabulary's size,
        in and out), with the ``forward`` of :class:`LSTMSequenceTagger`'s ``module``: word
        ids in, the next word's scores at every position out.

    Attributes
    ----------
    vocabulary_ : dict, word -> index ('<pad>', '<unk>', '<s>', '</s>' first)
    adaptive_cutoff_ : int or None
        How many words (by index) the adaptive softmax scores directly; None: a full softmax.
    architecture_ : dict, the network's parameters as fit built it (whatever set_params did since)
    history_, loss_curve_, loss_, best_loss_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`; the loss is the mean negative log-likelihood per predicted token, and
        no score is kept (``validation_scores_`` and ``best_validation_score_`` None): ``history_['valid_loss']``.

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

    _parameter_constraints = {**SequenceModel._parameter_constraints, "tie_weights": ["boolean"],
                              "adaptive_softmax": [StrOptions({"auto"}), "boolean"]}
    _specials = (PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN)
    _vector_words_join_vocabulary = False  # the vocabulary is the output's: the training words only
    _architecture_params = ("cell", "num_layers", "hidden_size", "embedding_dim", "tie_weights", "adaptive_softmax",
                            "min_count", "max_vocab", "lowercase", "dropout", "word_dropout", "freeze_embeddings",
                            "module")

    def __init__(self, cell="lstm", num_layers=2, hidden_size=256, embedding_dim=256, tie_weights=True,
                 adaptive_softmax="auto", min_count=2, max_vocab=20000, lowercase=False, dropout=0.4, word_dropout=0.1,
                 pretrained_embeddings=None, freeze_embeddings=False, clipnorm=5.0, optimizer="adam",
                 learning_rate_init=0.003, learning_rate="cosine", momentum=0.9, nesterov=True, alpha=0.0, l1=0.0,
                 batch_size="auto", max_iter=16, shuffle=True, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, warm_start=False, random_state=None, device="auto", precision="32",
                 verbose=0, callbacks=None, module=None, criterion=None):
        self.cell = cell
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.tie_weights = tie_weights
        self.adaptive_softmax = adaptive_softmax
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
        self.module = module
        self.criterion = criterion

    def _encode(self, X, reset, fit_rows=None, warn_symbols=False):  # warn_symbols: for scoring (fit warns itself)
        refuse_data_loader(X, type(self).__name__)
        X = plain_items(unmasked(X))  # masked tokens or numbers: refused
        kind, seqs = check_sequences(X, lowercase=self._lowercase(reset), numeric=False)
        if kind != "tokens":
            raise ValueError(f"{type(self).__name__} models token sequences; X holds sequences of numbers: pass each "
                             "sentence as a list of word strings (whole-number word ids as their strings: str(3)).")
        if reset:
            self._fit_vocabulary(seqs if fit_rows is None else [seqs[i] for i in fit_rows])  # weight 0: no words
        elif warn_symbols:
            warn_own_symbols_in(seqs, self._specials, self._lowercase(reset))
        lengths = torch.tensor([len(s) + 1 for s in seqs], dtype=torch.int64)
        ids = token_ids(seqs, self.vocabulary_, self._lowercase(reset), prefix=(BOS_TOKEN,), suffix=(EOS_TOKEN,),
                        name=None if reset else "X")
        # input: <s> w1 ... wn ; target: w1 ... wn </s>
        tok = spans(torch.cumsum(lengths + 1, 0) - (lengths + 1), lengths)
        targets = ids[tok + 1]
        if reset:  # from the sequences that train (weight 0: left out, as of the vocabulary)
            self.adaptive_cutoff_ = self._choose_adaptive_cutoff(targets[steps_of_rows(lengths, fit_rows)])
        return ({"words": ids[tok]}, lengths, None), targets

    def _check_params(self, continuing=False):
        given = "module" if self.module is not None else "criterion" if self.criterion is not None else None
        if given and not isinstance(self.adaptive_softmax, str) and self.adaptive_softmax:
            raise ValueError(f"adaptive_softmax=True is the network's own output layer and loss, and {given} is "
                             f"given; pass adaptive_softmax=False (or 'auto') with {given}, or {given}=None.")

    def _check_X_y(self, X, y, reset, fit_rows=None):
        if y is not None:  # only validation_data's second item reaches here (fit and partial_fit pass None)
            raise ValueError(f"a language model takes no y (its targets are the next words), got {type(y).__name__} "
                             "as the second item: pass (X_val, None), or (X_val, None, sample_weight_val) for weights.")
        if not reset and self._shortlist() is not None and self.criterion is not None:
            raise ValueError("This network's adaptive softmax computes its own loss, so criterion cannot train it "
                             "further; pass criterion=None, or fit a new network (warm_start=False).")
        return self._encode(X, reset, fit_rows)

    def _source(self, X, y=None, sample_weight=None):
        inputs, lengths, table = X  # the adaptive softmax is given the next words, to score only them
        extra = {} if y is None or self._shortlist() is None else {"targets": y}
        return SequenceBatches({**inputs, **extra}, lengths, y, sample_weight, table)

    def _criterion(self):
        return PassThroughLoss() if self._shortlist() is not None else super()._criterion()

    def _prepare_targets(self, y, keep, classes, incremental, fit_rows=None):
        return y, None

    def _encode_targets(self, y):
        return y, None

    _score_fn = None

    def _n_outputs(self):
        return len(self.vocabulary_)

    def _build_module(self):
        arch = self.architecture_  # the parameters as they were when the network was first built
        custom = self._custom_module(len(self.vocabulary_), self._n_outputs())
        if custom is not None:
            return custom
        return SequenceNet(
            self._n_outputs(), vocab_size=len(self.vocabulary_), embedding_dim=arch["embedding_dim"],
            hidden_size=arch["hidden_size"], num_layers=arch["num_layers"], cell=arch["cell"], bidirectional=False,
            dropout=arch["dropout"], word_dropout=arch["word_dropout"], tie_weights=arch["tie_weights"],
            adaptive_cutoff=self._shortlist(), **self._embedding_args())

    def fit(self, X, y=None, sample_weight=None, *, validation_data=None, X_val=None, sample_weight_val=None):
        """Train on token sequences X (a list of token lists; y is ignored) for up to ``max_iter`` epochs.

        ``sample_weight`` has one weight per sequence; ``validation_data`` is ``(X_val, None)`` or ``(X_val, None,
        sample_weight_val)``, held-out token lists, as in :meth:`LSTMSequenceTagger.fit` (or ``X_val`` and
        ``sample_weight_val``). Returns self.
        """
        return super().fit(X, None, sample_weight=sample_weight, validation_data=validation_data, X_val=X_val,
                           sample_weight_val=sample_weight_val)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on X, continuing from the current weights (the vocabulary stays); ``sample_weight``
        (one per sequence) steps as given, not rescaled to mean 1 as in fit: keep its scale one across calls."""
        return self._fit(X, None, sample_weight=sample_weight, incremental=True)

    def perplexity(self, X):
        """exp of the mean negative log-likelihood per predicted token (end of sequence included); words outside the
        vocabulary count as '<unk>', as in the usual benchmark protocol."""
        return float(torch.exp(-self._log_likelihoods(X).mean()))

    def score(self, X, y=None, sample_weight=None):
        """Mean log-likelihood per predicted token (higher is better; ``-log(perplexity)``).

        Parameters
        ----------
        X : list of token lists
            Words outside the vocabulary are all '<unk>': compare models of one vocabulary only (not across
            ``min_count`` or ``max_vocab``).
        y : None
            Ignored: the targets are the next words.
        sample_weight : array-like of shape (n_sequences,), default=None
            Weight of each sequence, given to each of its tokens (its end included), as in the tagger's score.

        Returns
        -------
        score : float
        """
        return self._mean_log_likelihood(X, sample_weight)

    def predict_next(self, prefixes, top_k=5, return_proba=False):
        """The likeliest next words after each prefix.

        Parameters
        ----------
        prefixes : list (or iterable) of token lists (an empty list asks for a first word)
        top_k : int, default=5
            How many words to propose (at most the vocabulary's words).
        return_proba : bool, default=False
            Give (word, probability) pairs instead of words: P(word | prefix) over the vocabulary and the model's
            symbols (never proposed), so the proposed ones may sum to less than 1.

        Returns
        -------
        list (one per prefix) of ``top_k`` words, most likely first; never a symbol ('<unk>', '</s>'...) nor a word of
        early stopping's validation rows only (in the vocabulary, never trained).
        """
        check_is_fitted(self, "net_")
        top_k = check_positive_int(top_k, "top_k", "predict_next")
        if not isinstance(return_proba, (bool, np.bool_)):  # a truthy 'no' would give pairs without a word
            raise InvalidParameterError(f"The 'return_proba' parameter of predict_next must be a bool, got "
                                        f"{return_proba!r:.60}.")
        prefixes = check_prefixes(prefixes, self.architecture_["lowercase"])
        if len(prefixes) == 0:
            return []
        warn_own_symbols_in(prefixes, self._specials, self.architecture_["lowercase"], "prefixes")
        lengths = torch.tensor([len(p) + 1 for p in prefixes], dtype=torch.int64)
        ids = token_ids(prefixes, self.vocabulary_, self.architecture_["lowercase"], (BOS_TOKEN,), name="prefixes")
        source = SequenceBatches({"words": ids}, lengths, last_only=True)
        untrained = (self.net_.module_.word_counts == 0).nonzero().ravel()  # (early stopping's validation rows')
        unproposed = [PAD, UNK, BOS, EOS] + untrained[untrained > EOS].tolist()  # never proposed
        k = min(top_k, len(self.vocabulary_) - len(unproposed))

        def most_likely(z):  # each batch's k words, not its distribution (prefixes x words: 1.4 GB for 50,000 of 3,000)
            probs = torch.softmax(z.float(), dim=1)
            probs[:, unproposed] = -1  # (below every word's, even one whose probability rounds to 0)
            return torch.cat([t.double() for t in probs.topk(k, dim=1)], dim=1)  # (word indices exact in float64)
        top = self.net_.predict_source(source, batch_size=self._predict_batch_size(), transform=most_likely)
        words, result = self._words_array(), [None] * len(prefixes)
        for row, i in enumerate(source.order().tolist()):
            picked = words[top[row, k:].long().numpy()].tolist()
            result[i] = list(zip(picked, top[row, :k].tolist())) if return_proba else picked
        return result
