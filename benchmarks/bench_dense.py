"""Dense networks: accuracy against scikit-learn's models, speed against a plain PyTorch loop,
skorch and MLPClassifier, memory, and GridSearchCV with n_jobs=2.

    python benchmarks/bench_dense.py                 # everything (about 15 minutes on 2 cores)
    python benchmarks/bench_dense.py --only speed    # one part: accuracy, speed, predict, memory, search
    python benchmarks/bench_dense.py --quick         # tiny settings, to check the script runs

All compared things run in this one process (memory: one child process each), side by
side, interleaved over repeats; ratios are medians over the repeats.
"""

import argparse
import datetime
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from _measure import PeakRSS
from sknn import DenseClassifier

warnings.simplefilter("ignore", ConvergenceWarning)

HIDDEN, BATCH, LR = (128, 128), 128, 1e-3


# -- the compared trainers (speed) ---------------------------------------------------------
def _torch_net(n_in, n_out):
    layers, width = [], n_in
    for h in HIDDEN:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, n_out))


def plain_loop(X, y, epochs, fused=False, seed=0):
    """A plain, hand-written PyTorch training loop: the reference."""
    torch.manual_seed(seed)
    Xt, yt = torch.from_numpy(X.astype(np.float32)), torch.from_numpy(y.astype(np.int64))
    model = _torch_net(X.shape[1], int(y.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=LR, fused=fused or None)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(Xt))
        for i in range(0, len(Xt), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()
    return model


def plain_predict_proba(model, X):
    with torch.inference_mode():
        return torch.softmax(model(torch.from_numpy(X.astype(np.float32))), dim=1).numpy()


def sknn_fit(X, y, epochs, seed=0, device="cpu"):
    # kernel_initializer='torch': the same initialisation as the plain loop's modules
    return DenseClassifier(hidden_layer_sizes=HIDDEN, batch_size=BATCH, learning_rate_init=LR, alpha=0.0,
                           kernel_initializer="torch", max_iter=epochs, n_iter_no_change=None, device=device,
                           random_state=seed).fit(X, y)


class _SkorchModule(torch.nn.Module):
    def __init__(self, n_in=50, n_out=5):
        super().__init__()
        self.net = _torch_net(n_in, n_out)

    def forward(self, X):
        return self.net(X)


def skorch_fit(X, y, epochs, seed=0):
    from skorch import NeuralNetClassifier

    torch.manual_seed(seed)
    net = NeuralNetClassifier(_SkorchModule, module__n_in=X.shape[1], module__n_out=int(y.max()) + 1,
                              criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.Adam, lr=LR,
                              batch_size=BATCH, max_epochs=epochs, train_split=None, verbose=0,
                              iterator_train__shuffle=True)
    return net.fit(X.astype(np.float32), y.astype(np.int64))


def mlp_fit(X, y, epochs, seed=0):
    return MLPClassifier(hidden_layer_sizes=HIDDEN, batch_size=BATCH, learning_rate_init=LR, alpha=0.0,
                         max_iter=epochs, n_iter_no_change=epochs + 1, tol=0, random_state=seed).fit(X, y)


def speed_data(n=20000):
    X, y = make_classification(n_samples=n, n_features=50, n_informative=30, n_classes=5, random_state=0)
    return train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)


# -- parts ---------------------------------------------------------------------------------
def part_accuracy(args):
    print("\n## Accuracy: make_pipeline(StandardScaler(), model), mean over 5 folds\n")
    models = {
        "DenseClassifier(random_state=0)": DenseClassifier(random_state=0),
        **{f"DenseClassifier({', '.join(f'{k}={v!r}' for k, v in json.loads(v).items())})":
           DenseClassifier(random_state=0, **json.loads(v)) for v in args.variant},
        "MLPClassifier(random_state=0)": MLPClassifier(random_state=0),
        "RandomForest": RandomForestClassifier(random_state=0),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
        "LogisticRegression": LogisticRegression(max_iter=5000),
        "SVC": SVC(),
    }
    if args.quick:
        models = {k: v for k, v in list(models.items())[:2]}
    print("| data | protocol | " + " | ".join(models) + " |")
    print("|---|---|" + "---|" * len(models))
    for name, loader in (("digits", load_digits), ("breast_cancer", load_breast_cancer)):
        X, y = loader(return_X_y=True)
        if args.quick:
            X, y = X[:300], y[:300]
        for proto, cv in (("StratifiedKFold(5, shuffle=True, random_state=0)",
                           StratifiedKFold(5, shuffle=True, random_state=0)), ("cv=5 (unshuffled)", 5)):
            scores = [cross_val_score(make_pipeline(StandardScaler(), m), X, y, cv=cv).mean()
                      for m in models.values()]
            print(f"| {name} | {proto} | " + " | ".join(f"{s:.4f}" for s in scores) + " |", flush=True)


def part_speed(args):
    Xtr, Xte, ytr, yte = speed_data(2000 if args.quick else 20000)
    epochs = 2 if args.quick else args.epochs
    print(f"\n## Fit speed: {len(Xtr)} x {Xtr.shape[1]}, 5 classes, hidden {HIDDEN} relu, Adam, batch {BATCH}, "
          f"{epochs} epochs; torch threads {torch.get_num_threads()}\n")
    trainers = {
        "plain loop": lambda seed: plain_loop(Xtr, ytr, epochs, seed=seed),
        "plain loop + fused Adam": lambda seed: plain_loop(Xtr, ytr, epochs, fused=True, seed=seed),
        "sknn DenseClassifier": lambda seed: sknn_fit(Xtr, ytr, epochs, seed=seed),
        "skorch NeuralNetClassifier": lambda seed: skorch_fit(Xtr, ytr, epochs, seed=seed),
        "sklearn MLPClassifier": lambda seed: mlp_fit(Xtr, ytr, epochs, seed=seed),
    }
    scorers = {
        "plain loop": lambda m: (plain_predict_proba(m, Xte).argmax(1) == yte).mean(),
        "plain loop + fused Adam": lambda m: (plain_predict_proba(m, Xte).argmax(1) == yte).mean(),
        "sknn DenseClassifier": lambda m: m.score(Xte, yte),
        "skorch NeuralNetClassifier": lambda m: (m.predict(Xte.astype(np.float32)) == yte).mean(),
        "sklearn MLPClassifier": lambda m: m.score(Xte, yte),
    }
    times = {k: [] for k in trainers}
    scores = {k: [] for k in trainers}
    models = {}
    for seed in range(1 if args.quick else args.repeats):
        for name, fit in trainers.items():  # interleaved, so drift hits all alike
            start = time.perf_counter()
            models[name] = fit(seed)
            times[name].append(time.perf_counter() - start)
            scores[name].append(scorers[name](models[name]))
    acc = {k: float(np.mean(v)) for k, v in scores.items()}
    ref = statistics.median(times["plain loop"])
    sk = statistics.median(times["skorch NeuralNetClassifier"])
    print("| trainer | fit time (s, median) | / plain loop | / skorch | test accuracy (mean over seeds) |")
    print("|---|---|---|---|---|")
    for name in trainers:
        t = statistics.median(times[name])
        print(f"| {name} | {t:.2f} | {t / ref:.2f} | {t / sk:.2f} | {acc[name]:.4f} |")
    return models


def part_predict(args, models=None):
    n = 10000 if args.quick else 100000
    X, y = make_classification(n_samples=n, n_features=50, n_informative=30, n_classes=5, random_state=1)
    if models is None:
        Xtr, _, ytr, _ = speed_data(2000)
        models = {"plain loop": plain_loop(Xtr, ytr, 1), "sknn DenseClassifier": sknn_fit(Xtr, ytr, 1),
                  "skorch NeuralNetClassifier": skorch_fit(Xtr, ytr, 1), "sklearn MLPClassifier": mlp_fit(Xtr, ytr, 1)}
    predictors = {
        "plain module forward": lambda: plain_predict_proba(models["plain loop"], X),
        "sknn predict_proba": lambda: models["sknn DenseClassifier"].predict_proba(X),
        "skorch predict_proba": lambda: models["skorch NeuralNetClassifier"].predict_proba(X.astype(np.float32)),
        "MLPClassifier predict_proba": lambda: models["sklearn MLPClassifier"].predict_proba(X),
    }
    times = {k: [] for k in predictors}
    for _ in range(args.repeats):
        for name, f in predictors.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    ref = statistics.median(times["plain module forward"])
    print(f"\n## predict_proba on {n} rows\n")
    print("| predictor | time (s, median) | / plain forward | rows per second |")
    print("|---|---|---|---|")
    for name in predictors:
        t = statistics.median(times[name])
        print(f"| {name} | {t:.3f} | {t / ref:.2f} | {n / t:,.0f} |")


def _peak_child(name, quick, epochs, queue):
    Xtr, _, ytr, _ = speed_data(2000 if quick else 20000)
    fit = {"plain loop": plain_loop, "sknn DenseClassifier": sknn_fit, "skorch NeuralNetClassifier": skorch_fit,
           "sklearn MLPClassifier": mlp_fit}[name]
    fit(Xtr[:500], ytr[:500], 1)  # warm up: lazy imports and allocator pools are not the fit's own
    with PeakRSS(0.002) as rss:
        fit(Xtr, ytr, epochs)
    queue.put((rss.base, rss.peak))


def part_memory(args):
    print("\n## Memory of one fit on the speed task (a fresh process each; resident MiB, sampled every 2 ms)\n")
    print("| trainer | before the fit | peak during the fit | the fit's own |")
    print("|---|---|---|---|")
    ctx = mp.get_context("spawn")
    for name in ("plain loop", "sknn DenseClassifier", "skorch NeuralNetClassifier", "sklearn MLPClassifier"):
        q = ctx.Queue()
        p = ctx.Process(target=_peak_child, args=(name, args.quick, 2 if args.quick else 5, q))
        p.start()
        base, peak = q.get()
        p.join()
        print(f"| {name} | {base:.0f} | {peak:.0f} | {peak - base:.1f} |", flush=True)


def _threads(est, X, y):
    return float(torch.get_num_threads())


def part_search(args):
    X, y = load_digits(return_X_y=True)
    if args.quick:
        X, y = X[:400], y[:400]
    pipe = make_pipeline(StandardScaler(), DenseClassifier(max_iter=30 if args.quick else 100, random_state=0))
    grid = {"denseclassifier__hidden_layer_sizes": [(64,), (128, 64)], "denseclassifier__alpha": [1e-4, 1e-2]}
    print("\n## GridSearchCV over a Pipeline on digits: 4 candidates x 5 folds\n")
    print("| n_jobs | wall time (s) | torch threads per fit | best params | best score |")
    print("|---|---|---|---|---|")
    walls = {}
    # loky keeps its workers between calls: the second n_jobs=2 run finds them started
    for n_jobs in (1, 2, "2 (workers already started)"):
        search = GridSearchCV(pipe, grid, cv=5, n_jobs=int(str(n_jobs)[0]), refit="accuracy",
                              scoring={"accuracy": "accuracy", "threads": _threads})
        start = time.perf_counter()
        search.fit(X, y)
        walls[n_jobs] = time.perf_counter() - start
        threads = sorted({int(t) for t in search.cv_results_["mean_test_threads"]})
        print(f"| {n_jobs} | {walls[n_jobs]:.1f} | {threads} | {search.best_params_} | {search.best_score_:.4f} |",
              flush=True)
    warm = walls["2 (workers already started)"]
    print(f"\nn_jobs=2 / n_jobs=1 wall time: {walls[2] / walls[1]:.2f} (workers started warm: {warm / walls[1]:.2f})")


def part_gpu(args):
    if not torch.cuda.is_available():
        print("\n## GPU: skipped (no CUDA device on this machine)")
        return
    Xtr, Xte, ytr, yte = speed_data()
    epochs = args.epochs
    print(f"\n## GPU ({torch.cuda.get_device_name()}): same task, device='cuda'\n")
    sknn_fit(Xtr[:256], ytr[:256], 1, device="cuda")  # CUDA's start-up, not timed
    for name, fit in (("sknn cpu", lambda: sknn_fit(Xtr, ytr, epochs)),
                      ("sknn cuda", lambda: sknn_fit(Xtr, ytr, epochs, device="cuda"))):  # the same network
        start = time.perf_counter()
        m = fit()
        print(f"| {name} | {time.perf_counter() - start:.2f} s | accuracy {m.score(Xte, yte):.4f} |")


PARTS = {"accuracy": part_accuracy, "speed": part_speed, "predict": part_predict, "memory": part_memory,
         "search": part_search, "gpu": part_gpu}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append", help="run only these parts")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny settings: checks that the script runs")
    parser.add_argument("--variant", action="append", default=[], metavar="JSON",
                        help='accuracy part: also DenseClassifier with these parameters, e.g. \'{"n_ensemble": 3}\'')
    args = parser.parse_args(argv)
    print(f"# bench_dense {datetime.date.today()} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} cores | python {sys.version.split()[0]} | torch {torch.__version__}")
    models = None
    for name in args.only or list(PARTS):
        if name == "predict":
            part_predict(args, models)
        else:
            out = PARTS[name](args)
            models = out if name == "speed" else models


if __name__ == "__main__":
    main()
