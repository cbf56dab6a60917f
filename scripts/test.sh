#!/usr/bin/env bash
# The whole test suite on the real Postgres and Redis: unit, integration and end-to-end.
# Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-services.sh
# The console's browser tests drive Debian's Chromium (no browser download) and need a CJK font.
if [ -z "${CHROMIUM_PATH:-}" ] && { ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "浏览器测试需要 chromium 与中文字体 (the console tests need them): sudo apt-get install -y chromium fonts-wqy-microhei" >&2
  fi
fi
# Each suite clones a template database that jest's global set-up migrates.
exec npx jest --maxWorkers="${JEST_WORKERS:-2}" "$@"
