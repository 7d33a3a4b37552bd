"""Scale and production: grid search on a Dask cluster, ONNX export, safe save/load, GPU precision.

    python benchmarks/bench_scale.py                  # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_scale.py --only search    # one part: search, onnx, persist, gpu
    python benchmarks/bench_scale.py --quick          # tiny settings, to check the script runs

* search: a 16-candidate GridSearchCV over DenseClassifier, with n_jobs=1 in this process
  and on a 2-worker ``distributed.LocalCluster`` (joblib's Dask backend), interleaved over
  repeats: the wall-time ratio and whether both find the same best parameters.
* onnx: for each exported family, the largest difference between onnxruntime's outputs
  and ``predict_proba``, and the latency per row of onnxruntime and of torch at batch 1 and
  batch 1,000, interleaved over repeats.
* persist: ``est.save`` / ``sknn.load`` against joblib: identical predictions, file size,
  times, and that loading unpickles nothing.
* gpu: the dense and convolutional fits in float32, bf16 and channels-last on the same GPU
  in the same run (skipped without CUDA).

Needs the ``dask``, ``onnx`` and ``test`` extras: ``pip install -e ".[dask,onnx,test]"``.
"""

import argparse
import contextlib
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sknn import ConvImageClassifier, DenseClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", UserWarning)


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- search -----------------------------------------------------------------------------------
SEARCH_GRID = {"hidden_layer_sizes": [(64,), (256,)], "alpha": [1e-4, 1e-2],
               "learning_rate_init": [1e-3, 1e-2], "batch_size": [64, 200]}


def _search(max_iter, n_jobs):
    est = DenseClassifier(max_iter=max_iter, n_iter_no_change=None, device="auto", random_state=0)
    return GridSearchCV(est, SEARCH_GRID, cv=3, n_jobs=n_jobs)


def part_search(args):
    import joblib
    from distributed import Client, LocalCluster

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    max_iter = 3 if args.quick else 30
    n_candidates = int(np.prod([len(v) for v in SEARCH_GRID.values()]))
    print(f"\n## Grid search: {n_candidates} candidates x 3 folds of DenseClassifier on digits "
          f"({len(X)} x {X.shape[1]}), {max_iter} epochs each, {args.repeats} repeats interleaved\n")
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    startup = time.perf_counter() - start
    client.run(lambda: __import__("sknn"))  # the workers import torch and sknn once, as a first task would
    local_t, dask_t, results = [], [], {}
    try:
        for _ in range(args.repeats):
            start = time.perf_counter()
            results["local"] = _search(max_iter, 1).fit(X, y)
            local_t.append(time.perf_counter() - start)
            start = time.perf_counter()
            with joblib.parallel_backend("dask"):
                results["dask"] = _search(max_iter, -1).fit(X, y)
            dask_t.append(time.perf_counter() - start)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one thread, as each Dask task has: the same arithmetic
        try:
            results["local, 1 thread"] = _search(max_iter, 1).fit(X, y)
        finally:
            torch.set_num_threads(threads)
    finally:
        client.close()
        cluster.close()
    lt, dt = statistics.median(local_t), statistics.median(dask_t)
    print("| search | wall s (median) | best parameters | best CV accuracy |")
    print("|---|---|---|---|")
    for name, t in (("n_jobs=1, this process", lt), ("Dask LocalCluster, 2 workers x 1 thread", dt)):
        r = results["local" if t is lt else "dask"]
        print(f"| {name} | {t:.1f} | {r.best_params_} | {r.best_score_:.4f} |")
    same = results["local"].best_params_ == results["dask"].best_params_
    same1 = results["local, 1 thread"].best_params_ == results["dask"].best_params_
    diff1 = np.max(np.abs(results["local, 1 thread"].cv_results_["mean_test_score"]
                          - results["dask"].cv_results_["mean_test_score"]))
    print(f"\nwall-time ratio Dask / n_jobs=1: {dt / lt:.2f} (speed-up {lt / dt:.2f}x); cluster start-up "
          f"{startup:.1f} s, not counted. Same best parameters as n_jobs=1: {same}; as n_jobs=1 with torch on "
          f"1 thread (the workers' arithmetic): {same1}, largest difference of the {n_candidates} mean CV scores {diff1:.2g}.")


# -- onnx -------------------------------------------------------------------------------------
def _onnx_models(args):
    """One small fitted model per exported family, and 1,000 inputs of its kind."""
    from sknn import LSTMSequenceTagger, TransferVGGClassifier

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    rows = np.resize(np.arange(len(X)), 1000)
    epochs = 1 if args.quick else 5
    dense = DenseClassifier(hidden_layer_sizes=(256, 256), max_iter=epochs, random_state=0).fit(X, y)
    conv = ConvImageClassifier(max_iter=epochs, random_state=0).fit(X.reshape(-1, 8, 8), y)
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(500)])
    sents = [list(words[rng.integers(0, 500, rng.integers(5, 40))]) for _ in range(1000)]
    tags = [[f"T{int(w[1:]) % 12}" for w in s] for s in sents]
    tagger = LSTMSequenceTagger(hidden_size=64, embedding_dim=50, char_features="cnn", max_iter=epochs,
                                random_state=0).fit(sents, tags)
    vgg = TransferVGGClassifier(backbone="vgg16", weights=None, image_size=32, head_layers=(128,),
                                max_iter=1, random_state=0).fit(X[:200].reshape(-1, 8, 8), y[:200])
    return {"DenseClassifier (256, 256), digits rows": (dense, X[rows]),
            "ConvImageClassifier (32, 64), 8x8 images": (conv, X[rows].reshape(-1, 8, 8)),
            "LSTMSequenceTagger BiLSTM 64 + char CNN, sentences of 5-39 tokens": (tagger, sents),
            "TransferVGGClassifier VGG16 at 32x32, 8x8 grey images": (vgg, X[rows].reshape(-1, 8, 8))}


def part_onnx(args):
    import onnxruntime as ort

    from sknn.export import onnx_inputs, to_onnx

    print(f"\n## ONNX export: onnxruntime {ort.__version__} against torch, latency per row in microseconds "
          f"(median of {args.repeats}, interleaved; both on all {os.cpu_count()} cores)\n")
    print("'from raw input': `session.run(onnx_inputs(est, X))` against `est.predict_proba(X)`; 'network only': "
          "onnxruntime on a prepared feed. A row of the tagger is a sentence.\n")
    print("| model | max abs diff to predict_proba | batch | torch (predict_proba) | onnxruntime from raw input | "
          "onnxruntime network only | torch / onnxruntime |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (est, X) in _onnx_models(args).items():
            session = ort.InferenceSession(to_onnx(est, os.path.join(tmp, "m.onnx")),
                                           providers=["CPUExecutionProvider"])
            (out,) = session.run(["probabilities"], onnx_inputs(est, X))
            ref = est.predict_proba(X)
            if isinstance(ref, list):  # the tagger: one (length, n_classes) array per sentence
                diff = max(np.abs(out[i, :len(r)] - r).max() for i, r in enumerate(ref))
            else:
                diff = np.abs(out - ref).max()
            for batch in (1, 1000):
                Xb = X[:batch]
                feed = onnx_inputs(est, Xb)
                t_torch, t_raw, t_net = [], [], []
                for _ in range(args.repeats):
                    for times, fn in ((t_torch, lambda: est.predict_proba(Xb)),
                                      (t_raw, lambda: session.run(["probabilities"], onnx_inputs(est, Xb))),
                                      (t_net, lambda: session.run(["probabilities"], feed))):
                        n = max(1, 200 // batch) if batch == 1 else 1
                        start = time.perf_counter()
                        for _ in range(n):
                            fn()
                        times.append((time.perf_counter() - start) / n / batch)
                tt, tr, tn = (statistics.median(t) * 1e6 for t in (t_torch, t_raw, t_net))
                print(f"| {name} | {diff:.1e} | {batch} | {tt:.1f} | {tr:.1f} | {tn:.1f} | {tt / tr:.2f} |",
                      flush=True)


# -- persist ----------------------------------------------------------------------------------
@contextlib.contextmanager
def _no_unpickling():
    """Every unpickling entry point raises inside: proof that what runs inside unpickles nothing."""
    import pickle

    import joblib

    def refuse(*a, **k):
        raise AssertionError("something tried to unpickle")

    saved = [(pickle, "loads"), (pickle, "load"), (pickle, "Unpickler"), (torch, "load"), (joblib, "load")]
    originals = [getattr(m, n) for m, n in saved]
    for m, n in saved:
        setattr(m, n, refuse)
    try:
        yield
    finally:
        for (m, n), f in zip(saved, originals):
            setattr(m, n, f)


def part_persist(args):
    import joblib

    import sknn

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    models = {"DenseClassifier (256, 256)": (DenseClassifier(hidden_layer_sizes=(256, 256), max_iter=3 if args.quick
                                                              else 20, random_state=0), X),
              "ConvImageClassifier (32, 64)": (ConvImageClassifier(max_iter=1 if args.quick else 3, random_state=0),
                                               X.reshape(-1, 8, 8))}
    print(f"\n## save/load against joblib ({args.repeats} repeats, median)\n")
    print("| model | format | file KiB | save ms | load ms | predictions identical | loading unpickles |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (est, data) in models.items():
            est.fit(data, y)
            expected = est.predict_proba(data)
            st, jl = os.path.join(tmp, "m.safetensors"), os.path.join(tmp, "m.joblib")
            rows = {"sknn save/load": (lambda: est.save(st), lambda: sknn.load(st), st),
                    "joblib dump/load": (lambda: joblib.dump(est, jl), lambda: joblib.load(jl), jl)}
            for fmt, (dump, load, path) in rows.items():
                t_save = _median_time(dump, args.repeats)
                t_load = _median_time(load, args.repeats)
                same = np.array_equal(load().predict_proba(data), expected)
                try:
                    with _no_unpickling():
                        load()
                    unpickles = "no"
                except AssertionError:
                    unpickles = "yes"
                print(f"| {name} | {fmt} | {os.path.getsize(path) / 1024:.0f} | {t_save * 1e3:.1f} | "
                      f"{t_load * 1e3:.1f} | {same} | {unpickles} |", flush=True)


# -- gpu --------------------------------------------------------------------------------------
def _fit_time(make, X, y, repeats):
    times, est = [], None
    for _ in range(repeats):
        est = make()
        torch.cuda.synchronize()
        start = time.perf_counter()
        est.fit(X, y)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times), est


def part_gpu(args):
    if not torch.cuda.is_available():
        print("\n## GPU precision: skipped (no CUDA device on this machine)")
        return
    name = torch.cuda.get_device_name()
    n = 20_000 if args.quick else 200_000
    X, y = make_classification(n_samples=n + 10_000, n_features=100, n_informative=60, n_classes=10,
                               random_state=0)
    X = X.astype(np.float32)
    Xt, yt = X[n:], y[n:]
    X, y = X[:n], y[:n]
    print(f"\n## GPU ({name}): DenseClassifier (1024, 1024, 1024) on {n:,} x 100 rows, batch 1024, 5 epochs\n")
    print("| precision | fit s (median) | vs 32 | test accuracy |")
    print("|---|---|---|---|")
    base = None
    for precision in ("32", "bf16", "fp16"):
        make = lambda: DenseClassifier(hidden_layer_sizes=(1024, 1024, 1024), batch_size=1024, max_iter=5,  # noqa
                                       n_iter_no_change=None, device="cuda", precision=precision, random_state=0)
        t, est = _fit_time(make, X, y, args.repeats)
        base = base or t
        print(f"| {precision} | {t:.2f} | {t / base:.2f} | {est.score(Xt, yt):.4f} |", flush=True)

    images, labels = _fashion_or_synthetic(args)
    cut = int(len(images) * 0.9)
    print(f"\n## GPU ({name}): ConvImageClassifier (64, 128) on {cut:,} {images.shape[1]}x{images.shape[2]} "
          "images, batch 256, 3 epochs\n")
    print("| layout | precision | fit s (median) | vs channels-first 32 | test accuracy |")
    print("|---|---|---|---|---|")
    base = None
    for channels_last, precision in ((False, "32"), (True, "32"), (False, "bf16"), (True, "bf16")):
        make = lambda: ConvImageClassifier(conv_filters=(64, 128), dense_layers=(256,), batch_size=256,  # noqa
                                           max_iter=3, n_iter_no_change=None, channels_last=channels_last,
                                           precision=precision, device="cuda", random_state=0)
        t, est = _fit_time(make, images[:cut], labels[:cut], args.repeats)
        base = base or t
        layout = "channels-last" if channels_last else "channels-first"
        print(f"| {layout} | {precision} | {t:.2f} | {t / base:.2f} | "
              f"{est.score(images[cut:], labels[cut:]):.4f} |", flush=True)


def _fashion_or_synthetic(args):
    path = os.path.join(args.data, "fashion_mnist")
    if os.path.isdir(path):
        from sknn.datasets import load_fashion_mnist

        X, y, _, _ = load_fashion_mnist(path)
        return X[: 6000 if args.quick else None], y[: 6000 if args.quick else None]
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 6000 if args.quick else 60000)
    X = (rng.random((len(y), 28, 28)) * 60 + y[:, None, None] * 15).astype(np.uint8)
    return X, y


PARTS = {"search": part_search, "onnx": part_onnx, "persist": part_persist, "gpu": part_gpu}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append")
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(f"# bench_scale {datetime.date.today()} | {platform.machine()} | {os.cpu_count()} cores | "
          f"python {sys.version.split()[0]} | torch {torch.__version__}")
    for name in args.only or list(PARTS):
        PARTS[name](args)


if __name__ == "__main__":
    main()
