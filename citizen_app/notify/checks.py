"""Start-up checks of the notify package (run by ``core.registry.run_startup_checks``)."""

from __future__ import annotations

from citizen_app.notify.validation import check_loopback_off


def check() -> None:
    check_loopback_off()
