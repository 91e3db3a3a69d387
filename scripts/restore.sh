#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL (and, with
# --with-instance, the keys into INSTANCE_DIR). Stop the app first: the restore replaces everything.
#
#   scripts/restore.sh BACKUP_DIR [--with-instance]
#
# PostgreSQL: pg_restore --clean --if-exists into the existing database (schema and data replaced in
# one transaction). SQLite: the file is replaced atomically (WAL and SHM side files removed).
# Checksums are verified first; nothing is touched if they do not match.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="${1:?usage: scripts/restore.sh BACKUP_DIR [--with-instance]}"
WITH_INSTANCE="${2:-}"
INSTANCE="${INSTANCE_DIR:-$ROOT/instance}"
URL="${DATABASE_URL:-sqlite:///$INSTANCE/citizen.db}"

(cd "$SRC" && sha256sum --quiet -c SHA256SUMS) || { echo "restore: checksum mismatch in $SRC" >&2; exit 1; }
KIND="$(cat "$SRC/kind")"

case "$URL" in
  postgresql*)
    [[ "$KIND" == postgresql ]] || { echo "restore: backup is $KIND, target is PostgreSQL" >&2; exit 1; }
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="postgresql://${URL#*://}" "$SRC/database.dump"
    ;;
  sqlite:///*)
    [[ "$KIND" == sqlite ]] || { echo "restore: backup is $KIND, target is SQLite" >&2; exit 1; }
    DB_FILE="${URL#sqlite:///}"
    mkdir -p "$(dirname "$DB_FILE")"
    cp "$SRC/database.sqlite" "$DB_FILE.restoring"
    rm -f "$DB_FILE-wal" "$DB_FILE-shm"
    mv -f "$DB_FILE.restoring" "$DB_FILE"
    ;;
  *) echo "restore: unsupported DATABASE_URL scheme" >&2; exit 1 ;;
esac

if [[ "$WITH_INSTANCE" == "--with-instance" && -f "$SRC/instance.tar.gz" ]]; then
  mkdir -p "$INSTANCE" && chmod 700 "$INSTANCE"
  tar -C "$INSTANCE" -xzf "$SRC/instance.tar.gz"
fi
echo "restored from $SRC"
