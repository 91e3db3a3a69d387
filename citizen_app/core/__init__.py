"""Shared plumbing: configuration, database, errors, time helpers."""
