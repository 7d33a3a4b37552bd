"""Transfer learning with VGG backbones: does a pretrained backbone transfer, what caching the frozen
backbone's features saves, and what VGG16 costs at 224x224 on this machine.

    python benchmarks/bench_transfer.py                      # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_transfer.py --only transfer      # parts: transfer, cache, speed224, memory, gpu

No network and no data set beyond scikit-learn's digits: the transfer part pretrains its
own backbone (digits 0-4), saves its state dict to a file, and loads it into a
TransferVGGClassifier for another task (digits 5-9). ImageNet weights are not needed to
time the networks (random weights cost the same), so nothing is downloaded.
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from _measure import PeakRSS
from sknn import TransferVGGClassifier, VGGFeatureExtractor

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.filterwarnings("ignore", message="Got batch_size")
# The VGG-style backbone of the transfer part: two blocks for 16x16 images.
SMALL = [16, "M", 32, "M"]


def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).reshape(-1, 8, 8).astype(np.float32), y


def part_transfer(args):
    X, y = digits()
    first, second = y < 5, y >= 5
    backbone = SMALL if args.backbone is None else [v if v == "M" else int(v) for v in args.backbone.split(",")]
    common = dict(backbone=backbone, image_size=16, channels_last=False, random_state=0)
    print(f"\n## Transfer: backbone {backbone} pretrained on digits 0-4 (8x8 resized to 16x16), "
          "new head on digits 5-9\n")
    start = time.perf_counter()
    pre = TransferVGGClassifier(weights=None, fine_tune_blocks="all", backbone_lr_ratio=1.0, head_layers=(),
                                dropout=0.0, learning_rate_init=3e-3, batch_size=64, max_iter=15, **common)
    pre.fit(X[first], y[first])
    print(f"pretraining: {time.perf_counter() - start:.1f} s, "
          f"training accuracy on 0-4 {pre.score(X[first], y[first]):.4f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "digits04_backbone.pth")
        torch.save(pre.backbone_state_dict(), path)
        X2, y2 = X[second], y[second]
        head = dict(head_layers=(64,), dropout=0.0, learning_rate_init=3e-3, max_iter=60, **common)
        print("\n| labelled per class | pretrained backbone (frozen) | random backbone (frozen) | difference | "
              "pretrained, then last block fine-tuned |")
        print("|---|---|---|---|---|")
        for k in (5, 10, 20):
            rows = []
            for seed in range(3):
                rng = np.random.RandomState(seed)
                few = np.concatenate([rng.choice(np.flatnonzero(y2 == c), k, replace=False) for c in range(5, 10)])
                rest = np.setdiff1d(np.arange(len(y2)), few)
                pretrained = TransferVGGClassifier(weights=path, **head).fit(X2[few], y2[few])
                random = TransferVGGClassifier(weights=None, **head).fit(X2[few], y2[few])
                a, b = pretrained.score(X2[rest], y2[rest]), random.score(X2[rest], y2[rest])
                pretrained.set_params(warm_start=True, fine_tune_blocks=1, learning_rate_init=1e-3, max_iter=20)
                c = pretrained.fit(X2[few], y2[few]).score(X2[rest], y2[rest])
                rows.append((a, b, c))
            a, b, c = np.mean(rows, axis=0)
            print(f"| {k} | {a:.4f} | {b:.4f} | {a - b:+.4f} | {c:.4f} |", flush=True)
    print("\n(test accuracy on the other digits 5-9, mean of 3 draws of the labelled images)")


def part_cache(args):
    X, y = digits()
    n = args.cache_images
    X, y = X[:n], y[:n]
    kw = dict(backbone="vgg16", weights=None, image_size=32, head_layers=(256,), batch_size=32, max_iter=10,
              n_iter_no_change=None, random_state=0)
    print(f"\n## Fit of 10 epochs, frozen VGG16 backbone (random weights), {n} digits resized to 32x32, "
          f"batch 32, torch threads {torch.get_num_threads()}\n")
    times, scores = {}, {}
    for name, cache in (("cached features (default)", True), ("backbone recomputed every epoch", False)):
        start = time.perf_counter()
        clf = TransferVGGClassifier(cache_features=cache, **kw).fit(X, y)
        times[name] = time.perf_counter() - start
        scores[name] = clf.score(X, y)
    base = times["backbone recomputed every epoch"]
    print("| fit | s | speed-up | training accuracy |")
    print("|---|---|---|---|")
    for name in times:
        print(f"| {name} | {times[name]:.1f} | {base / times[name]:.1f}x | {scores[name]:.4f} |")


def part_speed224(args):
    rng = np.random.RandomState(0)
    images = rng.rand(args.batch * (args.batches + 1), 3, 224, 224).astype(np.float32)
    print(f"\n## VGG16 backbone at 224x224 on the CPU ({torch.get_num_threads()} threads), batches of {args.batch}, "
          f"{args.batches} timed after one warm-up batch\n")
    print("| layout | images per second | s per batch |")
    print("|---|---|---|")
    for layout in (True, False):
        ext = VGGFeatureExtractor(weights=None, batch_size=args.batch, channels_last=layout, device="cpu",
                                  random_state=0).fit(images[:1])
        ext.transform(images[:args.batch])  # warm-up
        start = time.perf_counter()
        ext.transform(images[args.batch:])
        took = time.perf_counter() - start
        n = args.batch * args.batches
        print(f"| {'channels-last' if layout else 'contiguous (NCHW)'} | {n / took:.1f} | "
              f"{took / args.batches:.2f} |", flush=True)


def part_memory(args):
    rng = np.random.RandomState(0)
    n = 2 * args.batch
    images = (rng.rand(n, 224, 224, 3) * 255).astype(np.uint8)
    y = np.arange(n) % 2
    print(f"\n## Memory: VGG16 at 224x224, batch {args.batch}, {n} images, one epoch, resident memory sampled "
          "every 5 ms\n")
    print("| fit | before (MiB) | peak (MiB) | the fit's own (MiB) | s |")
    print("|---|---|---|---|---|")
    for name, kw in (("frozen backbone, cached features", {}),
                     ("last block fine-tuned (backbone every batch)", {"fine_tune_blocks": 1})):
        with PeakRSS(0.005) as peak:
            start = time.perf_counter()
            TransferVGGClassifier(weights=None, batch_size=args.batch, max_iter=1, random_state=0, device="cpu",
                                  **kw).fit(images, y)
            took = time.perf_counter() - start
        print(f"| {name} | {peak.base:.0f} | {peak.peak:.0f} | {peak.peak - peak.base:.0f} | {took:.1f} |",
              flush=True)


def part_gpu(args):
    if not torch.cuda.is_available():
        print("\n## GPU\n\n(skipped: no GPU on this machine)")
        return
    rng = np.random.RandomState(0)
    images = rng.rand(64 * 6, 3, 224, 224).astype(np.float32)
    print(f"\n## VGG16 backbone at 224x224 on {torch.cuda.get_device_name()} (autocast mixed precision), batch 64\n")
    ext = VGGFeatureExtractor(weights=None, batch_size=64, device="cuda", random_state=0).fit(images[:1])
    ext.transform(images[:64])
    torch.cuda.synchronize()
    start = time.perf_counter()
    ext.transform(images[64:])
    torch.cuda.synchronize()
    print(f"images per second: {len(images[64:]) / (time.perf_counter() - start):.0f}")


PARTS = {"transfer": part_transfer, "cache": part_cache, "speed224": part_speed224, "memory": part_memory,
         "gpu": part_gpu}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append", help="run only these parts")
    parser.add_argument("--batch", type=int, default=32, help="batch size at 224x224 (default 32)")
    parser.add_argument("--batches", type=int, default=2, help="timed batches at 224x224 (default 2)")
    parser.add_argument("--backbone", default=None, help="layer list of the transfer part, e.g. '32,M,64,M,128,M'")
    parser.add_argument("--cache-images", type=int, default=512, help="images of the cache part (default 512)")
    args = parser.parse_args(argv)
    print(f"# bench_transfer.py, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__}, GPU: {torch.cuda.get_device_name() if torch.cuda.is_available() else 'none'}")
    print("command: python " + " ".join(sys.argv))
    for name in args.only or list(PARTS):
        PARTS[name](args)


if __name__ == "__main__":
    main()
