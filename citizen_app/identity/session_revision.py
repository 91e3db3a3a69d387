"""Per-session revisions: how an open tab learns at once that its session was closed or changed.

A tab keeps the session it proved in its backend-only ``AuthState`` vars, and every handler asks
``identity.state.acting_user``, which compares the session's revision with the one the tab saw at its last
database proof. Closing a session (logout, "log out of all devices", a password change, a recovery) or
changing its user's roles bumps the revision once the transaction has committed, so the tab's next handler
proves the session against the database again and finds it closed.

Without ``REDIS_URL`` (one worker) the revisions live in this process's memory. With it, several workers
serve tabs: a revision is a Redis counter that every worker reads (one GET per handler), so the next event
of a tab held by another worker sees it too. The database re-check every ``SESSION_RECHECK_SECONDS`` stays
the backstop (a bump lost while Redis was unreachable, a session closed by another program), so a revision
only has to outlive that delay: it is forgotten after ``KEEP_SECONDS``, and a tab whose last proof is older
than the bump proves again anyway.
"""

from __future__ import annotations

import logging
import secrets
import time
import weakref
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

from citizen_app.core.config import settings

if TYPE_CHECKING:
    import asyncio

    import redis
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)

KEEP_SECONDS = 120  # well above the database re-check delay of a tab
REDIS_TIMEOUT_SECONDS = 1.0
_KEY = "cds:session-rev:"
_PENDING = "cds_session_revisions"  # Session.info key: sessions to bump when the transaction commits

_local: dict[str, tuple[int, float]] = {}  # session id -> (revision, monotonic time it is forgotten)
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = weakref.WeakKeyDictionary()


def bump_after_commit(db: Session, session_ids: Iterable[str]) -> None:
    """Bump these sessions' revisions when ``db``'s transaction commits (never on rollback).

    Not before: a tab that re-proved its session between the bump and the commit would still find it and
    keep the new revision."""
    db.info.setdefault(_PENDING, set()).update(sid for sid in session_ids if sid)


@event.listens_for(Session, "after_commit")
def _bump_committed(db: Session) -> None:
    pending = db.info.pop(_PENDING, None)
    if pending:
        bump(pending)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(db: Session) -> None:
    db.info.pop(_PENDING, None)


def bump(session_ids: Iterable[str]) -> None:
    ids = sorted(set(session_ids))
    now = time.monotonic()
    for sid in [sid for sid, (_, until) in _local.items() if until < now]:
        del _local[sid]
    for sid in ids:
        _local[sid] = (_local_revision(sid, now) + 1, now + KEEP_SECONDS)
    url = settings().redis_url
    if not url or not ids:
        return
    try:
        pipe = _sync_client(url).pipeline(transaction=False)
        for sid in ids:
            pipe.incr(_KEY + sid)
            pipe.expire(_KEY + sid, KEEP_SECONDS)
        pipe.execute()
    except Exception as exc:  # the database re-check still ends the tab within its delay
        log.warning("session revision not shared through Redis: %s", type(exc).__name__)


def local(session_id: str | None) -> str:
    """This process's revision of a session (all there is without Redis)."""
    return str(_local_revision(session_id, time.monotonic())) if session_id else "0"


async def current(session_id: str | None) -> str:
    """The session's revision as every worker sees it. When Redis cannot answer, a value that matches no
    stored one, so the caller proves the session against the database."""
    url = settings().redis_url
    if not url or not session_id:
        return local(session_id)
    try:
        value = await _async_client(url).get(_KEY + session_id)
    except Exception as exc:
        log.warning("session revision unreadable in Redis: %s", type(exc).__name__)
        return "unknown-" + secrets.token_hex(8)
    return value.decode() if value else "0"


def _local_revision(session_id: str | None, now: float) -> int:
    revision, until = _local.get(session_id or "", (0, 0.0))
    return revision if until >= now else 0


@lru_cache(maxsize=2)
def _sync_client(url: str) -> redis.Redis:
    import redis

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def _async_client(url: str) -> aioredis.Redis:
    """One client per event loop (a redis.asyncio pool belongs to the loop that opened it)."""
    import asyncio

    import redis.asyncio as aioredis

    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                   socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        _async_clients[loop] = client
    return client
