"""Time helpers. Timestamps are timezone-aware UTC (sqlmodel's UTCDateTime); the city lives at UTC+7."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def utcnow() -> datetime:
    """Aware UTC: sqlmodel's datetime columns refuse naive values and return aware UTC."""
    return datetime.now(UTC)


def to_unix(value: datetime) -> int:
    """Whole Unix seconds (a naive value is taken as UTC)."""
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def from_unix(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def to_local(value: datetime) -> datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(VN_TZ)


def format_date(value: datetime) -> str:
    local = to_local(value)
    return f"{local.day:02d}/{local.month:02d}/{local.year}"  # strftime("%d/%m/%Y") without its cost


def format_datetime(value: datetime) -> str:
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_vnd(amount: int) -> str:
    """12500 -> '12.500 ₫' (Vietnamese dot grouping)."""
    return f"{amount:,}".replace(",", ".") + " ₫"
