"""Reporting regimes and cycles (#17): cut-offs, deadlines, each unit's status, the write and the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from danvan_metrics.auth import accounts
from danvan_metrics.cli.main import main as cli_main
from danvan_metrics.reporting import book
from danvan_metrics.reporting.cycles import VIETNAM, cycles, find_cycle
from danvan_metrics.reporting.regimes import Cutoff, Frequency, Regime, RegimeError, parse_regime
from danvan_metrics.reporting.status import Status, label, statuses
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import TEST_PASSWORD

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "che-do-bao-cao-MAU.json"
WARDS = ("post-c00004", "post-c00008", "post-c00025")  # Ba Đình, Ngọc Hà, Giảng Võ (Hà Nội, after the reform)
METRICS = ("complaints_resolved_rate", "citizen_receptions")


def _regime(**changes: object) -> Regime:
    base: dict[str, object] = {
        "regime_id": "thu", "name": "Báo cáo thử", "legal_basis": "Quyết định thử",
        "legal_basis_date": dt.date(2025, 7, 1), "metrics": METRICS, "frequency": Frequency.QUARTERLY,
        "first_period": "2025-Q3", "deadline_days": 6, "units": WARDS,
    }  # fmt: skip
    return Regime(**{**base, **changes})  # type: ignore[arg-type]


def test_a_quarter_is_cut_off_as_decree_09_says_and_due_at_the_end_of_its_day_in_vietnam() -> None:
    q1 = find_cycle(_regime(), "2026-Q1")
    assert (q1.data_start, q1.data_end) == (dt.date(2025, 12, 15), dt.date(2026, 3, 14))
    assert (q1.period_start, q1.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q1.deadline == dt.datetime(2026, 3, 20, 23, 59, 59, tzinfo=VIETNAM)
    assert q1.label == "Quý 1/2026" and q1.data_label == "số liệu 15/12/2025–14/03/2026"
    year = find_cycle(_regime(frequency=Frequency.YEARLY, first_period="2025"), "2026")
    assert (year.data_start, year.data_end) == (dt.date(2025, 12, 15), dt.date(2026, 12, 14))
    calendar = find_cycle(_regime(cutoff=Cutoff.CALENDAR, deadline_days=10), "2026-Q2")
    assert (calendar.data_start, calendar.data_end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert calendar.data_label == "" and calendar.deadline.date() == dt.date(2026, 7, 10)


def test_a_regimes_cycles_run_from_its_first_period_to_the_one_under_way_newest_first() -> None:
    keys = [c.key for c in cycles(_regime(), dt.date(2026, 5, 2))]
    assert keys == ["2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3"]


def _sent(*rows: tuple[str, str, dt.datetime]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_id", "metric_id", "first_at"])


def test_each_unit_is_missing_partial_on_time_or_late_by_how_many_days() -> None:
    regime = _regime(units=("a", "b", "c", "d"))
    cycle = find_cycle(regime, "2026-Q1")  # due 20/03/2026 23:59:59 in Vietnam
    units = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "unit_name": ["A", "B", "C", "D"],
                          "province_id": ["p"] * 4, "province_name": ["Tỉnh P"] * 4})  # fmt: skip
    vn = dt.datetime(2026, 3, 20, 23, 0, tzinfo=VIETNAM)  # an hour before the deadline
    sent = _sent(
        ("b", METRICS[0], vn),  # only one of two metrics
        ("c", METRICS[0], vn), ("c", METRICS[1], vn),  # both, in time
        ("d", METRICS[0], vn), ("d", METRICS[1], vn + dt.timedelta(days=1, hours=11)),  # the second on 22/03
    )  # fmt: skip
    found = {s.unit_id: s for s in statuses(regime, cycle, units, sent, now=vn + dt.timedelta(days=5))}
    assert (
        found["a"].status is Status.MISSING and found["a"].overdue and label(found["a"]) == "chưa nộp (quá hạn 5 ngày)"
    )
    assert found["b"].status is Status.PARTIAL and found["b"].missing_metrics == (METRICS[1],)
    assert found["c"].status is Status.ON_TIME and label(found["c"]) == "đúng hạn" and not found["c"].overdue
    assert found["d"].status is Status.LATE and found["d"].days_late == 2 and label(found["d"]) == "muộn 2 ngày"
    early = statuses(regime, cycle, units, sent, now=vn - dt.timedelta(days=3))
    assert not any(s.overdue for s in early)  # before the deadline nobody is overdue
    assert label(early[0]).startswith("chưa nộp (hạn 20/03/2026")


def _commit(store: Store, editor: str, rows: str) -> str:
    data = ("ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n" + rows).encode()
    preview = uploads.prepare(store, data, "bao-cao.csv", resolver_for(store))
    assert preview.ok, preview.errors
    return writes.commit_upload(store, editor, preview, data, channel=writes.CHANNEL_CLI)


@pytest.mark.usefixtures("each_engine")
def test_a_cycles_status_is_read_from_what_was_uploaded_and_a_retraction_takes_it_back(real_store: Store) -> None:
    accounts.add("xa", TEST_PASSWORD, "editor", home=real_store.home)
    regime = _regime()
    writes.define_regime(real_store, writes.Operator("root"), regime)
    upload = _commit(real_store, "xa", "post-c00004,2025,3,complaints_resolved_rate,90\n"
                                       "post-c00004,2025,3,citizen_receptions,12\n"
                                       "post-c00008,2025,3,citizen_receptions,7\n")  # fmt: skip
    cycle = find_cycle(regime, "2025-Q3")  # due 20/09/2025: an upload today is late
    found = {s.unit_id: s for s in book.cycle_status(real_store, regime, cycle)}
    # Under a regime the upload waits for review, and stays late by how many days it was.
    assert found["post-c00004"].status is Status.PENDING and found["post-c00004"].days_late > 400
    assert label(found["post-c00004"]) == f"chờ duyệt · muộn {found['post-c00004'].days_late} ngày"
    assert found["post-c00008"].status is Status.PARTIAL
    assert found["post-c00008"].missing_metrics == ("complaints_resolved_rate",)
    assert found["post-c00025"].status is Status.MISSING and found["post-c00025"].province_name == "Thành phố Hà Nội"
    writes.retract_upload(real_store, "xa", upload, channel=writes.CHANNEL_CLI)
    assert {s.status for s in book.cycle_status(real_store, regime, cycle)} == {Status.MISSING}


@pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL
def test_only_an_admin_or_the_console_defines_a_regime_and_it_is_audited(real_store: Store) -> None:
    accounts.add("bien.tap", TEST_PASSWORD, "editor", home=real_store.home)
    accounts.add("quan.tri", TEST_PASSWORD, "admin", home=real_store.home)
    with pytest.raises(writes.WriteRefused, match="Chỉ quản trị viên"):
        writes.define_regime(real_store, "bien.tap", _regime())
    assert book.regimes(real_store) == []
    assert not writes.define_regime(real_store, "quan.tri", _regime())
    assert writes.define_regime(real_store, "quan.tri", _regime(name="Báo cáo thử, sửa"))  # replaced, not doubled
    assert [k.regime.name for k in book.regimes(real_store)] == ["Báo cáo thử, sửa"]
    trail = queries.audit_log(real_store)
    assert (trail["action"] == "regime").sum() == 2 and trail["actor"].eq("quan.tri").any()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"frequency": "monthly"}, "“frequency” phải là “quarterly”"),
        ({"metrics": ["khong_co"]}, "chỉ tiêu không có trong danh mục: khong_co"),
        ({"units": ["khong-co"]}, "đơn vị không có trong danh mục: khong-co"),
        ({"first_period": "2025-Q5"}, "“first_period” “2025-Q5”"),
        ({"deadline_days": "sáu"}, "“deadline_days”"),
        ({"province": "post-p01"}, "cần đúng một trong hai trường"),
        ({"legal_basis_date": "01/07/2025"}, "NNNN-TT-NN"),
    ],
)
def test_a_wrong_regime_file_says_which_file_and_field(change: dict[str, object], message: str) -> None:
    data = {**json.loads(SAMPLE.read_text(encoding="utf-8")), **change}
    with pytest.raises(RegimeError) as raised:
        parse_regime(json.dumps(data), "che-do.json", set(METRICS), set(WARDS) | {"post-p01"})
    assert raised.value.message.startswith("Tệp che-do.json: ") and message in raised.value.message


def test_the_sample_regime_is_labelled_invented_and_loads() -> None:
    regime = parse_regime(SAMPLE.read_text(encoding="utf-8"), SAMPLE.name, set(METRICS), set(WARDS))
    assert regime.sample and "MẪU" in regime.name and "giả định" in regime.legal_basis


def test_cycles_status_json_prints_one_object_per_unit(real_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(real_store.home)]
    assert cli_main([*home, "cycles", "define", str(SAMPLE)]) == 0
    assert "Đã thêm chế độ báo cáo mau-dan-van-quy" in capsys.readouterr().out
    assert cli_main([*home, "cycles", "status", "--regime", "mau-dan-van-quy", "--cycle", "2025-Q3", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(p["unit_id"] for p in printed) == sorted(WARDS)
    first = printed[0]
    assert {"unit_id", "status", "missing_metrics", "submitted_at", "deadline"} <= set(first)
    assert first["status"] == "missing" and first["deadline"] == "2025-09-20T23:59:59+07:00"
    assert first["missing_metrics"] == list(METRICS) and first["submitted_at"] is None
    assert cli_main([*home, "cycles", "status", "--regime", "khong-co"]) == 1
    assert "Không có chế độ báo cáo “khong-co”" in capsys.readouterr().err
    assert cli_main([*home, "cycles", "status", "--cycle", "2025-13"]) == 1
    assert "không phải một kỳ" in capsys.readouterr().err


class _Sink:
    """A local SMTP server on loopback that keeps what it is sent (aiosmtpd)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 — aiosmtpd's hook name
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))  # type: ignore[attr-defined]
        return "250 OK"


def test_reminders_are_mailed_through_the_configured_server_and_never_without_it(
    real_store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from email import message_from_bytes
    from email.policy import default

    from aiosmtpd.controller import Controller

    from tests.browser.chromium import free_port

    home = ["--home", str(real_store.home)]
    assert cli_main([*home, "cycles", "define", str(SAMPLE)]) == 0
    accounts.add("giang.vo", TEST_PASSWORD, "editor", ("post-c00025",), home=real_store.home, email="gv@example.vn")
    accounts.add("khong.thu", TEST_PASSWORD, "editor", ("post-c00008",), home=real_store.home)
    capsys.readouterr()
    monkeypatch.delenv("DANVAN_SMTP_URL", raising=False)
    assert cli_main([*home, "cycles", "remind"]) == 0
    assert "Không gửi thư nào (DANVAN_SMTP_URL chưa đặt). 2 tài khoản" in capsys.readouterr().out

    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setenv("DANVAN_SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
        monkeypatch.setenv("DANVAN_SMTP_FROM", "danvan@ubnd.example.vn")
        assert cli_main([*home, "cycles", "remind"]) == 0
        assert "Đã gửi 1 thư nhắc hạn. Chưa có địa chỉ thư: khong.thu." in capsys.readouterr().out
    finally:
        controller.stop()
    [(recipients, content)] = sink.received
    mail = message_from_bytes(content, policy=default)
    assert recipients == ["gv@example.vn"] and mail["From"] == "danvan@ubnd.example.vn"
    assert str(mail["Subject"]).startswith("[danvan] Nhắc hạn nộp báo cáo:") and "quá hạn" in str(mail["Subject"])
    body = mail.get_body().get_content()  # type: ignore[union-attr]
    assert "Phường Giảng Võ" in body and "Quý 3/2025" in body and "hạn nộp 20/09/2025 23:59" in body

    monkeypatch.setenv("DANVAN_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    assert cli_main([*home, "cycles", "remind"]) == 1
    assert "Không gửi được thư qua 127.0.0.1" in capsys.readouterr().err


def test_a_reminder_names_what_is_overdue_or_due_within_the_week_not_what_is_due_later() -> None:
    regime = _regime(units=("a",))
    cycle = find_cycle(regime, "2026-Q1")  # due 20/03/2026
    units = pd.DataFrame({"unit_id": ["a"], "unit_name": ["A"], "province_id": ["p"], "province_name": ["Tỉnh P"]})

    def owed(day: dt.date) -> list[book.Due]:
        now = dt.datetime.combine(day, dt.time(9), tzinfo=VIETNAM)
        [status] = statuses(regime, cycle, units, _sent(), now=now)
        return book.owed_soon([book.Due(regime, cycle, status)], day)

    assert owed(dt.date(2026, 3, 14))  # due in 6 days
    assert not owed(dt.date(2026, 3, 1))  # due in 19 days: not yet
    assert owed(dt.date(2026, 4, 2))[0].status.overdue  # past the deadline
