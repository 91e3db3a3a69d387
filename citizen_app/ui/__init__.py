"""Shared UI: the app shell, page registration and small components."""
