"""Text and HTML renderings of :func:`sknn.compare` results (used by ``sknn compare``).

* :func:`describe` — the header lines of one data set: task and why, rows left out,
  classes, protocol, test.
* :func:`text_table` — the table for a terminal, grouped by the significance test.
* :func:`figures` — the report's figures as PNG bytes.
* :func:`html_report` — one self-contained HTML page for one or several data sets.
"""

import base64
import datetime
import html
import io
import math
import os
import warnings
from collections import Counter

__all__ = ["describe", "describe_plan", "text_table", "notes", "figures", "html_report", "GROUP_TITLES"]

GROUP_TITLES = {1: "The best, and the models not distinguishable from it",
                2: "Worse than the best",
                3: "Not scored",
                4: "Better than the best where scored (its fits failed on other splits)"}
_TEST_NAMES = {"t-test": "corrected resampled t-test (Nadeau & Bengio 2003), Holm-adjusted",
               "bayesian": "Bayesian correlated t-test (Benavoli et al. 2017)"}


def format_number(v, digits=4, scale=None):
    """``digits`` decimals; in scientific notation (``digits`` significant figures) when the value, or the
    ``scale`` it goes with (a standard deviation's mean), is below 0.001 or from a million up, where fixed
    decimals would print 0.0000 for every model or a number too long to read."""
    if _missing(v):
        return "-"
    magnitude = abs(v if _missing(scale) else scale)
    if magnitude != 0 and math.isfinite(magnitude) and not 1e-3 <= magnitude < 1e6:
        return f"{v:.{max(digits - 1, 0)}e}"
    return f"{v:.{digits}f}"


def _check(table, user):
    from .plot import _check_table  # (plot imports matplotlib in its functions only)

    _check_table(table, user)


def _missing(v):
    """:func:`sknn._text_checks.is_missing` (None, NaN of any float type, pandas' NA), imported at the first number
    printed: with torch, which importing this module (the command's start) does without."""
    from ._text_checks import is_missing

    return is_missing(v)


def _seconds(v):
    if _missing(v):
        return "-"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def _p(v):
    if _missing(v):
        return "-"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def significance_sentence(table):
    """One sentence: which test, on which metric, at which level."""
    _check(table, "report.significance_sentence reads")
    a = table.attrs
    test = a.get("test", "t-test")
    what = _TEST_NAMES.get(test, test)
    if test == "t-test":
        rule = f"'worse' when p < {a.get('alpha', 0.05):g} (Holm-adjusted)"
    else:
        rope, width = a.get("rope", 0.01), a.get("rope_width")
        if width is not None and math.isfinite(width) and not math.isclose(width, rope):  # unbounded: relative
            rope = f"{width:.3g} ({rope:g} of the best's {a.get('sort')})"
        else:
            rope = f"{rope:g}"
        rule = (f"'worse' when 1 - P(best better by > rope {rope}), Holm-adjusted over the models, is at most "
                f"{a.get('alpha', 0.05):g}; 'equivalent' when P(within the rope) >= {1 - a.get('alpha', 0.05):.2f}")
    return (f"each model against the best on {a.get('sort')}: {what}; {rule}; ±: the standard deviation over the "
            "splits")


def _data_lines(a, name, n_read, n_features, task_given):
    lines = []
    n = a.get("n_samples")
    dropped = a.get("n_dropped", 0)
    lines.append(f"{name}: {n} rows" + (f", {n_features} feature{'' if n_features == 1 else 's'}"
                                        if n_features is not None else ""))
    if dropped:
        total = n_read if n_read is not None else n + dropped
        lines.append(f"rows: {dropped} of {total} have no target value and were left out ({n} used)")
    other = "regression" if a["task"] == "classification" else "classification"
    why = "chosen with --task" if task_given else a.get("task_reason", "")
    lines.append(f"task: {a['task']} ({why}; override with --task {other})")
    counts = a.get("class_counts") or {}
    if a["task"] == "classification" and counts:
        total = sum(counts.values())
        top, low = max(counts, key=counts.get), min(counts, key=counts.get)
        if counts[top] == counts[low]:
            lines.append(f"classes: {len(counts)}, each {counts[top] / total:.1%} of the rows")
        else:
            lines.append(f"classes: {len(counts)}; the largest, {top!r}, is {counts[top] / total:.1%} of the rows, "
                         f"the smallest, {low!r}, {counts[low] / total:.1%}")
    return lines


def describe_plan(plan, name, n_read=None, n_features=None, task_given=False):
    """The header lines known before the fits: data, rows left out, task and why, classes."""
    a = {"n_samples": len(plan.y), "n_dropped": plan.n_dropped, "task": plan.task, "task_reason": plan.task_reason,
         "class_counts": plan.class_counts}
    return _data_lines(a, name, n_read, n_features, task_given)


def describe(table, name, n_read=None, n_features=None, task_given=False):
    """The header lines of a data set's table: those of :func:`describe_plan`, then the protocol and the test."""
    _check(table, "report.describe reads")
    a = table.attrs
    lines = _data_lines(a, name, n_read, n_features, task_given)
    reps = a.get("repeats", 1)
    protocol = f"{a.get('cv')}-fold cross-validation" + (f" x {reps} repeats" if reps > 1 else "")
    n_splits = len(a.get("cv_splits", []))
    tested = Counter(int(i) for _, test in a.get("cv_splits", [])[:a.get("cv") or 0] for i in test)
    if n_splits and a.get("n_samples") and (len(tested) != a["n_samples"] or set(tested.values()) != {1}):
        protocol = (f"{a.get('cv')} train/test splits" + (f" x {reps} repeats" if reps > 1 else "")
                    + f" (not k-fold: {a['n_samples'] - len(tested)} rows never tested"
                    + (", some tested more than once" if set(tested.values()) - {1} else "") + ")")
    why = a.get("threads_reason")
    lines.append(f"protocol: {protocol} ({n_splits} splits, the same for every model); {a.get('n_jobs')} worker(s) x "
                 f"{a.get('threads')} thread(s) per fit" + (f" ({why})" if why else "")
                 + f"; {a.get('elapsed', 0):.0f} s")
    lines.append(f"test: {significance_sentence(table)}")
    return lines


def notes(table, width=600):
    """Lines about what did not go as planned: skipped models, a shortened run, failures, warnings (a warning cut
    at ``width`` characters: long enough to keep the fix sknn's warnings end with)."""
    _check(table, "report.notes reads")
    a = table.attrs
    out = []
    for model, why in a.get("skipped", {}).items():
        out.append(f"{model}: {why}")
    if a.get("stopped"):
        out.append(a["stopped"])
    for model, message in a.get("errors", {}).items():
        out.append(f"{model}: a fit failed: {message}")
    n_splits = len(a.get("cv_splits", [])) or 1
    for model, warned in a.get("warnings", {}).items():
        for message, count in sorted(warned.items(), key=lambda kv: -kv[1]):
            line = f"{model}: {count}/{n_splits} fits warned: {message}"
            out.append(line if len(line) <= width else line[:width - 3] + "...")
    scores = a.get("scores")
    if scores is not None and len(scores) and "failed_fits" in table:
        raised = scores[scores["metric"] == "fit_time"].groupby("model")["score"].apply(lambda s: int(s.isna().sum()))
        for model, count in table["failed_fits"].items():
            unscored = int(count) - int(raised.get(model, 0))
            if unscored > 0:  # fitted, but its predictions could not be scored (NaN predictions, say)
                out.append(f"{model}: {a.get('sort')} could not be scored on {unscored} of {n_splits} splits where "
                           "other models were (see its warnings): they count as failed fits, so it cannot be the best")
    for metric in a.get("scoring", []) if scores is not None and len(scores) else []:
        rows = scores[scores["metric"] == metric]
        # splits no model has a score on (a metric undefined there) are said once, in attrs['notes']
        n_defined = int(rows.groupby("split")["score"].apply(lambda s: s.notna().any()).sum())
        scored = rows.groupby("model", sort=False)["score"]
        partial = [(m, int(s.notna().sum()), n_defined) for m, s in scored if 0 < s.notna().sum() < n_defined]
        if partial:  # a mean over the splits a metric could be computed on is not the others' mean
            shown = ", ".join(f"{m} {k} of {n}" for m, k, n in partial[:4]) + (" ..." if len(partial) > 4 else "")
            out.append(f"{metric}: means over the splits it could be scored on ({shown})")
    out += list(a.get("notes", []))
    return out


def _metric_columns(table):
    return [c[:-5] for c in table.columns if c.endswith("_mean")]


def _best_values(table):
    """metric -> the best mean (max, or min for lower-is-better) among the models scored on every split, the
    baseline included (where it scores best, no model is shown better than it); the shortest times, the baseline
    aside (it always is). A model whose fit failed on some splits is no candidate: its mean is over the others."""
    from .plot import _scored_splits  # (the one count of the splits each model was scored on)

    lower = set(table.attrs.get("lower_is_better", ()))
    roles = table.attrs.get("roles", {})
    out = {}
    def complete(metric):  # the models scored on every split of the metric
        return [name for name, (k, n) in _scored_splits(table, metric).items() if k == n]

    for m in _metric_columns(table):
        col = table.loc[complete(m), f"{m}_mean"].dropna()
        if len(col):
            out[m] = col.min() if m in lower else col.max()
    sort = table.attrs.get("sort") or next(iter(_metric_columns(table)), None)
    models = table.loc[[m for m in (complete(sort) if sort else table.index) if roles.get(m) != "dummy"]]
    for t in ("fit_time", "predict_time"):
        col = models[t].dropna()
        if len(col):
            out[t] = col.min()
    return out


def text_table(table):
    """The table as text for a terminal: rows grouped by the test, the sort metric as mean ± std."""
    _check(table, "report.text_table shows")
    import pandas as pd

    a = table.attrs
    sort = a.get("sort")
    test = a.get("test", "t-test")
    lower = set(a.get("lower_is_better", ()))
    rows = []
    for name, r in table.iterrows():
        row = {"model": name, "vs best": r["vs_best"]}
        if test == "t-test":
            row["p"] = "" if r["vs_best"] == "best" else _p(r["p_value"])
        else:
            row["P(best better)"] = "" if r["vs_best"] == "best" else format_number(r["p_best_better"], 3)
            row["P(equivalent)"] = "" if r["vs_best"] == "best" else format_number(r["p_equivalent"], 3)
        for m in _metric_columns(table):
            label = m + (" (lower better)" if m in lower else "")
            if m == sort:
                mean = r[f"{m}_mean"]
                row[label] = f"{format_number(mean)} ± {format_number(r[f'{m}_std'], scale=mean)}"
            else:
                row[label] = format_number(r[f"{m}_mean"])
        row["fit s"] = _seconds(r["fit_time"])
        row["predict s"] = _seconds(r["predict_time"])
        row["threads"] = str(r["threads"])
        row["busy cores"] = format_number(r["cpu_use"], 1)
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("model")
    frame.index.name = None
    text = frame.to_string().splitlines()
    header, body = text[0], text[1:]
    out = [header]
    groups = list(table["group"])
    for i, line in enumerate(body):
        if i == 0 or groups[i] != groups[i - 1]:
            title = GROUP_TITLES.get(groups[i], "")
            if groups[i] == 2 and test == "t-test":
                title += f" (p < {a.get('alpha', 0.05):g})"
            out.append(f"-- {title} --")
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- figures

def _png(fig):
    """The figure as PNG bytes. A label in a script the font lacks (emoji, CJK) is drawn as boxes: matplotlib's
    warning of each missing glyph, which named sknn's own line on the command's output, is left out."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from", category=UserWarning)
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def _network_name(table, fitted):
    from .plot import _network

    roles = table.attrs.get("roles", {})
    names = [n for n, r in roles.items() if r == "network" and n in fitted.get("estimators", {})]
    names += [n for n in fitted.get("estimators", {}) if n not in names]
    for name in names:
        ests = [e for e in fitted["estimators"][name] if e is not None]
        if not ests:
            continue
        try:
            _network(ests[0])
        except ValueError:
            continue
        return name, ests
    return None, None


def _with_validation_curve(est, X, y, train):
    """A copy of a network fitted on ``train`` with a validation split kept for the whole run, or None.

    Parameters are found by their scikit-learn names (``early_stopping``,
    ``n_iter_no_change``), wherever the network sits in a pipeline.
    """
    from sklearn.base import clone
    from sklearn.utils import _safe_indexing

    params = est.get_params()
    new = {k: True for k in params if k == "early_stopping" or k.endswith("__early_stopping")}
    if not new:
        return None
    new.update({k: None for k in params if k == "n_iter_no_change" or k.endswith("__n_iter_no_change")})
    try:
        return clone(est).set_params(**new).fit(_safe_indexing(X, train), _safe_indexing(y, train))
    except Exception:  # noqa: BLE001 - the figure is optional: fall back to the folds' curves
        return None


def figures(table, fitted, X, y):
    """key -> (caption, PNG bytes) for one data set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from . import plot

    out = {}
    a = table.attrs
    sort = a.get("sort")
    if not isinstance(fitted, dict) or not {"estimators", "predictions"} & set(fitted):
        raise TypeError(f"fitted is {type(fitted).__name__}: pass the second value of sknn.compare(..., "
                        "return_fitted=True), with the X and y compare was given.")
    if a.get("n_samples") is not None and len(y) != a["n_samples"]:
        dropped = f" (it left out {a['n_dropped']} rows without a target)" if a.get("n_dropped") else ""
        raise ValueError(f"y holds {len(y)} rows, but the table's models were fitted on {a['n_samples']}{dropped}: "
                         "pass the rows compare used, the same X and y without the rows it left out.")
    try:
        ax = plot.fold_scores(table, sort)
        out["scores"] = (f"{sort} on every split (box: quartiles; points: splits)", _png(ax.figure))
        ax = plot.time_vs_score(table, sort)
        out["time_vs_score"] = (f"{sort} against fit time per split", _png(ax.figure))
        name, ests = _network_name(table, fitted)
        if name is not None:
            train = a["cv_splits"][0][0]
            refit = _with_validation_curve(ests[0], X, y, train)
            if refit is not None:
                ax = plot.history(refit, title=f"{plot._text(name)}: training and validation curves (first fold)")
                caption = (f"{name}'s training curves, refitted on the first fold's training rows with a "
                           "validation split and no early stop: a validation loss rising while the training "
                           "loss falls is over-fitting")
            else:
                ax = plot.history(ests, title=f"{plot._text(name)}: training loss, one curve per fold")
                caption = f"{name}'s training loss on each fold of the first repeat"
            out["history"] = (caption, _png(ax.figure))
        best = table.attrs.get("best")
        if a["task"] == "classification" and best in fitted.get("predictions", {}):
            labels = np.unique(y)
            ax = plot.confusion_matrix(y, fitted["predictions"][best], labels=labels if len(labels) <= 30 else None,
                                       title=f"{plot._text(best)}: out-of-fold predictions, first repeat")
            out["confusion_matrix"] = (f"Confusion matrix of the best model, {best} (rows: true labels)",
                                       _png(ax.figure))
    finally:
        plt.close("all")
    return out


def rank_figure(ranks):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plot

    try:
        ax = plot.critical_difference(ranks)
        return ("Critical-difference diagram: mean ranks over the data sets (1 = best); models joined by a bar are "
                "not significantly different (Nemenyi's critical difference; Wilcoxon's test for two models)",
                _png(ax.figure))
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- HTML

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:75em;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #3b7dd8;padding-bottom:.2em}
.meta{color:#555}.facts li{margin:.15em 0}.notes li{color:#8a5300}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
td,th{border:1px solid #ccc;padding:.3em .55em;text-align:right;white-space:nowrap}
th.model,td.model{text-align:left}thead th{background:#f2f2f2}
tr.group-header th{text-align:left;background:#e8f0fb;font-weight:600}
tbody.group-2 tr.group-header th{background:#eee}tbody.group-2 td,tbody.group-2 th.model{color:#666}
td.best{font-weight:700;background:#dff3e0}
.std{color:#777;font-size:.85em}.verdict-worse{color:#a33}.verdict-best{color:#186a1f;font-weight:700}
.scroll{overflow-x:auto}.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(30em,1fr));gap:1em}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.92em}
.error{color:#a33}
"""

_SCRIPT = """
window.addEventListener("load", function () {
  var imgs = document.querySelectorAll("figure img"), ok = 0;
  imgs.forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) {
      img.setAttribute("data-rendered", img.naturalWidth + "x" + img.naturalHeight); ok++;
    } else {
      img.setAttribute("data-rendered", "failed");
      img.insertAdjacentHTML("afterend", "<p class='error'>This figure failed to load.</p>");
    }
  });
  document.body.setAttribute("data-figures-rendered", ok + "/" + imgs.length);
});
"""


def _html_table(table):
    a = table.attrs
    lower = set(a.get("lower_is_better", ()))
    best = _best_values(table)
    metrics = _metric_columns(table)
    models = table.loc[[m for m in table.index if a.get("roles", {}).get(m) != "dummy"]]
    only_baseline = {m for m in metrics if m in best and not (models[f"{m}_mean"] == best[m]).any()}
    test = a.get("test", "t-test")
    heads = ["model", "vs best"] + (["p (Holm)"] if test == "t-test" else ["P(best better)", "P(equivalent)"])
    heads += [m + (" ↓" if m in lower else "") for m in metrics] + ["fit (s)", "predict (s)", "threads", "busy cores"]
    ncol = len(heads)
    out = ['<div class="scroll"><table class="comparison">', "<thead><tr>" + "".join(
        f'<th class="{"model" if i == 0 else "col"}" scope="col">{html.escape(h)}</th>' for i, h in enumerate(heads))
        + "</tr></thead>"]
    current = None
    for name, r in table.iterrows():
        g = int(r["group"])
        if g != current:
            if current is not None:
                out.append("</tbody>")
            title = GROUP_TITLES.get(g, "")
            if g == 2 and test == "t-test":
                title += f" (p < {a.get('alpha', 0.05):g})"
            out.append(f'<tbody class="group group-{g}"><tr class="group-header"><th colspan="{ncol}">'
                       f"{html.escape(title)}</th></tr>")
            current = g
        cells = [f'<th class="model" scope="row">{html.escape(str(name))}</th>',
                 f'<td class="verdict verdict-{html.escape(r["vs_best"])}">{html.escape(r["vs_best"])}</td>']
        if test == "t-test":
            cells.append(f'<td class="p">{"" if r["vs_best"] == "best" else html.escape(_p(r["p_value"]))}</td>')
        else:
            for key in ("p_best_better", "p_equivalent"):
                cells.append(f'<td class="p">{"" if r["vs_best"] == "best" else format_number(r[key], 3)}</td>')
        baseline = a.get("roles", {}).get(name) == "dummy"  # the best values are the others' (ties too), the
        for m in metrics:  # baseline's where it alone holds them
            v = r[f"{m}_mean"]
            cls = "best" if m in best and v == best[m] and (not baseline or m in only_baseline) else ""
            cells.append(f'<td class="metric {cls}" data-metric="{html.escape(m)}">{format_number(v)} '
                         f'<span class="std">± {format_number(r[f"{m}_std"], scale=v)}</span></td>')
        for t in ("fit_time", "predict_time"):
            cls = "best" if t in best and r[t] == best[t] and not baseline else ""
            cells.append(f'<td class="time {cls}" data-metric="{t}">{_seconds(r[t])}</td>')
        cells.append(f'<td>{r["threads"]}</td><td>{format_number(r["cpu_use"], 1)}</td>')
        out.append(f'<tr class="model-row" data-model="{html.escape(str(name))}" data-group="{g}">'
                   + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _figures_html(figs):
    out = ['<div class="figures">']
    for key, (caption, png) in figs.items():
        out.append(f'<figure class="figure" data-kind="{html.escape(key)}"><img alt="{html.escape(caption)}" '
                   f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
                   f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    out.append("</div>")
    return "\n".join(out)


def _slug(text):
    return "".join(c if c.isalnum() else "-" for c in str(text)).strip("-").lower() or "data"


def slugs(names):
    """A distinct file-name-safe slug for each name ('a b.csv' and 'a-b.csv' would share one: '-2' after it)."""
    names = list(names)  # (a generator, read twice below)
    out, seen, taken = [], Counter(), set(map(_slug, names))
    for name in names:
        slug = _slug(name)
        seen[slug] += 1
        if seen[slug] > 1:  # (a numbered slug no other name has: 'x-csv-2' may be one's own)
            while f"{slug}-{seen[slug]}" in taken:
                seen[slug] += 1
            slug = f"{slug}-{seen[slug]}"
            taken.add(slug)
        out.append(slug)
    return out


def rank_test_sentence(attrs):
    """The test of the ranks across data sets, in words: Friedman's with Nemenyi's critical difference, or for two
    models Wilcoxon's, which alone tells them apart (a critical difference could say otherwise)."""
    p, alpha = attrs.get("friedman_p", math.nan), attrs.get("alpha", 0.05)
    if not math.isfinite(attrs.get("cd", math.nan)):
        verdict = "significantly different" if p < alpha else "not significantly different"
        return (f"{attrs.get('test', 'Friedman')} test p = {_p(p)}: the two models are {verdict} over these data "
                f"sets at alpha {alpha:g} (Demšar 2006).")
    return (f"{attrs.get('test', 'Friedman')} test p = {_p(p)}; critical difference (Nemenyi, alpha {alpha:g}) = "
            f"{attrs['cd']:.2f}: models whose mean ranks differ by less are not significantly different over these "
            "data sets (Demšar 2006).")


def _ranks_html(ranks, figure):
    a = ranks.attrs
    shown = ranks.copy()
    body = shown.to_html(float_format=format_number, classes="ranks", border=0)
    left = a.get("left_out") or []
    p = a.get("friedman_p", math.nan)
    return (f'<section id="ranks" class="ranks"><h2>Across data sets</h2>'
            f"<p>Each model's mean {html.escape(str(a.get('metric')))} per data set, and its mean rank (1 = best). "
            f"{html.escape(rank_test_sentence(a))} With few data sets the tests tell only large differences apart: "
            "add data sets to separate the models.</p>"
            + (f"<p class='notes'>Left out (not scored on every data set): {html.escape(', '.join(left))}</p>"
               if left else "")
            + body + (_figures_html({"critical_difference": figure}) if figure else "") + "</section>")


def _check_datasets(datasets):
    """Refuse ``datasets`` other than :func:`html_report` takes: a list of dicts of ``name`` (str), ``table`` (from
    :func:`sknn.compare`), ``header`` (a list of lines, :func:`describe`'s) and ``figures`` (:func:`figures`' dict)."""
    if not isinstance(datasets, (list, tuple)) or not datasets:
        raise TypeError(f"datasets is {type(datasets).__name__}: pass a list of dicts, one a data set, each with its "
                        "name, table (sknn.compare's), header (report.describe's lines) and figures (report.figures' "
                        "dict, or {}).")
    for i, ds in enumerate(datasets):
        kinds = {"name": str, "header": (list, tuple), "figures": dict}
        wrong = [k for k, kind in kinds.items() if not isinstance(ds, dict) or not isinstance(ds.get(k), kind)]
        if wrong or not ds.get("header"):
            raise TypeError(f"datasets[{i}] needs {', '.join(wrong or ['header'])}: a dict with name (str), table "
                            "(sknn.compare's), header (report.describe(table, name), a list of lines) and figures "
                            "(report.figures' dict, or {}).")
        _check(ds.get("table"), f"datasets[{i}]['table'] must be")


def html_report(datasets, ranks=None, rank_fig=None, title="Model comparison", say=None):
    """One self-contained HTML page (``say``: a function each note is shown through, the command's wording).

    Parameters
    ----------
    datasets : list of dict
        Each with ``name``, ``table`` (from :func:`sknn.compare`), ``header`` (lines from
        :func:`describe`) and ``figures`` (from :func:`figures`).
    ranks : DataFrame from :func:`sknn.compare.rank_datasets`, optional
    rank_fig : (caption, PNG bytes), optional
    say : callable, optional
        Each note is shown as ``say(note)`` (the command's options for the Python API's words).
    """
    from . import __version__

    _check_datasets(datasets)
    sections = []
    toc = []
    for ds, slug in zip(datasets, slugs(ds["name"] for ds in datasets)):
        sid = "ds-" + slug
        toc.append(f'<li><a href="#{sid}">{html.escape(ds["name"])}</a></li>')
        head = ds["header"]
        facts = "".join(f"<li>{html.escape(line)}</li>" for line in head[1:])
        warn = [say(w) for w in notes(ds["table"])] if say is not None else notes(ds["table"])
        sections.append(
            f'<section class="dataset" id="{sid}"><h2>{html.escape(head[0])}</h2><ul class="facts">{facts}</ul>'
            + (f'<details class="notes"><summary>{len(warn)} note(s)</summary><ul>'
               + "".join(f"<li>{html.escape(w)}</li>" for w in warn) + "</ul></details>" if warn else "")
            + _html_table(ds["table"]) + _figures_html(ds["figures"]) + "</section>")
    rank_html = _ranks_html(ranks, rank_fig) if ranks is not None else ""
    how = ("How to read this: every model is scored on the same splits. The test compares each model with the "
           "best one on the sort metric; it corrects for the overlap of the cross-validation training sets (the "
           "plain paired t-test would call noise a difference). It assumes the per-split differences are roughly "
           "normal and correlated by about the test fold's share of the rows, and it speaks about this data set "
           "and protocol only. ±: the standard deviation of the scores over the splits (not a confidence interval). "
           "Bold green: the best value of each column. ↓: lower is better.")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sknn compare: {html.escape(", ".join(d["name"] for d in datasets))}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="meta">sknn {__version__} &middot; {datetime.date.today()} &middot; {os.cpu_count()} CPU cores
&middot; {len(datasets)} data set(s)</p>
<p class="how">{html.escape(how)}</p>
{"<ul class='toc'>" + "".join(toc) + "</ul>" if len(datasets) > 1 else ""}
{rank_html}
{"".join(sections)}
<script>{_SCRIPT}</script>
</body></html>
"""
    return page
