"""The docstring sections the dense networks share (:class:`sknn.DenseClassifier`, :class:`sknn.DenseRegressor`):
their parameters (``COMMON_DOC``, formatted with each one's defaults) and fitted attributes (``COMMON_ATTRS``)."""

COMMON_DOC = """
    The defaults carry a tabular recipe, after RealMLP-TD (Holzmüller et al. 2024): a raw
    DataFrame goes in (numbers, strings, categoricals, missing values); numbers are
    robust-scaled, smoothly clipped and embedded periodically; categories are one-hot
    encoded or embedded; a learned scale per feature feeds three layers of 256 units in
    the neural-tangent parametrisation with learnable activations; AdamW with a cyclic
    learning rate, dropout and weight decay that fade in the second half, and the weights
    of the best epoch on a validation split. Each ingredient is a parameter below, and
    ``benchmarks/RESULTS.md`` records what each is worth on real tables. With
    ``preprocessing=None, numeric_embedding=None, front_scale=False,
    parametrization='standard', learnable_activation=False`` the network is a plain
    multilayer perceptron, as MLPClassifier's.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256, 256, 256)
        Number of units of each hidden layer.
    activation : {{'relu', 'tanh', 'sigmoid', 'logistic', 'leaky_relu', 'noisy_relu', 'elu', 'gelu', 'selu', \
'mish', 'silu', 'identity'}}, default='{activation}'
        Activation of the hidden layers. 'noisy_relu' adds Gaussian noise of variance
        sigmoid(x) before the rectifier in training only; 'logistic' is 'sigmoid'.
    dropout : float or tuple of float, default=0.15
        Dropout rate after each hidden layer (one rate, or one per layer).
    batch_norm : bool, default=False
        Batch normalisation after each hidden linear layer.
    kernel_initializer : str, default='glorot_uniform'
        Weight initialisation of the 'standard' parametrisation, Keras' names:
        'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'lecun_uniform',
        'lecun_normal', 'orthogonal', 'uniform', 'normal', or 'torch' (PyTorch's default).
        Biases start at zero. (The 'ntk' parametrisation starts from standard normal
        weights.)
    preprocessing : {{'auto', None}}, default='auto'
        'auto': X may be a DataFrame or an array of numbers, strings, booleans, pandas
        categoricals and missing values (None, NaN, pd.NA, a masked array's masked cells);
        the estimator learns the encoding in ``fit`` (``preprocessor_``, a
        :class:`sknn._tabular.TabularPreprocessor`) and the
        network's first layer centres each number on its median, divides it by its
        interquartile range (half its range where the quartiles meet; a constant column
        reads 0) and clips it smoothly to (-3, 3), replaces a missing number
        by 0 with an indicator column, one-hot encodes categories with up to 8 values and
        embeds larger ones in 8 learned values; a category it never trained on (unseen in
        ``fit``, or held by validation rows only) is handled as a missing one, and a missing
        one, in a column with no missing value among the training rows, as the average
        category (the categories' encodings weighted by their shares of the training rows).
        Numbers stay quantities: pass a column that numbers groups (a
        patient, a school, a tree measured several times) as categories,
        ``X[col].astype('category')``, so that the network can learn each group's level.
        The clipping flattens a long tail (sizes, prices, counts over orders of magnitude)
        beyond about 3 interquartile ranges: a target that follows such a column linearly
        through its tail is a linear model's (``sknn compare`` fits one beside the network).
        The medians and ranges come from every row of weight above 0, the early-stopping
        split's too (from 200,000 of them on larger X).
        None: X must be numbers, used as they are (scale them first).
    numeric_embedding : {{'periodic', None}}, default='periodic'
        'periodic': each number also enters as 3 learned functions of it, sums of 16
        cosines of learned frequencies (PBLD embeddings); with ``preprocessing='auto'``,
        columns of at most two values (indicators) are left as they are, and so are the
        columns of a sparse X whose median is 0 (counts, TF-IDF: zero in most rows), on
        which the embeddings cost an epoch several times one without them and gained
        nothing on sparse text (``benchmarks/bench_sparse_text.py``); its denser columns
        (numbers a ColumnTransformer put beside them) are embedded at their stored values.
    front_scale : bool, default=True
        A learned scale per input of the first layer, learning 6 times faster than the
        weights: a soft selection of features.
    parametrization : {{'ntk', 'standard'}}, default='ntk'
        'ntk': the neural-tangent parametrisation, ``x W / sqrt(n_in) + b`` with W
        from a standard normal: the learning rate has the same effect at every width,
        and biases learn at 0.1 times the rate. 'standard': plain Linear layers, for
        which learning rates near 1e-3 suit Adam.
    learnable_activation : bool, default=True
        Each unit learns how much of the activation to apply, ``x + a (f(x) - x)``,
        from a = 1.
    optimizer : {{'adamw', 'adam', 'sgd', 'rmsprop'}}, default='adamw'
    learning_rate_init : float, default={learning_rate_init}
        The base learning rate. (It suits the 'ntk' parametrisation with Adam/AdamW;
        with 'standard', use about 1e-3.)
    learning_rate : {{'cosine_log_cycles', 'constant', 'adaptive', 'cosine'}}, \
default='cosine_log_cycles'
        'cosine_log_cycles' changes it at every step (a fit of a single step reads it at the middle
        of that step, not at its start, 0) along four cosine cycles, equally long on a logarithmic time
        axis: short warm restarts first, a long descent to 0 at ``max_iter`` (RealMLP's 'coslog4').
        'adaptive' divides it by 5 each time two epochs in a row fail to lower the monitored
        loss by ``tol``. 'cosine' lowers it along half a cosine over ``max_iter`` epochs, once
        an epoch (torch's ``CosineAnnealingLR``). ``partial_fit`` goes on along a schedule one epoch a call,
        from the epochs the network has trained, and starts it again after ``max_iter``
        (warm restarts), so no call trains at a rate of 0. ``history_['event_lr']`` holds
        the rate each epoch started at (no column with 'constant': every epoch's is ``learning_rate_init``).
    regularization_schedule : {{'flat_cosine', 'cosine', 'constant', None}}, default='flat_cosine'
        Dropout and weight decay at every step: 'flat_cosine' keeps them for the first
        half of ``max_iter`` epochs and then lowers them to 0 along half a cosine;
        None or 'constant' keeps them.
    momentum : float, default=0.9
        Momentum of 'sgd' and 'rmsprop'.
    nesterov : bool, default=True
        Nesterov momentum for 'sgd'.
    beta_1, beta_2 : float, default=0.9, 0.95
        Decay rates of Adam's and AdamW's moment estimates (torch's beta_2 is 0.999; a
        shorter memory of the gradients' scale suits the cyclic learning rate).
    alpha : float, default=0.02
        With 'adamw', AdamW's decoupled weight decay: each step shrinks the weight
        matrices by ``learning rate * alpha`` (biases are not shrunk). With the other
        optimizers, an L2 penalty scaled as in MLPClassifier: the loss of a batch of n
        rows gets ``alpha / (2 n) * ||W||^2``.
    l1 : float, default=0.0
        L1 penalty on the weights, ``l1 / n * sum|W|`` per batch.
    batch_size : int or 'auto', default='auto'
        Rows per gradient step; 'auto' is 256 (512 above 30,000 rows, 1,024 above
        100,000), at most the number of rows.
    max_iter : int, default={max_iter}
        Number of epochs (the schedules span them; with early stopping, the most).
    shuffle : bool, default=True
        Reshuffle the rows before each epoch.
    early_stopping : bool, default=True
        Set ``validation_fraction`` of the data aside (stratified for classifiers) and
        keep the weights of the epoch with the lowest validation loss (best-epoch
        selection; never the untrained network's, which the default schedule's first
        epoch leaves as it is over one batch, at a rate of 0); with ``n_iter_no_change``,
        also stop when that loss has not fallen by ``tol`` for that many epochs. The
        validation score is recorded each epoch. A warm start chooses among its own
        epochs (its validation rows may be others), not the earlier fit's.
    validation_fraction : float, default=0.2
    n_iter_no_change : int or None, default=None
        Patience, in epochs: stop when the monitored loss (the validation loss with
        early stopping, else the training loss, as in MLPClassifier) has not fallen by
        ``tol`` for that many epochs. None trains for ``max_iter`` epochs.
    tol : float, default=1e-4
    n_ensemble : int, default=1
        Train this many networks at once, independent but for the input layer they share,
        and average their predictions (probabilities for classifiers): a deep ensemble,
        which mostly lowers the variance of a network trained on little data. The fit
        takes about that many times as long.
    warm_start : bool, default=False
        Continue from the previous fit's weights (with a fresh optimizer).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout, shuffling and the validation split: two fits with
        the same int give identical predictions on the CPU.
    n_jobs : int or None, default=None
        Torch threads for this fit (the setting is restored afterwards); -1 for every
        core, -2 for all but one, as in scikit-learn. None chooses:
        one thread for a small network (whose steps gain nothing from more, and slow
        down by an order of magnitude when other processes share the cores), or when
        the machine is already busy; torch's own setting otherwise.
    device : str, default='auto'
        'auto' (CUDA, then MPS, then CPU), 'cpu', 'cuda', 'cuda:N' or 'mps'. Inside a
        Dask worker, 'auto' takes the worker's own GPU (see the README's Dask section).
    precision : {{'32', 'bf16', 'fp16'}}, default='32'
        Mixed precision: the forward pass and the loss run under ``torch.autocast`` in
        bfloat16 or float16 (with loss scaling), the weights and the optimizer stay in
        float32. On a GPU, 'bf16' needs an Ampere or newer one. On the CPU, 'bf16' applies
        where the CPU multiplies bfloat16 in hardware (Intel AMX: Sapphire Rapids and newer
        Xeons; the default image network's epoch in 0.56 of float32's time), GRU and RNN
        layers excepted; on any other CPU, and for 'fp16', the CPU computes in float32, so
        one configuration runs on any machine.
    verbose : int, default=0
        0 silent, 1 a progress bar, 2 a line per epoch.
    callbacks : list of skorch callbacks or None, default=None
        skorch callbacks, run after sknn's own and before the stopping rule: ``Checkpoint``,
        ``EpochScoring`` (any scikit-learn scorer), ``LRScheduler``, ``EarlyStopping``,
        ``TensorBoard``, ``MlflowLogger``... (README, "Power users"). An ``LRScheduler``
        needs ``learning_rate='constant'`` (else two schedules would set the rate).
    module : torch.nn.Module class or callable, default=None
        Your own network, ``module(n_inputs, n_outputs)``, on the rows sknn's input layer
        gives (the encoded features with ``preprocessing='auto'``): one logit per class or
        one value per target. It replaces the network the parameters above describe
        (``hidden_layer_sizes``, ``activation``, ``dropout``, ``batch_norm``, ``kernel_initializer``,
        ``front_scale``, ``parametrization``, ``learnable_activation``, ``n_ensemble``: any of them set
        otherwise gets a warning). Part of the architecture; ``coefs_`` and ``export_network``
        need sknn's own network.
    criterion : torch loss class, instance or factory, default=None
        Your own loss (e.g. ``torch.nn.HuberLoss``) on the outputs and the targets (class
        indices, or the standardised targets), with any ``reduction``.
"""

COMMON_ATTRS = """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X was a DataFrame with string column names
    column_labels_in_, column_label_text_in_ : ndarray, names of X's columns that are not strings (whole numbers;
        others' text), which scikit-learn does not record: the same names in another order are refused at predict.
    preprocessor_ : TabularPreprocessor
        With ``preprocessing='auto'``: the column types, categories, medians and scales
        learned in ``fit``.
    architecture_ : dict
        The architecture parameters the network was built with: the fitted model
        follows them (``predict``, ``save``, ``export_network``) whatever ``set_params``
        changed since; ``warm_start`` and ``partial_fit`` refuse to continue a network
        whose architecture parameters were changed. Beside them, ``sparse_input``:
        whether X was a sparse matrix (whose columns of median 0 are not embedded, the
        others where they are stored).
    coefs_ : list of ndarray
        Weight matrix of each Linear layer, shape (inputs, units), as a plain Linear
        layer would hold it (the first layer reads the input layer's features).
    intercepts_ : list of ndarray
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Training loss of each epoch.
    loss_ : float
        The last epoch's training loss (``loss_curve_[-1]``, scikit-learn's MLP name).
    best_loss_ : float or None
    validation_scores_ : list of float or None
        Validation score of each epoch, with early stopping or ``validation_data``: the
        score of the validation rows weighted as in training (their sample weights, and
        ``class_weight``), as HistGradientBoosting weighs its validation set; ``score``
        on the same rows without weights may differ.
    best_validation_score_ : float or None
        With early stopping, the validation score of the epoch whose weights were
        restored (the lowest validation loss).
    history_ : pandas.DataFrame
        One row per epoch: ``epoch``, ``train_loss``, ``valid_loss``, ``valid_score``, ``dur``.
    device_ : torch.device
        The device the network lives on.
    net_ : sknn.Engine
        The underlying skorch net; ``net_.module_`` is the torch module.
"""
