#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/var/lib/qinqing/media deploy/restore.sh /backups/2026-12-01
#
# Stop web, workers and beat first. Checks the checksums, restores the database with pg_restore
# (into the database DATABASE_URL names, which must exist and be empty: createdb it), unpacks the
# media, then runs `manage.py migrate` so a backup from an older release is brought up to date.
set -euo pipefail
SRC="${1:?usage: restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) database}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MEDIA_ROOT="${MEDIA_ROOT:-$ROOT/var/media}"
PY="${PY:-$ROOT/.venv/bin/python}"
(cd "$SRC" && sha256sum --check --quiet SHA256SUMS)
tables="$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore: the target database is not empty ($tables tables); refusing" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$SRC/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$SRC/media.tar.gz"
(cd "$ROOT" && "$PY" manage.py migrate --noinput -v0)
echo "restore: database and media restored from $SRC"
