"""Home page, help page and placeholders for pillars that are not built yet."""
