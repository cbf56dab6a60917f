#!/usr/bin/env bash
# The whole test suite on the real Postgres and Redis: unit, integration and end-to-end.
# Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-services.sh
# Each suite clones a template database that jest's global set-up migrates.
exec npx jest --maxWorkers="${JEST_WORKERS:-2}" "$@"
