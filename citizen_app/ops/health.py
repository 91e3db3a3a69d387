"""Liveness and readiness checks (plain Python, no reflex import).

Readiness = the database answers, its schema is at the Alembic head, and Redis answers when the app is
configured to use it. Failures are logged with their cause; the HTTP answer only says which check failed,
so nothing about the infrastructure (URLs, passwords, versions) leaks to the public.

Pillars add checks of their own data once the schema is at head: ``readiness()`` in ``citizen_app.<pkg>.checks``
returns ``{name: "ok" | "warn" | "fail"}``. A ``warn`` is reported (and logged by the pillar) but keeps the worker
in rotation: it needs a person (e.g. an agency with nobody to take its reports), not a restart.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import text

from citizen_app.core.config import ROOT, settings
from citizen_app.core.db import engine
from citizen_app.core.registry import import_pillar_modules

log = logging.getLogger("citizen_app.ops")
CHECK_TIMEOUT_SECONDS = 2.0


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(value in ("ok", "skipped", "warn") for value in self.checks.values())


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The revision ids Alembic's scripts end at (read once: they do not change while running)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("path_separator", "os")
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> frozenset[str]:
    """SELECT 1 plus the applied revisions; raises when the database is unreachable."""
    with engine().connect() as conn:
        conn.execute(text("SELECT 1"))
        try:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except Exception:  # no alembic_version table = not migrated
            return frozenset()
    return frozenset(row[0] for row in rows)


def check_database() -> tuple[str, str]:
    """Returns (database status, migrations status)."""
    try:
        applied = database_revisions()
    except Exception as exc:
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        return "fail", "unknown"
    if applied != migration_heads():
        log.warning("readiness: schema at %s, code expects %s", sorted(applied), sorted(migration_heads()))
        return "ok", "behind"
    return "ok", "ok"


async def check_redis(url: str | None) -> str:
    if not url:
        return "skipped"
    import redis.asyncio as aioredis

    client = aioredis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
                               socket_timeout=CHECK_TIMEOUT_SECONDS)
    try:
        return "ok" if await client.ping() else "fail"
    except Exception as exc:
        log.warning("readiness: redis unreachable: %s", type(exc).__name__)
        return "fail"
    finally:
        await client.aclose()


def pillar_checks() -> dict[str, str]:
    """Every pillar's ``checks.readiness()``; one that raises is a ``fail`` under its package's name."""
    found: dict[str, str] = {}
    for module in import_pillar_modules("checks"):
        check = getattr(module, "readiness", None)
        if check is None:
            continue
        try:
            found.update(check())
        except Exception as exc:
            log.warning("readiness: %s failed: %s", module.__name__, type(exc).__name__)
            found[module.__name__.split(".")[1]] = "fail"
    return found


async def readiness() -> Readiness:
    redis_task = asyncio.create_task(check_redis(settings().redis_url))
    try:
        database, migrations = await asyncio.wait_for(asyncio.to_thread(check_database), CHECK_TIMEOUT_SECONDS * 2)
    except TimeoutError:
        database, migrations = "fail", "unknown"
    checks = {"database": database, "migrations": migrations}
    if migrations == "ok":
        try:
            checks.update(await asyncio.wait_for(asyncio.to_thread(pillar_checks), CHECK_TIMEOUT_SECONDS * 2))
        except TimeoutError:
            checks["pillars"] = "fail"
    return Readiness({**checks, "redis": await redis_task})
