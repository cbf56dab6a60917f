#!/usr/bin/env bash
# Makes sure the local Postgres and Redis answer, starting them when they do not.
set -euo pipefail

pg_host=${DB_HOST:-127.0.0.1}
pg_port=${DB_PORT:-5432}
redis_host=${REDIS_HOST:-127.0.0.1}
redis_port=${REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  echo "starting PostgreSQL…"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL does not answer on $pg_host:$pg_port" >&2; exit 1; }
fi

if ! redis_up; then
  echo "starting Redis…"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no || true
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis does not answer on $redis_host:$redis_port" >&2; exit 1; }
fi
echo "PostgreSQL $pg_host:$pg_port and Redis $redis_host:$redis_port answer."
