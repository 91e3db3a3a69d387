"""The message catalog.

Every package under ``citizen_app`` may ship message catalogues, ``messages.py`` and ``<topic>_messages.py``, each
with one ``MESSAGES`` dict ``{key: {"vi": ..., "en": ...}}``. The registry finds them and they are merged here, so
adding a pillar or splitting its texts edits no shared file and imports nothing for its side effects. Keys must be
unique across packages.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import Any

from citizen_app.core.registry import import_message_catalogues

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LANG_COOKIE = "cds_lang"  # the browser's language choice, kept in step with localStorage by assets/shell.js


def _checked(module: ModuleType) -> dict[str, dict[str, str]]:
    """A catalogue's ``MESSAGES``: every key a string, every value ``{"vi": text, "en": text}``."""
    messages = getattr(module, "MESSAGES", None)
    if not isinstance(messages, dict):
        raise ValueError(f"{module.__name__} has no MESSAGES dict")
    for key, texts in messages.items():
        if not isinstance(key, str) or not isinstance(texts, dict) or set(texts) != set(LANGS) \
                or not all(isinstance(text, str) and text for text in texts.values()):
            raise ValueError(f"{module.__name__}: {key!r} must be {{'vi': text, 'en': text}}")
    return messages


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Every package's catalogues (``registry.import_message_catalogues``) merged; a key may exist only once."""
    merged: dict[str, dict[str, str]] = {}
    for module in import_message_catalogues():
        for key, texts in _checked(module).items():
            if key in merged:
                raise ValueError(f"duplicate message key {key!r} in {module.__name__}")
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
