"""The shared holiday file ``data/holidays/vn_holidays.json``: public holidays and make-up working days.

Every pillar that counts working days reads it through ``holidays()``, validated once.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from citizen_app.core.catalog import CatalogModel, IsoDate, Text, load_file
from citizen_app.core.config import ROOT

HOLIDAY_FILE = ROOT / "data" / "holidays" / "vn_holidays.json"


class Day(CatalogModel):
    date: IsoDate
    name_vi: Text
    name_en: Text
    verify: bool = False


class HolidayFile(CatalogModel):
    country: str = "VN"
    holidays: list[Day]
    extra_working_days: list[Day] = []
    working_days: list[Day] = []  # the older name of extra_working_days, still read

    def days_off(self) -> frozenset[date]:
        return frozenset(day.date for day in self.holidays)

    def make_up_days(self) -> frozenset[date]:
        """Weekend days that are working days (swapped for a bridge holiday)."""
        return frozenset(day.date for day in self.extra_working_days + self.working_days)


@lru_cache(maxsize=1)
def holidays(path: Path = HOLIDAY_FILE) -> HolidayFile:
    return load_file(path, HolidayFile)
