"""Mask the public copies of existing reports again with the current masker (``text.mask_personal``).

The board stores masked copies (``public_*`` columns, the timeline's ``public_text``, the search index), so a
better masker protects old reports only once they are masked again. The Alembic migration of the release that
improved the masker runs this; after a later improvement run it by hand (idempotent)::

    python -m citizen_app.feedback.remask

It only ever hides more: a citizen's text is masked again from the original; an agency's published text keeps
what it showed (it was published under the old rules), except the reporter's own data quoted in it.
Plain SQL on the columns it needs (no ORM models), so the migration keeps working when the tables grow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from citizen_app.feedback.service import AGENCY_TEXT_KINDS, CITIZEN_TEXT_KINDS, citizen_texts
from citizen_app.feedback.text import fold, mask_personal, personal_values, shorten, tokens

BATCH = 500
_REPORT = sa.table("feedback_report", *(sa.column(name) for name in (
    "id", "category_code", "title", "description", "address", "ward", "attributes_json", "contact_json",
    "reporter_id", "public_title", "public_description", "public_address", "ward_key", "public_response",
    "search_folded")))
_EVENT = sa.table("feedback_event", *(sa.column(n) for n in ("id", "report_id", "kind", "public", "text",
                                                              "public_text")))
_TOKEN = sa.table("feedback_search_token", sa.column("token"), sa.column("report_id"), sa.column("category_code"))
_USER = sa.table("user_account", sa.column("id"), sa.column("phone"), sa.column("email"))
_UPDATE = sa.table("feedback_update", *(sa.column(n) for n in ("id", "report_id", "text", "public_text")))


def _public_title(row: Any) -> str:
    """Open311 titles are the description's first line cut to length: cut again where no number is split."""
    first_line = row.description.split("\n", 1)[0]
    if row.description.startswith(row.title) and len(first_line) > len(row.title):
        return mask_personal(shorten(first_line, len(row.title)))
    return mask_personal(row.title)


def _citizen_values(conn: Connection, row: Any, events: list[Any], updates: Sequence[Any]) -> set[str]:
    texts = citizen_texts(row) + [e.text for e in events if e.kind in CITIZEN_TEXT_KINDS] + [u.text for u in updates]
    if row.reporter_id is not None:
        account = conn.execute(sa.select(_USER.c.phone, _USER.c.email).where(_USER.c.id == row.reporter_id)).first()
        texts += [account.phone or "", account.email or ""] if account else []
    return personal_values(*texts)


def _reindex(conn: Connection, row: Any, public: dict[str, str]) -> None:
    text = " ".join([public["public_title"], public["public_description"], public["public_address"], public["ward"]])
    public["search_folded"] = fold(text)
    conn.execute(sa.delete(_TOKEN).where(_TOKEN.c.report_id == row.id))
    wanted = tokens(text)
    if wanted:
        conn.execute(sa.insert(_TOKEN), [{"token": t, "report_id": row.id, "category_code": row.category_code}
                                         for t in wanted])


def _remask_events(conn: Connection, events: list[Any], values: set[str]) -> None:
    for event in events:
        if event.kind in AGENCY_TEXT_KINDS:
            public_text = mask_personal(event.public_text, only=values)
        else:
            public_text = mask_personal(event.text)
        if public_text != event.public_text:
            conn.execute(sa.update(_EVENT).where(_EVENT.c.id == event.id).values(public_text=public_text))


def _remask_updates(conn: Connection, updates: Sequence[Any]) -> None:
    for update in updates:
        public_text = mask_personal(update.text)
        if public_text != update.public_text:
            conn.execute(sa.update(_UPDATE).where(_UPDATE.c.id == update.id).values(public_text=public_text))


def remask_report(conn: Connection, row: Any, events: list[Any], updates: Sequence[Any] = ()) -> bool:
    """Mask one report's public copies (and its citizens' updates) again; True when the report changed."""
    ward = mask_personal(row.ward)
    public = {"public_title": _public_title(row), "public_description": mask_personal(row.description),
              "public_address": mask_personal(row.address), "ward": ward, "ward_key": fold(ward)}
    values = _citizen_values(conn, row, events, updates)
    public["public_response"] = mask_personal(row.public_response, only=values)
    _remask_events(conn, events, values)
    _remask_updates(conn, updates)
    if all(getattr(row, key) == value for key, value in public.items()):
        return False
    _reindex(conn, row, public)
    conn.execute(sa.update(_REPORT).where(_REPORT.c.id == row.id).values(**public))
    return True


def remask_all(conn: Connection, batch: int = BATCH) -> int:
    """Every report, in batches by id; returns how many reports changed. Public updates too, once the schema has
    them (this runs in the migration of a release older than the updates)."""
    with_updates = sa.inspect(conn).has_table("feedback_update")
    changed, last = 0, 0
    while True:
        rows = conn.execute(sa.select(_REPORT).where(_REPORT.c.id > last).order_by(_REPORT.c.id).limit(batch)).all()
        if not rows:
            return changed
        ids = [row.id for row in rows]
        events: dict[int, list[Any]] = {i: [] for i in ids}
        for event in conn.execute(sa.select(_EVENT).where(_EVENT.c.report_id.in_(ids), _EVENT.c.public == sa.true(),
                                                          _EVENT.c.text != "")):
            events[event.report_id].append(event)
        updates: dict[int, list[Any]] = {i: [] for i in ids}
        if with_updates:
            for update in conn.execute(sa.select(_UPDATE).where(_UPDATE.c.report_id.in_(ids))):
                updates[update.report_id].append(update)
        changed += sum(remask_report(conn, row, events[row.id], updates[row.id]) for row in rows)
        last = ids[-1]


def main() -> None:
    from citizen_app.core.db import engine

    with engine().begin() as conn:
        print(f"Reports masked again: {remask_all(conn)}")


if __name__ == "__main__":
    main()
