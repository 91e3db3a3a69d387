"""Start-up checks of the payments pillar (run by ``core.registry.run_startup_checks``)."""

from __future__ import annotations

import os

from citizen_app.core.config import UnsafeConfiguration
from citizen_app.core.errors import DomainError
from citizen_app.payments import service as _service  # noqa: F401 - registers every provider
from citizen_app.payments.providers import PROVIDER_ENV, check_sandbox_safety, payment_providers


def check_default_provider() -> None:
    """``PAYMENTS_PROVIDER``, when set, names a provider that is enabled and configured."""
    wanted = os.environ.get(PROVIDER_ENV, "").strip()
    if not wanted:
        return
    try:
        provider = payment_providers.get(wanted)
        provider.check_config()
    except (DomainError, ValueError) as exc:
        raise UnsafeConfiguration(
            f"{PROVIDER_ENV}={wanted}: no such payment provider is enabled and configured ({exc}). Known: "
            f"{', '.join(p.id for p in payment_providers) or 'none (set PAYMENTS_SANDBOX=1 for the sandbox)'}."
        ) from exc


def check() -> None:
    check_sandbox_safety()
    check_default_provider()
