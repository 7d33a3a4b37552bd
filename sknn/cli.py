"""The ``sknn`` command line.

    sknn compare                                  # scikit-learn's digits, 5-fold CV, 4 models
    sknn compare --csv churn.csv --target churned --cv 5 --report report.html --plots plots/
"""

import argparse
import base64
import datetime
import html
import io
import os
import sys

import numpy as np
import pandas as pd

BUILT_IN = ("digits", "iris", "wine", "breast_cancer", "diabetes")


class CommandError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


def _load(args):
    if args.csv is None:
        import sklearn.datasets

        if args.target is not None:
            raise CommandError("--target goes with --csv PATH.")
        X, y = getattr(sklearn.datasets, f"load_{args.data}")(return_X_y=True)
        return X, y, f"scikit-learn's {args.data}"
    if args.target is None:
        raise CommandError("--csv needs --target COLUMN: the column to predict.")
    if not os.path.isfile(args.csv):
        raise CommandError(f"no such file: {args.csv}")
    try:
        frame = pd.read_csv(args.csv)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {args.csv} as CSV: {str(exc).splitlines()[0]}") from None
    if args.target not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:20])) + (" ..." if len(frame.columns) > 20 else "")
        raise CommandError(f"no column {args.target!r} in {args.csv}; its columns are: {shown}")
    frame = frame[frame[args.target].notna()]
    if frame.shape[1] < 2:
        raise CommandError(f"{args.csv} has no feature column besides the target {args.target!r}.")
    if len(frame) < args.cv:
        raise CommandError(f"{args.csv} has {len(frame)} rows with a target, fewer than --cv {args.cv} folds.")
    y = frame[args.target].to_numpy()
    return frame.drop(columns=[args.target]), y, args.csv


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def _figures(table, fitted, y):
    """name -> PNG bytes: scores, fit times, the network's training curves, a confusion matrix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plot

    figures = {}
    ax = plot.comparison(table)
    figures["scores"] = _png(ax.figure)
    ax = plot.fit_times(table)
    figures["fit_times"] = _png(ax.figure)
    for name, ests in fitted["estimators"].items():
        try:
            ax = plot.history(ests, title=f"{name}: training loss, one curve per fold")
        except ValueError:
            continue  # not a network
        figures["history"] = _png(ax.figure)
        break
    if table.attrs["task"] == "classification":
        best = table.index[0]
        labels = np.unique(y)
        ax = plot.confusion_matrix(y, fitted["predictions"][best], labels=labels if len(labels) <= 30 else None,
                                   title=f"{best}: confusion matrix, out-of-fold predictions")
        figures["confusion_matrix"] = _png(ax.figure)
    plt.close("all")
    return figures


def _report(path, table, figures, meta):
    from . import __version__

    captions = {"scores": "Scores: mean over folds, error bars one standard deviation",
                "fit_times": "Fit time per fold", "history": "The network's training curves",
                "confusion_matrix": "Confusion matrix of the best model"}
    imgs = "\n".join(
        f'<figure><img alt="{html.escape(captions[k])}" src="data:image/png;base64,'
        f'{base64.b64encode(v).decode()}"><figcaption>{html.escape(captions[k])}</figcaption></figure>'
        for k, v in figures.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sknn compare: {html.escape(meta['data'])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}
figure{{margin:1.5em 0}}img{{max-width:100%}}figcaption{{color:#555}}</style></head><body>
<h1>Model comparison</h1>
<p>Data: {html.escape(meta['data'])} &middot; {meta['n_samples']} samples, {meta['n_features']} features &middot;
task: {meta['task']} &middot; {meta['cv']}-fold cross-validation, identical folds for every model
&middot; sknn {__version__} &middot; {datetime.date.today()}</p>
{table.to_html(float_format=lambda v: f"{v:.4f}")}
{imgs}
</body></html>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)


def _compare(args):
    from .compare import compare

    if args.cv < 2:
        raise CommandError(f"--cv must be at least 2, got {args.cv}.")
    X, y, data_name = _load(args)
    scoring = [s.strip() for s in args.scoring.split(",")] if args.scoring else None
    models = "default" if args.models == "default" else [m for m in args.models.split(",") if m.strip()]
    want_figures = bool(args.report or args.plots)
    if want_figures:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise CommandError("--report and --plots need matplotlib: pip install 'sknn[plot]'.") from None
    try:
        out = compare(X, y, models=models, cv=args.cv, scoring=scoring, n_jobs=args.n_jobs, task=args.task,
                      random_state=args.random_state, verbose=not args.quiet, return_fitted=want_figures)
    except ValueError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    table, fitted = out if want_figures else (out, None)
    n_features = X.shape[1] if np.ndim(X) == 2 else int(np.prod(np.shape(X)[1:]))
    meta = {"data": data_name, "n_samples": len(y), "n_features": n_features, "task": table.attrs["task"],
            "cv": args.cv}
    print(f"\n{data_name}: {meta['n_samples']} samples, {n_features} features, {meta['task']}, "
          f"{args.cv}-fold cross-validation (identical folds for every model)\n")
    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    if want_figures:
        figures = _figures(table, fitted, y)
        if args.plots:
            os.makedirs(args.plots, exist_ok=True)
            for name, png in figures.items():
                with open(os.path.join(args.plots, f"{name}.png"), "wb") as f:
                    f.write(png)
            print(f"\nplots: {', '.join(os.path.join(args.plots, n + '.png') for n in figures)}")
        if args.report:
            _report(args.report, table, figures, meta)
            print(f"report: {args.report}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="sknn", description="sknn: neural networks as scikit-learn estimators.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compare", help="cross-validate sknn's network beside scikit-learn's models",
                       description="Cross-validate a linear model, a random forest, gradient boosting and sknn's "
                                   "network on identical folds, and print a table of scores and times.")
    p.add_argument("--data", choices=BUILT_IN, default="digits", help="built-in data set (default: digits)")
    p.add_argument("--csv", metavar="PATH", help="a CSV file with a header row, instead of the built-in data")
    p.add_argument("--target", metavar="COLUMN", help="the column of the CSV to predict")
    p.add_argument("--task", choices=("auto", "classification", "regression"), default="auto")
    p.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    p.add_argument("--scoring", help="comma-separated scorer names, e.g. accuracy,f1_macro (the first ranks)")
    p.add_argument("--models", default="default",
                   help="comma-separated among linear, forest, boosting, network (default: all four)")
    p.add_argument("--n-jobs", type=int, default=1, help="fits run in parallel (default 1)")
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--report", metavar="PATH", help="write a self-contained HTML report")
    p.add_argument("--plots", metavar="DIR", help="write the report's figures as PNG files")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return _compare(args)
    except CommandError as exc:
        print(f"sknn {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
