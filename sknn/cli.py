"""The ``sknn`` command line.

    sknn compare                                   # scikit-learn's digits, 5-fold CV x 2 repeats, every model
    sknn compare --csv churn.csv --target churned --report report.html --plots plots/
    sknn compare --csv a.csv --target y --csv b.csv --target z     # several data sets: mean ranks
    sknn compare --csv tables/                      # every CSV of a folder

The arguments are parsed, and every input and output path checked, before torch,
scikit-learn or pandas are imported and before any model is fitted: ``sknn --help``
answers at once, and a mistake costs one line and exit status 2, never a traceback.
"""

import argparse
import os
import sys
import time

BUILT_IN = ("digits", "iris", "wine", "breast_cancer", "diabetes")
_TRACEBACK_ENV = "SKNN_TRACEBACK"


class CommandError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _int_at_least(low, what):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low}, got {value}")
        return value
    return parse


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--n-jobs must be a whole number (-1: one per core), got {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("--n-jobs must not be 0: give a number of workers, or -1 for one per core")
    return value


def _threads(text):
    if text == "auto":
        return text
    return _int_at_least(1, "--threads")(text)


def _positive(what, below=None):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not value > 0 or value == float("inf") or (below is not None and not value < below):
            bound = f" and below {below:g}" if below is not None else ""
            raise argparse.ArgumentTypeError(f"{what} must be a number above 0{bound}, got {text!r}")
        return value
    return parse


def _non_negative(what):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not value >= 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{what} must be a number >= 0, got {text!r}")
        return value
    return parse


def _names(text, option):
    names = [n.strip() for n in str(text).split(",") if n.strip()]
    if not names:
        raise CommandError(f"{option} names nothing; give comma-separated names, e.g. {option} "
                           + {"--models": "linear,network", "--data": "iris,wine"}.get(option, "accuracy,f1_macro"))
    return names


# --------------------------------------------------------------------------- inputs

def _sources(args):
    """[(name, kind, path_or_dataset, target or None)] in the order given, checked before any work."""
    datas = []
    for item in args.data or []:
        for name in _names(item, "--data"):
            if name not in BUILT_IN:
                raise CommandError(f"unknown data set {name!r}; built-in ones are: {', '.join(BUILT_IN)}")
            datas.append(name)
    csvs, targets = list(args.csv or []), list(args.target or [])
    if targets and not csvs:
        raise CommandError("--target goes with --csv PATH (the column of that CSV to predict).")
    if csvs and len(targets) not in (0, 1, len(csvs)):
        raise CommandError(f"give one --target per --csv, in the same order, or one for all: got {len(csvs)} --csv "
                           f"and {len(targets)} --target")
    if not csvs and not datas:
        datas = ["digits"]
    out = [(name, "builtin", name, None) for name in datas]
    for i, path in enumerate(csvs):
        target = targets[i] if len(targets) == len(csvs) else (targets[0] if targets else None)
        if os.path.isdir(path):
            files = sorted(f for f in os.listdir(path) if f.lower().endswith(".csv")
                           and os.path.isfile(os.path.join(path, f)))
            if not files:
                raise CommandError(f"no .csv file in the folder {path}")
            out += [(f, "csv", os.path.join(path, f), target or "auto") for f in files]
            continue
        if not os.path.exists(path):
            raise CommandError(f"no such file: {path}")
        if not os.path.isfile(path):
            raise CommandError(f"not a regular file: {path}")
        if not os.access(path, os.R_OK):
            raise CommandError(f"cannot read {path}: permission denied")
        if target is None:
            raise CommandError(f"--csv {path} needs --target COLUMN: the column to predict")
        out.append((os.path.basename(path), "csv", path, target))
    names = [o[0] for o in out]
    if len(set(names)) < len(names):  # two files of the same name from different folders: their paths
        out = [(p if kind == "csv" and names.count(n) > 1 else n, kind, p, t) for n, kind, p, t in out]
    seen, unique = {}, []
    for n, kind, p, t in out:  # the same data set twice: numbered
        seen[n] = seen.get(n, 0) + 1
        unique.append((n if seen[n] == 1 else f"{n} #{seen[n]}", kind, p, t))
    return unique


def _starts_with(path, prefixes):
    """Whether the file at ``path`` starts with one of the byte strings ``prefixes`` (False if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read(4).startswith(prefixes)
    except OSError:
        return False


def _separator(where):
    """',' unless the file's first line holds none and holds semicolons or tabs (Excel's CSV where the comma is the
    decimal mark, or a TSV file)."""
    try:
        with open(where, encoding="utf-8-sig", errors="replace") as f:
            first = f.readline()
    except OSError:
        return ","
    if "," in first:
        return ","
    return max((";", "\t"), key=first.count) if (";" in first or "\t" in first) else ","


def _read_csv(where, na_values, default_na=True, sep=","):
    """The CSV file as a DataFrame whose columns are named by its header, or a CommandError.

    Rows with one field more than the header (a delimiter at the end of every data row, as some
    exports write) would make pandas read the first field as the row index and move every name
    one column to the left; the trailing empty field is dropped instead, and a file whose extra
    fields hold values is refused.
    """
    import warnings

    import numpy as np
    import pandas as pd

    from ._tabular import numbers_as_text

    read = dict(low_memory=False, na_values=(list(na_values) + ([] if default_na else [""])) or None, sep=sep,
                keep_default_na=default_na)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(where, index_col=False, **read)
        if sep != "," and any((numbers_as_text(frame[c]) or ("",))[0] == "numbers with a decimal comma"
                              for c in frame.columns if frame[c].dtype.kind in "OT"):
            frame = pd.read_csv(where, index_col=False, decimal=",", **read)  # Excel's export where ',' is decimal
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):  # more fields than names
        extra = pd.read_csv(where, **read).iloc[:, -1]  # (here the extra field is the last column)
        held = np.flatnonzero(extra.notna().to_numpy())
        if len(held):
            value = extra.iloc[held[0]]
            raise CommandError(f"the rows of {where} have more fields than its header has names (line {held[0] + 2} "
                               f"holds {getattr(value, 'item', lambda: value)()!r} after its last named column): "
                               "name every column in the header")
    return frame


def _missing_markers(where, target, y, sep):
    """The non-empty strings of the target column that pandas read as missing ('NA', 'None', 'null'...)."""
    import pandas as pd

    try:
        raw = pd.read_csv(where, dtype=str, keep_default_na=False, index_col=False, sep=sep, usecols=[target])[target]
    except (ValueError, pd.errors.ParserError):
        return []
    if len(raw) != len(y):
        return []
    return sorted({v for v in raw[y.isna().to_numpy()] if v.strip()})


def _load(kind, where, target, na_values=(), task="auto", default_na=True):
    """(X, y, n_rows_read, n_features, target_note) for one data set."""
    import numpy as np
    import pandas as pd

    from ._tabular import describe_placeholders, numbers_as_text, placeholder_cells

    if kind == "builtin":
        import sklearn.datasets

        X, y = getattr(sklearn.datasets, f"load_{where}")(return_X_y=True)
        return X, y, len(y), X.shape[1], None
    try:
        sep = _separator(where)
        frame = _read_csv(where, na_values, default_na, sep)
        header = pd.read_csv(where, header=None, nrows=1, dtype=str, keep_default_na=False, sep=sep).iloc[0]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError,
            MemoryError) as exc:
        text = str(exc).strip().splitlines()
        fix = ""
        if isinstance(exc, UnicodeDecodeError):
            source = "utf-16" if _starts_with(where, (b"\xff\xfe", b"\xfe\xff")) else "latin1"  # UTF-16's marks
            fix = f"; it is not UTF-8: save it as UTF-8 (e.g. iconv -f {source} -t utf-8 in.csv > out.csv)"
        raise CommandError(f"cannot read {where} as CSV: {text[0] if text else type(exc).__name__}{fix}") from None
    if frame.shape[1] < 2:
        raise CommandError(f"{where} has {frame.shape[1]} column(s); it needs a target column and at least one "
                           "feature (is the separator a comma?)")
    if len(frame) == 0:
        raise CommandError(f"{where} has a header but no rows")
    note = None
    if target == "auto":
        target = "target" if "target" in frame.columns else str(frame.columns[-1])
        note = f"target: the column {target!r} ({'named target' if target == 'target' else 'the last one'}; " \
               "choose with --target)"
    if target not in frame.columns:
        close = [c for c in frame.columns if str(c).strip().lower() == str(target).strip().lower()]
        if close:
            raise CommandError(f"no column {target!r} in {where}; did you mean {str(close[0])!r}?")
        shown = ", ".join(map(str, frame.columns[:20])) + (" ..." if len(frame.columns) > 20 else "")
        raise CommandError(f"no column {target!r} in {where}; its columns are: {shown}")
    named = header[header.str.strip() != ""]  # (pandas names empty ones 'Unnamed: 1', 'Unnamed: 2')
    repeated = named[named.duplicated()]  # pandas would rename a second 'price' 'price.1': a copy of it could leak
    if len(repeated):
        raise CommandError(f"{where} has several columns named {repeated.iloc[0]!r}; give each column its own name")
    first = frame.columns[0]
    if (header.iloc[0].strip() == "" and first != target and frame[first].dtype.kind in "iuOT"
            and frame[first].notna().all() and frame[first].is_unique):
        # pandas' to_csv (index=True) and R's write.csv write the row index first, without a name: on a sorted
        # file it would tell the models each row's place, a leak; it is no feature
        frame = frame.drop(columns=[first])
        extra = ("left out the first column: it has no name and a different whole number or text in every row "
                 "(a row index)")
        note = f"{note}; {extra}" if note else extra
    y = frame[target]
    X = frame.drop(columns=[target])
    markers = _missing_markers(where, target, y, sep) if default_na and y.isna().any() else []
    if markers:  # rows without a target are left out: say which cells pandas read as missing
        extra = (f"target cells {', '.join(map(repr, markers[:5]))} were read as missing; if they are values, "
                 "pass --no-default-na")
        note = f"{note}; {extra}" if note else extra
    empty = [str(c) for c in X.columns if X[c].isna().all()]
    if len(empty) == X.shape[1]:
        raise CommandError(f"every feature column of {where} is empty")
    for column in ([] if task == "classification" else [target]) + list(X.columns):
        text = pd.api.types.is_string_dtype(frame[column].dtype)
        cells = placeholder_cells(frame[column]) if text else None
        if cells:  # numbers with a few placeholder cells: missing values, not categories
            raise CommandError(f"the column {str(column)!r} of {where} holds numbers but for "
                               f"{describe_placeholders(cells)}: if those mark missing values, pass --na-values "
                               f"{','.join(cells)}")
        found = numbers_as_text(frame[column]) if text else None
        if found:  # '355,792', '$12.50', '2020-01-05': one category per value, nothing the numbers say
            kind, example = found
            fix = {"dates or times": "turn them into numbers in the file (a year, a month, days since a date)",
                   "numbers with a decimal comma": "write them with a decimal point in the file (51.26, not 51,26)",
                   }.get(kind, "write them as plain numbers in the file (no thousands separators, currency or "
                               "percent signs)")
            other = "choose another --target" if column == target else "remove the column from the file"
            raise CommandError(f"the column {str(column)!r} of {where} holds {kind} written as text (such as "
                               f"{example!r}), which would be read as one category per value: {fix}, or {other}")
    if empty:
        X = X.drop(columns=empty)
        extra = f"left out {len(empty)} empty column(s): {', '.join(empty[:5])}" + (" ..." if len(empty) > 5 else "")
        note = f"{note}; {extra}" if note else extra
    y = y.astype(object).where(y.notna(), None).to_numpy() if y.dtype == object or str(y.dtype) in ("str", "string") \
        else y.to_numpy()
    return X, np.asarray(y), len(frame), X.shape[1], note


def _check_outputs(args):
    """Refuse output paths that cannot be written, before any work: each is tried (a file created and removed)."""
    if args.report:
        path = args.report
        if os.path.isdir(path):
            example = os.path.join(path, "report.html")
            raise CommandError(f"--report {path} is a folder; give a file name such as {example}")
        if path.endswith(("/", os.sep)):
            raise CommandError(f"--report {path} ends with a slash, which names a folder; give a file name such as "
                               f"{path.rstrip('/' + os.sep) or 'report.html'}")
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise CommandError(f"--report {path}: no such folder {parent} (create it first)")
        _try_writing(path, "--report")
    if args.plots:
        path = args.plots
        if os.path.exists(path) and not os.path.isdir(path):
            raise CommandError(f"--plots {path} is a file; give a folder (created if missing)")
        existing = os.path.abspath(path)
        while not os.path.exists(existing):
            existing = os.path.dirname(existing)
        if not os.path.isdir(existing):
            raise CommandError(f"--plots {path}: {existing} is a file, not a folder")
        _try_writing(os.path.join(existing, f".sknn-{os.getpid()}.png"), "--plots", shown=path)
    if args.report or args.plots:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise CommandError("--report and --plots need matplotlib: pip install 'sknn[plot]'") from None


def _try_writing(path, flag, shown=None):
    """Open ``path`` for appending (removed again if it did not exist): a place that cannot be written is named
    now, not after every model has been fitted (permissions alone do not tell, for root or /proc)."""
    existed = os.path.exists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as e:
        raise CommandError(f"{flag} {shown or path}: cannot write there ({(e.strerror or str(e)).lower()})") from None
    if not existed:
        os.remove(path)


def _check_report_is_not_an_input(report, sources):
    """The report must not overwrite a CSV that is read (a swapped argument would replace the data by the page)."""
    if report and os.path.exists(report):
        for _, kind, path, _ in sources:
            if kind == "csv" and os.path.samefile(report, path):
                raise CommandError(f"--report {report} is the data file {path}: give the report another name "
                                   "(such as report.html)")


# --------------------------------------------------------------------------- the command

def _compare(args):
    _check_outputs(args)
    sources = _sources(args)
    _check_report_is_not_an_input(args.report, sources)
    models = "default" if args.models == "default" else _names(args.models, "--models")
    scoring = _names(args.scoring, "--scoring") if args.scoring is not None else None
    if args.sort is not None:
        _names(args.sort, "--sort")
    want_figures = bool(args.report or args.plots)

    # everything below imports the heavy libraries
    import pandas as pd

    from . import _compare as impl
    from . import report

    loaded, plans = [], []
    for name, kind, where, target in sources:
        X, y, n_read, n_features, note = _load(kind, where, target, args.na_values, args.task, args.default_na)
        try:
            plan = impl.prepare(X, y, models=models, cv=args.cv, repeats=args.repeats, scoring=scoring,
                                sort=args.sort, test=args.test, alpha=args.alpha, rope=args.rope, n_jobs=args.n_jobs,
                                threads=args.threads, task=args.task, random_state=args.random_state,
                                time_budget=60.0 * args.time_budget if args.time_budget else None)
        except ValueError as exc:
            raise CommandError(f"{name}: {str(exc).splitlines()[0]}") from None
        loaded.append((name, n_read, n_features, note))
        plans.append(plan)

    started = time.perf_counter()
    results = []
    for i, ((name, n_read, n_features, note), plan) in enumerate(zip(loaded, plans)):
        if args.time_budget:
            left = 60.0 * args.time_budget - (time.perf_counter() - started)
            plan["time_budget"] = max(1.0, left / (len(plans) - i))
        first = report.describe_plan(plan, name, n_read, n_features, task_given=args.task != "auto")
        print(("\n" if i else "") + "\n".join(first + ([note] if note else [])), flush=True)
        out = impl.execute(plan, verbose=not args.quiet, return_fitted=want_figures, label=name)
        table, fitted = out if want_figures else (out, None)
        lines = report.describe(table, name, n_read, n_features, task_given=args.task != "auto")
        print("\n".join(lines[len(first):]))
        print()
        print(report.text_table(table))
        extra = report.notes(table)
        if extra:
            print("\nnotes:\n  " + "\n  ".join(extra))
        results.append(dict(name=name, table=table, fitted=fitted, X=plan.X, y=plan.y,
                            header=lines + ([note] if note else [])))

    ranks = None
    if len(results) > 1:
        try:
            ranks = impl.rank_datasets({r["name"]: r["table"] for r in results})
        except ValueError as exc:
            print(f"\nno ranks across data sets: {exc}")
        else:
            a = ranks.attrs
            print(f"\nAcross {a['n_datasets']} data sets: mean {a['metric']} and mean rank (1 = best)\n")
            with pd.option_context("display.width", 250, "display.max_columns", 50):
                print(ranks.to_string(float_format=report.format_number))
            print(f"\n{a.get('test', 'Friedman')} test p = {report._p(a['friedman_p'])}; critical difference "
                  f"(Nemenyi, alpha "
                  f"{a['alpha']:g}) = {a['cd']:.2f}: models whose mean ranks differ by less are not significantly "
                  "different over these data sets (Demšar 2006).")
            if a.get("left_out"):
                print(f"left out of the ranks (not scored on every data set): {', '.join(a['left_out'])}")

    if want_figures:
        for r in results:
            r["figures"] = report.figures(r["table"], r["fitted"], r["X"], r["y"])
        rank_fig = report.rank_figure(ranks) if ranks is not None else None
        if args.plots:
            os.makedirs(args.plots, exist_ok=True)
            written = []
            for r, slug in zip(results, report.slugs(r["name"] for r in results)):
                prefix = "" if len(results) == 1 else slug + "_"
                for key, (_, png) in r["figures"].items():
                    written.append(os.path.join(args.plots, f"{prefix}{key}.png"))
                    with open(written[-1], "wb") as f:
                        f.write(png)
            if rank_fig is not None:
                written.append(os.path.join(args.plots, "critical_difference.png"))
                with open(written[-1], "wb") as f:
                    f.write(rank_fig[1])
            print(f"\nplots: {', '.join(written)}")
        if args.report:
            page = report.html_report(results, ranks=ranks, rank_fig=rank_fig)
            with open(args.report, "w", encoding="utf-8") as f:
                f.write(page)
            print(f"report: {args.report}")
    return 0


def build_parser():
    from .compare import DEFAULT_REPEATS, SMALL_DATA

    parser = _Parser(prog="sknn", description="sknn: neural networks as scikit-learn estimators.")
    parser.add_argument("--version", action="version", version=f"sknn {_version()}",
                        help="print sknn's version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    p = sub.add_parser(
        "compare", help="cross-validate sknn's network beside scikit-learn's models and test the differences",
        description="Cross-validate a baseline, a linear model, a random forest, gradient boosting (scikit-learn's, "
                    "and LightGBM, XGBoost, CatBoost when installed) and sknn's network on the same repeated folds; "
                    "print each model's metrics and times, and whether it is distinguishable from the best.",
        epilog="Examples: sknn compare | sknn compare --csv churn.csv --target churned --report report.html | "
               "sknn compare --csv a.csv --target y --csv b.csv --target z | sknn compare --csv folder/")
    g = p.add_argument_group("data")
    g.add_argument("--data", action="append", metavar="NAME",
                   help=f"built-in data set(s), comma-separated or repeated: {', '.join(BUILT_IN)} (default: digits "
                        "when no --csv)")
    g.add_argument("--csv", action="append", metavar="PATH",
                   help="a CSV file with a header row, or a folder of CSV files; repeat for several data sets "
                        "(a header without commas but with semicolons or tabs: those separate the fields, and "
                        "numbers may have a decimal comma)")
    g.add_argument("--target", action="append", metavar="COLUMN",
                   help="the column to predict: one per --csv in the same order, or one for all (in a folder "
                        "without --target: the column named 'target', else the last one)")
    g.add_argument("--na-values", type=lambda text: [v for v in text.split(",") if v], default=[],
                   metavar="STRINGS", help="comma-separated strings that mark a missing cell in the CSV files, e.g. "
                                           "'?,-' (besides pandas' own: empty, NA, NaN, None, null...)")
    g.add_argument("--no-default-na", dest="default_na", action="store_false",
                   help="read only empty cells (and --na-values) as missing: 'NA', 'None', 'null'... stay values")
    g.add_argument("--task", choices=("auto", "classification", "regression"), default="auto",
                   help="what to predict; auto decides from the target's values and says why (default: auto)")
    g = p.add_argument_group("protocol")
    g.add_argument("--cv", type=_int_at_least(2, "--cv"), default=5, metavar="K",
                   help="folds of k-fold cross-validation, stratified for classification (default: 5)")
    g.add_argument("--repeats", type=_int_at_least(1, "--repeats"), default=None, metavar="R",
                   help=f"times the k-fold split is drawn, shuffled anew each time (default: {DEFAULT_REPEATS[0]} "
                        f"below {SMALL_DATA:,} rows, else {DEFAULT_REPEATS[1]})")
    g.add_argument("--scoring", metavar="METRICS",
                   help="comma-separated metrics: accuracy, balanced_accuracy, log_loss, roc_auc, f1_macro, r2, rmse, "
                        "mae or any scikit-learn scorer name (default: balanced_accuracy, accuracy, log_loss, "
                        "roc_auc, f1_macro; regression: r2, rmse, mae)")
    g.add_argument("--sort", metavar="METRIC",
                   help="the metric that ranks the models and that the test uses (default: the first of --scoring)")
    g.add_argument("--test", choices=("t-test", "bayesian"), default="t-test",
                   help="each model against the best: corrected resampled t-test (Nadeau & Bengio 2003) or "
                        "Bayesian correlated t-test (Benavoli et al. 2017) (default: t-test)")
    g.add_argument("--alpha", type=_positive("--alpha", below=1), default=0.05,
                   help="significance level of the test (default: 0.05)")
    g.add_argument("--rope", type=_non_negative("--rope"), default=0.01,
                   help="Bayesian test: differences smaller than this are practically equivalent (default: 0.01)")
    g.add_argument("--models", default="default", metavar="NAMES",
                   help="comma-separated among dummy, linear, forest, boosting, lightgbm, xgboost, catboost, network "
                        "(default: all installed; the dummy baseline is always added)")
    g.add_argument("--random-state", type=_int_at_least(0, "--random-state"), default=0, metavar="SEED",
                   help="seed of the folds and the models (default: 0)")
    g = p.add_argument_group("resources")
    g.add_argument("--n-jobs", type=_n_jobs, default=-1, metavar="N",
                   help="worker processes fitting in parallel (default: -1, one per core)")
    g.add_argument("--threads", type=_threads, default="auto", metavar="T",
                   help="threads per fit, torch/BLAS/OpenMP included (default: auto, the cores shared among the "
                        "workers; one when OMP_NUM_THREADS=1 or when the machine is already busy)")
    g.add_argument("--time-budget", type=_positive("--time-budget"), metavar="MINUTES",
                   help="stop adding repeats, or skip the slowest models, to finish in about this many minutes "
                        "(every model gets at least one fold)")
    g = p.add_argument_group("output")
    g.add_argument("--report", metavar="PATH",
                   help="write a self-contained HTML report: tables, score distributions, times, training "
                        "curves, confusion matrix, critical-difference diagram")
    g.add_argument("--plots", metavar="DIR", help="write the report's figures as PNG files into DIR")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _version():
    from . import __version__

    return __version__


def main(argv=None):
    """The ``sknn`` command: returns the exit status (0, 2 for a problem with the input, 1 otherwise)."""
    args = build_parser().parse_args(argv)
    prefix = f"sknn {args.command}: error:"
    try:
        return _compare(args)
    except CommandError as exc:
        print(f"{prefix} {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sknn {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get(_TRACEBACK_ENV):
            raise
        text = str(exc).strip().splitlines()
        print(f"{prefix} {text[0] if text else type(exc).__name__}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a bug: one line, and how to see the traceback
        if os.environ.get(_TRACEBACK_ENV):
            raise
        text = str(exc).strip().splitlines()
        print(f"{prefix} {type(exc).__name__}: {text[0] if text else ''} (an unexpected failure; run again with "
              f"{_TRACEBACK_ENV}=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
