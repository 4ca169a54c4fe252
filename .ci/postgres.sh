# Sourced by .ci/run: a throw-away PostgreSQL server on loopback for the tests of
# the verifier's shared ledger (two replicas on one database) and of the campaign state.
# Installs Debian's postgresql if missing, starts a fresh cluster in a temporary
# folder (as the postgres user when run as root: initdb refuses root), exports
# DOICHIEU_TEST_POSTGRES_DSN, and stops the server when the calling shell exits.

start_test_postgres() {
    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
        echo "ci: installing postgresql from Debian's packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi

    DOICHIEU_PG_DIR="$(mktemp -d /tmp/doichieu-pg.XXXXXX)"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$DOICHIEU_PG_DIR"
        as=(runuser -u postgres --)
    fi
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

    "${as[@]}" "$bindir/initdb" -D "$DOICHIEU_PG_DIR/data" -U doichieu -A trust --no-sync >/dev/null
    "${as[@]}" "$bindir/pg_ctl" -D "$DOICHIEU_PG_DIR/data" -l "$DOICHIEU_PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DOICHIEU_PG_DIR -c max_connections=100" start >/dev/null
    DOICHIEU_PG_STOP=("${as[@]}" "$bindir/pg_ctl" -D "$DOICHIEU_PG_DIR/data" -m fast -w stop)
    trap 'stop_test_postgres' EXIT
    export DOICHIEU_TEST_POSTGRES_DSN="postgresql://doichieu@127.0.0.1:$port/postgres"
    echo "ci: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the ledger tests"
}

stop_test_postgres() {
    if [ -n "${DOICHIEU_PG_DIR:-}" ]; then
        "${DOICHIEU_PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$DOICHIEU_PG_DIR"
    fi
}
