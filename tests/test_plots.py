"""Every plot returns a Figure with a title, labelled axes and a source caption."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reanalysis import plots, survival  # noqa: E402


def _check(fig, title):
    assert isinstance(fig, Figure)
    axes_titles = [ax.get_title() for ax in fig.axes]
    assert title in axes_titles
    assert any(t.get_text().startswith("Source") for t in fig.texts)
    plots.close(fig)


def test_km_plot_with_at_risk_table():
    rng = np.random.default_rng(0)
    fits = {}
    for label, scale in [("A", 8), ("B", 14)]:
        t, c = rng.exponential(scale, 40), rng.uniform(5, 30, 40)
        fits[label] = survival.kaplan_meier(np.minimum(t, c), (t <= c).astype(int))
    fig = plots.km_plot(
        fits,
        at_risk_times=[0, 5, 10, 15, 20],
        title="KM",
        xlabel="Weeks",
        caption="Source: test",
        cumulative=True,
    )
    table_ax = fig.axes[1]
    assert table_ax.get_title(loc="left") == "Number at risk" and "Weeks" in table_ax.get_xlabel()
    _check(fig, "KM")


def test_swimmer_plot():
    p = pd.DataFrame(
        {
            "patient_id": ["1", "2", "3"],
            "response_start": [0.1, 0.3, np.nan],
            "end": [3, 27, 5],
            "ongoing": [False, True, False],
        }
    )
    _check(plots.swimmer_plot(p, title="Swim", xlabel="Months", caption="Source: test"), "Swim")


@pytest.mark.parametrize("kind", ["forest", "response", "range", "power"])
def test_other_plots(kind):
    frame = pd.DataFrame(
        {
            "label": ["a", "b"],
            "estimate": [0.5, 0.6],
            "low": [0.4, 0.5],
            "high": [0.6, 0.7],
            "timepoint": ["x", "y"],
            "arm": ["g", "g"],
            "median": [2, 3],
            "minimum": [1, 1],
            "maximum": [4, 5],
            "design": ["d", "d"],
            "difference": [0.1, 0.2],
            "power": [0.3, 0.9],
        }
    )
    fig = {
        "forest": lambda: plots.forest_plot(frame, title="T", xlabel="x", caption="Source: s", reference=0.5),
        "response": lambda: plots.response_plot(frame, title="T", caption="Source: s"),
        "range": lambda: plots.range_plot(frame, title="T", caption="Source: s"),
        "power": lambda: plots.power_curve(frame, title="T", caption="Source: s"),
    }[kind]()
    _check(fig, "T")


CAPTIONS = [
    "Source: Anti-CD20 + HPAG case series (seed document only), doi:10.1186/s13045-021-01047-9, Table 2 "
    "[data/outcomes.csv]. Exact (Clopper-Pearson) 95% CIs; the case series has no comparator, so its "
    "rates are not compared with the trial's.",
    "Two paragraphs: the first is short.\nThe second is long enough to be wrapped over more than one line "
    "of the figure, with https://example.org/a-long-address-that-is-one-word-of-text in it.",
    "A_single_word_wider_than_the_figure_" * 6,
    "  Double  spaces  and  a  trailing  space  " * 4,
    "Ends with an empty paragraph\n",
    # math text spanning words: a prefix that ends inside it is measured as literal text, wider
    # than the longer prefix that closes it (bisection alone would put it on the line before)
    "w " * 56 + r"$\hat{p}_1 - \hat{p}_2 = \mathrm{difference}$" + " of the two groups" * 3,
]


@pytest.mark.parametrize("width", [4.0, 7.5, 11.0])
@pytest.mark.parametrize("caption", CAPTIONS, ids=range(len(CAPTIONS)))
def test_caption_lines_are_the_ones_matplotlib_would_wrap(caption, width):
    # Captions are broken into lines once, by bisection over word prefixes, instead of by
    # matplotlib's wrap=True at every draw: the lines must be the ones wrap=True draws.
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, 3), dpi=110)
    reference = fig.text(0.01, 0.005, caption, ha="left", va="bottom", fontsize=7, wrap=True)
    fig.draw_without_rendering()
    expected = reference._get_wrapped_text()  # what wrap=True drew
    reference.remove()
    plots._caption(fig, caption)
    assert fig.texts[-1].get_text() == expected
    plt.close(fig)


def test_a_caption_on_a_canvas_without_a_renderer_is_wrapped_by_matplotlib():
    # A user may draw on a PDF or SVG canvas (no Agg renderer to measure with in advance): the
    # caption is then left to matplotlib's wrap=True.
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    fig = Figure(figsize=(4, 3))
    FigureCanvasSVG(fig)
    plots._caption(fig, CAPTIONS[0])
    assert fig.texts[-1].get_wrap() and fig.texts[-1].get_text() == CAPTIONS[0]


def test_a_saved_figure_is_drawn_once_per_format_and_saved_as_before(tmp_path, monkeypatch):
    # fig.tight_layout() leaves a placeholder layout engine, for which savefig would draw the
    # figure once more before the draw it saves: save_figure drops it. The saved bytes must not
    # change (the flagship reports are compared byte for byte with the committed ones).
    import io

    from reanalysis.report import writer

    def figure():
        fig, ax = plots._figure(width=5, height=3)
        ax.plot([0, 10, 20], [5, 40, 80], marker="o", label="design")
        ax.legend(loc="best")
        plots._finish_captioned(
            fig, ax, "Power", "Difference (points)", "Source: a caption that is long enough to wrap."
        )
        return fig

    reference = figure()
    assert reference.get_layout_engine() is not None
    png = io.BytesIO()
    reference.savefig(png, format="png", metadata={"Software": None})
    plots.close(reference)

    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer))
    fig = figure()
    saved = writer.save_figure(fig, tmp_path / "fig")
    plots.close(fig)
    assert len(draws) == 2  # one PNG, one SVG
    assert saved == png.getvalue() == (tmp_path / "fig.png").read_bytes()


def test_forest_squares_are_sized_by_meta_analysis_weight():
    # Outside users: a meta-analysis forest drew every study with one square size.
    from reanalysis import meta

    res = meta.pool_proportions([12, 18, 9, 40], [40, 52, 31, 120], labels=["A", "B", "C", "D"])
    studies = res.studies.rename(columns={"study": "label"})
    fig = plots.forest_plot(studies, weight="weight_percent", title="T", xlabel="x", caption="Source: s")
    squares = [line for line in fig.axes[0].lines if line.get_marker() == "s"]
    sizes = np.array([line.get_markersize() for line in squares])
    weights = studies.weight_percent.to_numpy()
    assert np.allclose(sizes**2 / sizes.max() ** 2, weights / weights.max())  # area proportional to weight
    plots.close(fig)
    with pytest.raises(ValueError, match="weight: column 'label' must hold non-negative numbers"):
        plots.forest_plot(studies, weight="label", title="T", xlabel="x", caption="Source: s")
