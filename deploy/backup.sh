#!/usr/bin/env bash
# Back up Qinqing: the PostgreSQL database (pg_dump, custom format) and the local media folder.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/var/lib/qinqing/media deploy/backup.sh /backups/2026-12-01
#
# Writes db.dump, media.tar.gz and SHA256SUMS into the target folder. Runs while the product is
# up: pg_dump takes a consistent snapshot, and attachments are only ever added (never rewritten),
# so a file written during the tar is at worst missing from this backup, never half-copied into
# the database's view. With MEDIA_STORAGE_URL (S3-compatible storage) the bucket is not copied
# here: use the object store's versioning or replication (e.g. `mc mirror`) for the media.
set -euo pipefail
OUT="${1:?usage: backup.sh TARGET_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the database}"
MEDIA_ROOT="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/media}"
mkdir -p "$OUT"
pg_dump --format=custom --no-owner --file="$OUT/db.dump" "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$OUT/media.tar.gz" .
else
  tar -czf "$OUT/media.tar.gz" --files-from=/dev/null
fi
(cd "$OUT" && sha256sum db.dump media.tar.gz >SHA256SUMS)
echo "backup: $(du -sh "$OUT" | cut -f1) in $OUT"
