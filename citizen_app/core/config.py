"""Settings read from the environment, with safe local defaults.

Secrets that are not given in the environment are generated once into the git-ignored
``instance/`` folder, so a fresh clone works and nothing secret is ever committed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citizen_app.core.keystore import load_or_create

ROOT = Path(__file__).resolve().parents[2]


def instance_dir() -> Path:
    path = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_from_file(name: str, nbytes: int = 32) -> str:
    """Return the secret kept in instance/<name>, creating it on first use."""
    return load_or_create(instance_dir() / name, lambda: secrets.token_urlsafe(nbytes).encode()).decode().strip()


def default_database_url() -> str:
    return f"sqlite:///{instance_dir() / 'citizen.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    public_url: str
    secret_key: str
    redis_url: str | None
    oidc_issuer: str | None
    oidc_client_id: str | None
    oidc_client_secret: str | None
    oidc_label: str
    session_days: int
    cookie_secure: bool

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def public_site(self) -> bool:
        """Served over https: real people use it, so development conveniences must be off."""
        return self.public_url.startswith("https://")


class UnsafeConfiguration(RuntimeError):
    """A development convenience is switched on for a public site: the app refuses to start."""


def env_flag(name: str) -> bool:
    """An on/off environment variable: on only when set to 1, true, yes or on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@lru_cache(maxsize=1)
def settings() -> Settings:
    env = os.environ.get
    public_url = env("PUBLIC_URL", "http://localhost:3000").rstrip("/")
    return Settings(
        database_url=env("DATABASE_URL") or default_database_url(),
        public_url=public_url,
        secret_key=env("SECRET_KEY") or _secret_from_file("secret_key"),
        redis_url=env("REDIS_URL") or None,
        oidc_issuer=(env("OIDC_ISSUER") or "").rstrip("/") or None,
        oidc_client_id=env("OIDC_CLIENT_ID") or None,
        oidc_client_secret=env("OIDC_CLIENT_SECRET") or None,
        oidc_label=env("OIDC_LABEL", "VNeID"),
        session_days=int(env("SESSION_DAYS", "14")),
        cookie_secure=public_url.startswith("https://"),
    )
