"""The ``sknn`` command line.

    sknn compare                                   # scikit-learn's digits, 5-fold CV, every model
    sknn compare --csv churn.csv --target churned --report report.html --plots plots/
    sknn compare --csv a.csv --target y --csv b.csv --target z     # several data sets: mean ranks
    sknn compare --csv tables/                      # every CSV of a folder

The arguments are parsed, and every input and output path checked, before torch,
scikit-learn or pandas are imported and before any model is fitted: ``sknn --help``
answers at once, and a mistake costs one line and exit status 2, never a traceback.
"""

import argparse
import os
import re
import sys
import time

from ._csv_files import CommandError
from ._csv_files import load as _load

BUILT_IN = ("digits", "iris", "wine", "breast_cancer", "diabetes")
# the files of a folder read (pandas decompresses); the folder's other files and its subfolders are named in a note
_CSV_EXTENSIONS = (".csv", ".tsv", ".tab")
_CSV_NAMES = tuple(name + packed for name in _CSV_EXTENSIONS for packed in ("", ".gz", ".bz2", ".xz", ".zip"))
_CSV_SHOWN = ", ".join(_CSV_EXTENSIONS[:-1]) + " or " + _CSV_EXTENSIONS[-1]  # '.csv, .tsv or .tab'
_TRACEBACK_ENV = "SKNN_TRACEBACK"


class _Once(argparse.Action):
    """Store an option's value, refusing the option given twice (argparse keeps the last one without a word)."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given", set())
        if self.dest in given:
            parser.error(f"{option_string} is given twice; give it once")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but arguments no option takes are named by the command they were given to, and a file
        given without --csv is told the option."""
        args, extras = self.parse_known_args(args, namespace)
        if extras:
            prog = " ".join([self.prog, *([args.command] if getattr(args, "command", None) else [])])
            path = next((a for i, a in enumerate(extras) if not a.startswith("-") and os.path.exists(a)
                         and not (i and extras[i - 1].startswith("-"))), None)  # (not an unknown option's value)
            hint = f"; a CSV file or folder is given as --csv {path}" if path else ""
            self.exit(2, f"{prog}: error: unrecognized arguments: {' '.join(extras)}{hint} (see {prog} --help)\n")
        return args


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
        if option == "--sort":  # (one metric)
            raise CommandError("--sort names nothing; give one metric, e.g. --sort accuracy")
        raise CommandError(f"{option} names nothing; give comma-separated names, e.g. {option} "
                           + {"--models": "linear,network", "--data": "iris,wine"}.get(option, "accuracy,f1_macro"))
    return names


# --------------------------------------------------------------------------- inputs

def _sources(args, skipped=None):
    """[(name, kind, path_or_dataset, target or None)] in the order given, checked before any work; the files of a
    folder that are not read (not .csv, .tsv or .tab, compressed or not) and its subfolders (not read either,
    named with a '/' after them) are appended to ``skipped``, if given."""
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
            entries = sorted(os.listdir(path))
            regular = [f for f in entries if os.path.isfile(os.path.join(path, f))]
            files = [f for f in regular if f.lower().endswith(_CSV_NAMES)]
            # the other files, and the subfolders (named 'sub/'), which are not read either
            names = [f if f in regular else f + os.sep for f in entries if f not in files and not f.startswith(".")
                     and (f in regular or os.path.isdir(os.path.join(path, f)))]
            others = [os.path.join(path, f) for f in names]
            if not files:
                shown = f" (it holds {', '.join(names[:5])}" + (" ...)" if len(names) > 5 else ")") if names else ""
                sub = " (or a subfolder)" if any(n.endswith(os.sep) for n in names) else ""
                raise CommandError(f"no {_CSV_SHOWN} file in the folder {path}{shown}; give a file of another name"
                                   f"{sub} with --csv PATH")
            if skipped is not None:
                skipped += others
            out += [(f, "csv", os.path.join(path, f), target) for f in files]  # (None: chosen by _load)
            continue
        if not path.strip():
            raise CommandError("--csv is empty: give the path of a CSV file (or of a folder of them)")
        if not os.path.exists(path):
            raise CommandError(f"no such file: {path}")
        if not os.path.isfile(path):
            raise CommandError(f"not a regular file: {path}")
        if not os.access(path, os.R_OK):
            raise CommandError(f"cannot read {path}: permission denied")
        if target is None:
            raise CommandError(f"--csv {path} needs --target COLUMN: the column to predict")
        out.append((os.path.basename(path), "csv", path, target))
    keys = [(kind, os.path.realpath(p) if kind == "csv" else p, t) for _, kind, p, t in out]
    twice = next((out[i] for i, key in enumerate(keys) if key in keys[:i]), None)
    if twice is not None:  # (ranked across data sets, one counted twice would weigh twice)
        given = f"--data {twice[2]}" if twice[1] == "builtin" else f"the file {twice[2]}" + (
            f" with --target {twice[3]}" if twice[3] is not None else "")
        raise CommandError(f"{given} is given twice: give each data set once (the ranks across data sets would "
                           "count it twice)")
    names = [o[0] for o in out]
    if len(set(names)) < len(names):  # two files of the same name from different folders: their paths
        out = [(p if kind == "csv" and names.count(n) > 1 else n, kind, p, t) for n, kind, p, t in out]
    seen, unique = {}, []
    for n, kind, p, t in out:  # the same data set twice: numbered
        seen[n] = seen.get(n, 0) + 1
        unique.append((n if seen[n] == 1 else f"{n} #{seen[n]}", kind, p, t))
    return unique


def _check_outputs(args):
    """Refuse output paths that cannot be written, before any work: each is tried (a file created and removed)."""
    for flag, value, example in (("--report", args.report, "report.html"), ("--plots", args.plots, "plots/")):
        if value is not None and not value.strip():  # --report "$OUT" with OUT unset
            raise CommandError(f"{flag} is given an empty path; give a file name such as {example}")
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
        if not os.path.exists(path) and path.lower().endswith((".png", ".svg", ".pdf", ".jpg", ".html")):
            raise CommandError(f"--plots {path} names a file, but --plots takes a folder (created if missing) for "
                               f"its PNG files: give one such as {os.path.splitext(path)[0] or 'plots'}/")
        existing = os.path.abspath(path)
        while not os.path.exists(existing):
            existing = os.path.dirname(existing)
        if not os.path.isdir(existing):
            raise CommandError(f"--plots {path}: {existing} is a file, not a folder")
        _try_writing(os.path.join(existing, f".sknn-{os.getpid()}.png"), "--plots", shown=path)
    if args.report and args.plots and os.path.abspath(args.report) == os.path.abspath(args.plots):
        raise CommandError(f"--report and --plots are both {args.plots}: the report is a file, the plots a folder; "
                           "give them different paths")
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


# the Python API's words in compare's messages, and the command's options that say the same
_API_WORDS = ((re.compile(r"^cv=(\d+)"), r"--cv \1"), (re.compile(r"^repeats=(\d+)"), r"--repeats \1"),
              (re.compile(r"^rope=(\S+) "), r"--rope \1 "),
              (re.compile(r"^random_state must be an int from 0 to 2\*\*32 - 1 (\([^)]*\)), None or a numpy "
                          r"RandomState; got (.*)$"), r"--random-state must be a whole number from 0 to 4294967295 \1, "
                                                      r"got \2"),
              (re.compile(r", or pass a dict of name -> estimator\.$"), "."),
              # the Python API's arguments and code, as the command's options or the file's edits
              (re.compile(r"task='(\w+)' \((?:or )?--task \1\)"), r"--task \1"),
              (re.compile(r"task='(\w+)'"), r"--task \1"),
              (re.compile(r"\(sort=\.\.\., --sort\)"), "(--sort)"),
              (re.compile(r"sort='(\w+)' or '(\w+)'"), r"--sort \1 or --sort \2"),
              (re.compile(r"sort='([^']+)'"), r"--sort \1"),
              (re.compile(r"\(X\.drop\(columns=(?:'[^']*'|\"[^\"]*\")\)\)"), "(leave the column out of the file)"),
              (re.compile(r" first \(y\.str\.strip\(\)\)"), " in the file first"),
              (re.compile(r"keep the first copy \([^;]*; then X\[keep\], y\[keep\]\)"),
               "keep the first copy (remove the others from the file)"),
              (re.compile(r"\(cv=GroupedFolds\(5, groups\), from sknn\.compare\)"),
               "(--groups COLUMN, a column naming each record)"),
              (re.compile(r" first \(y\.str\.normalize\('NFC'\).*\)\.$"),
               " in the file first (one Unicode form, NFC, and no zero-width characters)."),
              (re.compile(r"use 5 splits or more \(repeats, or a splitter of more splits\)"),
               "use 5 splits or more (--cv, --repeats)"),
              (re.compile(r": the rows of cv_splits and of the predictions are the (\d+) kept, .*$"),
               r": the rows compared are the \1 kept"))


def _target_named(message, target):
    """A message of compare's about ``y`` as the command's user reads it: about the file's target column."""
    if target is None:
        return message
    named = f"the target column {str(target)!r}"
    return re.sub(r"^(Every (?:value|class) of )?y\b(?!')", lambda m: (m.group(1) or "") + named, message, count=1)


def _in_options(message):
    """A message of compare's Python API as the command's user reads it: its options, not its arguments."""
    for pattern, option in _API_WORDS:
        message = pattern.sub(option, message)
    return message


def _tolerant_output():
    """Standard output and error that write a character their encoding lacks as an escape (the result table's '±' on
    an ASCII terminal, PYTHONIOENCODING=ascii or a C locale, failed the command after all its fits); returns what
    puts their error handlers back (main called from Python code leaves its caller's streams as they were)."""
    streams = [s for s in (sys.stdout, sys.stderr) if hasattr(s, "reconfigure") and hasattr(s, "errors")]
    handlers = [s.errors for s in streams]
    for stream in streams:
        stream.reconfigure(errors="backslashreplace")
    return lambda: [stream.reconfigure(errors=h) for stream, h in zip(streams, handlers)]


def _shown(text):
    """``text`` for standard output: '±' as '+/-' where its encoding has no '±'."""
    try:
        "±".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return text.replace("±", "+/-")
    return text


def _grouped(X, y, args, target, where):
    """(X without the column ``--groups`` names, y, the folds that keep its groups whole, a note): rows without a
    target left out first (compare would renumber the rows after the groups were read), and said."""
    import unicodedata

    import numpy as np

    from ._compare_defaults import default_repeats
    from ._compare_lineup import _is_missing, detect_task
    from ._compare_splits import GroupedFolds

    column, columns = args.groups, list(getattr(X, "columns", ()))
    same = [c for c in columns if unicodedata.normalize("NFC", str(c)) == unicodedata.normalize("NFC", column)]
    column = same[0] if column not in columns and len(same) == 1 else column  # (a header's NFD, as for --target)
    if column not in columns:
        close = [c for c in columns if str(c).strip().lower() == column.strip().lower()]
        why = ("; did you mean {!r}?".format(str(close[0])) if close else ": it is the target" if column == str(target)
               else f"; its feature columns are: {', '.join(map(str, columns[:20]))}" + " ..." * (len(columns) > 20))
        raise CommandError(f"--groups {column!r}: no such feature column in {where}{why}")
    if len(columns) == 1:
        raise CommandError(f"--groups {column!r} is the only feature column of {where}: the models need features "
                           "besides the groups")
    keep = ~_is_missing(np.asarray(y))
    X, y = X[keep].reset_index(drop=True), np.asarray(y)[keep]
    groups = X.pop(column)
    if groups.isna().any():
        raise CommandError(f"--groups {column!r}: {int(groups.isna().sum())} row(s) of {where} have no group; give "
                           "each row its group in the file, or leave those rows out")
    task = args.task if args.task != "auto" else detect_task(y)
    asked = args.repeats or default_repeats(len(y))
    repeats = asked
    while True:  # (the default repeats: as many as the groups give new folds for)
        folds = GroupedFolds(args.cv, groups.astype(str).to_numpy(), repeats, stratify=task == "classification",
                             random_state=args.random_state)
        try:
            list(folds.split(X, y))
            break
        except ValueError:
            if args.repeats or repeats == 1:
                raise
            repeats -= 1
    fewer = f", {repeats} repeat(s) of the {asked}: the groups give no more new folds" * (repeats < asked)
    left = f"; {int((~keep).sum())} row(s) without a target left out" * bool((~keep).sum())
    return X, y, folds, (f"groups: the column {column!r}, {groups.nunique()} groups of rows; each fold tests whole "
                         f"groups (the column is no feature){fewer}{left}")


# --------------------------------------------------------------------------- the command

def _compare(args):
    if args.rope is not None and args.test != "bayesian":  # the t-test has no region of practical equivalence
        raise CommandError("--rope sets the Bayesian test's region of practical equivalence: add --test bayesian, or "
                           "leave --rope out")
    _check_outputs(args)
    skipped = []
    sources = _sources(args, skipped)
    _check_report_is_not_an_input(args.report, sources)
    builtin = next((where for _, kind, where, _ in sources if kind == "builtin"), None)
    if args.groups is not None and builtin is not None:  # (before any data set is compared)
        raise CommandError(f"--groups names a column of the --csv files; the built-in data set {builtin} has none")
    models = "default" if args.models == "default" else _names(args.models, "--models")
    scoring = _names(args.scoring, "--scoring") if args.scoring is not None else None
    if args.sort is not None:
        _names(args.sort, "--sort")
    want_figures = bool(args.report or args.plots)

    # everything below imports the heavy libraries
    import pandas as pd

    from . import _compare as impl
    from . import report

    if skipped:  # (a folder's .txt or .json files, its subfolders: a note, not a silence)
        print(f"not read (not {_CSV_SHOWN} files; to read one, give it with --csv PATH): "
              f"{', '.join(skipped[:10])}{' ...' if len(skipped) > 10 else ''}\n", flush=True)
    loaded, plans = [], []
    for name, kind, where, target in sources:
        X, y, n_read, n_features, note = _load(kind, where, target, args.na_values, args.task, args.default_na)
        cv, repeats = args.cv, args.repeats
        try:
            if args.groups is not None:
                X, y, cv, grouped = _grouped(X, y, args, target, where)
                n_features, repeats, note = n_features - 1, None, f"{note}; {grouped}" if note else grouped
            plan = impl.prepare(X, y, models=models, cv=cv, repeats=repeats, scoring=scoring,
                                sort=args.sort, test=args.test, alpha=args.alpha,
                                rope=0.01 if args.rope is None else args.rope, n_jobs=args.n_jobs,
                                threads=args.threads, task=args.task, random_state=args.random_state,
                                time_budget=60.0 * args.time_budget if args.time_budget else None)
        except ValueError as exc:
            raise CommandError(f"{name}: {_target_named(_in_options(str(exc).splitlines()[0]), target)}") from None
        loaded.append((name, n_read, n_features, note))
        plans.append(plan)

    started = time.perf_counter()
    results = []
    for i, ((name, n_read, n_features, note), plan) in enumerate(zip(loaded, plans)):
        if args.time_budget:
            left = 60.0 * args.time_budget - (time.perf_counter() - started)
            plan["time_budget"] = max(1.0, left / (len(plans) - i))
        first = report.describe_plan(plan, name, n_read, n_features, task_given=args.task != "auto")
        print(_shown(("\n" if i else "") + "\n".join(first + ([note] if note else []))), flush=True)
        out = impl.execute(plan, verbose=not args.quiet, return_fitted=want_figures, label=name)
        table, fitted = out if want_figures else (out, None)
        lines = report.describe(table, name, n_read, n_features, task_given=args.task != "auto")
        print(_shown("\n".join(lines[len(first):])))
        print()
        print(_shown(report.text_table(table)))
        extra = report.notes(table)
        if extra:
            print(_shown("\nnotes:\n  " + "\n  ".join(map(_in_options, extra))))
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
            print(f"\n{report.rank_test_sentence(a)}")
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
            page = report.html_report(results, ranks=ranks, rank_fig=rank_fig, say=_in_options)
            with open(args.report, "w", encoding="utf-8", errors="backslashreplace") as f:  # (a name's lone
                f.write(page)  # surrogate, from a file name's bytes that are not UTF-8: escaped, not a failure)
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
                   help=f"a CSV file with a header row, or a folder of CSV files ({', '.join(_CSV_EXTENSIONS)}); "
                        "repeat for several data sets (the separator, a comma, semicolon or tab, is the one that "
                        "splits the header and the first rows alike; with semicolons or tabs numbers may have a "
                        "decimal comma)")
    g.add_argument("--target", action="append", metavar="COLUMN",
                   help="the column to predict: one per --csv in the same order, or one for all (in a folder "
                        "without --target: the column named 'target', else the last one)")
    g.add_argument("--na-values", action=_Once, type=lambda text: [v for v in text.split(",") if v], default=[],
                   metavar="STRINGS", help="comma-separated strings that mark a missing cell in the CSV files, e.g. "
                                           "'?,-' (besides pandas' own: empty, NA, NaN, None, null...)")
    g.add_argument("--no-default-na", dest="default_na", action="store_false",
                   help="read only empty cells (and --na-values) as missing: 'NA', 'None', 'null'... stay values")
    g.add_argument("--task", action=_Once, choices=("auto", "classification", "regression"), default="auto",
                   help="what to predict; auto decides from the target's values and says why (default: auto)")
    g = p.add_argument_group("protocol")
    g.add_argument("--cv", action=_Once, type=_int_at_least(2, "--cv"), default=5, metavar="K",
                   help="folds of k-fold cross-validation, stratified for classification (default: 5)")
    g.add_argument("--groups", action=_Once, metavar="COLUMN",
                   help="a column that groups the rows (a patient, a school, a store): each fold tests whole groups, "
                        "none a model trained on (stratified for classification); the column is no feature")
    g.add_argument("--repeats", action=_Once, type=_int_at_least(1, "--repeats"), default=None, metavar="R",
                   help=f"times the k-fold split is drawn, shuffled anew each time (default: {DEFAULT_REPEATS[0]} "
                        f"below {SMALL_DATA:,} rows, else {DEFAULT_REPEATS[1]})")
    g.add_argument("--scoring", action=_Once, metavar="METRICS",
                   help="comma-separated metrics: accuracy, balanced_accuracy, log_loss, roc_auc, f1_macro, r2, rmse, "
                        "mae or any scikit-learn scorer name (default: balanced_accuracy, accuracy, log_loss, "
                        "roc_auc, f1_macro; regression: r2, rmse, mae)")
    g.add_argument("--sort", action=_Once, metavar="METRIC",
                   help="the metric that ranks the models and that the test uses (default: the first of --scoring)")
    g.add_argument("--test", action=_Once, choices=("t-test", "bayesian"), default="t-test",
                   help="each model against the best: corrected resampled t-test (Nadeau & Bengio 2003) or "
                        "Bayesian correlated t-test (Benavoli et al. 2017) (default: t-test)")
    g.add_argument("--alpha", action=_Once, type=_positive("--alpha", below=1), default=0.05,
                   help="significance level of the test (default: 0.05)")
    g.add_argument("--rope", action=_Once, type=_non_negative("--rope"), default=None,
                   help="with --test bayesian: differences smaller than this are practically equivalent (default: "
                        "0.01)")
    g.add_argument("--models", action=_Once, default="default", metavar="NAMES",
                   help="comma-separated among dummy, linear, forest, boosting, lightgbm, xgboost, catboost, network "
                        "(default: all installed; the dummy baseline is always added)")
    g.add_argument("--random-state", action=_Once, type=_int_at_least(0, "--random-state"), default=0, metavar="SEED",
                   help="seed of the folds and the models (default: 0)")
    g = p.add_argument_group("resources")
    g.add_argument("--n-jobs", action=_Once, type=_n_jobs, default=-1, metavar="N",
                   help="worker processes fitting in parallel (default: -1, one per core)")
    g.add_argument("--threads", action=_Once, type=_threads, default="auto", metavar="T",
                   help="threads per fit, torch/BLAS/OpenMP included (default: auto, the cores shared among the "
                        "workers; one when OMP_NUM_THREADS=1 or when the machine is already busy)")
    g.add_argument("--time-budget", action=_Once, type=_positive("--time-budget"), metavar="MINUTES",
                   help="stop adding repeats, or skip the slowest models, to finish in about this many minutes "
                        "(every model gets at least one fold; each data set at least a second)")
    g = p.add_argument_group("output")
    g.add_argument("--report", action=_Once, metavar="PATH",
                   help="write a self-contained HTML report: tables, score distributions, times, training "
                        "curves, confusion matrix, critical-difference diagram")
    g.add_argument("--plots", action=_Once, metavar="DIR", help="write the report's figures as PNG files into DIR")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _version():
    from . import __version__

    return __version__


def _one_line(text):
    """``text`` with its line breaks written '\\n' (a column's name can hold one: 'Weight\\n(kg)')."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def main(argv=None):
    """The ``sknn`` command: returns the exit status (0, 2 for a problem with the input, 1 otherwise)."""
    restore = _tolerant_output()
    try:
        return _main(argv)
    finally:
        restore()


def _main(argv):
    args = build_parser().parse_args(argv)
    prefix = f"sknn {args.command}: error:"
    try:
        return _compare(args)
    except CommandError as exc:
        print(f"{prefix} {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sknn {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output stopped (| head): nothing to say, as other commands
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python's own flush at exit would fail)
        return 1
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get(_TRACEBACK_ENV):
            raise
        text = str(exc).strip().splitlines()
        print(f"{prefix} {_in_options(text[0]) if text else type(exc).__name__}", file=sys.stderr)
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
