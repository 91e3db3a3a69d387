"""Every message exists in Vietnamese and English, and every key the UI uses is in the catalog."""

from __future__ import annotations

import re
import string
from pathlib import Path

from citizen_app.core.timeutil import format_vnd
from citizen_app.i18n.catalog import LANGS, catalog, lang_from_accept_language, translate

ROOT = Path(__file__).resolve().parents[3]


def test_every_key_has_every_language_and_same_placeholders() -> None:
    formatter = string.Formatter()
    for key, texts in catalog().items():
        assert set(texts) >= set(LANGS), f"{key} lacks a language"
        fields = [{re.sub(r"_(vi|en)$", "", name) for _, name, _, _ in formatter.parse(texts[lang]) if name}
                  for lang in LANGS]
        assert all(texts[lang].strip() for lang in LANGS), f"{key} has an empty text"
        assert fields[0] == fields[1], f"{key} has different placeholders"


def test_keys_used_in_code_exist() -> None:
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
    missing = []
    for path in (ROOT / "citizen_app").rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in catalog():
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def test_translate_formats_and_falls_back() -> None:
    assert translate("error.password_short", "en", n=10) == "The password must have at least 10 characters."
    assert translate("error.password_short", "fr", n=10).startswith("Mật khẩu")
    assert translate("no.such.key") == "no.such.key"


def test_accept_language() -> None:
    assert lang_from_accept_language("en-US,en;q=0.9") == "en"
    assert lang_from_accept_language("fr-FR") == "vi"


def test_money_uses_dot_grouping() -> None:
    assert format_vnd(12500) == "12.500 ₫"
    assert format_vnd(1_000_000) == "1.000.000 ₫"


def test_catalogues_are_found_by_the_registry_in_one_format() -> None:
    """Every ``messages.py`` and ``<topic>_messages.py`` is found without a list, holds one literal
    ``MESSAGES = {key: {"vi": …, "en": …}}`` and imports no other catalogue (no chaining at the bottom of files)."""
    import ast

    from citizen_app.core.registry import import_message_catalogues

    found = {m.__name__ for m in import_message_catalogues()}
    on_disk = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "citizen_app").glob("*/*.py")
               if p.stem == "messages" or p.stem.endswith("_messages")}
    assert found == on_disk and {"citizen_app.procedures.ui_messages", "citizen_app.i18n.auth_messages"} <= found
    for name in sorted(found):
        tree = ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module != "__future__"]
        assert not imports, f"{name} imports {[n.module for n in imports]}"
        literal = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign | ast.Assign)
                       and getattr(n.target if isinstance(n, ast.AnnAssign) else n.targets[0], "id", "") == "MESSAGES")
        assert isinstance(literal, ast.Dict), f"{name}: MESSAGES is not a literal"
        for value in literal.values:
            assert isinstance(value, ast.Dict) and [k.value for k in value.keys] == ["vi", "en"], name
