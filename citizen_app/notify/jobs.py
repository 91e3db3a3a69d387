"""Background job of the notification pillar: deliver queued Web Push messages (the outbox).

``run()`` is synchronous and runs one ``process_outbox`` pass in its own event loop, so the runner must call
it from a worker thread (e.g. ``asyncio.to_thread``), never on the app's event loop. It is idempotent and
safe in several workers at once (rows are claimed with a lease). Alternatively, the app lifespan can run
``citizen_app.notify.outbox.outbox_worker`` directly (see docs/PWA.md).
"""

from __future__ import annotations

import asyncio

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.notify.outbox import OutboxReport, process_outbox

EVERY_SECONDS = 10


def deliver_push() -> OutboxReport:
    return asyncio.run(process_outbox(session_scope))


JOBS = [Job("notify.push_outbox", EVERY_SECONDS, deliver_push)]
