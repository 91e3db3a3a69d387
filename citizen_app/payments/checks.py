"""Start-up checks of the payments pillar (run by ``core.registry.run_startup_checks``)."""

from __future__ import annotations

from citizen_app.payments.providers import check_sandbox_safety


def check() -> None:
    check_sandbox_safety()
