"""Worker runtime settings that keep latency low: the state manager choice and the garbage collector."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citizen_app.core import memory

ROOT = Path(__file__).resolve().parents[3]


def _state_manager(tmp_path: Path, **env: str) -> tuple[str, str]:
    """(state manager mode, REFLEX_OPLOCK_ENABLED) as a worker started with ``env`` sees them."""
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REFLEX_REDIS_URL", "REFLEX_OPLOCK_ENABLED")}
    code = ("import os, rxconfig; mode = rxconfig.config.state_manager_mode\n"
            "print(getattr(mode, 'value', mode), os.environ.get('REFLEX_OPLOCK_ENABLED', '-'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**clean, "INSTANCE_DIR": str(tmp_path), **env})
    mode, oplock = done.stdout.strip().splitlines()[-1].split()
    return mode, oplock


def test_one_worker_keeps_states_in_memory_and_redis_takes_over_when_configured(tmp_path: Path) -> None:
    assert _state_manager(tmp_path) == ("memory", "-")
    assert _state_manager(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0") == ("redis", "true")
    assert _state_manager(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0", REFLEX_OPLOCK_ENABLED="false") == (
        "redis", "false")


def test_a_redis_lease_outlasts_a_pause_between_taps(tmp_path: Path) -> None:
    """With Redis, a worker keeps a tab's state for 60 s (Reflex's own default is 5 s) under a 75 s lock: a lease
    is not renewed by use, so a shorter one made a visit's taps reacquire the state every few of them."""
    reflex_vars = ("REFLEX_OPLOCK_HOLD_TIME", "REFLEX_OPLOCK_HOLD_TIME_MS", "REFLEX_REDIS_LOCK_EXPIRATION")
    clean = {k: v for k, v in os.environ.items() if k not in reflex_vars}
    code = ("import rxconfig\n"
            "from reflex.istate.manager.redis import _default_lock_expiration, _default_oplock_hold_time_ms\n"
            "print(_default_oplock_hold_time_ms(), _default_lock_expiration())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**clean, "INSTANCE_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert done.stdout.split()[-2:] == ["60000", "75000"]


@pytest.fixture()
def restore_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_start_up_heap_is_frozen_and_full_collections_are_rarer(restore_gc) -> None:
    gc.unfreeze()
    built_at_start = [{"page": i} for i in range(1000)]
    asyncio.run(memory.freeze_startup_heap())
    assert gc.get_freeze_count() >= len(built_at_start)
    assert not any(obj is built_at_start for obj in gc.get_objects())  # out of the collected generations
    assert gc.get_threshold() == memory.THRESHOLDS and memory.THRESHOLDS[2] > 10


def test_long_pauses_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    callback = memory._pause_logger(limit_ms=0)
    with caplog.at_level("WARNING", logger="citizen_app.core.memory"):
        callback("start", {"generation": 2, "collected": 0})
        callback("stop", {"generation": 2, "collected": 5})
    assert "generation 2 took" in caplog.text and "5 collected" in caplog.text
    quiet = memory._pause_logger(limit_ms=60_000)
    caplog.clear()
    quiet("start", {"generation": 0, "collected": 0})
    quiet("stop", {"generation": 0, "collected": 0})
    assert caplog.text == ""
