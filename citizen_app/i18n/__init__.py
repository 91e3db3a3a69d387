"""Vietnamese-first translations: one catalog of message keys, each with vi and en."""

from citizen_app.i18n.catalog import DEFAULT_LANG, LANGS, catalog, translate

__all__ = ["LANGS", "DEFAULT_LANG", "catalog", "translate"]
