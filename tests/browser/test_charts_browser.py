"""Charts that read on a phone and on a desktop, in a real browser: no text outside the picture, none on another.

A Plotly figure does not know the screen it lands on, and Plotly neither wraps text nor keeps it
inside the picture: a title, a bar's label or a warning past the edge is simply cut ("⚠ Các số
liệu l"). So each chart is drawn at 390 and at 1440 px, and the boxes of its texts are measured
in the SVG: every text inside the picture, and the title, the notes, the source line, the axis
and the legend clear of one another. The app's pages are checked as served, and every figure
builder on its own (the profile's charts are the deck's: the profile page draws cards).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import pytest
from playwright.sync_api import Browser, Page

from danvan_metrics.export import covers, slides
from danvan_metrics.figures import charts, groups
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.browser.conftest import ARTIFACTS, screenshot, wait_for_app
from tests.test_analysis_scale import compare_rows
from tests.test_charts_scale import RATE, many_units

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (390, 844), "desktop": (1440, 1000)}
PLOTLY_JS = Path(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")

# Text boxes of a chart, measured against its SVG: what sticks out, and which blocks of text collide.
MEASURE = """(root) => {
  const svg = root.querySelector('svg.main-svg').getBoundingClientRect();
  const box = (r) => ({left: r.left - svg.left, right: r.right - svg.left, top: r.top - svg.top,
                       bottom: r.bottom - svg.top});
  const texts = [...root.querySelectorAll('text')]
    .map((t) => ({text: t.textContent.trim(), ...box(t.getBoundingClientRect()),
                  parent: (t.closest('[class]') || t).getAttribute('class')}))
    .filter((t) => t.text && t.right > t.left);
  const group = (selector) => [...root.querySelectorAll(selector)].map((e) => ({
      text: e.textContent.trim(), ...box(e.getBoundingClientRect())})).filter((b) => b.text && b.right > b.left);
  return {width: svg.width, height: svg.height, right: svg.right, viewport: innerWidth, texts,
          title: group('.g-gtitle'), annotations: group('.annotation'), legend: group('.legend'),
          xticks: group('.xtick'), xtitle: group('.g-xtitle')};
}"""


def measure(page: Page, chart_index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = page.locator(".js-plotly-plot").nth(chart_index).evaluate(MEASURE)
    return result


def outside(boxes: dict[str, Any]) -> list[str]:
    """The texts that reach past the picture's edges (1 px of rounding allowed)."""
    w, h = boxes["width"], boxes["height"]
    return [
        f"{t['text'][:60]!r} at x {t['left']:.0f}–{t['right']:.0f}, y {t['top']:.0f}–{t['bottom']:.0f}"
        f" of {w:.0f}×{h:.0f}"
        for t in boxes["texts"]
        if t["left"] < -1 or t["top"] < -1 or t["right"] > w + 1 or t["bottom"] > h + 1
    ]


def _meets(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1
                and b["top"] < a["bottom"] - 1)  # fmt: skip


def collisions(boxes: dict[str, Any], notes: list[str]) -> list[str]:
    """Blocks of text that cover one another: title, notes over the plot, source line, axis, legend."""
    annotations = boxes["annotations"]
    blocks = {
        "title": boxes["title"],
        "notes": [a for a in annotations if any(a["text"].replace(" ", "").startswith(n) for n in notes)],
        "footnote": [a for a in annotations if a["text"].startswith("Nguồn:")],
        "legend": boxes["legend"],
        "x ticks": boxes["xticks"],
        "x title": boxes["xtitle"],
    }
    found = []
    names = list(blocks)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            for a in blocks[first]:
                for b in blocks[second]:
                    if _meets(a, b):
                        found.append(f"{first} {a['text'][:30]!r} covers {second} {b['text'][:30]!r}")
    return found


def squeeze(text: str) -> str:
    """Text as the SVG holds it: lines are separate tspans, so spaces at line breaks are gone."""
    return "".join(text.replace("\u00a0", " ").split())


def _open(browser: Browser, url: str, viewport: tuple[int, int]) -> Page:
    width, height = viewport
    page = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_for_app(page)
    return page


PAGES = [
    # (path, artifact name, charts expected, in-figure notes that must show whole)
    ("so-sanh?chi_tieu=complaints_resolved_rate", "so-sanh-ty-le", 1, []),
    ("so-sanh?chi_tieu=communes", "so-sanh-khac-ky", 1, [charts.MIXED_PERIOD_WARNING]),
    ("so-sanh?chi_tieu=poor_household_loan_amount", "so-sanh-can", 1, [charts.BOUNDS_NOTE]),
    ("xu-huong?chi_tieu=complaints_resolved_rate", "xu-huong-ty-le", 1, [charts.SINGLE_POINT_NOTE]),
    ("xu-huong?chi_tieu=communes", "xu-huong-3-don-vi", 1, [charts.SINGLE_POINT_NOTE]),
    ("ho-so?don_vi=pre-d001", "ho-so", 0, []),  # cards, no chart: its charts are the deck's (below)
]


@pytest.mark.parametrize("device", list(VIEWPORTS))
@pytest.mark.parametrize(("path", "name", "expected", "notes"), PAGES)
def test_page_charts_keep_every_text_inside_and_apart(
    browser: Browser, app_url: str, path: str, name: str, expected: int, notes: list[str], device: str
) -> None:
    page = _open(browser, f"{app_url}/{path}", VIEWPORTS[device])
    if expected:
        page.locator(".js-plotly-plot .main-svg").first.wait_for()
        page.wait_for_timeout(800)  # Plotly lays the chart out again once it knows its width
    count = page.locator(".js-plotly-plot").count()
    assert count >= expected
    for index in range(count):
        boxes = measure(page, index)
        assert boxes["right"] <= boxes["viewport"] + 1, "the chart is wider than the screen"
        assert outside(boxes) == [], f"{path} on a {device}: text cut at the picture's edge"
        squeezed = [squeeze(n) for n in notes]
        assert collisions(boxes, squeezed) == [], f"{path} on a {device}"
        drawn = [squeeze(a["text"]) for a in boxes["annotations"]]
        for note in squeezed:  # the warning whole, not "⚠ Các số liệu l"
            assert any(note in text for text in drawn), f"{note!r} not drawn whole in {drawn}"
    screenshot(page, f"charts-{name}-{device}")
    page.context.close()


# Every figure builder on its own, as a page shows it (described, wrapped for a phone), in plain plotly.js.


def page_figures(store: Store) -> dict[str, go.Figure]:
    updated = queries.last_updated(store)

    def described(frame: Any, figure: go.Figure) -> go.Figure:
        return charts.describe(figure, charts.chart_note(frame, updated))

    figures = {}
    for metric_id in ("complaints_resolved_rate", "communes", "poor_household_loan_amount", "mediation_success_rate"):
        frame, metric = queries.compare(store, metric_id), queries.metric(store, metric_id)
        figures[f"compare-{metric_id}"] = described(frame, charts.build_compare_figure(frame, metric, "pre-d001"))
        trend = queries.trend(store, metric_id)
        figures[f"trend-{metric_id}"] = described(trend, charts.build_trend_figure(trend, metric, "pre-d001"))
    zero = compare_rows({"a": 0.0, "b": 50.0, "c": 100.0}).assign(numerator=[0, 1, 2], denominator=[2, 2, 2])
    zero.loc[1, "qualifier"] = ">="
    figures["compare-zero-and-bound"] = described(zero, charts.build_compare_figure(zero, RATE))
    spread = many_units(500)
    position = groups.unit_position(spread, "c00042", RATE.direction)
    figures["distribution"] = described(spread, charts.build_distribution_figure(spread, RATE, "c00042", position))
    ranked = many_units(300)
    mine = str(ranked.sort_values("value")["unit_id"].iloc[150])
    shown = groups.top_bottom(ranked, RATE.direction, keep=[mine])
    _, stats = groups.rank_and_gaps(ranked, RATE.direction)
    figures["top-bottom"] = described(ranked, charts.build_top_bottom_figure(shown, RATE, len(ranked), mine, stats))
    return figures


def slide_figures(store: Store) -> dict[str, go.Figure]:
    """The deck's charts (presentation size): compare and trend slides, and a unit's profile."""
    figures = {}
    for metric_id in ("complaints_resolved_rate", "communes", "poor_household_loan_amount"):
        figures[f"compare-slide-{metric_id}"] = slides.compare_slide(store, metric_id).figure
        figures[f"trend-slide-{metric_id}"] = slides.trend_slide(store, metric_id).figure
    for index, slide in enumerate(slides.profile_slides(store, "pre-d001")):
        figures[f"profile-slide-{index}"] = slide.figure
    return figures


@pytest.fixture(scope="module")
def plain_page(browser: Browser) -> Any:
    def open_at(width: int) -> Page:
        page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
        page.set_content("<html><body style='margin:0'><div id='chart'></div></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        return page

    return open_at


def draw_and_measure(
    page: Page, figures: dict[str, go.Figure], width: int, height: int | None = None
) -> dict[str, list[str]]:
    """Each figure drawn by plotly.js at ``width`` (and ``height``) px: what is cut or covered, by figure."""
    problems: dict[str, list[str]] = {}
    notes = [squeeze(n) for n in (charts.MIXED_PERIOD_WARNING, charts.BOUNDS_NOTE, charts.SINGLE_POINT_NOTE)]
    for name, figure in figures.items():
        spec = json.loads(figure.to_json())
        spec["layout"]["width"] = width
        if height:
            spec["layout"]["height"] = height
        page.evaluate("(spec) => Plotly.newPlot('chart', spec.data, spec.layout, {staticPlot: true})", spec)
        boxes = page.locator("#chart").evaluate(MEASURE)
        found = outside(boxes) + collisions(boxes, notes)
        if found:
            problems[name] = found
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#chart").screenshot(path=str(ARTIFACTS / f"figure-{name}-{width}.png"))
    return problems


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_figure_builder_keeps_its_text_inside_and_apart(real_store: Store, plain_page: Any, device: str) -> None:
    # The chart's width on the page: Streamlit pads a phone's page by 16 px a side.
    width = VIEWPORTS[device][0] - 32 if device == "phone" else 1200
    page = plain_page(VIEWPORTS[device][0])
    problems = draw_and_measure(page, page_figures(real_store), width)
    page.context.close()
    assert problems == {}


def test_every_slide_keeps_its_text_inside_and_apart(real_store: Store, plain_page: Any) -> None:
    # A slide's picture is laid out at 1536 × 864 and drawn 1,25× large (covers.IMAGE_SCALE).
    page = plain_page(1600)
    width, height = round(covers.IMAGE_WIDTH / covers.IMAGE_SCALE), round(covers.IMAGE_HEIGHT / covers.IMAGE_SCALE)
    problems = draw_and_measure(page, slide_figures(real_store), width, height)
    page.context.close()
    assert problems == {}
