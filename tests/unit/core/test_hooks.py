"""One event mechanism (core.hooks) and wiring found by the registry, never imported for its side effects."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from citizen_app.core.hooks import Hook
from citizen_app.core.registry import import_pillar_modules, install_wiring

ROOT = Path(__file__).resolve().parents[3]


def test_handlers_run_once_each_in_order_and_tests_can_replace_them() -> None:
    hook, seen = Hook("test.event"), []
    first, second = (lambda x: seen.append(("first", x)) or 1), (lambda x: seen.append(("second", x)) or 2)
    hook.connect(first)
    hook.connect(second)
    hook.connect(first)  # twice: still once
    assert hook(7) == [1, 2] and seen == [("first", 7), ("second", 7)]
    with hook.replaced(seen.append):
        hook("only")
    assert seen[-1] == "only" and hook.handlers == (first, second)
    hook.disconnect(first)
    assert hook.handlers == (second,)


def test_a_handler_that_raises_reaches_the_caller() -> None:
    """It runs in the caller's transaction: raising undoes the action (a close hook refusing a close)."""
    hook = Hook("test.refuse")
    hook.connect(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        hook()


def test_the_registry_connects_every_wiring_once() -> None:
    from citizen_app.city import scam
    from citizen_app.feedback import service as feedback
    from citizen_app.feedback import wiring as feedback_wiring
    from citizen_app.procedures import hooks, wiring

    install_wiring()
    install_wiring()
    assert {m.__name__ for m in import_pillar_modules("wiring")} >= {
        "citizen_app.city.wiring", "citizen_app.feedback.wiring", "citizen_app.procedures.wiring"}
    assert hooks.ACTIVITY.handlers == (wiring.record_citizen_activity,)
    assert hooks.NOTIFY.handlers == (wiring.send_notice,)
    assert feedback.NOTICE.handlers == (feedback_wiring.send_notice,)
    assert feedback.REPORT_CLOSED.handlers == (scam.on_report_closed,)


def test_no_module_imports_a_wiring_module() -> None:
    """Eight imports were once kept only for their side effects; now the registry alone runs ``install()``."""
    offenders = []
    for path in (ROOT / "citizen_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import | ast.ImportFrom) else []
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.endswith(".wiring") or "wiring" in names or any(n.endswith(".wiring") for n in names):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
