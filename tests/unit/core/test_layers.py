"""The layers of docs/ARCHITECTURE.md hold for every package found by the registry: HTTP routes (``api.py``) and
services (``service.py``) run without Reflex, and each page is the one its own module registered."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from citizen_app.core.registry import import_pillar_modules, pillar_packages

ROOT = Path(__file__).resolve().parents[3]

_FIRST_TO_IMPORT_REFLEX = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if "reflex" in sys.modules:
        print(name)
        break
"""


def test_routes_and_services_import_no_reflex() -> None:
    """An ``api.py`` that needs a cookie's name, or a service, must not pull in Reflex state: the name lives in
    ``identity/cookies.py``, the rules in plain Python."""
    modules = [f"citizen_app.{pkg}.{layer}" for pkg in pillar_packages() for layer in ("api", "service")
               if find_spec(f"citizen_app.{pkg}.{layer}") is not None]
    assert "citizen_app.identity.api" in modules and "citizen_app.wallet.service" in modules
    found = subprocess.run([sys.executable, "-c", _FIRST_TO_IMPORT_REFLEX, json.dumps(modules)], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == "", f"{found} imports reflex"


def test_every_page_is_rendered_by_the_module_that_registered_it() -> None:
    """A package extends another's page through that page's documented hook (``identity.desk_state.DESK_SECTIONS``),
    never by replacing its render function (the /login page used to be wrapped by the wallet's pages)."""
    from citizen_app.ui.routes import PAGES

    import_pillar_modules("pages")
    for path, spec in PAGES.items():
        module = sys.modules[spec.render.__module__]
        assert getattr(module, spec.render.__name__, None) is spec.render, f"{path} renders {spec.render.__qualname__}"


def test_import_graph_keeps_the_layers_of_the_architecture() -> None:
    """The contracts in ``.importlinter``: core is the floor, ui and i18n sit below the pillars, services and
    models import no Reflex, no state, no page and not the shell (``ui/layout.py`` once imported identity state)."""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") >= 4
