"""What the benchmarks share: a free loopback port, the project's Node, servers started and stopped as a group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_dir() -> str:
    """The directory holding Node >= 22.22 (``scripts/ensure_node.sh``), to put first on a child's PATH."""
    return subprocess.run([str(ROOT / "scripts" / "ensure_node.sh")], check=True, capture_output=True,
                          text=True).stdout.strip()


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True`` and every process it started (node, workers)."""
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


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Wait until ``url`` answers 200; fail at once if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"{url} did not answer in {timeout:.0f} s")
