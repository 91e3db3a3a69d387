"""Page load benchmark: Lighthouse against the prod-mode app and an empty Reflex app built in the same run.

Lighthouse 12.2.3 (npm, pinned in benchmarks/lighthouse/, installed by `make test-deps`) drives Debian's headless
Chromium with its mobile defaults: a Moto G Power sized screen, simulated slow 4G (150 ms RTT, 1.6 Mbit/s) and a
4x CPU slowdown. Every page is loaded ``--runs`` times (default 3), the pages interleaved so that the machine's
load falls on all of them alike, and the medians are printed:

  LCP, FCP (s), Total Blocking Time (ms), bytes transferred, LCP over the empty app's `/` LCP (below 1: faster
  than an empty Reflex app), and Lighthouse's accessibility and best-practices scores.

A cold load starts from an empty profile (Lighthouse clears the origin's cache, storage and service worker). The
"repeat visit" table loads the page again right after, in the same Chromium profile with storage kept
(``--disable-storage-reset``): the service worker and HTTP cache are warm. It is throttled by DevTools for real
(Lighthouse's equivalents of the same 4G: 562 ms request latency, 1.4 Mbit/s; 4x CPU), because Lighthouse's
simulation charges network time to every request not read from the disk cache, including those the service
worker answers. The ticket page is then opened once more in that profile with the network off (Playwright, 4x CPU
through DevTools; Lighthouse cannot load a page offline): FCP, LCP and the moment the ticket screen drew. That browser
is given a second and a half to settle on about:blank first: a just-started headless Chromium loads its own WebUI
pages for about a second, which competed with the page for the CPU (the phone's browser is already running).

Both apps are built and served here, each with ``reflex run --env prod --single-port`` (npm, REFLEX_USE_NPM=1) on a
free loopback port: ours on a fresh database with the demo data (as `make run`), the empty one generated with
``reflex init --template blank`` in a temporary folder. Pages: home, the board, a demo report, metro, the
ticket page, procedures and login.

    .venv/bin/python benchmarks/pageload.py                               # both apps, 7 pages x 3 runs (~30 min)
    .venv/bin/python benchmarks/pageload.py --url http://127.0.0.1:3000   # our app already running (make run)
    .venv/bin/python benchmarks/pageload.py --empty-url http://127.0.0.1:3001  # an empty app already running
    .venv/bin/python benchmarks/pageload.py --pages /,/metro --runs 5 --save /tmp/lighthouse  # keep the reports
    .venv/bin/python benchmarks/pageload.py --smoke --url http://127.0.0.1:3000  # two pages, one run, no empty app

``--smoke`` (what the suite runs, against its shared prod-mode app) measures a demo report and the ticket page
once, cold and repeat (the ticket page also offline), and
builds no empty app (building it takes about 1.5 minutes on 2 busy cores): it proves that the tool works, its
figures mean nothing. Our app is built in this worktree's `.web`: do not run the full benchmark while the suite's
prod-mode app is building in the same worktree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import free_port, node_dir, stop_group, wait_http  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, wait_until  # noqa: E402

LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = ("/", "/feedback", "/feedback/{report}", "/metro", "/metro/ticket/", "/procedures", "/login")
SMOKE_PAGES = ("/feedback/{report}", "/metro/ticket/")  # a dynamic route; the offline visit
OFFLINE_PAGES = ("/metro/ticket/",)  # pages a rider opens with no network: measured offline after the repeat visit
NOBODY, RIDER = "nobody logged in", "rider, 1 ticket"  # the two offline visits of the ticket page
# Before the page's own scripts: when the browser painted; when the ticket screen's first line was painted (Element
# Timing: the card's route line, or the empty screen's first line, carry elementtiming="metro-ticket"); when the frame
# that paints the rider's QR code starts (the first requestAnimationFrame after the page set the canvas's data-qr,
# right after drawing it; a canvas is no Element Timing or LCP candidate); and when the screen said it was drawn
# (cds:drawn, the event the page waits for before starting the app). A MutationObserver of every change to the
# document, the first way of telling, ran on every chunk the parser added: ~40 ms of the 4x-slowed main thread before
# the first paint (trace); this one watches one attribute only.
OFFLINE_PROBE = """
window.__cds = {lcp: 0, content: 0, qr: 0, drawn: 0};
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__cds.lcp = e.startTime; })
  .observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.identifier === "metro-ticket" && !window.__cds.content)
    window.__cds.content = e.renderTime || e.startTime;
}).observe({type: "element", buffered: true});
const qrSeen = new MutationObserver(() => {
  qrSeen.disconnect();
  requestAnimationFrame(() => { window.__cds.qr = performance.now(); });
});
qrSeen.observe(document, {subtree: true, attributes: true, attributeFilter: ["data-qr"]});
window.addEventListener("cds:drawn", () => { if (!window.__cds.drawn) window.__cds.drawn = performance.now(); });
"""
RIDER_QR = "() => { const qr = document.getElementById('metro-qr'); return !!qr && /^MT1:/.test(qr.dataset.qr || ''); }"
EMPTY, OURS = "empty Reflex app", "Công dân số"
BROWSER_SETTLE_MS = 1500
BUILD_TIMEOUT = 900
LIGHTHOUSE_TIMEOUT = 300
REFLEX_ENV = {"REFLEX_USE_NPM": "1", "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false"}


@dataclass(frozen=True)
class Load:
    """One Lighthouse run of one page."""

    lcp_ms: float
    fcp_ms: float
    tbt_ms: float
    bytes: int
    accessibility: int
    best_practices: int
    lost_points: tuple[str, ...]  # the accessibility and best-practices audits that failed


@dataclass(frozen=True)
class OfflineLoad:
    """One offline visit: real timings with 4x CPU slowdown, served by the service worker alone."""

    fcp_ms: float
    lcp_ms: float
    content_ms: float  # the screen's first line painted (the ticket card's route line); 0: not marked (older page)
    qr_ms: float  # the frame that paints the QR code starts; 0: no code (nobody logged in)
    drawn_ms: float  # the screen said it was drawn (cds:drawn, which starts the app)


@dataclass(frozen=True)
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    def wait_ready(self) -> None:
        try:
            wait_http(self.url + "/", self.proc, BUILD_TIMEOUT)
        except (RuntimeError, TimeoutError) as exc:
            raise SystemExit(f"{exc}\n--- {self.log.name}:\n{self.log.read_text()[-3000:]}") from exc


@dataclass(frozen=True)
class Target:
    app: str
    path: str  # as shown
    url: str


# --- Lighthouse ---------------------------------------------------------------------------------


LIGHTHOUSE_ATTEMPTS = 3  # idle machine, 2026-12-07: 3 of 14 cold loads lost their trace, once twice in a row


def lighthouse(url: str, profile: Path, report: Path, *, repeat: bool) -> tuple[Load, dict]:
    """Run Lighthouse once; a cold load resets the profile's storage for the origin, a repeat visit keeps it.

    A run whose trace Lighthouse could not read (it says "Please run Lighthouse again": NO_NAVSTART, on any page's
    cold load) is run again, up to ``LIGHTHOUSE_ATTEMPTS`` runs in all, and says so; a page whose trace is lost
    every time fails the benchmark."""
    for _ in range(LIGHTHOUSE_ATTEMPTS - 1):
        try:
            return _lighthouse_run(url, profile, report, repeat=repeat)
        except LighthouseTraceError as error:
            print(f"  Lighthouse could not read its trace of {url} ({error.code}): running it again", flush=True)
    return _lighthouse_run(url, profile, report, repeat=repeat)


class LighthouseTraceError(RuntimeError):
    """Lighthouse's own "Please run Lighthouse again": its trace of the load was incomplete."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _lighthouse_run(url: str, profile: Path, report: Path, *, repeat: bool) -> tuple[Load, dict]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make test-deps` (npm ci --prefix benchmarks/lighthouse)")
    report.unlink(missing_ok=True)  # a report left by an earlier attempt must not pass for this one
    chrome_flags = ["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={profile}"]
    command = [str(Path(node_dir()) / "node"), str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}",
               "--only-categories=performance,accessibility,best-practices", "--quiet",
               f"--chrome-flags={' '.join(chrome_flags)}"]
    if repeat:
        command += ["--disable-storage-reset", "--throttling-method=devtools"]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                          timeout=LIGHTHOUSE_TIMEOUT)
    result = json.loads(report.read_text()) if report.exists() else {}
    error = result.get("runtimeError", {}).get("message")
    if done.returncode or error or not result:
        message = f"Lighthouse failed on {url} (exit {done.returncode}): {error or done.stderr[-2000:]}"
        if "run Lighthouse again" in (error or done.stderr):
            raise LighthouseTraceError(message, result.get("runtimeError", {}).get("code", "?"))
        raise RuntimeError(message)
    audits, categories = result["audits"], result["categories"]
    lost = tuple(ref["id"] for name in ("accessibility", "best-practices") for ref in categories[name]["auditRefs"]
                 if ref["weight"] and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1)
    return Load(lcp_ms=audits["largest-contentful-paint"]["numericValue"],
                fcp_ms=audits["first-contentful-paint"]["numericValue"],
                tbt_ms=audits["total-blocking-time"]["numericValue"],
                bytes=int(audits["total-byte-weight"]["numericValue"]),
                accessibility=round(categories["accessibility"]["score"] * 100),
                best_practices=round(categories["best-practices"]["score"] * 100), lost_points=lost), result


def _browser(playwright, profile: Path, **options):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 412, "height": 823}, **options)


def offline_visit(url: str, profile: Path, rider: bool = False) -> OfflineLoad:
    """The page again in the profile of its repeat visit, the network off (Playwright; 4x CPU through DevTools), in a
    browser started for it. Lighthouse cannot load a page offline. ``rider``: the rider's ticket must be on screen
    (its QR code drawn), else the visit measured something else and the benchmark stops."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = _browser(playwright, profile)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
            context.add_init_script(OFFLINE_PROBE)
            context.set_offline(True)
            # A just-started headless Chromium spends its first second on its own pages (the omnibox popup's WebUI, seen
            # in a trace): the phone's browser is already running when the rider opens the ticket.
            page.goto("about:blank")
            page.wait_for_timeout(BROWSER_SETTLE_MS)
            page.goto(url, wait_until="load")
            page.wait_for_function("window.__cds.drawn > 0", timeout=30000)
            page.wait_for_timeout(500)  # a later, larger paint would still be the LCP
            if rider and not page.evaluate(RIDER_QR):
                raise RuntimeError(f"the rider's ticket was not drawn offline on {url}")
            fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            cds = page.evaluate("window.__cds")
            return OfflineLoad(fcp_ms=fcp, lcp_ms=cds["lcp"], content_ms=cds["content"], qr_ms=cds["qr"],
                               drawn_ms=cds["drawn"])
        finally:
            context.close()


def warm_profile(url: str, profile: Path) -> None:
    """Open the page online, nobody logged in, until the service worker controls it: what the repeat visit leaves in
    a profile, for ``--offline-only`` (no Lighthouse)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import wait_controlled

    with sync_playwright() as playwright:
        context = _browser(playwright, profile)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(url)
            wait_controlled(page)
            page.wait_for_selector("#metro-ticket-login")
        finally:
            context.close()


def store_a_ticket(base: str, profile: Path) -> None:
    """Make the profile a rider's phone, online and at full speed, as a rider does it: log in (the demo citizen Mai,
    through the login form), buy a single ticket through the sandbox gateway (bound to this browser's device key),
    open it from the purchase's result page and once more from the ticket page's address. Works against any running
    app with the demo accounts and the sandbox gateway (``make run``, the suite's prod-mode app)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import MAI, buy_single, login, wait_controlled

    with sync_playwright() as playwright:
        context = _browser(playwright, profile, base_url=base, locale="vi-VN")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            login(page, MAI, next_path="/metro")
            wait_controlled(page)
            buy_single(page)
            page.locator("#metro-result-open").click()  # a full page load, as the rider's tap
            wait_until(page, RIDER_QR, timeout=30000)
            page.goto(base + "/metro/ticket/")
            wait_until(page, RIDER_QR, timeout=30000)
        finally:
            context.close()


# --- the two apps -------------------------------------------------------------------------------


def _reflex_env(extra: dict[str, str]) -> dict[str, str]:
    bindir = Path(sys.executable).parent
    return {**os.environ, **REFLEX_ENV, **extra, "PATH": f"{node_dir()}:{bindir}:{os.environ.get('PATH', '')}"}


@contextmanager
def reflex_prod(cwd: Path, env: dict[str, str], port: int, log: Path) -> Iterator[Server]:
    """Start `reflex run --env prod --single-port` in ``cwd`` on 127.0.0.1:``port`` (it builds first); stop it and
    its children after."""
    reflex = str(Path(sys.executable).parent / "reflex")
    with log.open("w") as out:
        proc = subprocess.Popen([reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port),
                                 "--backend-host", "127.0.0.1"], cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield Server(f"http://127.0.0.1:{port}", proc, log)
        finally:
            stop_group(proc)


@contextmanager
def our_app(work: Path) -> Iterator[Server]:
    """The app as `make run` serves it, on a fresh database with the demo data."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = _reflex_env({"DATABASE_URL": f"sqlite:///{work / 'pageload.db'}", "INSTANCE_DIR": str(work / "instance"),
                       "PUBLIC_URL": base, "PORT": str(port), "PAYMENTS_SANDBOX": "1", "CDS_DEV_OUTBOX": "1"})
    subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "citizen_app.demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    with reflex_prod(ROOT, env, port, work / "app.log") as server:
        yield server


@contextmanager
def empty_app(work: Path) -> Iterator[Server]:
    """The blank template of the installed Reflex (`reflex init --template blank`), built and served like ours."""
    folder = work / "emptyapp"
    folder.mkdir()
    env = _reflex_env({})
    subprocess.run([str(Path(sys.executable).parent / "reflex"), "init", "--template", "blank", "--no-agents"],
                   cwd=folder, env=env, check=True, capture_output=True, timeout=BUILD_TIMEOUT)
    with reflex_prod(folder, env, free_port(), work / "empty.log") as server:
        yield server


def demo_report(base: str) -> str:
    """The id of a public report, read from the app's own Open311 list (works for any running app)."""
    with urllib.request.urlopen(base + "/open311/v2/requests.json", timeout=30) as response:
        reports = json.loads(response.read())
    if not reports:
        raise SystemExit(f"{base} has no public report to load: seed the demo data (make demo)")
    return str(reports[0]["service_request_id"])


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Results:
    cold: dict[Target, list[Load]]
    repeat: dict[Target, list[Load]]
    settings: dict[str, dict]  # "cold"/"repeat": the report's header (versions, throttling) of one run
    offline: dict[tuple[Target, str], list[OfflineLoad]]  # (page, NOBODY or RIDER)

    def describe(self, kind: str) -> str:
        report = self.settings[kind]
        settings = report["configSettings"]
        t = settings["throttling"]
        network = (f"{t['rttMs']:.0f} ms RTT, {t['throughputKbps'] / 1024:.1f} Mbit/s" if
                   settings["throttlingMethod"] == "simulate" else
                   f"{t['requestLatencyMs']:.0f} ms request latency, {t['downloadThroughputKbps'] / 1024:.1f} Mbit/s")
        browser = report["environment"]["hostUserAgent"].split()[-2]
        return (f"Lighthouse {report['lighthouseVersion']}, {settings['formFactor']}, {settings['throttlingMethod']} "
                f"throttling ({network}, {t['cpuSlowdownMultiplier']:g}x CPU), {browser}")


def measure(targets: list[Target], runs: int, work: Path, save: Path | None, repeat: bool) -> Results:
    """Every target ``runs`` times, interleaved; a repeat visit right after each cold load, same profile."""
    results = Results({t: [] for t in targets}, {t: [] for t in targets}, {}, {})
    reports = save or work
    for run in range(runs):
        for i, target in enumerate(targets):
            profile = work / f"profile-{run}-{i}"
            kinds = ("cold", "repeat") if repeat else ("cold",)
            name = ("empty" if target.app == EMPTY else "ours") + target.path.replace("/", "_")
            for kind in kinds:
                load, report = lighthouse(target.url, profile, reports / f"{name}-{run + 1}-{kind}.json",
                                          repeat=kind == "repeat")
                (results.cold if kind == "cold" else results.repeat)[target].append(load)
                results.settings[kind] = report
            if repeat and target.app == OURS and target.path in OFFLINE_PAGES:
                offline_visits(target, profile, results.offline)
            shutil.rmtree(profile, ignore_errors=True)
            print(f"  run {run + 1}/{runs} {target.app} {target.path}: LCP {results.cold[target][-1].lcp_ms / 1000:.2f}"
                  " s", flush=True)
    return results


def offline_visits(target: Target, profile: Path, offline: dict[tuple[Target, str], list[OfflineLoad]],
                   warm: bool = False) -> None:
    """The ticket page offline twice in the same profile: as it is (nobody logged in), then once a rider has bought a
    ticket in it. ``warm``: a fresh profile, the page opened online first (``--offline-only``)."""
    if warm:
        warm_profile(target.url, profile)
    offline.setdefault((target, NOBODY), []).append(offline_visit(target.url, profile))
    store_a_ticket(target.url[: -len(target.path)], profile)
    offline.setdefault((target, RIDER), []).append(offline_visit(target.url, profile, rider=True))


def measure_offline(targets: list[Target], runs: int, work: Path) -> dict[tuple[Target, str], list[OfflineLoad]]:
    """``--offline-only``: the offline visits alone, each run in a fresh profile (no Lighthouse)."""
    offline: dict[tuple[Target, str], list[OfflineLoad]] = {}
    for run in range(runs):
        for i, target in enumerate(t for t in targets if t.app == OURS and t.path in OFFLINE_PAGES):
            profile = work / f"offline-{run}-{i}"
            offline_visits(target, profile, offline, warm=True)
            shutil.rmtree(profile, ignore_errors=True)
            rider = offline[(target, RIDER)][-1]
            print(f"  run {run + 1}/{runs} {target.path} offline, rider: LCP {rider.lcp_ms / 1000:.2f} s, "
                  f"QR {rider.qr_ms / 1000:.2f} s", flush=True)
    return offline


def _median(loads: list[Load], field: str) -> float:
    return statistics.median(getattr(load, field) for load in loads)


def _seconds(loads: list[Load] | list[OfflineLoad], field: str) -> str:
    values = [getattr(load, field) / 1000 for load in loads]
    spread = f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else ""
    return f"{statistics.median(values):.2f}{spread}"


def cold_table(cold: dict[Target, list[Load]], baseline: Target | None) -> str:
    base_lcp = _median(cold[baseline], "lcp_ms") if baseline else None
    lines = ["| app | page | LCP s | FCP s | TBT ms | KiB transferred | LCP / empty app's `/` | accessibility | "
             "best practices |", "|---|---|---|---|---|---|---|---|---|"]
    for target, loads in cold.items():
        ratio = f"{_median(loads, 'lcp_ms') / base_lcp:.2f}" if base_lcp else "–"
        lines.append(f"| {target.app} | `{target.path}` | {_seconds(loads, 'lcp_ms')} | {_seconds(loads, 'fcp_ms')} | "
                     f"{_median(loads, 'tbt_ms'):.0f} | {_median(loads, 'bytes') / 1024:.0f} | {ratio} | "
                     f"{_median(loads, 'accessibility'):.0f} | {_median(loads, 'best_practices'):.0f} |")
    return "\n".join(lines)


def lost_points(cold: dict[Target, list[Load]]) -> str:
    """Which audits kept a page's accessibility or best-practices score below 100 (in any run)."""
    lines = [f"- `{t.path}` ({t.app}): " + ", ".join(sorted({a for load in loads for a in load.lost_points}))
             for t, loads in cold.items() if any(load.lost_points for load in loads)]
    return "\n".join(["Audits below 100:", *lines]) if lines else "Accessibility and best practices: 100 on every page."


def repeat_table(warm: dict[Target, list[Load]]) -> str:
    lines = ["| app | page | LCP s | FCP s | TBT ms | KiB transferred |", "|---|---|---|---|---|---|"]
    lines += [f"| {t.app} | `{t.path}` | {_seconds(loads, 'lcp_ms')} | {_seconds(loads, 'fcp_ms')} | "
              f"{_median(loads, 'tbt_ms'):.0f} | {_median(loads, 'bytes') / 1024:.0f} |"
              for t, loads in warm.items() if loads]
    return "\n".join(lines)


def offline_table(offline: dict[tuple[Target, str], list[OfflineLoad]]) -> str:
    """FCP, LCP, the screen's first line, the QR code's frame, cds:drawn; "–" where a visit had no such moment."""
    lines = ["| page | visitor | FCP s | LCP s | first line painted s | QR code painted s | screen drawn s |",
             "|---|---|---|---|---|---|---|"]
    for (target, visitor), loads in offline.items():
        some = [_seconds(loads, field) if all(getattr(load, field) for load in loads) else "–"
                for field in ("content_ms", "qr_ms")]
        lines.append(f"| `{target.path}` | {visitor} | {_seconds(loads, 'fcp_ms')} | {_seconds(loads, 'lcp_ms')} | "
                     f"{some[0]} | {some[1]} | {_seconds(loads, 'drawn_ms')} |")
    return "\n".join(lines)


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


def serve(args: argparse.Namespace, with_empty: bool, work: Path, stack: ExitStack) -> tuple[str | None, str]:
    """The two apps' addresses: given ones, or both built and started here at the same time."""
    started = time.perf_counter()
    empty = (args.empty_url or stack.enter_context(empty_app(work))) if with_empty else None
    ours = args.url or stack.enter_context(our_app(work))
    built = [s for s in (empty, ours) if isinstance(s, Server)]
    for server in built:
        server.wait_ready()
    if built:
        print(f"built and started in {time.perf_counter() - started:.0f} s", flush=True)
    return _base(empty), str(_base(ours))


def _base(server: Server | str | None) -> str | None:
    if isinstance(server, Server):
        return server.url
    return server.rstrip("/") if server else None


def targets_for(pages: list[str], empty_base: str | None, our_base: str) -> list[Target]:
    report = demo_report(our_base) if any("{report}" in p for p in pages) else ""
    ours = [Target(OURS, p.format(report=report), our_base + p.format(report=report)) for p in pages]
    return [Target(EMPTY, "/", empty_base + "/"), *ours] if empty_base else ours


OFFLINE_HEADING = ("Offline (network off, 4x CPU through DevTools; real timings: the service worker serves everything; "
                   f"'{NOBODY}', then '{RIDER}': the demo citizen logged in, a single ticket bought and opened online)")


def print_results(results: Results, runs: int) -> None:
    baseline = next((t for t in results.cold if t.app == EMPTY), None)
    print(f"\n{results.describe('cold')}; " + (f"median of {runs} runs (min–max)\n" if runs > 1 else "one run\n"))
    print(cold_table(results.cold, baseline))
    print("\n" + lost_points(results.cold))
    if any(results.repeat.values()):
        print(f"\nRepeat visit: the same page again in the same profile, service worker and HTTP cache warm "
              f"(--disable-storage-reset); {results.describe('repeat')}\n")
        print(repeat_table(results.repeat))
    if any(results.offline.values()):
        print(f"\n{OFFLINE_HEADING}, right after the repeat visit (same profile)\n")
        print(offline_table(results.offline))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="our app, already running in prod mode (else built and served here)")
    parser.add_argument("--empty-url", help="an empty Reflex app already running (else built and served here)")
    parser.add_argument("--no-empty", action="store_true", help="measure our app only (no ratio)")
    parser.add_argument("--pages", help=f"comma-separated paths (default: {','.join(PAGES)})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-repeat", action="store_true", help="cold loads only")
    parser.add_argument("--offline-only", action="store_true", help="the ticket page's offline visits alone (nobody "
                        "logged in, then a rider), --runs times, each in a fresh profile: no Lighthouse, no empty app")
    parser.add_argument("--save", type=Path, help="keep every Lighthouse JSON report in this folder")
    parser.add_argument("--smoke", action="store_true", help=f"{', '.join(SMOKE_PAGES)} once, cold and repeat (the "
                        "ticket page also offline), no empty app: checks that the tool works (figures mean nothing)")
    args = parser.parse_args()
    pages = list(SMOKE_PAGES) if args.smoke else (args.pages.split(",") if args.pages else list(PAGES))
    runs = 1 if args.smoke else args.runs
    with_empty = not (args.smoke or args.no_empty or args.offline_only) or bool(args.empty_url)
    if args.offline_only:
        pages = [p for p in pages if p in OFFLINE_PAGES] or list(OFFLINE_PAGES)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {_load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="cds-pageload-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        targets = targets_for(pages, *serve(args, with_empty, work, stack))
        if args.offline_only:
            offline = measure_offline(targets, runs, work)
        else:
            results = measure(targets, runs, work, args.save, not args.no_repeat)
    if args.offline_only:
        print(f"\n{OFFLINE_HEADING}; a fresh profile per run, the page opened online until the service worker "
              f"controls it; median of {runs} runs (min–max)\n\n{offline_table(offline)}")
    else:
        print_results(results, runs)
    print(f"\nload average after: {_load_average()}")


if __name__ == "__main__":
    main()
