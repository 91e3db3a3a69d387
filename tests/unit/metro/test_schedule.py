"""Next trains and timetables from the published GTFS (frequencies.txt): estimates at headway, per station."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from citizen_app.core.catalog import CatalogError
from citizen_app.metro import schedule
from citizen_app.metro.catalog import DATA_DIR

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def _hm(moments: tuple[datetime, ...]) -> list[str]:
    return [m.strftime("%a %H:%M") for m in moments]


def test_next_trains_in_both_directions_with_the_current_interval() -> None:
    tuesday_morning = datetime(2026, 3, 10, 9, 3, tzinfo=HCMC)
    [to_suoi_tien, to_ben_thanh] = schedule.next_trains("L1-05", tuesday_morning)
    # the first train leaves Bến Thành at 05:00 and reaches Tân Cảng 7 minutes later; every 10 minutes after 08:00
    assert (to_suoi_tien.toward, _hm(to_suoi_tien.times), to_suoi_tien.headway_minutes) == (
        "L1-14", ["Tue 09:07", "Tue 09:17", "Tue 09:27"], 10)
    assert (to_ben_thanh.toward, _hm(to_ben_thanh.times)) == ("L1-01", ["Tue 09:12", "Tue 09:22", "Tue 09:32"])


def test_after_the_last_train_the_next_morning_is_shown() -> None:
    late = datetime(2026, 3, 10, 23, 30, tzinfo=HCMC)
    [to_ben_thanh] = schedule.next_trains("L1-14", late)  # the terminus: one direction only
    assert _hm(to_ben_thanh.times) == ["Wed 05:00", "Wed 05:10", "Wed 05:20"] and to_ben_thanh.headway_minutes is None
    friday_night = datetime(2026, 3, 13, 22, 30, tzinfo=HCMC)  # Fri–Sun trains run until 23:00
    assert _hm(schedule.next_trains("L1-01", friday_night)[0].times)[0] == "Fri 22:30"


def test_timetable_per_service_days_and_direction() -> None:
    [weekdays, weekend] = schedule.timetable("L1-05")
    assert sorted(weekdays.weekdays) == [0, 1, 2, 3] and sorted(weekend.weekdays) == [4, 5, 6]
    out, back = weekdays.directions
    assert (out.toward, schedule.clock(out.first), schedule.clock(out.last)) == ("L1-14", "05:07", "21:52")
    assert [(schedule.clock(p.start), schedule.clock(p.end), p.headway_minutes) for p in out.periods][:2] == [
        ("05:07", "05:57", 10), ("06:07", "08:01", 6)]
    assert back.toward == "L1-01" and schedule.clock(weekend.directions[0].last) == "22:52"


def test_a_broken_frequency_row_names_the_file_and_line(tmp_path: Path) -> None:
    copy = tmp_path / "metro"
    shutil.copytree(DATA_DIR, copy)
    path = copy / "gtfs" / "frequencies.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "MON_THU_0,06:00:00,05:00:00,360,0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        schedule.load(copy)
    assert "gtfs/frequencies.txt" in str(error.value) and "line 3" in str(error.value)
    assert "end_time" in str(error.value)
