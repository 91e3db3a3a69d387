"""Reflex configuration. Every setting comes from the environment (see README, "Configuration")."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from citizen_app.core.config import settings
from citizen_app.ui.first_paint import PaintBeforeScripts
from citizen_app.ui.theme import ACCENT, GRAY, RadixThemesSubset

_settings = settings()
_port = int(os.environ.get("PORT", "3000"))
_origins = os.environ.get("CORS_ORIGINS") or ",".join(
    (_settings.public_url, f"http://localhost:{_port}", f"http://127.0.0.1:{_port}")
)

if _settings.redis_url:
    # The worker that holds a tab's socket keeps its state lock and an in-memory copy between events, and
    # writes it to Redis when another worker asks or the lease ends (Reflex's "oplock"). Without it every
    # event pays a Redis lock, a read and a write: p95 199 ms against 54 ms at 200 citizens on 2 cores.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    # Reflex's lease lasts half the lock expiry (5 s), shorter than a person's pause between taps, so many
    # events of a visit paid the reacquire (lock, read, unpickle) and the lease's write-back. A lease is not
    # renewed by use: 60 s keeps a tab's state in memory for most of a visit (13 taps ~5 s apart); another
    # worker still takes it at once (it asks, the holder writes). docs/DEPLOY.md, "Ninth round": at 1,000
    # citizens on 2 workers, 20 s -> 60 s cut the workers' CPU per action from ~6.4 to ~5.2 ms.
    os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME", "60s")
    os.environ.setdefault("REFLEX_REDIS_LOCK_EXPIRATION", "75000")  # ms; must outlast the lease

config = rx.Config(
    app_name="citizen_app",
    db_url=_settings.database_url,
    redis_url=_settings.redis_url,
    # One worker keeps tab states in memory: the disk manager rescans every state file after each write,
    # on the worker's CPU, which stalls events once thousands of tabs are open. Several workers need Redis.
    state_manager_mode="redis" if _settings.redis_url else "memory",
    frontend_port=_port,
    cors_allowed_origins=[o.strip() for o in _origins.split(",") if o.strip()],
    show_built_with_reflex=False,
    telemetry_enabled=False,
    disable_plugins=[SitemapPlugin],
    plugins=[
        RadixThemesSubset(
            theme=rx.theme(accent_color=ACCENT, gray_color=GRAY, radius="medium", scaling="110%", has_background=True)
        ),
        PaintBeforeScripts(),
    ],
)
