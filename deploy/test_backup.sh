#!/usr/bin/env bash
# Round trip: build a database with the demo data and some attachments, back it up, wipe the
# database and the media, restore, and compare every table's row count and every file's checksum.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
WORK="$(mktemp -d /tmp/qinqing-backup.XXXXXX)"
DB=qinqing_backup_test
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" MEDIA_ROOT="$WORK/media"
export DJANGO_ENV=development CELERY_TASK_ALWAYS_EAGER=false
trap 'rm -rf "$WORK"' EXIT

snapshot() {  # $1 = output file: row count per table, then checksum per media file
  psql "$DATABASE_URL" -tAc "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY 1" |
    while read -r t; do echo "$t $(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM \"$t\"")"; done >"$1"
  (cd "$MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >>"$1"
}

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" postgres
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" postgres
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py shell -v0 -c "
from django.core.files.uploadedfile import SimpleUploadedFile
from issues.models import Issue
from issues.services import issue_transition
for n, issue in enumerate(Issue.objects.filter(state='in_progress').select_related('lead_unit')[:5]):
    handler = issue.lead_unit.memberships.filter(role='handler').first().user
    pdf = SimpleUploadedFile(f'备份{n}.pdf', b'%PDF-1.7\n% backup ' + str(n).encode() + b'\n%%EOF\n')
    issue_transition(issue_id=issue.pk, action='attach', actor=handler, file=pdf, is_public=True)
"
snapshot "$WORK/before.txt"
files="$(find "$MEDIA_ROOT" -type f | wc -l)"
[ "$files" -ge 5 ] || { echo "test_backup: expected attachments in media, found $files" >&2; exit 1; }

bash deploy/backup.sh "$WORK/backup"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB" postgres
rm -rf "$MEDIA_ROOT"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" postgres
bash deploy/restore.sh "$WORK/backup"
snapshot "$WORK/after.txt"

if diff -u "$WORK/before.txt" "$WORK/after.txt"; then
  echo "test_backup: OK — $(grep -c ' ' "$WORK/before.txt") tables and files identical after restore ($files files)"
else
  echo "test_backup: FAILED — the restore differs" >&2
  exit 1
fi
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB" postgres
