"""The message catalog.

Every package under ``citizen_app`` may ship a ``messages.py`` with a ``MESSAGES`` dict
``{key: {"vi": ..., "en": ...}}``; they are merged here, so adding a pillar adds its strings
without editing a shared file. Keys must be unique across packages.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any

import citizen_app

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


def _message_modules() -> list[str]:
    names = ["citizen_app.i18n.messages", "citizen_app.i18n.auth_messages"]
    for info in pkgutil.iter_modules(citizen_app.__path__):
        if info.ispkg and info.name != "i18n":
            names.append(f"citizen_app.{info.name}.messages")
    return names


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in _message_modules():
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"duplicate message key {key!r} in {name}")
            merged[key] = texts
    return merged


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def translate(key: str, lang: str | None = DEFAULT_LANG, **params: Any) -> str:
    """Server-side lookup (errors, notifications). Unknown keys come back as the key."""
    texts = catalog().get(key)
    if texts is None:
        return key
    text = texts.get(normalize_lang(lang)) or texts[DEFAULT_LANG]
    return text.format(**params) if params else text


def lang_from_accept_language(header: str | None) -> str:
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT_LANG
