#!/usr/bin/env bash
# Back up the database and the instance folder (keys and secrets) into one dated directory.
#
#   scripts/backup.sh [DEST_DIR]        # default: ./backups
#
# DATABASE_URL picks the method: postgresql… -> pg_dump -Fc (consistent snapshot, compressed);
# sqlite:///path -> sqlite3 .backup (online, consistent even while the app writes).
# INSTANCE_DIR (default ./instance) holds the CA, credential issuer, VAPID, metro issuer and payment
# secrets: it is archived to instance.tar.gz with mode 600. Encrypt or ship the result to a separate
# protected store; the directory name is printed on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST_ROOT="${1:-$ROOT/backups}"
INSTANCE="${INSTANCE_DIR:-$ROOT/instance}"
URL="${DATABASE_URL:-sqlite:///$INSTANCE/citizen.db}"
DEST="$DEST_ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$DEST"

libpq_url() { # postgresql+psycopg://… -> postgresql://… (what libpq tools accept)
  echo "postgresql://${1#*://}"
}

case "$URL" in
  postgresql*)
    pg_dump --format=custom --no-owner --no-privileges --file="$DEST/database.dump" "$(libpq_url "$URL")"
    echo "postgresql" >"$DEST/kind"
    ;;
  sqlite:///*)
    DB_FILE="${URL#sqlite:///}"
    [[ -f "$DB_FILE" ]] || { echo "backup: no SQLite file at $DB_FILE" >&2; exit 1; }
    if command -v sqlite3 >/dev/null; then
      sqlite3 "$DB_FILE" ".backup '$DEST/database.sqlite'"
    else  # same online-backup API, through Python
      python3 -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()" \
        "$DB_FILE" "$DEST/database.sqlite"
    fi
    echo "sqlite" >"$DEST/kind"
    ;;
  *) echo "backup: unsupported DATABASE_URL scheme" >&2; exit 1 ;;
esac

if [[ -d "$INSTANCE" ]]; then
  tar -C "$INSTANCE" --exclude='./citizen.db*' -czf "$DEST/instance.tar.gz" .
fi
(cd "$DEST" && sha256sum ./* >SHA256SUMS)
echo "$DEST"
