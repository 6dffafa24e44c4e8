"""Figures for the reports: one consistent, colour-blind-safe theme (Okabe & Ito palette).

Every function takes tidy data (or result objects), returns a :class:`matplotlib.figure.Figure`
with a title, axis labels with units and a source caption, and never writes files (see
:mod:`reanalysis.report` for deterministic saving).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

# Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _theme():
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans", font_scale=0.9)
    mpl.rcParams.update(
        {
            "svg.hashsalt": "reanalysis",
            "axes.titleweight": "bold",
            "axes.titlesize": 11,
            "figure.dpi": 110,
            "savefig.dpi": 110,
        }
    )


def _figure(width=7.5, height=4.5, **kw):
    import matplotlib.pyplot as plt

    _theme()
    return plt.subplots(figsize=(width, height), **kw)


def _caption(fig, caption):
    if caption:
        text = fig.text(0.01, 0.005, caption, ha="left", va="bottom", fontsize=7, color="#444444")
        if hasattr(fig.canvas, "get_renderer"):  # Agg-based canvases, the default everywhere
            text.set_text(_wrapped_to_figure(text))
        else:  # e.g. a PDF or SVG canvas: matplotlib wraps it when drawing
            text.set_wrap(True)


def _wrapped_to_figure(text) -> str:
    """``text``'s string broken into lines that end before the figure's right edge.

    The lines matplotlib's ``wrap=True`` draws (greedy: as many words as fit, at least one; the
    width of a line in whole pixels), found once when the caption is placed instead of at every
    draw: wrap=True measures every word-prefix of the caption again for each draw (the layout,
    the PNG, the SVG), the largest single cost of a figure. Prefixes are searched by bisection
    (a longer prefix is never narrower), so a line costs a few measurements. The lines are fixed
    for the figure's size when the caption is placed (resize first, then caption).
    """
    import matplotlib.cbook as cbook

    fig = text.get_figure(root=True)
    renderer = fig.canvas.get_renderer()
    x0 = text.get_transform().transform(text.get_position())[0]
    room = fig.bbox.x1 - x0
    prop = text.get_fontproperties()

    def fits(words) -> bool:
        line = " ".join(words)
        width, _, _ = renderer.get_text_width_height_descent(line, prop, ismath=cbook.is_math_text(line))
        return math.ceil(width) <= room

    lines = []
    for paragraph in text.get_text().split("\n"):
        words = paragraph.split(" ")
        # Bisection needs a longer prefix never to be narrower, which fails across math text:
        # "x $\alpha" is measured as literal text, wider than "x $\alpha + \beta$". There,
        # wrap=True's own scan (stop at the first prefix that does not fit) gives its lines.
        linear = "$" in paragraph
        while words:
            lo, hi = 1, len(words)  # words[:lo] is a line (at least one word); find the longest
            if linear:
                while lo < hi and fits(words[: lo + 1]):
                    lo += 1
                hi = lo
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if fits(words[:mid]):
                    lo = mid
                else:
                    hi = mid - 1
            lines.append(" ".join(words[:lo]))
            words = words[lo:]
    return "\n".join(lines)


def _finish(fig, ax, title, xlabel, caption):
    """Title, x label, layout leaving room for the source caption, and the caption."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _caption(fig, caption)
    return fig


def forest_plot(
    frame: pd.DataFrame,
    *,
    estimate="estimate",
    low="low",
    high="high",
    label="label",
    group=None,
    reference: float | None = None,
    log_scale: bool = False,
    title: str = "",
    xlabel: str = "",
    caption: str = "",
    pooled: pd.DataFrame | None = None,
    counts: str | None = None,
    percent: bool = False,
    group_headers: bool = False,
    weight: str | None = None,
):
    """Estimates with CIs, one row per line of ``frame`` (top to bottom in frame order).

    ``weight`` names a column of meta-analysis weights (e.g. ``weight_percent`` of
    :attr:`reanalysis.meta.MetaResult.studies`): each square's area is then proportional to its
    study's weight (at least 3 points wide, so a light study stays visible), as in metafor's
    ``forest()``, so the studies that drive the pooled estimate stand out; without it every square
    has one size.

    ``pooled`` (same columns) is drawn as diamonds below the studies. ``reference`` draws a
    vertical line (1 for ratios, 0 for differences). ``counts`` names a column of text (e.g.
    "42/64") printed at the right of each row, outside the plotting area. ``percent`` draws
    proportions on the percent scale (0-100). ``group`` colours rows by a column; with
    ``group_headers`` each group gets a bold header row above its rows (e.g. one header per
    study) instead of a legend. A legend, when drawn, sits outside the axes so it never covers
    data.
    """
    scale = 100.0 if percent else 1.0
    frame = frame.reset_index(drop=True)
    sizes = None
    if weight is not None:
        w = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=float)
        if not (np.isfinite(w).all() and (w >= 0).all() and w.max() > 0):
            raise ValueError(f"weight: column {weight!r} must hold non-negative numbers, not all 0")
        sizes = np.maximum(3.0, 14.0 * np.sqrt(w / w.max()))  # side in points: area proportional to weight
    groups = list(dict.fromkeys(frame[group])) if group is not None else []
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    # Row layout, top to bottom: (kind, payload); kind "header" or "row".
    layout = []
    if group is not None and group_headers:
        for g in groups:
            layout.append(("header", g))
            layout += [("row", i) for i in frame.index[frame[group] == g]]
    else:
        layout = [("row", i) for i in frame.index]
    n_pooled = 0 if pooled is None else len(pooled)
    rows = len(layout) + (0 if pooled is None else n_pooled + 1)
    wrapped = sum(_wrap_label(str(v)).count("\n") for v in frame[label])
    fig, ax = _figure(8.5, max(2.2, 0.36 * rows + 0.2 * wrapped + 1.6))
    top = len(layout) - 1 + (0 if pooled is None else n_pooled + 1)
    ticks, labels, header_ticks = [], [], []
    for k, (kind, payload) in enumerate(layout):
        yi = top - k
        if kind == "header":
            ticks.append(yi)
            labels.append(_wrap_label(str(payload)))
            header_ticks.append(len(ticks) - 1)
            continue
        r = frame.loc[payload]
        c = colours.get(r[group], PALETTE[0]) if group is not None else PALETTE[0]
        ax.plot([scale * r[low], scale * r[high]], [yi, yi], color=c, lw=1.6)
        ax.plot([scale * r[estimate]], [yi], "s", color=c, ms=6 if sizes is None else sizes[payload])
        ticks.append(yi)
        labels.append(_wrap_label(str(r[label]), indent=group_headers))
        if counts is not None:
            from matplotlib.transforms import blended_transform_factory

            ax.text(
                1.01,
                yi,
                str(r[counts]),
                transform=blended_transform_factory(ax.transAxes, ax.transData),
                va="center",
                ha="left",
                fontsize=8,
                color="#333333",
            )
    if pooled is not None:
        for k, (_, r) in enumerate(pooled.iterrows()):
            yk = n_pooled - 1 - k
            e, lo, hi = (scale * r[c] for c in (estimate, low, high))
            ax.fill([lo, e, hi, e], [yk, yk + 0.3, yk, yk - 0.3], color=PALETTE[3])
            labels.append(r[label])
            ticks.append(yk)
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels)
    for i in header_ticks:
        ax.get_yticklabels()[i].set_fontweight("bold")
    if reference is not None:
        ax.axvline(scale * reference if not log_scale else reference, color="#666666", lw=1, ls="--")
    if log_scale:
        from matplotlib.ticker import FuncFormatter, NullFormatter

        ax.set_xscale("log")
        # Plain numbers (0.1, 1, 10, 100) on a ratio axis, not powers of ten.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    if percent:
        values = scale * pd.concat(
            [frame[[low, high]]] + ([pooled[[low, high]]] if pooled is not None else [])
        )
        if values.min().min() >= 0 and values.max().max() <= 100:
            ax.set_xlim(0, 100)
    if group is not None and not group_headers:
        from matplotlib.lines import Line2D

        ax.legend(
            handles=[Line2D([], [], color=c, marker="s", label=g) for g, c in colours.items()],
            loc="upper left",
            bbox_to_anchor=(1.01 if counts is None else 1.12, 1.0),
            fontsize=8,
            frameon=False,
        )
    ax.set_ylim(-0.8, max(ticks) + 0.8)
    return _finish_captioned(fig, ax, title, xlabel, caption)


def response_plot(
    frame: pd.DataFrame,
    *,
    x="timepoint",
    estimate="estimate",
    low="low",
    high="high",
    hue="arm",
    title: str = "",
    xlabel: str = "",
    ylabel: str = "Response rate (%)",
    caption: str = "",
    counts: str | None = None,
):
    """Response rates (in percent) with CIs by arm across timepoints (or any category on x).

    ``counts`` names a column of text (e.g. "42/64") written beside each point, so every rate
    shows its numerator and denominator. With several arms the legend sits outside the axes,
    at the right, so it never covers data.
    """
    fig, ax = _figure(7.5, 4.2)
    cats = list(dict.fromkeys(frame[x]))
    groups = list(dict.fromkeys(frame[hue]))
    width = 0.36 / max(1, len(groups))
    for gi, g in enumerate(groups):
        sub = frame[frame[hue] == g]
        xs = np.array([cats.index(v) for v in sub[x]]) + (gi - (len(groups) - 1) / 2) * width
        est, lo, hi = (100 * sub[c].to_numpy(dtype=float) for c in (estimate, low, high))
        colour = PALETTE[gi % len(PALETTE)]
        ax.errorbar(
            xs,
            est,
            yerr=[est - lo, hi - est],
            fmt="o",
            color=colour,
            capsize=4,
            lw=1.5,
            label=str(g),
        )
        if counts is not None:
            # Left-hand arms are labelled on their left, right-hand arms on their right, so that no
            # label runs into a neighbouring arm's interval.
            left = len(groups) > 1 and gi < len(groups) / 2
            for xi, ei, text in zip(xs, est, sub[counts], strict=True):
                ax.annotate(
                    str(text),
                    (xi, ei),
                    xytext=(-6 if left else 6, 0),
                    textcoords="offset points",
                    va="center",
                    ha="right" if left else "left",
                    fontsize=8,
                    color=colour,
                )
    ax.set_xticks(range(len(cats)))
    ax.set_xticklabels([str(c) for c in cats])
    ax.set_xlim(-0.6, len(cats) - 0.4)
    ax.set_ylim(-2, 104)  # room for markers at 0% and 100%
    ax.set_ylabel(ylabel)
    if len(groups) > 1:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _finish_captioned(fig, ax, title, xlabel, caption)


def km_plot(
    results: dict,
    *,
    at_risk_times=None,
    title: str = "",
    xlabel: str = "Time",
    ylabel: str = "Probability",
    cumulative: bool = False,
    caption: str = "",
):
    """Kaplan-Meier curves (``{label: KaplanMeierResult}``) with a numbers-at-risk table below.

    ``cumulative=True`` draws 1 - S (cumulative probability of response). Censoring marks are
    drawn as ticks; CIs as shaded steps.
    """
    import matplotlib.pyplot as plt

    _theme()
    fig = plt.figure(figsize=(7.5, 5.8))
    ax = fig.add_axes((0.16, 0.38, 0.8, 0.55))
    tab_ax = fig.add_axes((0.16, 0.12, 0.8, 0.14))
    tmax = max(r.table["time"].max() for r in results.values())
    if at_risk_times is None:
        at_risk_times = np.linspace(0, tmax, 6)
    for i, (label, r) in enumerate(results.items()):
        c = PALETTE[i % len(PALETTE)]
        t = np.concatenate([[0.0], r.table["time"].to_numpy()])
        s = np.concatenate([[1.0], r.table["survival"].to_numpy()])
        # Bounds are undefined once the estimate reaches 0 (as in R); carry the last one forward.
        lo = np.concatenate([[1.0], r.table["low"].ffill().fillna(1.0).to_numpy()])
        hi = np.concatenate([[1.0], r.table["high"].ffill().fillna(1.0).to_numpy()])
        if cumulative:
            s, lo, hi = 1 - s, 1 - hi, 1 - lo
        ax.step(t, s, where="post", color=c, lw=1.8, label=label)
        ax.fill_between(t, lo, hi, step="post", color=c, alpha=0.15, lw=0)
        cens = r.table[r.table["censored"] > 0]
        yc = r.survival_at(cens["time"])
        ax.plot(cens["time"], 1 - yc if cumulative else yc, "|", color=c, ms=8)
        tab_ax.text(
            -0.06,
            len(results) - 1 - i,
            label,
            transform=tab_ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color=c,
        )
        for tt, n in zip(at_risk_times, r.at_risk(at_risk_times), strict=True):
            tab_ax.text(tt, len(results) - 1 - i, str(n), ha="center", va="center", fontsize=8)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, tmax * 1.02)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="best")
    tab_ax.set_xlim(ax.get_xlim())
    tab_ax.set_ylim(-0.5, len(results) - 0.5)
    tab_ax.set_yticks([])
    tab_ax.set_xticks(at_risk_times)
    tab_ax.set_xlabel(xlabel)
    tab_ax.set_title("Number at risk", fontsize=8, loc="left")
    tab_ax.grid(False)
    for side in ("top", "right", "left"):
        tab_ax.spines[side].set_visible(False)
    _caption(fig, caption)
    return fig


def swimmer_plot(
    patients: pd.DataFrame,
    *,
    patient="patient_id",
    response_start="response_start",
    end="end",
    ongoing="ongoing",
    title: str = "",
    xlabel: str = "Time",
    caption: str = "",
):
    """Swimmer plot for case series with per-patient data.

    One bar per patient from 0 to ``end`` (last follow-up); the responding part from
    ``response_start`` is highlighted; an arrow marks a response ongoing at last follow-up. The
    legend sits below the axes so that it never covers a bar.
    """
    fig, ax = _figure(7, max(2.4, 0.45 * len(patients) + 1.8))
    for i, (_, r) in enumerate(patients.iterrows()):
        y = len(patients) - 1 - i
        ax.barh(y, r[end], color="#DDDDDD", height=0.5)
        if not pd.isna(r[response_start]):
            ax.barh(y, r[end] - r[response_start], left=r[response_start], color=PALETTE[0], height=0.5)
            ax.plot(r[response_start], y, "v", color=PALETTE[1], ms=7)
        if bool(r[ongoing]):
            span = float(patients[end].max())
            ax.annotate(
                "",
                xy=(r[end] + 0.05 * span, y),
                xytext=(r[end], y),
                annotation_clip=False,
                arrowprops=dict(arrowstyle="->", color=PALETTE[0], lw=1.5),
            )
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color="#DDDDDD", label="follow-up"),
            Patch(color=PALETTE[0], label="in response"),
            Line2D([], [], marker="v", ls="", color=PALETTE[1], label="response onset"),
            Line2D([], [], marker=">", ls="", color=PALETTE[0], label="ongoing at last follow-up"),
        ],
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.32),
        ncol=4,
        frameon=False,
    )
    ax.set_xlim(0, float(patients[end].max()) * 1.1)
    ax.set_yticks(range(len(patients)))
    ax.set_yticklabels(list(patients[patient])[::-1])
    return _finish(fig, ax, title, xlabel, caption)


def range_plot(
    frame: pd.DataFrame,
    *,
    label="label",
    median="median",
    minimum="minimum",
    maximum="maximum",
    title: str = "",
    xlabel: str = "",
    caption: str = "",
    log_scale: bool = False,
    panel: str | None = None,
    panel_xlabels: dict | None = None,
    panel_log: dict | None = None,
    vlines: dict | None = None,
):
    """Published median and range per study or arm (for studies that publish only those).

    ``panel`` (a column) splits the rows into stacked panels, each with its own x axis, so that
    summaries that must not be read on one scale (e.g. a case series followed for months and a
    trial's fixed 8-week window) are not drawn side by side. ``panel_xlabels`` and ``panel_log``
    give each panel its x label and log scale (default ``xlabel`` / ``log_scale``); ``vlines``
    maps a panel (or ``None`` without panels) to ``[(x, text), ...]`` reference lines drawn
    dashed and labelled, e.g. the end of an assessment window.
    """
    import matplotlib.pyplot as plt

    _theme()
    groups = [(None, frame)] if panel is None else list(frame.groupby(panel, sort=False))
    heights = [max(1, len(g)) + 1.1 for _, g in groups]
    fig, axes = plt.subplots(
        len(groups),
        1,
        figsize=(8.5, max(2.0, 0.45 * sum(heights) + 0.9)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    colour = 0
    for ax, (name, sub) in zip(axes[:, 0], groups, strict=True):
        for i, (_, r) in enumerate(sub.iterrows()):
            y = len(sub) - 1 - i
            c = PALETTE[colour % len(PALETTE)]
            colour += 1
            if not (pd.isna(r[minimum]) or pd.isna(r[maximum])):
                ax.plot([r[minimum], r[maximum]], [y, y], color=c, lw=2.5, solid_capstyle="butt")
                ax.plot([r[minimum], r[maximum]], [y, y], "|", color=c, ms=12)
            if not pd.isna(r[median]):
                ax.plot(r[median], y, "D", color="black", ms=6)
        ax.set_yticks(range(len(sub)))
        ax.set_yticklabels(list(sub[label])[::-1])
        if (panel_log or {}).get(name, log_scale):
            from matplotlib.ticker import FuncFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylim(-0.7, len(sub) + (0.3 if (vlines or {}).get(name) else -0.3))
        lines = (vlines or {}).get(name, [])
        for x, text in lines:
            ax.axvline(x, color="#666666", ls="--", lw=1)
            ax.annotate(
                text,
                xy=(x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-3, -3),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=7,
                color="#444444",
            )
        if lines:
            lo, hi = ax.get_xlim()
            ax.set_xlim(
                min(lo, 0) if not ax.get_xscale() == "log" else lo, max(hi, 1.06 * max(x for x, _ in lines))
            )
        ax.set_xlabel((panel_xlabels or {}).get(name, xlabel))
        if name is not None:
            ax.set_title(textwrap.fill(str(name), 62), fontsize=9, loc="left")
    if panel is None:
        axes[0, 0].set_title(title)
    else:
        fig.suptitle(title, fontweight="bold", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _caption(fig, caption)
    return fig


def power_curve(
    frame: pd.DataFrame,
    *,
    x="difference",
    y="power",
    hue="design",
    target: float | None = 0.8,
    alpha: float | None = None,
    title: str = "",
    xlabel: str = "",
    caption: str = "",
):
    """Power (in percent) against the true difference (in percentage points), one line per design.

    ``x`` and ``y`` are proportions (differences in [-1, 1], power in [0, 1]) and are drawn in
    percent. ``target`` draws the conventional 80% line; ``alpha`` draws the significance level
    (the height every two-sided curve must have at zero difference). The legend sits below the
    axes so that it never covers a curve.
    """
    fig, ax = _figure(7, 4.6)
    for i, (g, sub) in enumerate(frame.groupby(hue, sort=False)):
        # Long design names are wrapped so that the legend below the axes is never cut off.
        label = _wrap_label(str(g), width=LEGEND_WIDTH)
        ax.plot(100 * sub[x], 100 * sub[y], color=PALETTE[i % len(PALETTE)], lw=1.8, label=label)
    if target is not None:
        ax.axhline(100 * target, color="#666666", ls="--", lw=1)
        ax.annotate(
            f"{100 * target:g}% power",
            xy=(1.0, 100 * target),
            xycoords=("axes fraction", "data"),
            xytext=(-3, 3),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color="#444444",
        )
    if alpha is not None:
        ax.axhline(100 * alpha, color="#666666", ls=":", lw=1)
        ax.annotate(
            f"significance level {100 * alpha:g}%",
            xy=(1.0, 100 * alpha),
            xycoords=("axes fraction", "data"),
            xytext=(-3, 3),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color="#444444",
        )
    ax.set_ylim(0, 102)
    ax.set_ylabel("Power (%)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, ncol=1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _caption(fig, caption)
    return fig


def verdict_plot(frame: pd.DataFrame, *, title: str = "", caption: str = "", labels: dict | None = None):
    """Stacked counts of audit verdicts per study (``frame`` = output of :func:`reanalysis.audit.audit`).

    ``labels`` maps study ids to readable names. The legend sits outside the bars.
    """
    from .audit import VERDICTS

    counts = (
        frame.groupby(["study_id", "verdict"], sort=False)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=VERDICTS, fill_value=0)
    )
    used = [v for v in VERDICTS if counts[v].sum() > 0]
    fig, ax = _figure(8.5, max(2.6, 0.42 * len(counts) + 1.6))
    left = np.zeros(len(counts))
    colours = dict(
        zip(
            VERDICTS,
            [PALETTE[2], "#8FD3B6", PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[4], "#BBBBBB"],
            strict=True,
        )
    )
    ys = np.arange(len(counts))[::-1]
    for v in used:
        ax.barh(ys, counts[v], left=left, color=colours[v], label=v, height=0.6)
        left += counts[v].to_numpy()
    ax.set_yticks(ys)
    ax.set_yticklabels([(labels or {}).get(s, s) for s in counts.index])
    ax.legend(
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        title="verdict",
        title_fontsize=8,
    )
    ax.set_title(title)
    ax.set_xlabel("Published numbers (count)")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _caption(fig, caption)
    return fig


def close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


LEGEND_WIDTH = 90  # characters per line of a legend entry below the axes


def _wrap_label(text: str, width: int = 42, indent: bool = False) -> str:
    """A y-axis label wrapped to ``width`` characters (continuation lines indented when ``indent``)."""
    import textwrap

    lead = "   " if indent else ""
    # Each line of a label with explicit line breaks is wrapped on its own, so a break the caller
    # chose (e.g. endpoint, then dose and counts) is never merged into a line of the other part.
    lines = [
        "\n".join(textwrap.wrap(line, width=width, initial_indent=lead, subsequent_indent=lead)) or line
        for line in text.split("\n")
    ]
    return "\n".join(lines) or text


def _finish_captioned(fig, ax, title, xlabel, caption):
    """Like ``_finish``, but wraps a long source caption and reserves exactly the room it needs.

    Captions built from the plotted rows can run to several lines; the axes are laid out above
    them so that no line of the caption overlaps the x-axis label.
    """
    import textwrap

    ax.set_title(title)
    ax.set_xlabel(xlabel)
    width_in, height_in = fig.get_size_inches()
    lines = textwrap.wrap(caption, width=int(width_in * 17)) if caption else []
    fontsize = 7
    bottom = (len(lines) * fontsize * 1.35 + 6) / (72 * height_in) if lines else 0.02
    fig.tight_layout(rect=(0, bottom, 1, 1))
    if lines:
        fig.text(0.01, 0.008, "\n".join(lines), ha="left", va="bottom", fontsize=fontsize, color="#444444")
    return fig


__all__ = [
    "PALETTE",
    "forest_plot",
    "response_plot",
    "km_plot",
    "swimmer_plot",
    "range_plot",
    "power_curve",
    "verdict_plot",
    "close",
]


# --------------------------------------------------------------------------------------------
# Reconstructed IPD against the published curve (reanalysis.reconstruction)
# --------------------------------------------------------------------------------------------
def reconstruction_plot(
    comparison,
    *,
    title: str = "",
    xlabel: str = "Time",
    ylabel: str = "Survival probability",
    caption: str = "",
):
    """Reconstructed KM curves over the digitised published points, with both at-risk tables.

    ``comparison`` is a :class:`reanalysis.reconstruction.ArmComparison`. Each arm's digitised
    points are drawn as open circles and its reconstructed Kaplan-Meier curve as a step line in
    the same colour, so a reader can judge the fit by eye; the table below gives, at each
    published at-risk time, the reconstructed number with the published one in brackets (a
    mismatch in red). The box states the reconstructed and published hazard ratios.
    """
    import textwrap

    import matplotlib.pyplot as plt

    _theme()
    arms = [
        (comparison.label_a, comparison.reconstruction_a, comparison.km_a),
        (comparison.label_b, comparison.reconstruction_b, comparison.km_b),
    ]
    fig = plt.figure(figsize=(7.5, 6.0))
    ax = fig.add_axes((0.25, 0.4, 0.72, 0.53))
    tab_ax = fig.add_axes((0.25, 0.12, 0.72, 0.15))
    tmax = max(rec.curve["time"].max() for _, rec, _ in arms)
    for i, (label, rec, km) in enumerate(arms):
        c = PALETTE[i]
        pts = rec.curve
        ax.plot(
            pts["time"],
            pts["survival"],
            "o",
            ms=3.5,
            mfc="none",
            mec=c,
            mew=0.8,
            alpha=0.9,
            label=f"{label}: digitised published curve",
        )
        t = np.concatenate([[0.0], km.table["time"].to_numpy()])
        s = np.concatenate([[1.0], km.table["survival"].to_numpy()])
        ax.step(t, s, where="post", color=c, lw=1.6, label=f"{label}: reconstructed KM (n = {rec.n})")
        check = rec.at_risk_check[rec.at_risk_check["quantity"] == "at risk"]
        y = len(arms) - 1 - i
        tab_ax.text(
            -0.1,
            y,
            textwrap.fill(label, 16),
            transform=tab_ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color=c,
        )
        for row in check.itertuples(index=False):
            ok = row.reconstructed == row.published
            tab_ax.text(
                row.time,
                y,
                f"{int(row.reconstructed)} ({int(row.published)})",
                ha="center",
                va="center",
                fontsize=7.5,
                color="#000000" if ok else PALETTE[3],
                fontweight="normal" if ok else "bold",
            )
    hr = f"Reconstructed HR {comparison.hazard_ratio:.2f} ({comparison.hr_low:.2f}-{comparison.hr_high:.2f})"
    pub = comparison.verdicts[comparison.verdicts["quantity"] == "hazard ratio"]
    if len(pub):
        hr += f"\npublished HR {pub['published'].iloc[0]:.2f}"
    hr += f"\nlog-rank p = {comparison.logrank_pvalue:.2g}"
    ax.text(
        0.98,
        0.97,
        hr,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999999"},
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, tmax * 1.02)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7.5, loc="lower left")
    times = sorted(
        {
            float(r.time)
            for _, rec, _ in arms
            for r in rec.at_risk_check.itertuples()
            if r.quantity == "at risk"
        }
    )
    ax.set_xticks(times)
    tab_ax.set_xlim(ax.get_xlim())
    tab_ax.set_ylim(-0.5, len(arms) - 0.5)
    tab_ax.set_yticks([])
    tab_ax.set_xticks(times)
    tab_ax.set_xlabel(xlabel)
    tab_ax.set_title("Number at risk: reconstructed (published)", fontsize=8, loc="left")
    tab_ax.grid(False)
    for side in ("top", "right", "left"):
        tab_ax.spines[side].set_visible(False)
    _caption(fig, caption)
    return fig


__all__ += ["reconstruction_plot"]


def source_line(rows: pd.DataFrame, studies: pd.DataFrame, *, tables: str = "", note: str = "") -> str:
    """A figure's source line built from the rows it plots (never a boilerplate citation).

    ``rows`` are the evidence rows drawn (at least ``study_id``; ``source_location`` or ``source``
    and ``source_status`` when present); ``studies`` is the evidence folder's studies table. Each
    study is named by its label and its most specific identifier (DOI, PMID, registration), with
    the table/page of the rows; rows known only from a seed document or derived from percentages
    say so. ``tables`` names the evidence files read (e.g. ``"outcomes.csv"``), ``note`` adds the
    method (e.g. ``"Clopper-Pearson 95% CIs."``).
    """
    parts = []
    for sid in dict.fromkeys(rows["study_id"]):
        sub = rows[rows["study_id"] == sid]
        match = studies[studies["study_id"] == sid]
        st = match.iloc[0] if len(match) else pd.Series(dtype=object)
        label = st.get("label") if isinstance(st.get("label"), str) and st.get("label") else sid
        ident = next(
            (
                f"{prefix}{st.get(col)}"
                for col, prefix in (("doi", "doi:"), ("pmid", "PMID "), ("registration", ""))
                if isinstance(st.get(col), str) and st.get(col)
            ),
            "",
        )
        where_col = "source_location" if "source_location" in sub else "source"
        where = "; ".join(dict.fromkeys(str(v) for v in sub[where_col].dropna())) if where_col in sub else ""
        status = set(sub["source_status"].dropna()) if "source_status" in sub else set()
        ident = "" if ident and ident.split(":")[-1].strip() in label else ident
        text = ", ".join(p for p in (label, ident, where) if p)
        if status == {"seed-only"}:
            text += " (seed document only; publication not retrievable)"
        elif "derived" in status:
            text += " (counts derived from printed percentages)"
        parts.append(text)
    line = "Source: " + "; ".join(parts)
    if tables:
        line += f" [data/{tables}]"
    return line + "." + (f" {note}" if note else "")


__all__.append("source_line")
