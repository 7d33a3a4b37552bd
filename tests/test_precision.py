"""Mixed precision and the GPU data paths.

This machine class has no GPU, so the autocast and loss-scaling code is exercised on the
CPU by letting the estimator believe mixed precision applies there (torch's CPU autocast
supports bfloat16 and float16); the real GPU runs are at the end, skipped without CUDA.
"""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

import sknn._base
import sknn._device
from sknn import ConvImageClassifier, DenseClassifier, DenseRegressor
from sknn._device import resolve_device, resolve_precision


# a plain perceptron (Linear layers on the features as given, Adam at a constant rate): the autocast paths
# are the subject here, not the tabular recipe
PLAIN = dict(preprocessing=None, numeric_embedding=None, front_scale=False, parametrization="standard",
             learnable_activation=False, optimizer="adam", learning_rate="constant", regularization_schedule=None,
             early_stopping=False, n_jobs=1)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y


@pytest.fixture
def autocast_on_cpu(monkeypatch):
    """Make mixed precision apply on the CPU, where sknn otherwise keeps float32."""
    dtypes = {"32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
    monkeypatch.setattr(sknn._base, "resolve_precision", lambda precision, device: dtypes[precision])


# CPU autocast runs each layer with the kernels of the machine's instruction set: oneDNN has
# a bfloat16 or float16 LSTM only on CPUs with the matching instructions (AVX-512 BF16, AMX),
# not on an AVX2-only CPU. These tests run on whatever machine CI gets, so each asks first
# whether this CPU runs the layers it uses in the low precision, and skips with the reason.
_PROBES = {
    "linear": (lambda: torch.nn.Linear(8, 4), (4, 8)),
    "conv1d": (lambda: torch.nn.Conv1d(3, 4, 3), (2, 3, 8)),
    "conv2d": (lambda: torch.nn.Conv2d(3, 4, 3), (2, 3, 8, 8)),
    "rnn": (lambda: torch.nn.RNN(8, 8, batch_first=True, bidirectional=True), (4, 5, 8)),
    "gru": (lambda: torch.nn.GRU(8, 8, batch_first=True, bidirectional=True), (4, 5, 8)),
    "lstm": (lambda: torch.nn.LSTM(8, 8, batch_first=True, bidirectional=True), (4, 5, 8)),
}
_probed = {}


def _cpu_autocast_error(layer, dtype):
    """None if this CPU runs ``layer`` forward and backward under autocast to ``dtype``, else torch's error."""
    key = (layer, dtype)
    if key not in _probed:
        make, shape = _PROBES[layer]
        try:
            with torch.random.fork_rng():
                module, x = make(), torch.randn(*shape)
                with torch.autocast("cpu", dtype=dtype):
                    out = module(x)
                    (out[0] if isinstance(out, tuple) else out).float().sum().backward()
            _probed[key] = None
        except RuntimeError as exc:
            _probed[key] = str(exc).splitlines()[0][:120]
    return _probed[key]


def require_cpu_autocast(dtype, *layers):
    """Skip the calling test, naming the layer, the dtype and the CPU, where this CPU cannot run them."""
    for layer in layers:
        error = _cpu_autocast_error(layer, dtype)
        if error is not None:
            pytest.skip(f"this CPU ({torch.backends.cpu.get_cpu_capability()}) has no {dtype} {layer} kernel "
                        f"under autocast: {error}")


def test_the_probe_tells_a_runnable_layer_from_a_missing_kernel(monkeypatch):
    monkeypatch.setitem(_PROBES, "prelu", (torch.nn.PReLU, (2, 2)))  # elementwise: autocast leaves it alone
    assert _cpu_autocast_error("prelu", torch.bfloat16) is None

    def broken(*args, **kwargs):
        raise RuntimeError("could not create a primitive descriptor\nmore lines")

    monkeypatch.setitem(_PROBES, "broken", (lambda: broken, (2, 2)))
    assert _cpu_autocast_error("broken", torch.bfloat16) == "could not create a primitive descriptor"
    with pytest.raises(pytest.skip.Exception, match="no torch.bfloat16 broken kernel.*primitive descriptor"):
        require_cpu_autocast(torch.bfloat16, "prelu", "broken")


class _Record(Callback):
    """Records the dtype of a Linear layer's output in training (the first one, or ``layer``), and the gradient
    norm the callbacks see."""

    def __init__(self, layer=None):
        self.layer = layer
        self.dtypes, self.grad_norms = [], []

    def on_train_begin(self, net, **kwargs):
        first = (getattr(net.module_, self.layer) if self.layer else
                 next(m for m in net.module_.modules() if isinstance(m, torch.nn.Linear)))
        first.register_forward_hook(lambda m, i, o: self.dtypes.append(o.dtype) if m.training else None)

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.norm() for _, p in named_parameters if p.grad is not None]
        self.grad_norms.append(float(torch.stack(grads).norm()))


def test_precision_is_inert_on_a_cpu_without_bf16_hardware(digits, monkeypatch):
    monkeypatch.setattr(sknn._device, "cpu_computes_bf16", lambda: False)
    X, y = digits
    preds = []
    for precision in ("32", "bf16", "fp16"):
        clf = DenseClassifier(hidden_layer_sizes=(32,), max_iter=3, device="cpu", precision=precision,
                              random_state=0).fit(X[:400], y[:400])
        assert clf.net_.amp_dtype is None and clf.net_.grad_scaler_ is None
        preds.append(clf.predict_proba(X[400:500]))
    np.testing.assert_array_equal(preds[0], preds[1])
    np.testing.assert_array_equal(preds[0], preds[2])


def test_unknown_precision_is_refused_with_the_options(digits):
    X, y = digits
    with pytest.raises(InvalidParameterError, match="precision.*bf16"):
        DenseClassifier(precision="16").fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="'32', 'bf16' or 'fp16'"):
        resolve_precision("half", torch.device("cpu"))
    assert resolve_precision("32", torch.device("cpu")) is None


@pytest.mark.parametrize("hardware", [False, True])
def test_bf16_applies_on_the_cpu_only_where_the_cpu_computes_it(monkeypatch, hardware):
    monkeypatch.setattr(sknn._device, "cpu_computes_bf16", lambda: hardware)
    assert resolve_precision("bf16", torch.device("cpu")) is (torch.bfloat16 if hardware else None)
    assert resolve_precision("fp16", torch.device("cpu")) is None  # no CPU here gains from float16
    assert resolve_precision("32", torch.device("cpu")) is None


def test_cpu_bf16_hardware_is_read_from_torchs_probe(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert sknn._device.cpu_computes_bf16() is True
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert sknn._device.cpu_computes_bf16() is False
    monkeypatch.delattr(torch.cpu, "_is_amx_tile_supported", raising=False)  # a torch without the probe: float32
    assert sknn._device.cpu_computes_bf16() is False


@pytest.mark.skipif(not sknn._device.cpu_computes_bf16(), reason="this CPU has no bfloat16 hardware (Intel AMX)")
def test_bf16_trains_convolutions_on_a_cpu_with_bf16_hardware():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (96, 12, 12), dtype=np.uint8)
    labels = (images[:, :6].mean(axis=(1, 2)) > images[:, 6:].mean(axis=(1, 2))).astype(int)
    kwargs = dict(conv_filters=(8,), dense_layers=(16,), max_iter=3, device="cpu", random_state=0)
    first, again = (ConvImageClassifier(precision="bf16", **kwargs).fit(images, labels) for _ in range(2))
    full = ConvImageClassifier(precision="32", **kwargs).fit(images, labels)
    assert first.net_.amp_dtype == torch.bfloat16 and full.net_.amp_dtype is None
    proba = first.predict_proba(images)
    np.testing.assert_array_equal(proba, again.predict_proba(images))  # random_state: the same fit twice
    assert not np.array_equal(proba, full.predict_proba(images))  # bfloat16 products, not float32's
    np.testing.assert_allclose(proba, full.predict_proba(images), atol=0.1)


@pytest.mark.parametrize("precision, dtype", [("bf16", torch.bfloat16), ("fp16", torch.float16)])
def test_mixed_precision_trains_in_the_low_precision_dtype(digits, autocast_on_cpu, precision, dtype):
    require_cpu_autocast(dtype, "linear")
    X, y = digits
    record = _Record()
    kwargs = dict(hidden_layer_sizes=(64,), learning_rate_init=0.01, max_iter=10, device="cpu", random_state=0, **PLAIN)
    clf = DenseClassifier(precision=precision, callbacks=[record], **kwargs).fit(X[:1200], y[:1200])
    full = DenseClassifier(precision="32", **kwargs).fit(X[:1200], y[:1200])
    assert clf.net_.amp_dtype == dtype
    assert set(record.dtypes) == {dtype}  # the matrix products ran in the low precision
    assert all(p.dtype == torch.float32 for p in clf.net_.module_.parameters())  # the weights did not
    proba = clf.predict_proba(X[1200:])
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # as accurate as float32, though not bit-identical to it
    assert clf.score(X[1200:], y[1200:]) > max(0.85, full.score(X[1200:], y[1200:]) - 0.03)
    assert not np.array_equal(proba, full.predict_proba(X[1200:]))


def test_fp16_scales_the_loss_and_callbacks_see_true_gradients(digits, autocast_on_cpu):
    require_cpu_autocast(torch.float16, "linear")
    X, y = digits
    record, plain = _Record(), _Record()
    kwargs = dict(hidden_layer_sizes=(64,), max_iter=2, device="cpu", random_state=0, **PLAIN)
    clf = DenseClassifier(precision="fp16", callbacks=[record], **kwargs).fit(X[:600], y[:600])
    DenseClassifier(precision="32", callbacks=[plain], **kwargs).fit(X[:600], y[:600])
    scaler = clf.net_.grad_scaler_
    assert isinstance(scaler, torch.amp.GradScaler) and scaler.get_scale() > 1000
    # gradients unscaled before the callbacks: the same size as in float32, not 2**16 times larger
    ratio = np.median(record.grad_norms) / np.median(plain.grad_norms)
    assert 0.5 < ratio < 2.0


def test_mixed_precision_regressor_and_convolutions(autocast_on_cpu):
    require_cpu_autocast(torch.bfloat16, "linear", "conv2d")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6)).astype(np.float32)
    y = X @ rng.normal(size=6)
    reg = DenseRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=30, precision="bf16",
                         device="cpu", random_state=0, **PLAIN).fit(X, y)
    assert reg.predict(X).dtype == np.float64 and reg.score(X, y) > 0.9
    images = rng.random((64, 8, 8, 1)).astype(np.float32)
    labels = (images[:, :4].mean(axis=(1, 2, 3)) > images[:, 4:].mean(axis=(1, 2, 3))).astype(int)
    conv = ConvImageClassifier(conv_filters=(4,), dense_layers=(8,), max_iter=2, precision="bf16",
                               device="cpu", random_state=0).fit(images, labels)
    assert conv.net_.amp_dtype == torch.bfloat16
    np.testing.assert_allclose(conv.predict_proba(images).sum(axis=1), 1.0, atol=1e-6)


def test_auto_device_spreads_dask_workers_over_the_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(sknn._device, "_dask_worker_name", lambda: 6)  # LocalCluster names workers 0, 1, ...
    assert resolve_device("auto") == torch.device("cuda", 2)
    monkeypatch.setattr(sknn._device, "_dask_worker_name", lambda: "tcp://10.0.0.5:40123")
    first = resolve_device("auto")
    assert first.type == "cuda" and 0 <= first.index < 4 and resolve_device("auto") == first
    monkeypatch.setattr(sknn._device, "_dask_worker_name", lambda: None)  # not in a worker: the current GPU
    assert resolve_device("auto") == torch.device("cuda", 0)


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@cuda
@pytest.mark.parametrize("precision", ["32", "bf16", "fp16"])
def test_gpu_fit_with_each_precision(digits, precision):
    if precision == "bf16" and not torch.cuda.is_bf16_supported():
        pytest.skip("this GPU has no bfloat16")
    X, y = digits
    clf = DenseClassifier(hidden_layer_sizes=(64,), max_iter=10, device="cuda", precision=precision,
                          random_state=0).fit(X[:1200], y[:1200])
    assert clf.device_.type == "cuda" and clf.score(X[1200:], y[1200:]) > 0.85


@cuda
def test_gpu_pinned_batches_match_the_host_batches():
    from sknn._data import ArrayBatches

    X, y = torch.randn(1000, 5), torch.arange(1000)
    host, pinned = ArrayBatches(X, y), ArrayBatches(X, y).pin_memory()
    assert pinned.X.is_pinned()
    for epoch in range(2):
        a = list(host.batches(128, shuffle=True, generator=torch.Generator().manual_seed(epoch), device="cuda"))
        b = list(pinned.batches(128, shuffle=True, generator=torch.Generator().manual_seed(epoch), device="cuda"))
        for (xa, ya, _), (xb, yb, _) in zip(a, b):
            assert torch.equal(xa, xb) and torch.equal(ya, yb)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_mixed_precision_in_the_sequence_family(autocast_on_cpu, cell):
    # 'rnn' runs in bfloat16 on every CPU; 'lstm' needs oneDNN's bfloat16 LSTM (skipped where absent)
    require_cpu_autocast(torch.bfloat16, "linear", "conv1d", cell)
    from sknn import LSTMLanguageModel, LSTMSequenceTagger

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    sents = [list(rng.choice(words, rng.integers(3, 10))) for _ in range(120)]
    tags = [[f"T{int(w[1:]) % 4}" for w in s] for s in sents]
    record = _Record(layer="output")
    tagger = LSTMSequenceTagger(cell=cell, hidden_size=16, embedding_dim=16, char_features="cnn", max_iter=3,
                                precision="bf16", callbacks=[record], random_state=0).fit(sents, tags)
    assert tagger.net_.amp_dtype == torch.bfloat16
    assert set(record.dtypes) == {torch.bfloat16}  # the output layer ran in bfloat16
    proba = tagger.predict_proba(sents[:4])
    assert all(p.dtype == np.float64 and np.allclose(p.sum(axis=1), 1) for p in proba)
    lm = LSTMLanguageModel(cell=cell, hidden_size=16, embedding_dim=16, max_iter=2, precision="bf16",
                           random_state=0).fit(sents)
    assert lm.net_.amp_dtype == torch.bfloat16 and np.isfinite(lm.perplexity(sents[:10]))


def test_mixed_precision_in_the_transfer_family(autocast_on_cpu):
    require_cpu_autocast(torch.bfloat16, "linear", "conv2d")
    from sknn import TransferVGGClassifier

    rng = np.random.default_rng(0)
    # a frozen backbone's cached features are computed under autocast too
    seen = []
    images, labels = rng.random((40, 8, 8)).astype(np.float32), rng.integers(0, 2, 40)
    vgg = TransferVGGClassifier(backbone=[8, "M", 16], weights=None, image_size=16, max_iter=2, precision="bf16",
                                random_state=0)
    original = vgg._build_module

    def build(*args):
        module = original(*args)
        conv = next(m for m in module.modules() if isinstance(m, torch.nn.Conv2d))
        conv.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
        return module

    vgg._build_module = build
    vgg.fit(images, labels)
    assert seen and set(seen) == {torch.bfloat16}
    np.testing.assert_allclose(vgg.predict_proba(images).sum(axis=1), 1.0, atol=1e-6)


def test_a_fitted_model_computes_in_the_precision_it_was_fitted_with_after_set_params_and_a_load(
        digits, autocast_on_cpu, monkeypatch, tmp_path):
    """predict kept the fitted precision after set_params(precision=...), but a saved model's engine was rebuilt with
    the parameter as it was at the save, and a feature extractor's transform read the parameter: results changed
    silently (on a GPU; here autocast on the CPU stands for one)."""
    require_cpu_autocast(torch.bfloat16, "linear", "conv2d")
    import sknn.transfer
    from sknn import VGGFeatureExtractor, load

    monkeypatch.setattr(sknn.transfer, "resolve_precision", sknn._base.resolve_precision)
    X, y = digits[0][:300], digits[1][:300]
    for fitted, later in (("32", "bf16"), ("bf16", "32")):
        clf = DenseClassifier(**PLAIN, hidden_layer_sizes=(16,), max_iter=2, precision=fitted, random_state=0).fit(X, y)
        before = clf.predict_proba(X)
        clf.set_params(precision=later)
        clf.save(tmp_path / "m.sknn")
        loaded = load(tmp_path / "m.sknn")
        assert loaded.precision == later and loaded.net_.amp_dtype == {"32": None, "bf16": torch.bfloat16}[fitted]
        np.testing.assert_array_equal(loaded.predict_proba(X), before)
    images = np.random.default_rng(0).random((6, 16, 16)).astype(np.float32)
    kwargs = dict(backbone=[8, "M", 16], weights=None, image_size=16, random_state=0)
    extractor = VGGFeatureExtractor(**kwargs).fit(images)
    features = extractor.transform(images)
    assert not np.array_equal(VGGFeatureExtractor(**kwargs, precision="bf16").fit(images).transform(images), features)
    np.testing.assert_array_equal(extractor.set_params(precision="bf16").transform(images), features)
    extractor.save(tmp_path / "e.sknn")
    np.testing.assert_array_equal(load(tmp_path / "e.sknn").transform(images), features)


def test_an_unpickled_model_computes_in_the_precision_this_machine_has(digits, monkeypatch, tmp_path):
    """A model fitted in bfloat16 on a CPU with AMX and unpickled on one without kept its bfloat16 autocast there
    (emulated, several times slower), while sknn.load of the same model computed in float32."""
    import pickle

    import sknn

    require_cpu_autocast(torch.bfloat16, "linear")
    X, y = digits
    monkeypatch.setattr(sknn._device, "cpu_computes_bf16", lambda: True)
    clf = DenseClassifier(hidden_layer_sizes=(32,), max_iter=3, device="cpu", precision="bf16", random_state=0,
                          **PLAIN).fit(X[:400], y[:400])
    assert clf.net_.amp_dtype == torch.bfloat16
    assert pickle.loads(pickle.dumps(clf)).net_.amp_dtype == torch.bfloat16  # (this machine has it)
    clf.save(tmp_path / "m.safetensors")
    monkeypatch.setattr(sknn._device, "cpu_computes_bf16", lambda: False)  # another CPU
    unpickled, loaded = pickle.loads(pickle.dumps(clf)), sknn.load(tmp_path / "m.safetensors")
    assert unpickled.net_.amp_dtype is None and loaded.net_.amp_dtype is None
    np.testing.assert_array_equal(unpickled.predict_proba(X[400:]), loaded.predict_proba(X[400:]))


def test_a_callers_autocast_does_not_change_a_float32_network(digits):
    """A fit or predict run inside the caller's torch.autocast computed in its low precision, though the network's
    precision is '32' (and a float16 autocast around a bf16 network crashed inside torch)."""
    require_cpu_autocast(torch.bfloat16, "linear")
    X, y = digits
    kwargs = dict(hidden_layer_sizes=(32,), max_iter=3, device="cpu", precision="32", random_state=0, **PLAIN)
    outside = DenseClassifier(**kwargs).fit(X[:400], y[:400])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        inside = DenseClassifier(**kwargs).fit(X[:400], y[:400])
        predicted_inside = outside.predict_proba(X[400:])
    np.testing.assert_array_equal(inside.predict_proba(X[400:]), outside.predict_proba(X[400:]))
    np.testing.assert_array_equal(predicted_inside, outside.predict_proba(X[400:]))


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_gru_and_rnn_run_in_float32_under_the_cpus_bf16(monkeypatch, cell):
    """Under the CPU's bfloat16 autocast, oneDNN's GRU and RNN gave a sentence alone other probabilities than in a
    batch (up to 8e-3; their bf16 kernels are also slower than float32's): they run in float32 there."""
    from sknn import LSTMSequenceTagger

    require_cpu_autocast(torch.bfloat16, "linear", cell)
    monkeypatch.setattr(sknn._device, "cpu_computes_bf16", lambda: True)
    rng = np.random.default_rng(0)
    X = [list(rng.choice(["a", "b", "c", "p", "q", "x"], rng.integers(4, 12))) for _ in range(80)]
    y = [["A" if w == "x" and i and s[i - 1] == "p" else "O" for i, w in enumerate(s)] for s in X]
    tagger = LSTMSequenceTagger(cell=cell, embedding_dim=16, hidden_size=16, char_features=False, max_iter=3,
                                device="cpu", precision="bf16", random_state=0).fit(X, y)
    assert tagger.net_.amp_dtype == torch.bfloat16
    together = tagger.predict_proba(X[:20])
    for i in range(0, 20, 4):
        np.testing.assert_allclose(tagger.predict_proba([X[i]])[0], together[i], atol=1e-5)


class _FloatBuffer(torch.nn.Module):
    """Adds a linear layer's outputs into a float32 buffer: fine in float32, an error under autocast."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_inputs, n_outputs)

    def forward(self, X):
        out = self.linear(X)
        return torch.zeros(len(X), out.shape[1]).index_add_(0, torch.arange(len(X)), out)


def test_a_module_that_fails_under_autocast_is_named_with_the_precision(digits, autocast_on_cpu):
    """torch's 'index_add_(): self (Float) and source (BFloat16)' came from inside the first step, naming neither
    the module nor precision."""
    require_cpu_autocast(torch.bfloat16, "linear")
    X, y = digits
    DenseClassifier(module=_FloatBuffer, max_iter=1, device="cpu", precision="32", **PLAIN).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="module=_FloatBuffer fails under precision='bf16', which runs its forward "
                                         "under torch.autocast in torch.bfloat16: .*pass precision='32'"):
        DenseClassifier(module=_FloatBuffer, max_iter=1, device="cpu", precision="bf16", **PLAIN).fit(X[:100], y[:100])
