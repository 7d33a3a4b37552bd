"""ConvImageClassifier and the image input layer."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

import sknn
from sknn import ConvImageClassifier
from sknn._augment import Augment
from sknn._images import as_image_array
from sknn.conv import ConvNet
from sknn.datasets import image_folder

FAST = dict(conv_filters=(8, 16), dense_layers=(32,), dropout=0.0, batch_size=32, max_iter=8, learning_rate_init=0.003,
            random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def test_the_lectures_convolution_arithmetic():
    image = torch.tensor([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]],
                         dtype=torch.float32)
    kernel = torch.tensor([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=torch.float32)
    net = ConvNet(1, (5, 5), 2, conv_filters=(1,), kernel_size=3, padding="valid", pooling=None, dense_layers=())
    conv = net.features[0]
    with torch.no_grad():
        conv.weight.copy_(kernel[None, None])
        conv.bias.zero_()
        out = conv(image[None, None])[0, 0]
    torch.testing.assert_close(out, torch.tensor([[12, 12, 17], [10, 17, 19], [9, 6, 14]], dtype=torch.float32))


def test_max_pooling_on_a_known_input():
    net = ConvNet(1, (4, 4), 2, conv_filters=(1,), pooling="max", pool_size=2, dense_layers=())
    pool = next(m for m in net.features if isinstance(m, torch.nn.MaxPool2d))
    x = torch.tensor([[1, 3, 2, 1], [4, 2, 0, 1], [3, 1, 1, 5], [0, 2, 6, 2]], dtype=torch.float32)
    torch.testing.assert_close(pool(x[None, None])[0, 0], torch.tensor([[4.0, 2.0], [3.0, 6.0]]))


def test_layouts_and_flat_rows_give_the_same_images():
    rng = np.random.RandomState(0)
    first = rng.rand(5, 3, 6, 7).astype(np.float32)
    last = first.transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(as_image_array(first), first)
    np.testing.assert_array_equal(as_image_array(last), first)
    flat = last.reshape(5, -1)
    np.testing.assert_array_equal(as_image_array(flat, image_shape=(6, 7, 3)), first)
    grey = rng.randint(0, 256, size=(2, 4, 4)).astype(np.uint8)
    np.testing.assert_allclose(as_image_array(grey)[:, 0], grey / 255.0, rtol=1e-6)
    with pytest.raises(ValueError, match="pass data_format="):
        as_image_array(np.zeros((2, 3, 8, 3)))
    assert as_image_array(np.zeros((2, 3, 8, 3)), data_format="channels_last").shape == (2, 3, 3, 8)
    with pytest.raises(ValueError, match="image_shape=\\(8, 8\\) holds 64 values but the rows of X have 10"):
        as_image_array(np.zeros((2, 10)), image_shape=(8, 8))


def test_fits_digits_as_arrays_and_as_flat_rows_after_a_scaler(digits):
    X, y = digits
    clf = ConvImageClassifier(**FAST).fit(X.reshape(-1, 8, 8) / 16, y)
    assert clf.image_shape_ == (1, 8, 8)
    assert clf.score(X.reshape(-1, 8, 8) / 16, y) > 0.9
    pipe = make_pipeline(MinMaxScaler(), ConvImageClassifier(image_shape=(8, 8), **FAST)).fit(X, y)
    assert pipe.score(X, y) > 0.9
    proba = pipe.predict_proba(X[:5])
    assert proba.shape == (5, 10) and np.allclose(proba.sum(1), 1)
    with pytest.raises(ValueError, match="fitted on \\(1, 8, 8\\)"):
        clf.predict(np.zeros((3, 9, 9)))


def test_rotation_turns_the_pixels_of_an_image_of_unequal_sides():
    # a disc at the centre looks the same at any angle; a rotation in the grid's [-1, 1] coordinates would
    # squash it into an ellipse on a 31 x 91 image
    rows, cols = torch.meshgrid(torch.arange(31.0), torch.arange(91.0), indexing="ij")
    disc = (((rows - 15) ** 2 + (cols - 45) ** 2) <= 64).float()[None, None].repeat(8, 1, 1, 1)
    torch.manual_seed(0)
    turned = Augment(rotation=90).train()(disc)
    changed = ((turned > 0.5) != (disc > 0.5)).float().sum((1, 2, 3))
    assert changed.max() <= 0.1 * disc[0].sum()  # a few pixels of the edge, resampled


def test_augmentation_is_random_in_training_only_and_reproducible():
    aug = Augment(horizontal_flip=True, shift=0.2, rotation=20, zoom=0.1)
    x = torch.rand(4, 1, 12, 12)
    aug.eval()
    torch.testing.assert_close(aug(x), x)
    aug.train()
    torch.manual_seed(0)
    a = aug(x)
    torch.manual_seed(0)
    b = aug(x)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, x)
    flip = Augment(horizontal_flip=True).train()
    out = flip(x)
    flipped = torch.flip(x, dims=[3])
    for i in range(4):  # each image is either unchanged or mirrored
        assert torch.allclose(out[i], x[i], atol=1e-5) or torch.allclose(out[i], flipped[i], atol=1e-5)


def test_shifts_without_rotation_or_zoom_move_whole_pixels_and_blur_nothing():
    torch.manual_seed(0)
    x = torch.rand(32, 2, 12, 10)
    out = Augment(shift=0.25, vertical_flip=True).train()(x)
    for i in range(32):  # each image is the input, maybe flipped, moved by whole pixels (edges repeated)
        moved = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4) for img in (x[i], x[i].flip(1))
                 if torch.equal(out[i, :, 3:-3, 3:-3], img[:, 3 - dy:9 - dy, 3 - dx:7 - dx])]
        assert moved, f"image {i} was resampled, not moved"
        assert set(out[i].flatten().tolist()) <= set(x[i].flatten().tolist())
    assert not torch.equal(out, x)


def test_erasing_zeroes_one_rectangle_in_the_chosen_share_of_images():
    torch.manual_seed(0)
    x = torch.rand(2000, 3, 16, 16) + 1  # no zero before erasing
    out = Augment(erase=0.4).train()(x)
    erased = out == 0
    assert torch.equal(erased[:, :1].expand_as(erased), erased)  # the same pixels in every channel
    hit = erased[:, 0].flatten(1).any(1)
    assert 0.35 < hit.float().mean() < 0.45
    for mask in erased[hit, 0][:50]:  # a filled rectangle of about 2% to 33% of the image (sides rounded)
        rows, cols = mask.any(1).nonzero(), mask.any(0).nonzero()
        height, width = int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
        assert int(mask.sum()) == height * width and 0.01 <= height * width / 256 <= 0.4
    torch.testing.assert_close(out[~hit], x[~hit])
    assert torch.equal(Augment(erase=1.0).eval()(x), x)


def test_augmented_fit_is_reproducible(digits):
    X, y = digits
    kw = dict(FAST, augment={"horizontal_flip": True, "shift": 0.1, "rotation": 10, "erase": 0.5}, max_iter=3)
    a = ConvImageClassifier(image_shape=(8, 8), **kw).fit(X / 16, y).predict_proba(X / 16)
    b = ConvImageClassifier(image_shape=(8, 8), **kw).fit(X / 16, y).predict_proba(X / 16)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Unknown augment keys \\['flip'\\]"):
        ConvImageClassifier(augment={"flip": True}).fit(X[:20] / 16, y[:20])


def _write_folder(root, X, y, bad=None):
    from PIL import Image

    for i, (img, label) in enumerate(zip(X, y)):
        d = root / f"class_{label}"
        d.mkdir(parents=True, exist_ok=True)
        Image.fromarray((img.reshape(8, 8) * 255 / 16).astype(np.uint8)).resize((16, 16)).save(d / f"{i}.png")
    if bad is not None:
        (root / "class_0" / "broken.png").write_bytes(b"not an image")


def test_image_folder_files_read_lazily(tmp_path, digits):
    pytest.importorskip("PIL")
    X, y = digits
    _write_folder(tmp_path, X[:300], y[:300])
    paths, labels = image_folder(tmp_path)
    assert len(paths) == 300 and set(labels) == {f"class_{k}" for k in range(10)}
    clf = ConvImageClassifier(**dict(FAST, max_iter=10)).fit(paths, labels)
    assert clf.image_shape_ == (1, 16, 16)  # grey PNGs, their own size
    assert clf.score(paths, labels) > 0.8
    assert set(clf.predict(paths[:10])) <= set(labels)
    small = ConvImageClassifier(**dict(FAST, max_iter=1, image_size=8)).fit(paths, labels)
    assert small.image_shape_ == (1, 8, 8)


def test_a_bad_image_file_is_named_or_skipped(tmp_path, digits):
    pytest.importorskip("PIL")
    X, y = digits
    _write_folder(tmp_path, X[:40], y[:40], bad=True)
    paths, labels = image_folder(tmp_path)
    with pytest.raises(ValueError, match="broken.png"):
        ConvImageClassifier(**dict(FAST, max_iter=1, image_size=16)).fit(paths, labels)
    with pytest.warns(UserWarning, match="broken.png"):
        ConvImageClassifier(**dict(FAST, max_iter=1, image_size=16, skip_bad_images=True)).fit(paths, labels)
    with pytest.raises(ValueError, match="no sub-folders"):
        image_folder(tmp_path / "class_0")


def test_image_folder_leaves_hidden_folders_and_files_out(tmp_path, digits):
    """Jupyter's .ipynb_checkpoints became a class and macOS' ._ files images (unreadable at fit)."""
    pytest.importorskip("PIL")
    X, y = digits
    _write_folder(tmp_path, X[:20], y[:20] % 2)
    expected = image_folder(tmp_path)
    for hidden in (tmp_path / ".ipynb_checkpoints", tmp_path / "class_0" / ".cache", tmp_path / "__MACOSX"):
        hidden.mkdir()
        (hidden / "copy.png").write_bytes((tmp_path / expected[0][0]).read_bytes())
    (tmp_path / "class_1" / "._0.png").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    paths, labels = image_folder(tmp_path)
    assert paths == expected[0] and list(labels) == list(expected[1]) and set(labels) == {"class_0", "class_1"}


def test_filters_and_feature_maps(digits):
    X, y = digits
    clf = ConvImageClassifier(**FAST).fit(X.reshape(-1, 8, 8) / 16, y)
    assert clf.first_layer_filters().shape == (8, 1, 3, 3)
    maps = clf.feature_maps(X[:1].reshape(-1, 8, 8) / 16, layer=1)
    assert maps.shape == (16, 4, 4) and (maps >= 0).all()  # after relu, 8x8 pooled once
    first = clf.feature_maps(X[:1].reshape(-1, 8, 8) / 16, layer=0)  # the relu's maps, though the network pools first
    assert first.shape == (8, 8, 8) and (first >= 0).all() and (first > 0).any()
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    fig = clf.plot_filters()
    assert len(fig.axes) == 9
    import matplotlib.pyplot as plt

    own, ax = plt.subplots()  # an Axes given: one mosaic there (ax was accepted and ignored, a new figure drawn)
    assert clf.plot_filters(ax=ax) is own and len(own.axes) == 1
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (3 * 4 - 1, 3 * 4 - 1) and np.nanmin(mosaic) == 0 and np.nanmax(mosaic) == 1


@pytest.mark.parametrize("activation, pooled_first", [("relu", True), ("tanh", True), ("gelu", False)])
def test_max_pooling_runs_before_an_activation_it_commutes_with(activation, pooled_first):
    torch.manual_seed(0)
    net = ConvNet(1, (8, 8), 3, conv_filters=(4, 6), batch_norm=True, activation=activation, dropout=0.1).eval()
    layers = list(net.features)
    pools = [i for i, m in enumerate(layers) if isinstance(m, torch.nn.MaxPool2d)]
    # relu and tanh never decrease, so max(f(x)) == f(max(x)): the pooling first; gelu dips, so it comes after
    after = (torch.nn.BatchNorm2d,) if pooled_first else (torch.nn.Tanh, torch.nn.ReLU, torch.nn.GELU)
    assert len(pools) == 2 and all(isinstance(layers[i - 1], after) for i in pools)
    textbook = list(layers)  # convolution, normalisation, activation, pooling
    for i in pools if pooled_first else []:
        textbook[i], textbook[i + 1] = textbook[i + 1], textbook[i]
    X = torch.randn(16, 1, 8, 8)
    expected = net.classifier(torch.nn.Sequential(*textbook)(X))
    torch.testing.assert_close(net(X), expected, rtol=0, atol=0)


def test_convolutions_counted_per_block(digits, tmp_path):
    """convs_per_block took one count for every block; a count per block puts the depth where maps are small."""
    per_block = ConvNet(1, (8, 8), 3, conv_filters=(4, 6, 8), convs_per_block=(1, 2, 3), batch_norm=True)
    convs, counts = 0, []
    for m in per_block.features:
        convs += isinstance(m, torch.nn.Conv2d)
        if isinstance(m, torch.nn.Dropout2d | torch.nn.MaxPool2d) and convs:
            counts.append(convs)
            convs = 0
    widths = [m.out_channels for m in per_block.features if isinstance(m, torch.nn.Conv2d)]
    assert counts == [1, 2, 3] and widths == [4, 6, 6, 8, 8, 8]
    same = ConvNet(1, (8, 8), 3, conv_filters=(4, 6), convs_per_block=(2,))  # one count is every block's
    assert sum(isinstance(m, torch.nn.Conv2d) for m in same.features) == 4
    X, y = digits[0][:120].reshape(-1, 8, 8) / 16, digits[1][:120]
    clf = ConvImageClassifier(**dict(FAST, max_iter=1, convs_per_block=np.array([1, 2]))).fit(X, y)
    assert clf.architecture_["convs_per_block"] == (1, 2)
    clf.save(tmp_path / "blocks.safetensors")
    np.testing.assert_array_equal(sknn.load(tmp_path / "blocks.safetensors").predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match=r"convs_per_block=\(1, 2, 2\) is not valid: .*\(2 of them\), e\.g\. "
                                         r"convs_per_block=2, or one count per block: convs_per_block=\(1, 2\)"):
        ConvImageClassifier(**dict(FAST, convs_per_block=(1, 2, 2))).fit(X, y)


def test_custom_module_and_large_images():
    class Tiny(torch.nn.Module):
        def __init__(self, channels, size, n_out):
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(channels * size[0] * size[1], n_out))

        def forward(self, x):
            return self.net(x)

    rng = np.random.RandomState(0)
    X = rng.rand(40, 3, 10, 10).astype(np.float32)
    y = (X[:, 0].mean((1, 2)) > 0.5).astype(int)
    clf = ConvImageClassifier(module=Tiny, max_iter=2, random_state=0).fit(X, y)
    assert isinstance(clf.net_.module_, Tiny)
    # the default network takes 224x224 inputs: the maps are averaged down before the head
    net = ConvNet(3, (224, 224), 5)
    assert net(torch.zeros(2, 3, 224, 224)).shape == (2, 5)
    assert sum(p.numel() for p in net.parameters()) < 500_000


def test_read_idx(tmp_path):
    import gzip

    from sknn.datasets import read_idx

    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + b"".join(int(d).to_bytes(4, "big") for d in images.shape)
    with gzip.open(tmp_path / "x-idx3-ubyte.gz", "wb") as f:
        f.write(header + images.tobytes())
    np.testing.assert_array_equal(read_idx(tmp_path / "x-idx3-ubyte.gz"), images)
    (tmp_path / "bad").write_bytes(b"hello")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    # compression by content, not by name; a writable array; a cut archive named
    (tmp_path / "plain.gz").write_bytes(header + images.tobytes())
    read = read_idx(tmp_path / "plain.gz")
    read[0, 0, 0] = 7  # (np.frombuffer's arrays were read-only)
    packed = gzip.compress(header + images.tobytes())
    (tmp_path / "cut.gz").write_bytes(packed[:-10])
    with pytest.raises(ValueError, match=r"Cannot read '.*cut.gz': .*damaged or truncated"):
        read_idx(tmp_path / "cut.gz")


def test_channels_last_computes_the_same_function():
    torch.manual_seed(0)
    a = ConvNet(3, (12, 12), 4, channels_last=False).eval()
    b = ConvNet(3, (12, 12), 4, channels_last=True).eval().to(memory_format=torch.channels_last)
    b.load_state_dict(a.state_dict())
    x = torch.rand(5, 3, 12, 12)
    torch.testing.assert_close(a(x), b(x), rtol=1e-4, atol=1e-5)
    clf = ConvImageClassifier(**dict(FAST, max_iter=1)).fit(np.random.rand(20, 3, 8, 8), np.arange(20) % 2)
    conv = clf.net_.module_.features[0]
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)


def test_pickle_round_trip(digits):
    import pickle

    X, y = digits
    clf = ConvImageClassifier(**dict(FAST, max_iter=2, batch_norm=True)).fit(X.reshape(-1, 8, 8) / 16, y)
    images = X[:50].reshape(-1, 8, 8) / 16
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(images), clf.predict_proba(images))


def test_a_fitted_model_describes_the_network_it_has(digits, tmp_path):
    X, y = digits[0][:160] / 16, digits[1][:160]
    clf = ConvImageClassifier(image_shape=(8, 8), **dict(FAST, max_iter=2)).fit(X, y)
    expected = clf.predict_proba(X)
    assert clf.architecture_["conv_filters"] == (8, 16) and clf.architecture_["dense_layers"] == (32,)
    clf.set_params(conv_filters=(4,), dense_layers=(), pooling=None, activation="tanh", channels_last=False,
                   image_shape=(4, 16), data_format="channels_first")  # how rows become images too
    np.testing.assert_array_equal(clf.predict_proba(X), expected)  # the trained network, as it was built
    clf.save(tmp_path / "conv.safetensors")
    loaded = sknn.load(tmp_path / "conv.safetensors")  # rebuilt as it was trained, whatever set_params changed
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    assert loaded.conv_filters == (4,) and loaded.architecture_ == clf.architecture_
    with pytest.raises(ValueError, match=r"conv_filters=\(4,\) now, but the network was built with "
                                         r"conv_filters=\(8, 16\)"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="the network was built with"):
        clf.set_params(warm_start=True).fit(X, y)
    clf.set_params(warm_start=False, max_iter=1).fit(X, y)  # a new network follows the new parameters
    assert clf.architecture_["conv_filters"] == (4,) and len(clf.first_layer_filters()) == 4


def test_a_dict_parameter_edited_after_the_fit_is_not_the_network_it_describes(digits, tmp_path):
    """architecture_ held the user's own augment dict: an edit after the fit rewrote it (and a saved model's), and a
    warm start compared the dict with itself."""
    X, y = digits[0][:100] / 16, digits[1][:100]
    augment = {"shift": 0.1}
    clf = ConvImageClassifier(image_shape=(8, 8), augment=augment, **dict(FAST, max_iter=1)).fit(X, y)
    augment["rotation"] = 90
    assert clf.architecture_["augment"] == {"shift": 0.1}
    clf.save(tmp_path / "conv.safetensors")
    assert sknn.load(tmp_path / "conv.safetensors").architecture_["augment"] == {"shift": 0.1}
    with pytest.raises(ValueError, match=r"augment=\{'shift': 0.1, 'rotation': 90\} now, but the network was built "
                                         r"with augment=\{'shift': 0.1\}"):
        clf.set_params(warm_start=True).fit(X, y)


def test_the_default_network_carries_the_image_recipe():
    X, y = load_digits(return_X_y=True)
    images = X.reshape(-1, 8, 8) / 16
    rng = np.random.RandomState(0)
    order = rng.permutation(len(y))
    train, test = order[:1200], order[1200:]
    clf = ConvImageClassifier(random_state=0).fit(images[train], y[train])
    assert clf.score(images[test], y[test]) > 0.97
    module = clf.net_.module_
    # one convolution in the first block, two in each later one ('auto')
    assert [m.out_channels for m in module.features if isinstance(m, torch.nn.Conv2d)] == [32, 64, 64, 128, 128]
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in module.features) == 5
    assert sum(isinstance(m, torch.nn.Dropout2d) for m in module.features) == 3  # whole maps, after each block
    assert clf.n_iter_ == 10
    cosine = 0.005 * 0.5 * (1 + np.cos(np.pi * np.arange(10) / 10))  # one rate an epoch, down to ~0 at the end
    np.testing.assert_allclose(clf.history_["event_lr"], cosine, rtol=1e-9)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.AdamW)  # weight decay decoupled from the gradient, weights only
    assert sorted({group["weight_decay"] for group in optimizer.param_groups}) == [0.0, 0.05]


def test_label_smoothing_softens_the_training_targets(digits):
    X, y = digits
    images = X.reshape(-1, 8, 8) / 16
    confidence = {}
    for smoothing in (0.0, 0.4):
        clf = ConvImageClassifier(**dict(FAST, label_smoothing=smoothing)).fit(images, y)
        confidence[smoothing] = clf.predict_proba(images).max(axis=1).mean()
    assert confidence[0.0] > 0.75
    assert confidence[0.4] < confidence[0.0] - 0.2  # the targets' 0.64 for the true class pull it down


def test_batches_of_one_left_by_early_stopping_name_it():
    from sknn import ConvImageClassifier

    # two rows of two classes: the one set aside would leave its class untrained, which is refused first (a
    # regressor's single training row gets the batch-norm message: tests/test_training_control.py)
    with pytest.raises(ValueError, match="early_stopping=True sets 1 of the 2 samples aside for validation, which "
                                         "would leave class 1 no training sample"):
        ConvImageClassifier(conv_filters=(4,), dense_layers=(8,), max_iter=1, early_stopping=True,
                            random_state=0).fit(np.random.RandomState(0).rand(2, 4, 4), [0, 1])


def test_flat_rgba_rows_with_an_opaque_alpha_ask_for_their_shape():
    """Every RGBA square's length is also a grey square's (4 x 8 x 8 = 16 x 16): rows whose every fourth value is
    one constant (an opaque alpha) are asked about rather than read as grey images twice the side."""
    rng = np.random.RandomState(0)
    rgba = np.concatenate([rng.rand(4, 8, 8, 3), np.ones((4, 8, 8, 1))], axis=3).reshape(4, -1)
    with pytest.raises(ValueError, match=r"Rows of 256 values could be 16x16 grey images or 8x8 images of 4 "
                                         r"channels.*every fourth value is 1.*image_shape=\(8, 8, 4\)"):
        ConvImageClassifier(**dict(FAST, max_iter=1)).fit(rgba, [0, 1] * 2)
    clf = ConvImageClassifier(**dict(FAST, max_iter=1), image_shape=(8, 8, 4)).fit(rgba, [0, 1] * 2)
    assert clf.image_shape_ == (4, 8, 8) and clf.predict(rgba).shape == (4,)
    assert as_image_array(rng.rand(3, 784)).shape == (3, 1, 28, 28)  # digits stay grey (also 14 x 14 x 4 values)
    dark = np.zeros((1, 784))
    dark[0, 2::4] = 1.0  # one grey image whose every fourth pixel is dark: once fitted, read as fit read its rows
    assert ConvImageClassifier(**dict(FAST, max_iter=1)).fit(rng.rand(4, 784), [0, 1] * 2).predict(dark).shape == (1,)


@pytest.mark.parametrize("make", [
    lambda **kw: ConvImageClassifier(conv_filters=(4,), dense_layers=(8,), max_iter=2, batch_size=8, **kw),
    lambda **kw: sknn.TransferVGGClassifier(backbone=[4, "M"], weights=None, image_size=8, head_layers=(8,),
                                            fine_tune_blocks="all", max_iter=2, batch_size=8, **kw)],
    ids=["conv", "vgg-fine-tuned"])
def test_n_jobs_fixes_the_threads_a_convolution_trains_on(make):
    """A convolution's gradients are summed in an order that follows torch's thread count: a seeded fit on 2 threads
    differed from the same fit on 1 (a cross_val_score's workers get fewer threads than the process), and neither
    image estimator took n_jobs to fix the count, as the dense ones do. The fit runs on n_jobs threads whatever torch's
    setting, which it restores; None leaves the setting."""
    from skorch.callbacks import Callback

    class Threads(Callback):
        def on_batch_begin(self, net, **kwargs):
            seen.append(torch.get_num_threads())

    X = np.random.RandomState(0).rand(24, 8, 8, 1).astype(np.float32)
    y = np.arange(24) % 3
    before, seen, probas = torch.get_num_threads(), [], []
    try:
        for threads in (2, 1):
            torch.set_num_threads(threads)
            probas.append(make(n_jobs=1, random_state=0, callbacks=[Threads()]).fit(X, y).predict_proba(X))
            assert set(seen) == {1} and torch.get_num_threads() == threads
            seen.clear()
        torch.set_num_threads(2)
        make(n_jobs=None, random_state=0, callbacks=[Threads()]).fit(X, y)
        assert set(seen) == {2}
    finally:
        torch.set_num_threads(before)
    np.testing.assert_array_equal(probas[0], probas[1])
    with pytest.raises(ValueError, match="n_jobs"):
        make(n_jobs=0).fit(X, y)


def test_compile_true_where_torch_compile_cannot_compile(monkeypatch):
    """Where torch.compile cannot compile (no C++ compiler for the CPU), a fit with compile=True failed with inductor's
    traceback, naming neither compile nor its fix; a model fitted with it elsewhere and loaded there could not predict
    at all, set_params(compile=False) or not. The fit names compile=False; the prediction runs uncompiled (the same
    network), with a warning. (A torch.compile backend that fails stands in for the missing compiler.)"""
    compile_here = {"works": False}
    real_compile = torch.compile

    def backend(graph, example_inputs):
        if not compile_here["works"]:
            raise RuntimeError("InvalidCxxCompiler: No working C++ compiler found")
        return graph.forward

    monkeypatch.setattr(torch, "compile", lambda module, **kwargs: real_compile(module, backend=backend))
    X = np.random.RandomState(0).rand(16, 8, 8, 1).astype(np.float32)
    y = np.arange(16) % 2
    params = dict(conv_filters=(4,), dense_layers=(8,), max_iter=1, batch_size=8, random_state=0, compile=True)
    with pytest.raises(RuntimeError, match=r"^compile=True: torch.compile could not compile the network here \(.*No "
                                           r"working C\+\+ compiler.*\); fit with compile=False"):
        ConvImageClassifier(**params).fit(X, y)
    compile_here["works"] = True
    clf = ConvImageClassifier(**params).fit(X, y)  # compiled where it was fitted
    compile_here["works"] = False
    torch._dynamo.reset()  # (what was compiled is forgotten, as in another process)
    with pytest.warns(UserWarning, match=r"compiled at fit \(compile=True\), and torch.compile cannot compile it here "
                                         r"\(.*No working C\+\+ compiler.*\): it predicts uncompiled"):
        proba = clf.predict_proba(X)
    with torch.no_grad():
        expected = torch.softmax(clf._fitted_module().eval()(torch.from_numpy(X).permute(0, 3, 1, 2)), dim=1).numpy()
    np.testing.assert_allclose(proba, expected, rtol=1e-5, atol=1e-6)
