#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis the project uses answer. For local ones (DB_HOST and
# REDIS_HOST on this machine, the defaults) it installs them from the distribution's packages
# when they are missing (Debian/Ubuntu, as root), starts them when they are stopped, and lets
# DB_USER log in over TCP from this machine without a password, as the defaults expect (see
# allow_local_login). When it may not do something itself, it says exactly what to run.
#
#   ENSURE_SERVICES_DRY_RUN=1    print the commands that would change the machine, run none
#   ENSURE_SERVICES_UID          the user id to decide as (default: id -u)
#   ENSURE_SERVICES_OS_RELEASE   the os-release file to read (default /etc/os-release)
#   ENSURE_SERVICES_PG_ETC       where Debian keeps cluster configuration (default /etc/postgresql)
set -euo pipefail

pg_host=${DB_HOST:-127.0.0.1}
pg_port=${DB_PORT:-5432}
pg_user=${DB_USER:-postgres}
pg_password=${DB_PASSWORD:-}
redis_host=${REDIS_HOST:-127.0.0.1}
redis_port=${REDIS_PORT:-6379}
dry_run=${ENSURE_SERVICES_DRY_RUN:-0}
uid=${ENSURE_SERVICES_UID:-$(id -u)}
os_release=${ENSURE_SERVICES_OS_RELEASE:-/etc/os-release}
pg_etc=${ENSURE_SERVICES_PG_ETC:-/etc/postgresql}
this_script="scripts/ensure-services.sh"

say() { printf '%s\n' "$@"; }
fail() {
  printf '%s\n' "$@" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$uid" = 0 ]; }
is_local() { case "$1" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac }

# Runs a command that changes the machine; a dry run only prints it.
run() {
  if [ "$dry_run" = 1 ]; then
    say "+ $*"
    return 0
  fi
  "$@"
}

# Whether something accepts connections there; bash's /dev/tcp needs no client tools.
tcp_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

pg_up() {
  if have pg_isready; then
    pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null
  else
    tcp_open "$pg_host" "$pg_port"
  fi
}

# A PING answered (or refused for want of a password: it answers all the same).
redis_up() {
  local reply
  # shellcheck disable=SC2016 # expanded by the inner bash
  reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r line <&3
    printf %s "$line"' "$redis_host" "$redis_port" 2>/dev/null) || return 1
  case $reply in "+PONG"* | "-NOAUTH"*) return 0 ;; *) return 1 ;; esac
}

wait_for() {
  local what=$1 check=$2
  if [ "$dry_run" = 1 ]; then
    say "(dry run: would wait for $what to answer)"
    return 0
  fi
  for _ in $(seq 1 30); do
    "$check" && return 0
    sleep 1
  done
  return 1
}

# "ID ID_LIKE" of the distribution, lower case; empty when unknown.
distribution() {
  [ -r "$os_release" ] || return 0
  # shellcheck source=/dev/null
  (. "$os_release" && printf '%s %s' "${ID:-}" "${ID_LIKE:-}") | tr '[:upper:]' '[:lower:]'
}

# Installs Debian packages as root; otherwise says which command does it.
install_packages() {
  local dist
  dist=" $(distribution) "
  case $dist in
    *" debian "* | *" ubuntu "*)
      if ! is_root; then
        fail "Not installed: $*. Install with:" \
          "  sudo apt-get install -y $*" \
          "or let this script install and start everything:" \
          "  sudo bash $this_script" \
          "then run the command again."
      fi
      have apt-get || fail "apt-get not found on a Debian-like system; install: $*"
      say "installing $* from the distribution's packages…"
      run env DEBIAN_FRONTEND=noninteractive apt-get update
      run env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
      ;;
    *)
      local how
      case $dist in
        *" fedora "* | *" rhel "* | *" centos "*)
          how="sudo dnf install -y postgresql-server postgresql-contrib redis && sudo postgresql-setup --initdb && sudo systemctl enable --now postgresql redis"
          ;;
        *" alpine "*) how="sudo apk add postgresql postgresql-contrib redis" ;;
        *" arch "*) how="sudo pacman -S --needed postgresql redis" ;;
        *" suse "* | *" opensuse"*) how="sudo zypper install -y postgresql-server postgresql-contrib redis" ;;
        *) how="install PostgreSQL 15+ (with its contrib modules) and Redis 6.2+ from your system's packages" ;;
      esac
      fail "Not installed: PostgreSQL and/or Redis (wanted: $*). This script installs them on Debian/Ubuntu only." \
        "Here: $how" \
        "then start them on $pg_host:$pg_port and $redis_host:$redis_port, let user $pg_user log in over TCP from" \
        "this machine (trust, or set DB_PASSWORD), and run the command again."
      ;;
  esac
}

# "version name owner" of the Debian cluster on DB_PORT (pg_lsclusters comes with pg_ctlcluster).
pg_cluster() {
  pg_lsclusters -h 2>/dev/null | awk -v p="$pg_port" '$3 == p { print $1, $2, $5; exit }'
}

start_postgres() {
  if ! have pg_ctlcluster || ! have pg_lsclusters; then
    if [ "$dry_run" = 1 ]; then
      say "+ pg_ctlcluster --skip-systemctl-redirect <installed version> main start"
      return 0
    fi
    fail "PostgreSQL does not answer on $pg_host:$pg_port and this is no Debian-style installation" \
      "(no pg_ctlcluster): start it with your system's service manager."
  fi
  local cluster ver name owner
  cluster=$(pg_cluster)
  if [ -z "$cluster" ]; then
    if pg_lsclusters -h 2>/dev/null | grep -q .; then
      fail "No PostgreSQL cluster is configured for port $pg_port. Clusters here:" \
        "$(pg_lsclusters)" "Set DB_PORT to one of their ports."
    fi
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
    [ -n "$ver" ] || fail "PostgreSQL's server is not installed: sudo apt-get install -y postgresql"
    is_root || fail "PostgreSQL has no cluster. Create and start one with:" \
      "  sudo pg_createcluster --start -p $pg_port $ver main"
    run pg_createcluster --start -p "$pg_port" "$ver" main
    return 0
  fi
  read -r ver name owner <<<"$cluster"
  if ! is_root && [ "$owner" != "$(id -un)" ]; then
    fail "PostgreSQL $ver/$name is installed but stopped. Start it with:" \
      "  sudo pg_ctlcluster --skip-systemctl-redirect $ver $name start" \
      "or run: sudo bash $this_script"
  fi
  say "starting PostgreSQL $ver/$name…"
  run pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
}

# A stock Debian/Ubuntu cluster asks for a password over TCP (scram-sha-256) and the postgres
# role has none, so the default configuration (DB_USER=postgres, no DB_PASSWORD) cannot log in.
# For a local development cluster this lets DB_USER in from this machine only (127.0.0.1 and
# ::1), on the lines marked below at the top of pg_hba.conf; remove them and reload to undo.
# Nothing is changed when DB_PASSWORD is set or the login already works.
allow_local_login() {
  [ -z "$pg_password" ] || return 0
  have psql || return 0
  local out
  if out=$(PGPASSWORD='' PGCONNECT_TIMEOUT=5 psql -w -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres \
    -Atqc 'select 1' 2>&1); then
    return 0
  fi
  case $out in
    *"password authentication failed"* | *"no password supplied"* | *"authentication failed"*) ;;
    *)
      say "note: PostgreSQL answers but logging in as $pg_user failed: $out"
      return 0
      ;;
  esac
  local cluster ver name hba marker="# local development login (added by $this_script)"
  local lines=("host all $pg_user 127.0.0.1/32 trust" "host all $pg_user ::1/128 trust")
  cluster=''
  if have pg_lsclusters; then cluster=$(pg_cluster); fi
  if [ -z "$cluster" ]; then
    fail "PostgreSQL on $pg_host:$pg_port refuses user $pg_user without a password. Either set DB_PASSWORD," \
      "or let $pg_user in from this machine: put these lines first in pg_hba.conf and reload PostgreSQL:" \
      "  ${lines[0]}" "  ${lines[1]}"
  fi
  read -r ver name _ <<<"$cluster"
  hba="$pg_etc/$ver/$name/pg_hba.conf"
  if ! is_root; then
    fail "PostgreSQL $ver/$name refuses user $pg_user without a password (a fresh Debian/Ubuntu cluster asks" \
      "for one over TCP). Let $pg_user in from this machine with:" \
      "  sudo bash $this_script" \
      "which puts these lines first in $hba and reloads:" \
      "  ${lines[0]}" "  ${lines[1]}" \
      "or set DB_PASSWORD to $pg_user's password."
  fi
  say "letting $pg_user log in from this machine without a password ($hba)…"
  if [ "$dry_run" = 1 ]; then
    say "+ put first in $hba:" "    $marker" "    ${lines[0]}" "    ${lines[1]}"
  elif ! grep -qxF "$marker" "$hba"; then
    local tmp
    tmp=$(mktemp)
    { printf '%s\n' "$marker" "${lines[@]}"; cat "$hba"; } >"$tmp"
    # Rewritten in place: the file keeps its owner and mode.
    cat "$tmp" >"$hba"
    rm -f "$tmp"
  fi
  run pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload
}

start_redis() {
  if ! have redis-server; then
    if [ "$dry_run" = 1 ]; then
      say "+ redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $redis_port --save \"\" --appendonly no"
      return 0
    fi
    fail "Redis does not answer on $redis_host:$redis_port and redis-server is not installed."
  fi
  say "starting Redis…"
  # Development settings: local addresses only, nothing written to disk. "-::1" (IPv6 if there
  # is any) needs Redis 6.2+; older ones get IPv4 only.
  run redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no ||
    run redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no
}

pg_needed=0
redis_needed=0
if ! pg_up; then
  is_local "$pg_host" || fail "PostgreSQL does not answer on $pg_host:$pg_port (not this machine: start it there, or set DB_HOST/DB_PORT)."
  pg_needed=1
fi
if ! redis_up; then
  is_local "$redis_host" || fail "Redis does not answer on $redis_host:$redis_port (not this machine: start it there, or set REDIS_HOST/REDIS_PORT)."
  redis_needed=1
fi

missing=()
if [ "$pg_needed" = 1 ] && ! have pg_ctlcluster && ! have pg_ctl && ! have postgres; then missing+=(postgresql); fi
if [ "$redis_needed" = 1 ] && ! have redis-server; then missing+=(redis-server); fi
[ "${#missing[@]}" = 0 ] || install_packages "${missing[@]}"

# A fresh package install may have started them already.
if [ "$pg_needed" = 1 ] && ! pg_up; then
  start_postgres
  wait_for PostgreSQL pg_up || fail "PostgreSQL does not answer on $pg_host:$pg_port"
fi
if is_local "$pg_host"; then allow_local_login; fi
if [ "$redis_needed" = 1 ] && ! redis_up; then
  start_redis
  wait_for Redis redis_up || fail "Redis does not answer on $redis_host:$redis_port"
fi

if [ "$dry_run" = 1 ]; then
  say "(dry run: nothing was changed)"
else
  say "PostgreSQL $pg_host:$pg_port and Redis $redis_host:$redis_port answer."
fi
