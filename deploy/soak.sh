#!/usr/bin/env bash
# A multi-process run under faults (DESIGN §12): nginx in front of two gunicorn instances, two
# Celery workers and one beat, on PostgreSQL and a Redis of its own; the whole issue loop driven
# over HTTP by concurrent sessions of each role; mid-run a worker is SIGKILLed in the middle of
# deliveries, a web instance is SIGKILLed, and Redis is restarted (losing what it held). Then it
# checks that every issue reached its state with exactly its events, every delivery is marked sent
# and every SMS reached the file sink exactly once, and every uploaded file downloads intact;
# it prints the report as JSON.
#
#   bash deploy/soak.sh            # N=40 issues; SOAK_ISSUES=200 for a longer run
#
# Needs: the project's virtualenv (make install), PostgreSQL on 127.0.0.1:5432 (user postgres),
# redis-server, and nginx (installed with apt-get when missing). Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
BIN="$(dirname "$PY")"
N="${SOAK_ISSUES:-40}"
WORK="$(mktemp -d /tmp/qinqing-soak.XXXXXX)"
REDIS_PORT="${SOAK_REDIS_PORT:-16391}"
WEB_A=18101 WEB_B=18102 PROXY=18100
DB="qinqing_soak"

log() { echo "soak: $(date -u +%H:%M:%S) $*"; }

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

cleanup() {
  # Every process of the run (also those the fault injector restarted) names $WORK on its
  # command line: stop them all, gently first.
  set +e
  [ -f "$WORK/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null
  pkill -TERM -f "$WORK" 2>/dev/null
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
  sleep 2
  pkill -KILL -f "$WORK" 2>/dev/null
}
trap cleanup EXIT

export DJANGO_ENV=development DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
export MEDIA_ROOT="$WORK/media" SMS_BACKEND=notifications.sms.FileSMSBackend SMS_FILE="$WORK/sms.jsonl"
export LOG_FORMAT=json LOG_LEVEL=WARNING
# A claim left by a killed worker is released after this lease (10 minutes in production).
export DELIVERY_LEASE_SECONDS=40
unset CELERY_TASK_ALWAYS_EAGER || true

redis_start() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$WORK" --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  log "redis did not start"; exit 1
}

log "work dir $WORK; fresh database $DB; redis on :$REDIS_PORT"
redis_start
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" postgres
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" postgres
"$PY" manage.py compile_translations >/dev/null
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo >/dev/null
SOAK_PLAN="$("$PY" deploy/soak.py setup)"
export SOAK_PLAN

web_start() {  # $1 = port
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$1" --workers 2 \
    --pid "$WORK/web-$1.pid" crm.wsgi >>"$WORK/web-$1.log" 2>&1 &
}
worker_start() {  # $1 = name
  "$BIN/celery" -A crm worker -c 2 -n "$1@soak" --without-mingle --without-gossip \
    --pidfile="$WORK/$1.pid" --loglevel=WARNING >>"$WORK/$1.log" 2>&1 &
}

web_start $WEB_A
web_start $WEB_B
worker_start w1
worker_start w2
"$BIN/celery" -A crm beat -s "$WORK/beat-schedule" --loglevel=WARNING >>"$WORK/beat.log" 2>&1 &

cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $WORK/nginx-access.log;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  upstream qinqing_web {
    server 127.0.0.1:$WEB_A max_fails=1 fail_timeout=3s;
    server 127.0.0.1:$WEB_B max_fails=1 fail_timeout=3s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$PROXY;
    client_max_body_size 21m;
    location / {
      proxy_pass http://qinqing_web;
      proxy_next_upstream error timeout http_502;
      include $ROOT/deploy/nginx/qinqing-proxy.conf;
    }
  }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" 2>>"$WORK/nginx-error.log"
for _ in $(seq 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$PROXY/health/" && break; sleep 0.3
done
log "up: nginx :$PROXY → gunicorn :$WEB_A + :$WEB_B (2 workers each), celery w1 + w2, beat"

faults() {
  sleep "${SOAK_FAULT_AT:-8}"
  log "FAULT SIGKILL celery worker w1 (pid $(cat "$WORK/w1.pid")) and its pool"
  pkill -KILL -P "$(cat "$WORK/w1.pid")" 2>/dev/null || true
  kill -KILL "$(cat "$WORK/w1.pid")" 2>/dev/null || true
  sleep 3; worker_start w1; log "restarted w1"
  sleep 4
  local web_pid; web_pid="$(cat "$WORK/web-$WEB_B.pid")"
  log "FAULT SIGKILL web instance :$WEB_B (master $web_pid and its workers)"
  pkill -KILL -P "$web_pid" 2>/dev/null || true
  kill -KILL "$web_pid" 2>/dev/null || true
  sleep 3; web_start $WEB_B; log "restarted web :$WEB_B"
  sleep 4
  log "FAULT restart redis (queued tasks and cache lost)"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  sleep 2; redis_start; log "redis back"
}
faults &
FAULTS=$!

log "driving $N issues"
"$PY" deploy/soak.py drive "http://127.0.0.1:$PROXY" "$N" "$WORK/report.json"
wait "$FAULTS" || true

log "waiting for the outbox to drain (lease ${DELIVERY_LEASE_SECONDS}s + the beat's retry sweep)"
for _ in $(seq 60); do
  left="$(psql -h 127.0.0.1 -U postgres -tAc \
    "SELECT count(*) FROM notifications_delivery WHERE status IN ('pending','sending')" "$DB")"
  [ "$left" = "0" ] && break
  sleep 5
done
log "outbox: $left waiting"
"$PY" deploy/soak.py verify "$WORK/report.json"
