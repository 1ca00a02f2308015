"""One typed chart specification for the page, its PNG, its slide and the command line (issue #13).

The compare PNG and every deck holding a compare chart broke once because the page built a
6-item tuple that the exports unpacked as 5. These tests hold the specification, the slide it
makes in every compact view, and what a download gives when its file cannot be made.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from danvan_metrics.cli.main import main
from danvan_metrics.core.messages import SCALE_VIEW_LABELS
from danvan_metrics.core.model import Period
from danvan_metrics.export import notices as notice_files
from danvan_metrics.export import slides
from danvan_metrics.export.chart_spec import CompareSpec, TrendSpec, slide_for, units_of
from danvan_metrics.figures import analysis
from danvan_metrics.figures.views import ScaleView
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.ui import slides as ui_slides
from tests import scale_sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return scale_sample.build(tmp_path_factory.mktemp("spec_scale"))


def _fullest(store: Store) -> str:
    period = analysis.fullest_recent_period(queries.periods(store, scale_sample.RATE))
    assert period
    return period


def test_a_spec_is_a_value_a_deck_can_hold_once() -> None:
    one = CompareSpec("complaints_resolved_rate", units_of(["pre-d001"]), Period.parse("2024-01-01..2024-03-31"))
    same = CompareSpec("complaints_resolved_rate", ("pre-d001",), Period.parse("2024-01-01..2024-03-31"))
    assert one == same and one in [same] and hash(one) == hash(same)
    assert CompareSpec("complaints_resolved_rate", view="distribution") != CompareSpec("complaints_resolved_rate")
    assert units_of([]) is None and units_of(None) is None


@pytest.mark.parametrize("view", [v.value for v in ScaleView])
def test_each_compact_view_reaches_the_slide(sample: Store, view: str) -> None:
    mine = scale_sample.middle_unit(sample)[0]
    period = Period.parse(_fullest(sample))  # as the page opens: the newest quarter most units reported
    slide = slide_for(sample, CompareSpec(scale_sample.RATE, period=period, highlight=mine, view=view))
    assert slide.title.startswith("So sánh")
    assert scale_sample.RATE.replace("_", "-") not in slide.file_name("png")  # named by the metric's Vietnamese name
    # The view chosen on the page is the one drawn (the province roll-up names itself in the file name).
    assert slide.name[-1] == SCALE_VIEW_LABELS[ScaleView(view)]


def test_a_trend_spec_makes_the_trend_slide(real_store: Store) -> None:
    slide = slide_for(real_store, TrendSpec("complaints_resolved_rate", highlight="pre-d001"))
    assert slide.title.startswith("Xu hướng")


def test_the_command_line_exports_a_compact_view(
    sample: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(sample.curated_dir))
    code = main(["--home", str(sample.home), "export", "--metric", scale_sample.RATE, "--view", "provinces",
                 "--period", _fullest(sample), "--format", "png", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    [made] = tmp_path.glob("*.png")
    assert "gop-theo-tinh" in made.name  # the province roll-up, named as the page names it
    with Image.open(made) as image:
        assert image.size == (1920, 1080)


# What a download gives when its file cannot be made: the file says so, and the page is told.


def test_a_failed_png_gives_an_image_that_explains_and_tells_the_page() -> None:
    def broken() -> bytes:
        raise slides.DeckError("Chỉ tiêu «X» chưa có số liệu nào cho các đơn vị và kỳ đã chọn.")

    data = ui_slides.guarded(broken, "ảnh PNG 1920×1080", notice_files.message_png)()
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1920, 1080)
    message = ui_slides._FAILURES.pop("")
    assert message.startswith("Không tạo được ảnh PNG 1920×1080: Chỉ tiêu «X» chưa có số liệu")


def test_an_unexpected_failure_is_logged_and_said_plainly(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> bytes:
        raise ValueError("too many values to unpack (expected 5)")

    data = ui_slides.guarded(broken, "bộ slide PowerPoint", notice_files.message_pptx)()
    texts = [shape.text_frame.text for shape in Presentation(io.BytesIO(data)).slides[0].shapes if shape.has_text_frame]
    assert texts[0] == "Không tạo được tệp" and "lỗi ngoài dự kiến" in texts[1]
    assert "unpack" not in texts[1]  # no internals in what the person reads
    assert "too many values to unpack" in caplog.text  # but the log has them
    assert "lỗi ngoài dự kiến" in ui_slides._FAILURES.pop("")


def test_the_pdf_notice_is_a_pdf() -> None:
    assert notice_files.message_pdf("Không tạo được bộ slide PDF: thử lại.").startswith(b"%PDF")
