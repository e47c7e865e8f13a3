#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks, from Debian's
# `postgresql` package: `scripts/pg-cluster.sh start DIR [--fast]` creates
# it in DIR (which must not exist), listening on 127.0.0.1 only at a free
# port, and prints its URL (user postgres, password danhgia); `scripts/pg-cluster.sh stop DIR` stops it and
# deletes DIR. PostgreSQL refuses to run as root, so as root it runs as the
# `postgres` system user. `--fast` turns fsync off (tests only: never for
# benchmarks, whose figures must include durable commits).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh test installs it)" >&2; exit 1; }

as_db_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR [--fast]" >&2; exit 2; }

case "$cmd" in
  start)
    [ -e "$dir" ] && { echo "$dir exists" >&2; exit 1; }
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    # Local sockets trust the system user; TCP needs the password (so a
    # wrong one is refused, as on a real server).
    echo danhgia >"$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    as_db_user "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
    [ "${3:-}" = "--fast" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_db_user "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgres://postgres:danhgia@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_db_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR [--fast]" >&2
    exit 2
    ;;
esac
