#!/usr/bin/env bash
# One command from a fresh clone to a running system with demo data:
# install, build, migrate, seed, then run the api and the worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-services.sh

# Migrations run as the owner (the local superuser unless DB_MIGRATION_USER says otherwise);
# the api, worker and seed as an ordinary role that `migrate` creates: it can add to the audit
# trail, never change it.
if [ -z "${DB_MIGRATION_USER:-}" ]; then
  export DB_MIGRATION_USER="${DB_USER:-postgres}" DB_MIGRATION_PASSWORD="${DB_PASSWORD:-}"
  export DB_USER=yigongti_app DB_PASSWORD=yigongti-demo-app
fi
# Signed checkpoints of the audit chain, outside the database.
export AUDIT_CHECKPOINT_DIR="${AUDIT_CHECKPOINT_DIR:-$PWD/var/audit-checkpoints}"

npm run build --silent
npm run db:migrate --silent
# DEMO_VISIT_SCALE (0, 1] loads a fraction of the county's 24 months of visits (default: all).
npm run db:seed --silent -- ${DEMO_VISIT_SCALE:+--visit-scale "$DEMO_VISIT_SCALE"}

PORT=${PORT:-3000}
export PORT
node --max-old-space-size="${WORKER_HEAP_MB:-160}" dist/apps/worker/apps/worker/src/main.js > worker.log 2>&1 &
worker=$!
node --max-old-space-size="${API_HEAP_MB:-192}" dist/apps/api/apps/api/src/main.js > api.log 2>&1 &
api=$!
trap 'kill $api $worker 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 60); do
  curl -fs "http://localhost:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 $api 2>/dev/null || { echo "api did not start; see api.log" >&2; tail -n 20 api.log >&2; exit 1; }
  sleep 1
done

cat <<TXT

  黔江区医共体 coordination backend is running.

  Console (sign in with a demo user): http://localhost:$PORT/console
  GraphQL (GraphiQL in the browser):  http://localhost:$PORT/graphql
  Health:                             http://localhost:$PORT/health/ready
  Logs:                               api.log, worker.log
  Audit checkpoints:                  $AUDIT_CHECKPOINT_DIR (written every few minutes)
    an auditor's check, with the id from { consortium { id } }:
    node dist/apps/cli/apps/cli/src/main.js audit:verify --tenant <id> --checkpoints $AUDIT_CHECKPOINT_DIR

  Log in with any demo user, password Demo-pass-2026, e.g.
    mutation { login(username: "admin", password: "Demo-pass-2026") { token } }
  then send the token as the header  Authorization: Bearer <token>
  Demo users: admin, auditor, coordinator, doctor, villagedoc, towndoc, instadmin, pharmacist, expert (see README);
  newdoc, a new account, is asked to choose her own password at first sign-in.

  Ctrl-C stops both processes.
TXT
wait $api
