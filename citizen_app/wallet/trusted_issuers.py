"""The issuers the city trusts, kept as data (``data/wallet/trusted_issuers.json``; ``WALLET_TRUSTED_ISSUERS_FILE``
names another file): the citizen's wallet accepts credential offers only from them (``oid4vci_holder.py``) and the
city's verifiers accept presentations only of credentials they signed, of the types listed for them. No Reflex
import.

An entry names the issuer (its https identifier, or ``"self"`` for this city's own issuer at whatever address it
runs), its name in vi/en and the credential configurations accepted from it (id, vct, name). Its signing keys are
given in the file (``jwks``) or fetched from its ``/.well-known/jwt-vc-issuer`` (public HTTPS only, cached for
an hour); nothing a credential or a presentation says is ever used to find a key.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from sqlmodel import Session

from citizen_app.core.catalog import CatalogModel, Translated, load_file
from citizen_app.core.errors import DomainError
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import outbound
from citizen_app.wallet.issuer import issuer_id, issuer_jwks

ROOT = Path(__file__).resolve().parents[2]
FILE_ENV = "WALLET_TRUSTED_ISSUERS_FILE"
DEFAULT_FILE = ROOT / "data" / "wallet" / "trusted_issuers.json"
SELF = "self"
KEYS_TTL = 3600
FAILED_TTL = 60
PREFIX = "identity.foreign"  # message keys of refusals about another issuer
_KEYS: dict[str, tuple[float, dict[str, Any]]] = {}  # issuer -> (fetched at, JWKS)


class Configuration(CatalogModel):
    id: str = Field(min_length=1, max_length=100)
    vct: str = Field(min_length=1, max_length=200)
    name: Translated


class Entry(CatalogModel):
    issuer: str = Field(min_length=4, max_length=300)
    name: Translated
    configurations: list[Configuration] = Field(default_factory=list)
    jwks: dict[str, Any] | None = None

    @field_validator("issuer")
    @classmethod
    def _https(cls, value: str) -> str:
        parts = urlsplit(value)
        if value != SELF and (parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment
                              or "@" in parts.netloc or value.endswith("/")):
            raise ValueError("an issuer is \"self\" or an https URL without query, fragment or final slash")
        return value


class Registry(CatalogModel):
    trusted_issuers: list[Entry]


@dataclass(frozen=True)
class TrustedIssuer:
    url: str
    name: dict[str, str]
    configurations: dict[str, Configuration]  # by configuration id
    jwks: dict[str, Any] | None  # None: fetched from its metadata
    own: bool

    @property
    def vcts(self) -> frozenset[str]:
        return frozenset(c.vct for c in self.configurations.values())


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[Entry, ...]:
    entries = tuple(load_file(Path(path), Registry).trusted_issuers)
    names = [e.issuer for e in entries]
    if len(names) != len(set(names)):
        raise ValueError(f"{Path(path).name}: an issuer is listed twice")
    for entry in entries:
        if entry.issuer != SELF and not entry.configurations:
            raise ValueError(f"{Path(path).name}: {entry.issuer} lists no accepted configuration")
    return entries


def _own(entry: Entry) -> TrustedIssuer:
    """The city itself: every type it issues (configuration ids as its issuer publishes them), its own keys."""
    from citizen_app.i18n.catalog import catalog

    configs = {f"cds_{t.kind}": Configuration(id=f"cds_{t.kind}", vct=t.vct, name=Translated.model_validate(
        dict(catalog()[f"identity.kind.{t.kind}"]))) for t in cr.TYPES.values()}
    return TrustedIssuer(issuer_id(), entry.name.model_dump(), configs, issuer_jwks(), True)


def trusted_issuers() -> dict[str, TrustedIssuer]:
    """Every trusted issuer by its identifier (``iss``)."""
    found: dict[str, TrustedIssuer] = {}
    for entry in _load(os.environ.get(FILE_ENV) or str(DEFAULT_FILE)):
        issuer = _own(entry) if entry.issuer == SELF else TrustedIssuer(
            entry.issuer, entry.name.model_dump(), {c.id: c for c in entry.configurations}, entry.jwks, False)
        found.setdefault(issuer.url, issuer)
    return found


def find(url: str) -> TrustedIssuer:
    issuer = trusted_issuers().get(url) if isinstance(url, str) else None
    if issuer is None:
        raise DomainError(f"{PREFIX}.untrusted_issuer")
    return issuer


def well_known(issuer: str, name: str) -> str:
    """``https://host/.well-known/<name>/path`` (RFC 8615 placement used by OpenID4VCI 1.0 and SD-JWT VC)."""
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path.rstrip('/')}"


def _fetch_jwks(issuer: TrustedIssuer) -> dict[str, Any]:
    """The issuer's JWKS from its SD-JWT VC metadata (inline ``jwks`` or a ``jwks_uri`` on the same host)."""
    meta = outbound.call("GET", well_known(issuer.url, "jwt-vc-issuer"), PREFIX).json(PREFIX)
    if not isinstance(meta, dict) or meta.get("issuer") != issuer.url:
        raise DomainError(f"{PREFIX}.bad_answer")
    jwks = meta.get("jwks")
    uri = meta.get("jwks_uri")
    if jwks is None and isinstance(uri, str) and urlsplit(uri).netloc == urlsplit(issuer.url).netloc:
        jwks = outbound.call("GET", uri, PREFIX).json(PREFIX)
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise DomainError(f"{PREFIX}.bad_answer")
    return jwks


def keys_of(issuer: TrustedIssuer) -> dict[str, Any]:
    """The issuer's keys: from the list, else fetched and kept an hour. A failed fetch is remembered for a minute,
    so presentations naming an unreachable issuer do not make the server call it again and again."""
    if issuer.jwks is not None:
        return issuer.jwks
    cached = _KEYS.get(issuer.url)
    if cached is not None and time.monotonic() - cached[0] < (KEYS_TTL if cached[1] else FAILED_TTL):
        if not cached[1]:
            raise DomainError(f"{PREFIX}.unreachable")
        return cached[1]
    try:
        jwks = _fetch_jwks(issuer)
    except DomainError:
        _KEYS[issuer.url] = (time.monotonic(), {})
        raise
    _KEYS[issuer.url] = (time.monotonic(), jwks)
    return jwks


class TrustedKeys(Mapping[str, dict[str, Any]]):
    """``iss`` -> JWKS for the strict verifier, looked up (and fetched) only for the issuer a credential names;
    an issuer whose keys cannot be had is not trusted for that check (fails closed)."""

    def __init__(self, issuers: dict[str, TrustedIssuer]) -> None:
        self._issuers = issuers

    def __getitem__(self, iss: str) -> dict[str, Any]:
        try:
            return keys_of(self._issuers[iss])
        except DomainError as exc:
            raise KeyError(iss) from exc

    def get(self, iss: Any, default: Any = None) -> Any:
        try:
            return self[iss]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._issuers)

    def __len__(self) -> int:
        return len(self._issuers)


def status_fetcher(db: Session) -> Callable[[str], str]:
    """Our own status lists from the database; another issuer's over public HTTPS."""
    local = cr.local_status_fetcher(db)
    own = issuer_id() + "/"

    def fetch(uri: str) -> str:
        if uri.startswith(own):
            return local(uri)
        answer = outbound.call("GET", uri, PREFIX)
        if answer.status != 200:
            raise DomainError(f"{PREFIX}.unreachable")
        return answer.body.decode()

    return fetch


def strict_verify(db: Session, presentation: str, aud: str, nonce: str | None, now: int | datetime | None,
                  replay_cache: cr.ReplayCache, expected_vct: Iterable[str] | None = None) -> cr.VerifiedPresentation:
    """``credentials.strict_verify`` with the trust list: only listed issuers, each for its listed types."""
    issuers = trusted_issuers()
    return cr.strict_verify(presentation, aud, nonce, now, TrustedKeys(issuers), status_fetcher(db), replay_cache,
                            expected_vct=expected_vct, allowed_vct={url: i.vcts for url, i in issuers.items()})


def configuration_name(issuer: str, configuration_id: str) -> dict[str, str]:
    """"Student card (Example University)": what a held credential is, in words, even after the list changed."""
    entry = trusted_issuers().get(issuer)
    config = entry.configurations.get(configuration_id) if entry is not None else None
    if entry is None or config is None:
        return _words("identity.foreign.credential_from", name=configuration_id, issuer=urlsplit(issuer).netloc)
    return {lang: f"{getattr(config.name, lang)} ({entry.name[lang]})" for lang in ("vi", "en")}


def _words(key: str, **params: str) -> dict[str, str]:
    from citizen_app.i18n.catalog import LANGS, catalog

    return {lang: catalog()[key][lang].format(**params) for lang in LANGS}
