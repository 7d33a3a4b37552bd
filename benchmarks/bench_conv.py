"""Convolutional networks: accuracy on digits and Fashion-MNIST, speed per epoch against a plain
PyTorch loop and skorch, predict throughput, and lazy image folders against in-memory arrays.

    python benchmarks/bench_conv.py                      # everything (about 35 minutes on 2 cores)
    python benchmarks/bench_conv.py --only speed         # parts: digits, fashion, screen, steps, speed,
                                                         #        predict, folder, gpu
    python benchmarks/bench_conv.py --only tta           # test-time shifts on the development split
    python benchmarks/bench_conv.py --only averaging     # moving averages of the weights, the same split
                                                         # (these two are not part of everything: one more
                                                         # 14-minute fit each)
    python benchmarks/bench_conv.py --only cpu-bf16      # precision='bf16' against float32 on this CPU, and
                                                         # on it capped at older instruction sets
    python benchmarks/bench_conv.py --only grid --grid '{"alpha": 0.025}' --grid-workers 12 --grid-device cuda
                                                         # candidates x seeds on the development split,
                                                         # side by side (on a GPU: see benchmarks/gpu.sh)
    python benchmarks/bench_conv.py --data /path/to/data # the folder holding fashion_mnist/ ($SKNN_DATA)
    python benchmarks/bench_conv.py --only fashion --holdout --conv-params '{"max_iter": 18}'
                                                         # tuning: train on 50,000, score the last 10,000

Fashion-MNIST is read from $SKNN_DATA/fashion_mnist (default ../shared/data); the parts that
need it say so and are skipped when it is absent.
"""

import argparse
import copy
import datetime
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from multiprocessing.pool import ThreadPool

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from skorch.callbacks import Callback

from _measure import PeakRSS, cpu_name
from sknn import ConvImageClassifier
from sknn.conv import ConvNet
from sknn.datasets import image_folder, load_fashion_mnist

warnings.simplefilter("ignore", ConvergenceWarning)
BATCH = 128


def fashion(args, n=None):
    folder = os.path.join(args.data, "fashion_mnist")
    try:
        X, y, Xt, yt = load_fashion_mnist(folder)
    except ValueError:
        print(f"\n(skipped: no Fashion-MNIST in {folder}; pass --data or set SKNN_DATA)")
        return None
    return (X[:n], y[:n], Xt, yt) if n else (X, y, Xt, yt)


def part_digits(args):
    X, y = load_digits(return_X_y=True)
    print("\n## Digits (8x8), mean accuracy over 5 folds\n")
    models = {"ConvImageClassifier(image_shape=(8, 8), random_state=0)":
              ConvImageClassifier(image_shape=(8, 8), random_state=0),
              "SVC (scaled)": make_pipeline(StandardScaler(), SVC()),
              "MLPClassifier (scaled)": make_pipeline(StandardScaler(), MLPClassifier(random_state=0))}
    print("| protocol | " + " | ".join(models) + " |")
    print("|---|" + "---|" * len(models))
    for proto, cv in (("StratifiedKFold(5, shuffle=True, random_state=0)",
                       StratifiedKFold(5, shuffle=True, random_state=0)), ("cv=5 (unshuffled)", 5)):
        scores = [cross_val_score(m, X / 16.0, y, cv=cv).mean() for m in models.values()]
        print(f"| {proto} | " + " | ".join(f"{s:.4f}" for s in scores) + " |", flush=True)


class AccuracyCurve(Callback):
    """After each epoch: seconds since the fit began and the accuracy on held-out images.

    The points come from one fit with its schedule planned for all epochs, so a point is
    where that fit stood then, not what a shorter fit would reach.
    """

    def __init__(self, X, y):
        self.X = torch.from_numpy(X.astype(np.float32) / 255.0)[:, None]
        self.y = torch.from_numpy(np.array(y, dtype=np.int64))
        self.points = []

    def on_train_begin(self, net, **kwargs):
        self.start = time.perf_counter()

    def accuracy(self, module):
        module.eval()
        device = next(module.parameters()).device
        with torch.inference_mode():
            X = self.X.contiguous(memory_format=torch.channels_last)
            pred = torch.cat([module(X[i:i + 500].to(device)).argmax(1).cpu() for i in range(0, len(X), 500)])
        module.train()
        # class indices follow the sorted labels (the estimator's classes_), here 0-9
        return float((pred == self.y).float().mean())

    def on_epoch_end(self, net, **kwargs):
        now = time.perf_counter()
        self.points.append((len(self.points) + 1, now - self.start, self.accuracy(net.module_)))
        self.start += time.perf_counter() - now  # the evaluation is not training time


def part_fashion(args):
    data = fashion(args)
    if data is None:
        return
    X, y, Xt, yt = data
    if args.holdout:  # the development split: the last 10,000 training images held out, the test set unused
        X, y, Xt, yt = X[:50000], y[:50000], X[50000:], y[50000:]
    params = {"random_state": 0, **json.loads(args.conv_params)}
    split = "development split (50,000 / the last 10,000 training images)" if args.holdout else "standard split"
    print(f"\n## Fashion-MNIST, {split}: ConvImageClassifier({params}), torch threads "
          f"{torch.get_num_threads()}\n")
    curve = AccuracyCurve(Xt, yt)
    start = time.perf_counter()
    clf = ConvImageClassifier(**params, callbacks=[("curve", curve)]).fit(X, y)
    train = time.perf_counter() - start
    evaluation = "held-out" if args.holdout else "test"
    print(f"fit: {train:.0f} s for {clf.n_iter_} epochs (the per-epoch evaluation included; training alone "
          f"{curve.points[-1][1]:.0f} s, {curve.points[-1][1] / clf.n_iter_:.1f} s/epoch); "
          f"{evaluation} accuracy {clf.score(Xt, yt):.4f}")
    print(f"\n| epoch | training s | {evaluation} accuracy |\n|---|---|---|")
    for epoch, seconds, acc in curve.points:
        print(f"| {epoch} | {seconds:.0f} | {acc:.4f} |")


# -- screening: the candidates behind the defaults, on the development split ------------------
SCREEN = {  # dropout 0.1 and batches of 128 for all; what each row changes
    "32/64, no batch norm, Adam 0.001 constant (the old network)":
        dict(conv_filters=(32, 64), batch_norm=False, learning_rate="constant", learning_rate_init=0.001),
    "32/64, batch norm": dict(conv_filters=(32, 64), learning_rate="constant", learning_rate_init=0.001),
    "32/64/128, batch norm": dict(learning_rate="constant", learning_rate_init=0.001),
    "32/64/128, batch norm, cosine, Adam 0.002": dict(learning_rate_init=0.002),
    "32/64/128, batch norm, cosine, Adam 0.005": dict(),
    "32/64/128, batch norm, cosine, SGD 0.05 (Nesterov)": dict(optimizer="sgd", learning_rate_init=0.05),
}
STEP_NETWORKS = {
    "32/64": dict(conv_filters=(32, 64)), "32/64, batch norm": dict(conv_filters=(32, 64), batch_norm=True),
    "32/64, two convolutions a block, batch norm": dict(conv_filters=(32, 64), convs_per_block=2, batch_norm=True),
    "64/128, batch norm": dict(conv_filters=(64, 128), batch_norm=True),
    "32/64/128, batch norm": dict(conv_filters=(32, 64, 128), batch_norm=True),
    "32/64/128, batch norm, relu before pooling": dict(conv_filters=(32, 64, 128), batch_norm=True),
    "32/64/128, batch norm, pixel dropout": dict(conv_filters=(32, 64, 128), batch_norm=True),
    "32/64/128, one, two and two convolutions, batch norm": dict(conv_filters=(32, 64, 128), convs_per_block=(1, 2, 2),
                                                                 batch_norm=True),
    "32/64/128, one, one and two convolutions, batch norm": dict(conv_filters=(32, 64, 128), convs_per_block=(1, 1, 2),
                                                                 batch_norm=True),
}
# the ratios are to the network of one convolution a block (the default until 2026-12-06; since, (1, 2, 2))
DEFAULT_STEP_NETWORK = "32/64/128, batch norm"


def activation_before_pooling(net):
    """The same network with each block's relu before its max pooling: sknn's order until 2026-12-02
    (the two commute; the pooling first runs the relu on a quarter of the values)."""
    layers = list(net.features)
    for i in range(len(layers) - 1):
        if isinstance(layers[i], torch.nn.MaxPool2d) and isinstance(layers[i + 1], torch.nn.ReLU):
            layers[i], layers[i + 1] = layers[i + 1], layers[i]
    net.features = torch.nn.Sequential(*layers)
    return net


def pixel_dropout(net):
    """The same network with dropout of single pixels after each block: sknn's until 2026-12-02."""
    net.features = torch.nn.Sequential(*[torch.nn.Dropout(m.p) if isinstance(m, torch.nn.Dropout2d) else m
                                         for m in net.features])
    return net


def part_steps(args):
    """Time per training step of the candidate networks, interleaved."""
    print(f"\n## Time per training step, batch {BATCH}, torch threads {torch.get_num_threads()} (median of "
          f"{args.step_rounds} interleaved rounds of 10 steps)\n\n| network | ms per step | / the default's |\n"
          "|---|---|---|")
    xb, yb = torch.rand(BATCH, 1, 28, 28), torch.randint(0, 10, (BATCH,))
    nets = {}
    for name, kw in STEP_NETWORKS.items():
        net = ConvNet(1, (28, 28), 10, dropout=0.1, channels_last=True, **kw).to(memory_format=torch.channels_last)
        if name.endswith("before pooling"):
            net = activation_before_pooling(net)
        elif name.endswith("pixel dropout"):
            net = pixel_dropout(net)
        nets[name] = (net, torch.optim.Adam(net.parameters(), 1e-3))
    times = {name: [] for name in nets}
    for _ in range(args.step_rounds + 1):  # the first round warms up
        for name, (net, opt) in nets.items():
            start = time.perf_counter()
            for _ in range(10):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(xb), yb).backward()
                opt.step()
            times[name].append((time.perf_counter() - start) / 10)
    default = statistics.median(times[DEFAULT_STEP_NETWORK][1:])
    for name, t in times.items():
        print(f"| {name} | {1000 * statistics.median(t[1:]):.0f} | {statistics.median(t[1:]) / default:.2f} |")


def part_screen(args):
    """Short fits of the candidate networks on the development split (their step times: part 'steps')."""
    data = fashion(args)
    if data is None:
        return
    X, y, _, _ = data
    n, epochs = args.screen_rows, args.screen_epochs
    print(f"\n## Screening: {n} training images, {epochs} epochs, scored on the last 10,000 training images\n")
    print("| network and schedule | s | held-out accuracy |\n|---|---|---|")
    for name, kw in SCREEN.items():
        start = time.perf_counter()
        clf = ConvImageClassifier(**dict(dict(dropout=0.1, label_smoothing=0.0, batch_size=BATCH, max_iter=epochs,
                                              n_iter_no_change=None, random_state=0, convs_per_block=1),
                                         **kw)).fit(X[:n], y[:n])  # (one convolution a block: the screen of 12-01)
        print(f"| {name} | {time.perf_counter() - start:.1f} | {clf.score(X[50000:], y[50000:]):.4f} |", flush=True)


# -- speed: the same network three ways --------------------------------------------------------
def plain_epoch(X, y, seed=0):
    """One epoch of a plain, hand-written PyTorch loop over the same network."""
    torch.manual_seed(seed)
    model = ConvNet(1, (28, 28), 10, dropout=0.25)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt = torch.from_numpy(X.astype(np.float32) / 255.0)[:, None]
    yt = torch.from_numpy(y.astype(np.int64))
    model.train()
    perm = torch.randperm(len(Xt))
    for i in range(0, len(Xt), BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return model


class _SkorchConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = ConvNet(1, (28, 28), 10, dropout=0.25)

    def forward(self, X):
        return self.net(X)


def skorch_epoch(X, y, seed=0):
    from skorch import NeuralNetClassifier

    torch.manual_seed(seed)
    net = NeuralNetClassifier(_SkorchConv, criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.Adam,
                              lr=1e-3, batch_size=BATCH, max_epochs=1, train_split=None, verbose=0,
                              iterator_train__shuffle=True)
    return net.fit((X.astype(np.float32) / 255.0)[:, None], y.astype(np.int64))


def sknn_epoch(X, y, seed=0, **kw):
    """One epoch of sknn on the network and optimizer of the plain loop (not sknn's defaults)."""
    return ConvImageClassifier(conv_filters=(32, 64), convs_per_block=1, batch_norm=False, dropout=0.25,
                               batch_size=BATCH, learning_rate="constant", learning_rate_init=1e-3, max_iter=1, n_iter_no_change=None,
                               kernel_initializer="torch", random_state=seed, device="cpu", **kw).fit(X, y)


def part_speed(args):
    data = fashion(args, n=args.speed_rows)
    if data is None:
        return
    X, y, _, _ = data
    print(f"\n## Fit time of one epoch on {len(X)} Fashion-MNIST images, the same 32/64-filter network, "
          f"Adam, batch {BATCH}; median of {args.repeats} interleaved runs\n")
    trainers = {
        "plain PyTorch loop": lambda s: plain_epoch(X, y, s),
        "skorch NeuralNetClassifier": lambda s: skorch_epoch(X, y, s),
        "sknn, channels_last=False": lambda s: sknn_epoch(X, y, s, channels_last=False),
        "sknn default (channels_last)": lambda s: sknn_epoch(X, y, s),
    }
    if args.compile:
        trainers["sknn, compile=True"] = lambda s: sknn_epoch(X, y, s, compile=True)
    times = {k: [] for k in trainers}
    for seed in range(args.repeats):
        for name, fit in trainers.items():
            start = time.perf_counter()
            fit(seed)
            times[name].append(time.perf_counter() - start)
    plain = statistics.median(times["plain PyTorch loop"])
    sk = statistics.median(times["skorch NeuralNetClassifier"])
    print("| trainer | s per epoch | / plain loop | / skorch | images per second |")
    print("|---|---|---|---|---|")
    for name in trainers:
        t = statistics.median(times[name])
        print(f"| {name} | {t:.1f} | {t / plain:.2f} | {t / sk:.2f} | {len(X) / t:,.0f} |", flush=True)


def part_predict(args):
    data = fashion(args)
    if data is None:
        return
    X, y, Xt, _ = data
    clf = sknn_epoch(X[:2000], y[:2000])
    plain = ConvNet(1, (28, 28), 10).eval()
    Xf = torch.from_numpy(Xt.astype(np.float32) / 255.0)[:, None]

    def plain_predict():
        with torch.no_grad():
            return torch.cat([torch.softmax(plain(Xf[i:i + 256]), 1) for i in range(0, len(Xf), 256)])

    rows = {"plain loop, no_grad, batches of 256": plain_predict, "sknn predict_proba": lambda: clf.predict_proba(Xt)}
    print(f"\n## Prediction on the {len(Xt)} test images\n")
    print("| predictor | s | images per second |")
    print("|---|---|---|")
    for name, f in rows.items():
        f()
        t = statistics.median([_timed(f) for _ in range(3)])
        print(f"| {name} | {t:.2f} | {len(Xt) / t:,.0f} |")


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def _folder_child(kind, folder, queue):
    paths, labels = image_folder(folder)
    if kind == "in-memory array":
        from PIL import Image

        X = np.stack([np.asarray(Image.open(p)) for p in paths])
    else:
        X = paths
    start = time.perf_counter()
    with PeakRSS(0.005) as rss:
        ConvImageClassifier(batch_size=BATCH, max_iter=1, n_iter_no_change=None, random_state=0).fit(X, labels)
    queue.put((rss.base, rss.peak, time.perf_counter() - start))


def part_folder(args):
    data = fashion(args, n=args.folder_images)
    if data is None:
        return
    from PIL import Image

    X, y, _, _ = data
    with tempfile.TemporaryDirectory() as root:
        for i, (img, label) in enumerate(zip(X, y)):
            d = os.path.join(root, f"class_{label}")
            os.makedirs(d, exist_ok=True)
            Image.fromarray(img).save(os.path.join(d, f"{i}.png"))
        print(f"\n## One epoch on a folder of {len(X)} 28x28 PNGs: lazy files against an in-memory array "
              "(a fresh process each; resident MiB sampled every 5 ms)\n")
        print("| input | before fit | peak during fit | the fit's own | s |")
        print("|---|---|---|---|---|")
        ctx = mp.get_context("spawn")
        for kind in ("file paths (lazy)", "in-memory array"):
            q = ctx.Queue()
            p = ctx.Process(target=_folder_child, args=(kind, root, q))
            p.start()
            base, peak, elapsed = q.get()
            p.join()
            print(f"| {kind} | {base:.0f} | {peak:.0f} | {peak - base:.0f} | {elapsed:.1f} |", flush=True)


def part_gpu(args):
    if not torch.cuda.is_available():
        print("\n## GPU: skipped (no CUDA device on this machine)")
        return
    data = fashion(args)
    if data is None:
        return
    X, y, Xt, yt = data
    start = time.perf_counter()
    clf = ConvImageClassifier(random_state=0, device="cuda", precision="bf16", verbose=1).fit(X, y)  # the defaults
    print(f"\n## GPU ({torch.cuda.get_device_name()}): {time.perf_counter() - start:.0f} s, "
          f"test accuracy {clf.score(Xt, yt):.4f}")


# oneDNN's instruction sets, newest first: a cap below AMX makes this CPU compute as one without it would
BF16_ISA_CAPS = {"AMX (this CPU, no cap)": None, "AVX-512 BF16 without AMX": "AVX512_CORE_BF16",
                 "AVX-512 without BF16": "AVX512_CORE", "AVX2": "AVX2"}


def _bf16_child(args):
    """One line of JSON: the defaults' seconds per epoch and predict seconds in float32 and bf16, interleaved."""
    data = fashion(args, n=args.speed_rows)
    X, y, Xt, _ = data
    times = {p: {"epoch": [], "predict": []} for p in ("32", "bf16")}
    for seed in range(args.repeats):
        for precision, rows in times.items():
            start = time.perf_counter()
            clf = ConvImageClassifier(max_iter=2, precision=precision, random_state=seed, device="cpu").fit(X, y)
            rows["epoch"].append((time.perf_counter() - start) / 2)
            rows["predict"].append(_timed(lambda: clf.predict_proba(Xt)))
    print(json.dumps({p: {k: statistics.median(v) for k, v in rows.items()} for p, rows in times.items()}))


def part_cpu_bf16(args):
    """The defaults in float32 and under bfloat16 autocast on this CPU, then on the same CPU with oneDNN capped at
    older instruction sets (a child process each, ONEDNN_MAX_CPU_ISA): what precision='bf16' costs or saves on a
    CPU with AMX, with AVX-512 BF16 only, and with neither."""
    import subprocess

    if fashion(args) is None:
        return
    from sknn._device import cpu_computes_bf16
    print(f"\n## bfloat16 on the CPU: the defaults (max_iter=2) on {args.speed_rows} Fashion-MNIST images, "
          f"predict_proba on the 10,000 test images; torch threads {torch.get_num_threads()}, median of "
          f"{args.repeats} interleaved runs; this CPU: {torch.backends.cpu.get_cpu_capability()}, "
          f"bfloat16 hardware (AMX): {cpu_computes_bf16()}\n")
    print("| oneDNN computes as | float32 s per epoch | bf16 s per epoch | bf16 / float32 | float32 predict s | "
          "bf16 predict s | bf16 / float32 |\n|---|---|---|---|---|---|---|")
    for name, cap in BF16_ISA_CAPS.items():
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if cap:
            env["ONEDNN_MAX_CPU_ISA"] = cap
        command = [sys.executable, os.path.abspath(__file__), "--only", "bf16-child", "--data", args.data,
                   "--speed-rows", str(args.speed_rows), "--repeats", str(args.repeats)]
        out = subprocess.run(command, capture_output=True, text=True, env=env).stdout.splitlines()
        row = json.loads(out[-1]) if out and out[-1].startswith("{") else None
        if row is None:
            print(f"| {name} | (the child printed no result) | | | | | |")
            continue
        f32, b16 = row["32"], row["bf16"]
        print(f"| {name} | {f32['epoch']:.2f} | {b16['epoch']:.2f} | {b16['epoch'] / f32['epoch']:.2f} | "
              f"{f32['predict']:.2f} | {b16['predict']:.2f} | {b16['predict'] / f32['predict']:.2f} |", flush=True)


GRID_RUNNER = ("import os, sys, runpy, torch; sys.path.insert(0, os.path.dirname(sys.argv[1])); "
               "torch.backends.cudnn.allow_tf32 = False; "
               "torch.backends.cuda.matmul.allow_tf32 = False; sys.argv = ['bench_conv.py'] + sys.argv[1:]; "
               "runpy.run_path(sys.argv.pop(1), run_name='__main__')")


def _grid_fit(job):
    """One development-split fit in a child process (one torch thread, TF32 off so a GPU fit sums in float32 as
    the CPU does); returns the held-out accuracy after each epoch, parsed from the fashion part's table."""
    import subprocess

    params, seed, args = job
    command = [sys.executable, "-c", GRID_RUNNER, os.path.abspath(__file__), "--only", "fashion", "--holdout",
               "--data", args.data, "--conv-params", json.dumps({**params, "random_state": seed})]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    left = args.grid_stop - time.perf_counter()
    if left < 30:
        return []
    try:
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=left).stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    rows = [line.split("|")[1:4] for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    return [float(acc) for _, _, acc in rows]


def part_grid(args):
    """Candidates over the defaults on the development split, several seeds each, the fits run side by side in
    child processes (on a GPU: ``--grid-device cuda``, one process per fit sharing it). Prints the held-out
    accuracy at the last three epochs of each fit and each candidate's mean at the end over its seeds."""
    if fashion(args) is None:
        return
    candidates = [{}] + [json.loads(c) for c in args.grid]
    seeds = [int(s) for s in args.grid_seeds.split(",")]
    args.grid_stop = time.perf_counter() + args.grid_deadline
    base = json.loads(args.grid_base)
    jobs = [({**base, **c, "device": args.grid_device}, seed, args) for seed in seeds for c in candidates]  # by seed
    print(f"\n## Development split: {len(candidates)} candidates x seeds {seeds}, device {args.grid_device}, "
          f"{args.grid_workers} fits side by side" + (f", every fit with {base}" if base else "")
          + "\n\n| candidate (over the defaults) | "
          + " | ".join(f"seed {s}: epochs -3, -2, -1" for s in seeds) + " | mean at the end |\n|---|"
          + "---|" * (len(seeds) + 1), flush=True)
    start = time.perf_counter()
    with ThreadPool(args.grid_workers) as pool:  # the work is in child processes
        curves = pool.map(_grid_fit, jobs, chunksize=1)
    for i, candidate in enumerate(candidates):
        runs = curves[i::len(candidates)]
        ends = [run[-1] for run in runs if run]
        cells = [", ".join(f"{a:.4f}" for a in run[-3:]) + f" ({len(run)} epochs)" if run else "no result"
                 for run in runs]
        mean = f"**{statistics.mean(ends):.4f}**" if ends else "-"
        print(f"| {json.dumps(candidate) if candidate else '(the defaults)'} | " + " | ".join(cells) + f" | {mean} |")
    print(f"\n{len(jobs)} fits in {time.perf_counter() - start:.0f} s")


def _shifted(images, dy, dx):
    """Images moved by whole pixels, the uncovered border black (the background of Fashion-MNIST)."""
    out = np.zeros_like(images)
    h, w = images.shape[1:3]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        images[:, max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def part_tta(args):
    """Test-time augmentation on the development split: the defaults fitted once, then the held-out images
    scored as they are, moved by one pixel, and averaged over the moves (and flipped, for reference)."""
    data = fashion(args)
    if data is None:
        return
    X, y = data[0][:50000], data[1][:50000]
    Xh, yh = data[0][50000:], data[1][50000:]
    start = time.perf_counter()
    clf = ConvImageClassifier(random_state=0).fit(X, y)
    print(f"\n## Test-time augmentation, development split: the defaults fitted in {time.perf_counter() - start:.0f} s"
          f", torch threads {torch.get_num_threads()}\n\n| images scored | held-out accuracy |\n|---|---|")

    def accuracy(proba):
        return float((clf.classes_[proba.argmax(axis=1)] == yh).mean())

    moves = [(0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)]
    proba = {move: clf.predict_proba(_shifted(Xh, *move)) for move in moves}
    for move, p in proba.items():
        print(f"| moved by {move} pixels (rows, columns) | {accuracy(p):.4f} |")
    print(f"| mean of the image and its 4 one-pixel moves | {accuracy(sum(proba[m] for m in moves[:5])):.4f} |")
    print(f"| mean of all 9 | {accuracy(sum(proba.values())):.4f} |")
    print(f"| mean of the image and its mirror image | "
          f"{accuracy(proba[(0, 0)] + clf.predict_proba(Xh[:, :, ::-1].copy())):.4f} |")


class WeightAverages(Callback):
    """Exponential moving averages of the weights and batch-norm statistics (one per decay), updated after each
    training step, scored with the weights themselves on held-out images after the epochs of ``report``."""

    def __init__(self, X, y, decays, report):
        self.curve, self.decays, self.report, self.rows = AccuracyCurve(X, y), decays, report, []

    def on_train_begin(self, net, **kwargs):
        self.averages = {d: copy.deepcopy(net.module_) for d in self.decays}
        self.epoch = 0

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            weights = [v for v in net.module_.state_dict().values() if v.dtype.is_floating_point]
            for decay, average in self.averages.items():
                kept = [v for v in average.state_dict().values() if v.dtype.is_floating_point]
                torch._foreach_lerp_(kept, weights, 1 - decay)

    def on_epoch_end(self, net, **kwargs):
        self.epoch += 1
        if self.epoch in self.report:
            scores = [self.curve.accuracy(m) for m in (net.module_, *self.averages.values())]
            self.rows.append((self.epoch, scores))
            print(f"| {self.epoch} | " + " | ".join(f"{a:.4f}" for a in scores) + " |", flush=True)


def part_averaging(args):
    """Weight averaging on the development split: one fit of the defaults, its weights beside moving averages of
    them (paired: the same steps), scored on the held-out images."""
    data = fashion(args)
    if data is None:
        return
    decays = (0.998, 0.999, 0.9995)
    averages = WeightAverages(data[0][50000:], data[1][50000:], decays, report={4, 8, *range(12, 40)})
    print(f"\n## Moving averages of the weights, development split, random_state={args.seed}, torch threads "
          f"{torch.get_num_threads()}\n\n| epoch | the weights | " + " | ".join(f"average, decay {d}" for d in decays)
          + " |\n|---|---|" + "---|" * len(decays), flush=True)
    ConvImageClassifier(random_state=args.seed, callbacks=[("averages", averages)]).fit(data[0][:50000],
                                                                                       data[1][:50000])


PARTS = {"digits": part_digits, "fashion": part_fashion, "screen": part_screen, "steps": part_steps,
         "speed": part_speed, "predict": part_predict, "folder": part_folder, "gpu": part_gpu, "tta": part_tta,
         "averaging": part_averaging, "grid": part_grid, "cpu-bf16": part_cpu_bf16,
         "bf16-child": _bf16_child}
_SEPARATE = ("tta", "averaging", "grid", "bf16-child")  # one more 14-minute fit each (grid: many): not part of everything


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append")
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--conv-params", metavar="JSON", default="{}",
                        help="fashion part: ConvImageClassifier parameters (default: its defaults)")
    parser.add_argument("--screen-rows", type=int, default=20000, help="screen part: training images")
    parser.add_argument("--screen-epochs", type=int, default=4, help="screen part: epochs of each fit")
    parser.add_argument("--step-rounds", type=int, default=3, help="steps part: rounds of 10 steps")
    parser.add_argument("--holdout", action="store_true",
                        help="fashion part: train on the first 50,000 training images, score the last 10,000 "
                             "(for tuning: the test set is not read)")
    parser.add_argument("--speed-rows", type=int, default=20000)
    parser.add_argument("--folder-images", type=int, default=3000)
    parser.add_argument("--compile", action="store_true", help="also time torch.compile in the speed part")
    parser.add_argument("--seed", type=int, default=0, help="averaging part: the fit's random_state")
    parser.add_argument("--grid", action="append", default=[], metavar="JSON",
                        help="grid part: a candidate's parameters over the defaults (repeat the option)")
    parser.add_argument("--grid-seeds", default="0,1,2", help="grid part: the seeds of every candidate")
    parser.add_argument("--grid-base", default="{}", metavar="JSON",
                        help="grid part: parameters of every fit, the defaults' row included ('{\"precision\": "
                             "\"bf16\"}' on a CPU with AMX)")
    parser.add_argument("--grid-workers", type=int, default=2, help="grid part: fits run side by side")
    parser.add_argument("--grid-device", default="cpu", help="grid part: the fits' device ('cuda' on a GPU)")
    parser.add_argument("--grid-deadline", type=float, default=36000,
                        help="grid part: seconds from its start after which running fits are stopped")
    args = parser.parse_args(argv)
    if "bf16-child" not in (args.only or []):
        print(f"# bench_conv {datetime.date.today()} | {platform.machine()} ({cpu_name()}, "
              f"{torch.backends.cpu.get_cpu_capability()}) | {os.cpu_count()} cores | python "
              f"{sys.version.split()[0]} | torch {torch.__version__}")
    for name in args.only or [name for name in PARTS if name not in _SEPARATE]:
        PARTS[name](args)


if __name__ == "__main__":
    main()
