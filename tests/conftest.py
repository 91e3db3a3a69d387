"""Shared fixtures: a real database per test, built from the same models Alembic migrates."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest

# Keep tests away from the developer's instance folder and secrets.
_TEST_INSTANCE = Path(tempfile.mkdtemp(prefix="cds-test-instance-"))
os.environ.setdefault("INSTANCE_DIR", str(_TEST_INSTANCE))

from sqlalchemy import event  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from citizen_app.core.db import make_engine  # noqa: E402
from citizen_app.core.registry import import_all_models  # noqa: E402

# --- interoperability tests: outside programs and libraries ------------------------------------------
# A test that checks our output with an outside tool (poppler's pdfsig, NSS certutil, node, Chromium, zxing,
# unmodified Open311 clients, the test OpenID provider) skips on a developer machine that lacks the tool, but
# FAILS when CDS_REQUIRE_INTEROP=1 (`make test`, `make test-e2e` and `make test-pg`, so CI, set it; they also
# install every tool): a green run never hides an interoperability check that did not run.
TOOLS_HINT = "`make test-deps` installs it"


def interop_required() -> bool:
    return os.environ.get("CDS_REQUIRE_INTEROP", "") not in ("", "0")


def missing_tool(tool: str) -> NoReturn:
    """Skip the test (or module) for lack of ``tool``, or fail it where CDS_REQUIRE_INTEROP=1."""
    message = f"{tool} is not installed ({TOOLS_HINT})"
    if interop_required():
        pytest.fail(f"{message}; CDS_REQUIRE_INTEROP=1 forbids skipping an interoperability test", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require_tools(*programs: str) -> list[str]:
    """The paths of ``programs`` on PATH; skips or fails (``missing_tool``) when one is missing."""
    paths = [shutil.which(program) for program in programs]
    missing = [program for program, path in zip(programs, paths, strict=True) if path is None]
    if missing:
        missing_tool(" and ".join(missing))
    return [str(path) for path in paths]


def have_tools(*programs: str) -> bool:
    """For an extra check inside a broader test: True when ``programs`` are all on PATH. Where one is missing a
    developer machine skips only that check (with a warning), and CDS_REQUIRE_INTEROP=1 fails the test."""
    missing = [program for program in programs if shutil.which(program) is None]
    if missing and interop_required():
        missing_tool(" and ".join(missing))
    if missing:
        warnings.warn(f"{' and '.join(missing)} not installed: check skipped ({TOOLS_HINT})", stacklevel=2)
    return not missing


def require_module(name: str) -> ModuleType:
    """``importlib.import_module(name)``; skips or fails (``missing_tool``) when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing_tool(f"the Python package {name}")


def interop(available: bool, tool: str) -> pytest.MarkDecorator:
    """Mark a test (or a module, as ``pytestmark``) that needs ``tool``; ``pytest_runtest_setup`` skips or fails
    it when ``available`` is false."""
    return pytest.mark.interop(available=available, tool=tool)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("interop"):
        if not mark.kwargs["available"]:
            missing_tool(mark.kwargs["tool"])


@pytest.fixture(scope="session", autouse=True)
def wired_packages() -> None:
    """Every package's wiring connected, as in the running app (``registry.install_wiring``)."""
    from citizen_app.core.registry import install_wiring

    install_wiring()


@contextmanager
def sql_statements(engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` sends while the block runs (for query-count tests)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


_PG_SCHEMAS_BUILT: set[str] = set()


def fresh_schema(eng) -> None:
    """Empty tables for each test. On PostgreSQL drop_all/create_all costs about a second per test, so
    the schema is built once per run and each test starts from ``TRUNCATE … RESTART IDENTITY``."""
    import_all_models()
    if eng.dialect.name != "postgresql":
        SQLModel.metadata.drop_all(eng)
        SQLModel.metadata.create_all(eng)
        return
    key = eng.url.render_as_string(hide_password=False)
    if key not in _PG_SCHEMAS_BUILT:
        SQLModel.metadata.drop_all(eng)
        SQLModel.metadata.create_all(eng)
        _PG_SCHEMAS_BUILT.add(key)
    quote = eng.dialect.identifier_preparer.quote
    tables = ", ".join(quote(table.name) for table in SQLModel.metadata.sorted_tables)
    with eng.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture()
def engine(db_url: str):
    eng = make_engine(db_url)
    fresh_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture()
def db(engine) -> Iterator[Session]:
    """A session on a fresh schema. Call ``db.commit()`` where the code under test would."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture()
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the app's own engine (used by states and routes) at a fresh database."""
    from citizen_app.core import config
    from citizen_app.core import db as core_db

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    core_db.engine.cache_clear()
    fresh_schema(core_db.engine())
    yield core_db.engine()
    core_db.engine().dispose()
    core_db.engine.cache_clear()
    config.settings.cache_clear()


# --- the real app in prod mode, started once per test run and shared ----------------------------

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, proc, timeout: float) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}; see {ARTIFACTS / 'prod-app.log'}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"{url} did not answer in {timeout}s")


# A wallet registered for the OpenID4VCI authorization code flow in the prod-mode app (data/wallet/wallet_clients.json
# lists none): a loopback redirect URI, so the browser tests may use any port for the wallet's callback.
E2E_WALLET = {"client_id": "cds-e2e-wallet", "name": {"vi": "Ví thử nghiệm châu Âu", "en": "European test wallet"},
              "redirect_uris": ["http://127.0.0.1/callback"]}


@pytest.fixture(scope="session")
def prod_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrate a fresh database, load demo data and serve the app with `reflex run --env prod`."""
    import shutil
    import subprocess
    import sys

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tmp_path_factory.mktemp("prod")
    env = {**os.environ, "REFLEX_USE_NPM": "1", "REFLEX_TELEMETRY_ENABLED": "false",
           "REFLEX_CHECK_LATEST_VERSION": "false", "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
           "INSTANCE_DIR": str(workdir / "instance"), "PUBLIC_URL": base, "PORT": str(port),
           "PAYMENTS_SANDBOX": "1", "PUSH_ALLOW_LOOPBACK": "1", "CDS_DEV_OUTBOX": "1",
           "WALLET_CLIENTS_FILE": str(workdir / "wallet_clients.json")}
    Path(env["WALLET_CLIENTS_FILE"]).write_text(json.dumps({"wallet_clients": [E2E_WALLET]}), encoding="utf-8")
    bindir = Path(sys.executable).parent
    node_dir = subprocess.run([str(ROOT / "scripts" / "ensure_node.sh")], check=True, capture_output=True,
                              text=True).stdout.strip()
    env["PATH"] = f"{node_dir}:{bindir}:{env.get('PATH', '')}"
    subprocess.run([str(bindir / "alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "citizen_app.demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "prod-app.log").open("w")
    reflex = shutil.which("reflex", path=str(bindir)) or "reflex"
    proc = subprocess.Popen([reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port),
                             "--backend-host", "127.0.0.1"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _wait_http(f"{base}/ping", proc, timeout=600)
        _wait_http(f"{base}/", proc, timeout=120)
        yield {"url": base, "database_url": env["DATABASE_URL"], "instance_dir": env["INSTANCE_DIR"]}
    finally:
        _stop_group(proc)
        log.close()


def _stop_group(proc) -> None:
    import signal
    import subprocess

    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


# Every page of every browser context reports Content-Security-Policy violations to the console, where
# Chromium also writes its own "Refused to ..." lines; `no_csp_violations` (tests/e2e/conftest.py) fails
# the test on any of them. A test that provokes one on purpose takes it out with `take_csp_violations`.
_CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => console.error(
  'securitypolicyviolation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in '
  + e.documentURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ' sample ' + e.sample));"""
_CSP_MARKERS = ("securitypolicyviolation:", "Content Security Policy", "Permissions-Policy")
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:
    if any(marker in message.text for marker in _CSP_MARKERS):
        CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {message.text}")


def take_csp_violations() -> list[str]:
    """The violations reported so far (then forgotten), for a test that expects some."""
    taken = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    return taken


def _watch_csp(new_context):
    def watched(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(_CSP_LISTENER)
        context.on("console", _record_csp_violation)
        return context

    return watched


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make test-deps`")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        instance.new_context = _watch_csp(instance.new_context)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, prod_app):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    tab = context.new_page()
    yield tab
    context.close()


def wait_hydrated(tab) -> None:
    """The app is live once Reflex has a client token and the on_load events have run."""
    tab.wait_for_function("() => { const el = document.getElementById('cds-token'); return el && el.value !== ''; }",
                          timeout=60000)


def wait_until(tab, check: str, arg: Any = None, timeout: int = 15000) -> Any:
    """Poll ``check`` (a page function, which may return a promise) until it gives a truthy value, and return it.

    Playwright's ``wait_for_function`` does not await a promise its function returns: a promise is truthy, so a
    check of Cache Storage or IndexedDB through it returns at once, before anything is stored. Those go here: each
    round is one ``evaluate``, which awaits. A navigation under way (the page's context replaced) is a round lost.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = tab.evaluate(check, arg)
        except Exception as error:  # only a navigation's "context was destroyed" is retried
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} ms: {check[:300]}")
        tab.wait_for_timeout(100)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop in the main thread until the end."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


@pytest.fixture()
def payments_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox payment gateway is off unless ``PAYMENTS_SANDBOX=1``: tests that pay through it turn it on."""
    monkeypatch.setenv("PAYMENTS_SANDBOX", "1")
