"""Attachment files: type sniffed from magic bytes, stored outside any public folder."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from citizen_app.core.config import instance_dir
from citizen_app.core.errors import DomainError

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_mime(content: bytes) -> str | None:
    """The real type from the first bytes; the browser's claimed type and the file name are ignored."""
    for signature, mime in _SIGNATURES:
        if content.startswith(signature):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def files_dir() -> Path:
    path = instance_dir() / "dossier_files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_file(content: bytes, accept: list[str], max_bytes: int) -> str:
    if not content:
        raise DomainError("procedures.file_empty")
    if len(content) > max_bytes:
        raise DomainError("procedures.file_too_large", mb=round(max_bytes / 1024 / 1024, 1))
    mime = sniff_mime(content)
    if mime is None or mime not in accept:
        raise DomainError("procedures.file_type")
    return mime


def store_bytes(content: bytes) -> tuple[str, str]:
    """Write under an unguessable name; return (storage_key, sha256)."""
    key = secrets.token_hex(24)
    path = files_dir() / key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return key, hashlib.sha256(content).hexdigest()


def read_bytes(storage_key: str) -> bytes:
    if not storage_key.isalnum():
        raise DomainError("procedures.file_missing")
    path = files_dir() / storage_key
    if not path.is_file():
        raise DomainError("procedures.file_missing")
    return path.read_bytes()


def safe_filename(name: str) -> str:
    base = os.path.basename(name or "").replace("\x00", "").strip() or "tep"
    return base[:200]
