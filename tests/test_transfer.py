"""TransferVGGClassifier, VGGFeatureExtractor and the VGG family (no network: nothing is downloaded)."""

import pickle
import urllib.error
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeClassifier
from sklearn.pipeline import make_pipeline

import sknn
from sknn import TransferVGGClassifier, VGGFeatureExtractor
from sknn._images import resize_images
from sknn.transfer import VGGBackbone, load_vgg_weights, vgg

TINY = [8, "M", 16, "M"]  # a VGG-style backbone of two blocks, for 8x8 to 16x16 images
FAST = dict(backbone=TINY, weights=None, image_size=8, head_layers=(32,), dropout=0.0, learning_rate_init=3e-3,
            batch_size=32, max_iter=10, channels_last=False, random_state=0)

# torchvision's vgg16 (models/vgg.py: cfgs["D"], make_layers, VGG), written out name by name.
_C = [(0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128), (10, 128, 256), (12, 256, 256), (14, 256, 256),
      (17, 256, 512), (19, 512, 512), (21, 512, 512), (24, 512, 512), (26, 512, 512), (28, 512, 512)]
VGG16_LAYOUT = [item for i, cin, cout in _C for item in
                ((f"features.{i}.weight", (cout, cin, 3, 3)), (f"features.{i}.bias", (cout,)))] + [
    ("classifier.0.weight", (4096, 25088)), ("classifier.0.bias", (4096,)),
    ("classifier.3.weight", (4096, 4096)), ("classifier.3.bias", (4096,)),
    ("classifier.6.weight", (1000, 4096)), ("classifier.6.bias", (1000,)),
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).reshape(-1, 8, 8), y


def _standard_vgg16_checkpoint():
    """A state dict with exactly the names and shapes of vgg16-397923af.pth: real convolution weights, and the
    dense top as zero-stride tensors (the shapes of 124M numbers without their memory)."""
    torch.manual_seed(0)
    state = {}
    for name, shape in VGG16_LAYOUT:
        if name.startswith("features."):
            state[name] = torch.randn(shape) * 0.05
        else:
            state[name] = torch.zeros(1).expand(shape)
    return state


def test_vgg16_layout_is_torchvisions():
    with torch.device("meta"):  # names and shapes without allocating 138M parameters
        net = vgg("vgg16")
    assert [(k, tuple(v.shape)) for k, v in net.state_dict().items()] == VGG16_LAYOUT
    assert sum(p.numel() for p in net.parameters()) == 138_357_544
    assert isinstance(net.avgpool, torch.nn.AdaptiveAvgPool2d) and net.avgpool.output_size == (7, 7)
    with torch.device("meta"):
        bn = vgg("vgg16_bn")
        v19 = vgg("vgg19")
    assert "features.1.running_mean" in bn.state_dict() and "features.41.running_var" in bn.state_dict()
    assert len(bn.features) == 44
    assert sum(isinstance(m, torch.nn.Conv2d) for m in v19.features) == 16
    # the backbone sknn trains is the convolutional part alone: the dense top is never built
    backbone = VGGBackbone("vgg16")
    assert list(backbone.state_dict()) == [k for k, _ in VGG16_LAYOUT if k.startswith("features.")]
    assert sum(p.numel() for p in backbone.parameters()) == 14_714_688
    assert backbone.n_blocks == 5 and backbone.n_features_out == 512


def test_a_standard_checkpoint_loads_and_its_top_is_dropped(tmp_path):
    state = _standard_vgg16_checkpoint()
    path = tmp_path / "vgg16-397923af.pth"
    torch.save(state, path)
    feats = load_vgg_weights(str(path), "vgg16")
    assert list(feats) == [k[len("features."):] for k, _ in VGG16_LAYOUT if k.startswith("features.")]
    ext = VGGFeatureExtractor(weights=str(path), image_size=32, device="cpu").fit(np.zeros((1, 3, 32, 32)))
    assert not any(k.startswith("classifier") for k in ext.module_.state_dict())
    torch.testing.assert_close(ext.module_.backbone.features[28].weight, state["features.28.weight"])
    images = np.random.RandomState(0).rand(3, 40, 30, 3)  # any size: resized to image_size
    assert ext.transform(images).shape == (3, 512)
    assert ext.get_feature_names_out()[0] == "vggfeatureextractor0"


def test_weights_that_do_not_fit_are_listed(tmp_path):
    good = VGGBackbone(TINY).state_dict()
    bad = dict(good)
    bad.pop("features.3.bias")
    bad["features.0.weight"] = torch.zeros(8, 3, 5, 5)
    bad["head.weight"] = torch.zeros(2)
    with pytest.raises(ValueError) as info:
        load_vgg_weights(bad, TINY)
    message = str(info.value)
    assert "missing: features.3.bias" in message and "unexpected: head.weight" in message
    assert "features.0.weight: (8, 3, 5, 5) instead of (8, 3, 3, 3)" in message
    with pytest.raises(ValueError, match="backbone='vgg16_bn' for a batch-norm checkpoint"):
        load_vgg_weights(good, "vgg11")
    for missing in (str(tmp_path / "nope.pth"), tmp_path / "nope.pth"):  # a pathlib.Path too: before the images
        with pytest.raises(ValueError, match="no such file"):
            TransferVGGClassifier(**dict(FAST, weights=missing)).fit(np.zeros((4, 5, 8, 8)), [0, 1] * 2)
    # a fitted network goes on training without its weights file (it read it once); a new one needs it
    torch.save(good, tmp_path / "tiny.pth")
    clf = TransferVGGClassifier(**dict(FAST, weights=str(tmp_path / "tiny.pth"))).fit(np.zeros((4, 8, 8)), [0, 1] * 2)
    (tmp_path / "tiny.pth").unlink()
    clf.partial_fit(np.zeros((4, 8, 8)), [0, 1] * 2)
    clf.set_params(warm_start=True).fit(np.zeros((4, 8, 8)), [0, 1] * 2)
    with pytest.raises(ValueError, match="no such file"):  # before anything changed: the fitted model stays
        clf.set_params(warm_start=False).fit(np.zeros((4, 8, 8)), [0, 1] * 2)
    assert clf.predict(np.zeros((2, 8, 8))).shape == (2,)
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="Cannot read .*junk.pth"):
        load_vgg_weights(str(tmp_path / "junk.pth"), TINY)
    with pytest.raises(ValueError, match="'backbone' parameter .* Got 'vgg17'"):
        TransferVGGClassifier(backbone="vgg17").fit(np.zeros((4, 8, 8)), [0, 1] * 2)


def test_weight_values_a_backbone_cannot_use_are_refused(tmp_path):
    good = VGGBackbone(TINY).state_dict()
    damaged = dict(good, **{"features.0.weight": good["features.0.weight"].clone()})
    damaged["features.0.weight"][0, 0, 0, 0] = float("nan")  # (every feature was NaN, without a word)
    for weights, message in ((damaged, r"features.0.weight holds NaN or infinite values"),
                             ({k: (v * 100).to(torch.int64) for k, v in good.items()}, r"holds torch.int64 values"),
                             ({k: v.numpy() for k, v in good.items()}, r"of type ndarray, not a torch tensor"),
                             ({"backbone." + k: v for k, v in good.items()}, r"backbone_state_dict\(\)"),
                             ({k: v.to("meta") for k, v in good.items()}, r"on the 'meta' device")):
        with pytest.raises(ValueError, match=message):
            load_vgg_weights(weights, TINY)
    # a training script's checkpoint, {'state_dict': ..., 'epoch': ...}: its state dict
    wrapped = load_vgg_weights({"state_dict": good, "epoch": 3}, TINY)
    torch.testing.assert_close(wrapped["0.weight"], good["features.0.weight"])
    # the names of a wrapped network: DataParallel's, torch.compile's, a Lightning module's, nested (only DataParallel's
    # loaded); keys that are no names (an AttributeError inside the loader)
    for head in ("module.", "_orig_mod.", "model.", "module._orig_mod."):
        torch.testing.assert_close(load_vgg_weights({"state_dict": {head + k: v for k, v in good.items()}}, TINY),
                                   wrapped)
    with pytest.raises(ValueError, match=r"backbone_state_dict\(\)"):  # sknn's network, wrapped by DataParallel
        load_vgg_weights({"module.backbone." + k: v for k, v in good.items()}, TINY)
    with pytest.raises(ValueError, match=r"unexpected: head.extra_features.weight\."):  # one key beside: named alone
        load_vgg_weights({**{"module." + k: v for k, v in good.items()}, "module.head.extra_features.weight": 0}, TINY)
    for odd in ({0: good["features.0.weight"]}, {**good, ("features", 0): good["features.0.weight"]}):
        with pytest.raises(ValueError, match=r"keys are not all parameter names: one is .*\((int|tuple)\)"):
            load_vgg_weights(odd, TINY)
    (tmp_path / "junk.safetensors").write_bytes(b"abc")
    pytest.importorskip("safetensors")
    with pytest.raises(ValueError, match=r"Cannot read .*junk.safetensors' as a safetensors state dict"):
        load_vgg_weights(str(tmp_path / "junk.safetensors"), TINY)


def test_a_batch_norm_checkpoint_saved_before_its_counters_loads():
    from sknn._vgg import make_layers, parse_backbone

    with_counters = make_layers(parse_backbone("vgg11_bn")[0], True).state_dict()
    old = {f"features.{k}": v for k, v in with_counters.items() if not k.endswith("num_batches_tracked")}
    assert len(old) < len(with_counters)  # (checkpoints saved before PyTorch 0.4.1 lack the counters)
    loaded = make_layers(parse_backbone("vgg11_bn")[0], True)
    loaded.load_state_dict(load_vgg_weights(old, "vgg11_bn"), strict=True)  # torch fills the counters in
    torch.testing.assert_close(loaded[0].weight, old["features.0.weight"])


def test_imagenet_weights_offline_say_which_file_to_fetch(monkeypatch):
    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", no_network)
    with pytest.raises(RuntimeError, match="download vgg16-397923af.pth .* weights='/path/to/vgg16-397923af.pth'"):
        VGGFeatureExtractor().fit(np.zeros((1, 32, 32)))
    with pytest.raises(RuntimeError, match="vgg11_bn-6002323d.pth"):
        TransferVGGClassifier(backbone="vgg11_bn", image_size=32).fit(np.zeros((4, 32, 32)), [0, 1] * 2)
    with pytest.raises(ValueError, match="standard backbones only"):
        VGGFeatureExtractor(backbone=TINY, image_size=8).fit(np.zeros((1, 8, 8)))
    calls = []

    def from_cache(url, *args, **kwargs):  # torch.hub's cache already holds the file
        calls.append((url, kwargs.get("check_hash")))
        return _standard_vgg16_checkpoint()

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", from_cache)
    ext = VGGFeatureExtractor(image_size=32, device="cpu").fit(np.zeros((1, 32, 32)))
    assert calls == [("https://download.pytorch.org/models/vgg16-397923af.pth", True)]
    expected = _standard_vgg16_checkpoint()["features.0.weight"]
    torch.testing.assert_close(ext.module_.backbone.features[0].weight, expected)


def test_saved_backbone_reloads_to_identical_features(tmp_path, digits):
    X, y = digits
    clf = TransferVGGClassifier(**dict(FAST, fine_tune_blocks="all", max_iter=2)).fit(X[:100], y[:100])
    state = clf.backbone_state_dict()
    torch.save(state, tmp_path / "tiny.pth")
    files = ["tiny.pth"]
    try:
        from safetensors.torch import save_file

        save_file(state, str(tmp_path / "tiny.safetensors"))
        files.append("tiny.safetensors")
    except ImportError:  # the optional extra: sknn[safetensors]
        pass
    kw = dict(backbone=TINY, image_size=8, channels_last=False)
    direct = VGGFeatureExtractor(weights=state, **kw).fit(X).transform(X[:50])
    for path in files:
        again = VGGFeatureExtractor(weights=str(tmp_path / path), **kw).fit(X).transform(X[:50])
        np.testing.assert_array_equal(again, direct)
    # and they are the features the classifier's head was trained on
    with torch.inference_mode():
        inside = clf.net_.module_.encode(torch.from_numpy(X[:50, None].astype(np.float32))).numpy()
    np.testing.assert_allclose(direct, inside, rtol=1e-5, atol=1e-6)


def test_frozen_backbone_stays_and_fine_tuning_moves_only_the_unfrozen_blocks():
    rng = np.random.RandomState(0)
    X = rng.rand(24, 3, 32, 32).astype(np.float32)
    y = (X[:, 0].mean((1, 2)) > X[:, 1].mean((1, 2))).astype(int)
    kw = dict(backbone="vgg11_bn", weights=None, image_size=32, head_layers=(8,), batch_size=8, max_iter=2,
              random_state=0)
    clf = TransferVGGClassifier(**kw).fit(X, y)
    before = {k: v.clone() for k, v in clf.net_.module_.backbone.state_dict().items()}
    head = {k: v.clone() for k, v in clf.net_.module_.head.state_dict().items()}
    clf.set_params(warm_start=True, max_iter=1)
    clf.fit(X, y)  # frozen: weights and batch-norm statistics unchanged
    for k, v in clf.net_.module_.backbone.state_dict().items():
        torch.testing.assert_close(v, before[k], rtol=0, atol=0)
    assert not torch.equal(clf.net_.module_.head[0].weight, head["0.weight"])
    clf.set_params(fine_tune_blocks=1, backbone_lr_ratio=0.5)
    clf.fit(X, y)  # the last block (after the 4th pooling: layers 22-28) trains; the others do not
    groups = clf.net_.optimizer_.param_groups
    lr = {id(p): g["lr"] for g in groups for p in g["params"]}
    assert {lr[id(p)] for p in clf.net_.module_.backbone.parameters() if p.requires_grad} == {0.0005}
    assert {lr[id(p)] for p in clf.net_.module_.head.parameters()} == {0.001}
    after = clf.net_.module_.backbone.state_dict()
    changed = {k for k in after if not torch.equal(after[k], before[k])}
    assert changed and all(int(k.split(".")[1]) >= 22 for k in changed)
    assert "features.22.weight" in changed and "features.26.running_mean" in changed
    assert clf.n_iter_ == 4  # the warm starts continued one history


def test_the_backbone_runs_once_per_image_when_frozen(monkeypatch, digits):
    X, y = digits
    seen = []
    forward = VGGBackbone.forward

    def counting(self, x):
        seen.append(len(x))
        return forward(self, x)

    monkeypatch.setattr(VGGBackbone, "forward", counting)
    cached = TransferVGGClassifier(**dict(FAST, max_iter=5)).fit(X[:200], y[:200])
    assert sum(seen) == 200  # one pass over the images for 5 epochs
    seen.clear()
    every = TransferVGGClassifier(**dict(FAST, max_iter=5, cache_features=False)).fit(X[:200], y[:200])
    assert sum(seen) == 5 * 200
    np.testing.assert_allclose(cached.predict_proba(X[200:260]), every.predict_proba(X[200:260]), atol=1e-4)
    seen.clear()
    TransferVGGClassifier(**dict(FAST, max_iter=2, augment={"shift": 0.1})).fit(X[:200], y[:200])
    assert sum(seen) == 2 * 200  # augmentation: new images every epoch


def test_pretrained_backbone_beats_a_random_one_on_a_new_task(tmp_path, digits):
    """Learn features on digits 0-4, then classify 5-9 from 10 labelled images per class."""
    X, y = digits
    first, second = y < 5, y >= 5
    pre = TransferVGGClassifier(**dict(FAST, fine_tune_blocks="all", backbone_lr_ratio=1.0, head_layers=(),
                                       batch_size=64, max_iter=12)).fit(X[first], y[first])
    torch.save(pre.backbone_state_dict(), tmp_path / "digits04.pth")
    X2, y2 = X[second], y[second]
    rng = np.random.RandomState(0)
    few = np.concatenate([rng.choice(np.flatnonzero(y2 == k), 10, replace=False) for k in range(5, 10)])
    rest = np.setdiff1d(np.arange(len(y2)), few)
    kw = dict(FAST, head_layers=(64,), max_iter=60)
    scores = {w: TransferVGGClassifier(**dict(kw, weights=w)).fit(X2[few], y2[few]).score(X2[rest], y2[rest])
              for w in (str(tmp_path / "digits04.pth"), None)}
    pretrained, random = scores.values()
    assert pretrained > random + 0.1, scores


def test_images_of_any_size_grey_or_rgb_arrays_rows_and_files(tmp_path, digits):
    from PIL import Image

    X, y = digits
    kw = dict(FAST, max_iter=3)
    grey = TransferVGGClassifier(**kw).fit(X[:60], y[:60])
    assert grey.image_shape_ == (3, 8, 8)
    assert grey.predict(np.repeat(np.repeat(X[:5], 3, 1), 3, 2)).shape == (5,)  # 24x24: resized
    rgb = np.repeat(X[:60, :, :, None], 3, axis=3)  # (n, H, W, 3)
    np.testing.assert_allclose(grey.predict_proba(rgb), grey.predict_proba(X[:60]), atol=1e-5)
    rows = TransferVGGClassifier(**dict(kw, image_shape=(8, 8))).fit(X[:60].reshape(60, -1), y[:60])
    assert rows.n_features_in_ == 64
    with pytest.raises(ValueError, match="X has 10 features"):
        rows.predict(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="got 4 channels"):
        grey.predict(np.zeros((2, 8, 8, 4)))
    paths = []
    for i in range(20):  # files of mixed sizes and modes
        img = (np.kron(X[i], np.ones((i % 3 + 1, i % 3 + 1))) * 255).astype(np.uint8)
        Image.fromarray(img).convert("RGB" if i % 2 else "L").save(tmp_path / f"{i}.png")
        paths.append(tmp_path / f"{i}.png")
    files = TransferVGGClassifier(**dict(kw, image_size=16)).fit(paths, y[:20])
    assert files.image_shape_ == (3, 16, 16) and files.predict(paths[:4]).shape == (4,)
    with pytest.raises(ValueError, match="too small for a backbone with 2 pooling layers"):
        TransferVGGClassifier(**dict(kw, image_size=2)).fit(X[:10], y[:10])
    with pytest.raises(ValueError, match="has 2 convolution blocks"):
        TransferVGGClassifier(**dict(kw, fine_tune_blocks=3)).fit(X[:10], y[:10])


def test_resize_images():
    x = torch.rand(2, 1, 10, 6)
    out = resize_images(x, 5, channels=3)
    assert out.shape == (2, 3, 5, 5) and torch.equal(out[:, 0], out[:, 2])
    assert resize_images(x, (10, 6)) is x


def test_feature_extractor_in_a_pipeline(digits):
    X, y = digits
    ext = VGGFeatureExtractor(backbone=TINY, weights=None, image_size=16, pooling="flatten", random_state=0)
    assert ext.fit_transform(X[:3]).shape == (3, 16 * 49)
    a = ext.transform(X[:40])
    b = VGGFeatureExtractor(**dict(ext.get_params())).fit(X[:3]).transform(X[:40])
    np.testing.assert_array_equal(a, b)  # random_state seeds the random weights
    pipe = make_pipeline(VGGFeatureExtractor(backbone=TINY, weights=None, image_size=16, pooling="flatten",
                                             random_state=0), RidgeClassifier())
    pipe.fit(X[:500], y[:500])
    assert pipe.score(X[500:800], y[500:800]) > 0.8


def test_feature_extractor_on_a_path_column_of_a_column_transformer(tmp_path, digits):
    """A ColumnTransformer's ["path"] selection passes a one-column DataFrame: read as the list of paths."""
    import pandas as pd
    from PIL import Image
    from sklearn.compose import ColumnTransformer

    X, _ = digits
    paths = []
    for i in range(6):
        Image.fromarray((X[i] * 255).astype(np.uint8)).save(tmp_path / f"{i}.png")
        paths.append(str(tmp_path / f"{i}.png"))
    frame = pd.DataFrame({"path": paths, "size": np.arange(6.0)})
    kw = dict(backbone=[8, "M"], weights=None, image_size=32, random_state=0)
    columns = ColumnTransformer([("img", VGGFeatureExtractor(**kw), ["path"]), ("num", "passthrough", ["size"])])
    features = columns.fit_transform(frame)
    np.testing.assert_allclose(features[:, :-1], VGGFeatureExtractor(**kw).fit(paths).transform(paths), rtol=1e-5)
    np.testing.assert_array_equal(features[:, -1], np.arange(6.0))


def test_pickle_round_trip(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = TransferVGGClassifier(**dict(FAST, max_iter=2, fine_tune_blocks=1)).fit(X[:64], y[:64])
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X[:40]), clf.predict_proba(X[:40]))
    ext = VGGFeatureExtractor(backbone=TINY, weights=None, image_size=8, random_state=0).fit(X[:2])
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(ext)).transform(X[:9]), ext.transform(X[:9]))


def test_fitted_vgg_models_describe_the_networks_they_have(digits, tmp_path):
    X, y = digits[0][:64], digits[1][:64]
    clf = TransferVGGClassifier(**dict(FAST, max_iter=2)).fit(X, y)
    ext = VGGFeatureExtractor(backbone=TINY, weights=None, image_size=8, channels_last=False, random_state=0).fit(X)
    expected = clf.predict_proba(X), ext.transform(X)
    changed = dict(backbone=[4, "M"], pooling="max", image_size=16, channels_last=True)
    clf.set_params(head_layers=(4,), dropout=0.5, **changed)
    ext.set_params(**changed)
    for est, out in zip((clf, ext), expected):
        predict = est.predict_proba if est is clf else est.transform
        np.testing.assert_array_equal(predict(X), out)  # the trained network, as it was built
        est.save(tmp_path / "vgg.safetensors")
        loaded = sknn.load(tmp_path / "vgg.safetensors")
        np.testing.assert_array_equal((loaded.predict_proba if est is clf else loaded.transform)(X), out)
        assert loaded.architecture_["backbone"] == (8, "M", 16, "M") and loaded.backbone == [4, "M"]
    with pytest.raises(ValueError, match=r"backbone=\[4, 'M'\] now, but the network was built with "
                                         r"backbone=\(8, 'M', 16, 'M'\)"):
        clf.set_params(warm_start=True).fit(X, y)
    assert ext.fit(X).transform(X).shape == (64, 4)  # a new fit follows the new parameters


def test_a_frozen_backbone_s_batch_norm_takes_batches_of_one_and_the_advice_fits_the_estimator():
    rng = np.random.RandomState(0)
    images, labels = rng.rand(4, 6, 6), [0, 1, 0, 1]
    frozen = TransferVGGClassifier(backbone="vgg11_bn", weights=None, image_size=32, head_layers=(8,), max_iter=1,
                                   batch_size=1, random_state=0)
    assert frozen.fit(images, labels).n_iter_ == 1  # its batch norm keeps its statistics: refused before
    with pytest.raises(ValueError, match="batch_size=1; pass a larger batch_size\\.$"):  # not 'batch_norm=False'
        frozen.set_params(fine_tune_blocks=1, cache_features=False).fit(images, labels)


def test_features_that_run_out_of_memory_get_sknn_s_memory_error(monkeypatch):
    ext = VGGFeatureExtractor(backbone=TINY, weights=None, image_size=8).fit(np.zeros((2, 8, 8)))

    def no_memory(x):  # what torch's CPU allocator raises for an image_size of 4096 (3.2 GB a batch)
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory")

    monkeypatch.setattr(ext.module_, "encode", no_memory)
    with pytest.raises(MemoryError, match="Feature extraction ran out of memory on cpu with batches of"):
        ext.transform(np.zeros((2, 8, 8)))


def test_a_warm_start_that_fails_leaves_the_fitted_blocks_frozen():
    """The warm start unfroze the new fine_tune_blocks on the fitted network before it failed: fine_tune_blocks_ said
    0 while the backbone trained (and its batch norm's statistics moved) in every later partial_fit."""
    from skorch.callbacks import Callback

    class Fail(Callback):
        def on_epoch_begin(self, net, **kwargs):
            raise RuntimeError("a failing callback")

    X, y = np.random.RandomState(0).rand(8, 8, 8), [0, 1] * 4
    clf = TransferVGGClassifier(**dict(FAST, max_iter=1, fine_tune_blocks=0)).fit(X, y)
    backbone = clf.net_.module_.backbone
    with pytest.raises(RuntimeError, match="a failing callback"):
        clf.set_params(warm_start=True, fine_tune_blocks=1, callbacks=[Fail()]).fit(X, y)
    assert clf.fine_tune_blocks_ == 0 and not any(p.requires_grad for p in backbone.parameters())
    clf.set_params(callbacks=None).fit(X, y)  # the warm start itself: the new blocks train
    assert clf.fine_tune_blocks_ == 1 and any(p.requires_grad for p in backbone.parameters())
