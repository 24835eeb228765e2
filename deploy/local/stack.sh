#!/usr/bin/env bash
# Harbour on one machine: RabbitMQ, FerretDB, the four services and the web pages, all on
# loopback.
#   stack.sh up       install what is missing, start what is not running, wait until ready
#   stack.sh down     stop what `up` started (data under .data/ survives)
#   stack.sh status   what is running
#   stack.sh restart SERVICE
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HARBOUR_ROOT="$ROOT"
export HARBOUR_DATA_DIR="${HARBOUR_DATA_DIR:-$ROOT/.data}"
RUN="$HARBOUR_DATA_DIR/run"
LOGS="$HARBOUR_DATA_DIR/log"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
SERVICES=(intake case notification records web)
WEB_DIR="$ROOT/services/web"
FERRETDB_BIN="$HARBOUR_DATA_DIR/bin/harbour-ferretdb"
FERRETDB_ADDR="${HARBOUR_FERRETDB_ADDR:-127.0.0.1:27017}"
RABBIT_CTL="$ROOT/deploy/rabbitmq/ctl.sh"
export PATH="$PATH:/usr/local/go/bin"
# Locally, dev tokens and the dev sign-in need no second factor (production requires one
# for every role but staff; `harbour dev-token --mfa` and the dev sign-in can still say so).
export HARBOUR_REQUIRE_MFA="${HARBOUR_REQUIRE_MFA:-false}"

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

service_port() {
    local upper
    upper="$(echo "$1" | tr '[:lower:]' '[:upper:]')"
    local var="HARBOUR_${upper}_PORT"
    case "$1" in
        intake) echo "${!var:-8001}" ;;
        case) echo "${!var:-8002}" ;;
        notification) echo "${!var:-8003}" ;;
        records) echo "${!var:-8004}" ;;
        web) echo "${!var:-8080}" ;;
    esac
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null; }

wait_until() {  # seconds description command...
    local deadline=$((SECONDS + $1)) what="$2"
    shift 2
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || die "$what did not become ready in time (see $LOGS)"
        sleep 0.3
    done
}

ensure_venv() {
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    local stamp="$VENV/.harbour-installed" want
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing Python dependencies into .venv"
        "$VENV/bin/pip" install --quiet -e "$ROOT[dev]" >"$LOGS/pip.log" 2>&1 ||
            { cat "$LOGS/pip.log" >&2; die "pip install failed"; }
        echo "$want" >"$stamp"
    fi
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_rabbitmq_installed() {
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && return
    say "installing rabbitmq-server from Debian"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -qq rabbitmq-server >/dev/null ||
        { as_root apt-get update -qq && as_root apt-get install -y -qq rabbitmq-server >/dev/null; }
    # The package may start a system-wide node on our port; ours runs from .data/ instead.
    as_root service rabbitmq-server stop >/dev/null 2>&1 || true
}

ensure_chromium_installed() {
    # The browser tests drive Debian's chromium (a downloaded browser build is not used).
    [ -x /usr/bin/chromium ] && return
    say "installing chromium from Debian (for the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -qq chromium >/dev/null ||
        { as_root apt-get update -qq && as_root apt-get install -y -qq chromium >/dev/null; }
}

ensure_pango_installed() {
    # records exports children's files as PDFs with WeasyPrint, which needs Debian's Pango
    # (and a font; DejaVu is what the PDF names).
    ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' &&
        [ -d /usr/share/fonts/truetype/dejavu ] && return
    say "installing Pango and fonts from Debian (for the PDF export)"
    export DEBIAN_FRONTEND=noninteractive
    local packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
    as_root apt-get install -y -qq "${packages[@]}" >/dev/null ||
        { as_root apt-get update -qq && as_root apt-get install -y -qq "${packages[@]}" >/dev/null; }
}

ensure_promtool_installed() {
    # promtool checks deploy/prometheus/ in the tests; the Prometheus server it comes with
    # is not run here.
    command -v promtool >/dev/null && return
    say "installing prometheus from Debian (for promtool)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null ||
        { as_root apt-get update -qq &&
            as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
    as_root service prometheus stop >/dev/null 2>&1 || true
}

ensure_web_assets() {
    # GOV.UK Frontend (served by web) and axe-core (browser tests), pinned in package-lock.json.
    local stamp="$WEB_DIR/node_modules/.harbour-installed" want
    want="$(sha256sum "$WEB_DIR/package-lock.json" | cut -d' ' -f1)"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return
    if ! command -v npm >/dev/null; then
        say "installing nodejs and npm from Debian"
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get install -y -qq nodejs npm >/dev/null ||
            { as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm >/dev/null; }
    fi
    say "installing the web assets (npm ci in services/web)"
    (cd "$WEB_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/npm.log" 2>&1 ||
        { cat "$LOGS/npm.log" >&2; die "npm ci failed"; }
    echo "$want" >"$stamp"
}

ensure_ferretdb_built() {
    local src="$ROOT/deploy/ferretdb"
    if [ -x "$FERRETDB_BIN" ] && [ -z "$(find "$src" -newer "$FERRETDB_BIN" -type f)" ]; then
        return
    fi
    command -v go >/dev/null || die "Go is needed to build FerretDB (deploy/ferretdb)"
    say "building FerretDB 1.24.2 launcher (first time: a few minutes)"
    mkdir -p "$(dirname "$FERRETDB_BIN")"
    "$src/build.sh" "$FERRETDB_BIN" "$HARBOUR_DATA_DIR/build/ferretdb"
}

start_rabbitmq() {
    if port_open 127.0.0.1:5672 && "$RABBIT_CTL" rabbitmqctl -q ping >/dev/null 2>&1; then
        return
    fi
    say "starting RabbitMQ"
    "$RABBIT_CTL" rabbitmq-server -detached
    "$RABBIT_CTL" rabbitmqctl -q wait --timeout 90 "$HARBOUR_DATA_DIR/rabbitmq/rabbitmq.pid" >/dev/null
}

start_ferretdb() {
    alive "$RUN/ferretdb.pid" && return
    port_open "$FERRETDB_ADDR" && die "something else listens on $FERRETDB_ADDR"
    say "starting FerretDB on $FERRETDB_ADDR"
    # synchronous=normal: see deploy/ferretdb/main.go (a local store; production is MongoDB).
    nohup "$FERRETDB_BIN" -listen "$FERRETDB_ADDR" -data "$HARBOUR_DATA_DIR/ferretdb" \
        -synchronous "${HARBOUR_FERRETDB_SYNCHRONOUS:-normal}" >>"$LOGS/ferretdb.log" 2>&1 &
    echo $! >"$RUN/ferretdb.pid"
    wait_until 30 FerretDB port_open "$FERRETDB_ADDR"
}

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/readyz"; }

start_service() {
    local name="$1" port
    port="$(service_port "$name")"
    alive "$RUN/$name.pid" && return
    port_open "127.0.0.1:$port" && die "something else listens on 127.0.0.1:$port ($name)"
    if [ "$name" = web ]; then
        # Locally anyone may sign in as anyone (the services use the dev key pair too).
        HARBOUR_DEV_LOGIN="${HARBOUR_DEV_LOGIN:-true}" \
            nohup "$VENV/bin/python" -m services.web.main >>"$LOGS/$name.log" 2>&1 &
    else
        nohup "$VENV/bin/python" -m "services.$name.main" >>"$LOGS/$name.log" 2>&1 &
    fi
    echo $! >"$RUN/$name.pid"
}

up() {
    mkdir -p "$RUN" "$LOGS"
    ensure_venv
    ensure_rabbitmq_installed
    ensure_chromium_installed
    ensure_pango_installed
    ensure_promtool_installed
    ensure_web_assets
    ensure_ferretdb_built
    start_rabbitmq
    start_ferretdb
    "$VENV/bin/harbour" dev-keys >/dev/null
    for name in "${SERVICES[@]}"; do start_service "$name"; done
    for name in "${SERVICES[@]}"; do
        wait_until 120 "$name" ready "$(service_port "$name")"
    done
    say ""
    say "Harbour is up:"
    for name in "${SERVICES[@]}"; do
        [ "$name" = web ] && continue
        printf '  %-13s http://127.0.0.1:%s  (docs: /docs)\n' "$name" "$(service_port "$name")"
    done
    printf '  %-13s http://127.0.0.1:%s/dev/sign-in  (sign in here)\n' web "$(service_port web)"
    say "  RabbitMQ      amqp://127.0.0.1:5672"
    say "  FerretDB      mongodb://$FERRETDB_ADDR"
    say "  logs          $LOGS"
    say ""
    say "Open http://127.0.0.1:$(service_port web)/dev/sign-in in a browser, or get a token:"
    say "  .venv/bin/harbour dev-token --user ada --school oak --role dsl"
}

stop_pid() {  # pidfile
    alive "$1" || { rm -f "$1"; return 0; }
    local pid
    pid="$(cat "$1")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$1"
}

down() {
    for name in "${SERVICES[@]}"; do stop_pid "$RUN/$name.pid"; done
    stop_pid "$RUN/ferretdb.pid"
    if [ -f "$HARBOUR_DATA_DIR/rabbitmq/rabbitmq.pid" ]; then
        "$RABBIT_CTL" rabbitmqctl -q stop "$HARBOUR_DATA_DIR/rabbitmq/rabbitmq.pid" >/dev/null 2>&1 || true
    fi
    say "Harbour is down (data kept in $HARBOUR_DATA_DIR)"
}

status() {
    for name in "${SERVICES[@]}"; do
        if alive "$RUN/$name.pid"; then s=running; else s=stopped; fi
        printf '  %-13s %s\n' "$name" "$s"
    done
    if alive "$RUN/ferretdb.pid"; then s=running; else s=stopped; fi
    printf '  %-13s %s\n' ferretdb "$s"
    if port_open 127.0.0.1:5672; then s=running; else s=stopped; fi
    printf '  %-13s %s\n' rabbitmq "$s"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    restart)
        stop_pid "$RUN/${2:?service}.pid"
        start_service "$2"
        wait_until 60 "$2" ready "$(service_port "$2")"
        ;;
    *) die "usage: stack.sh up|down|status|restart SERVICE" ;;
esac
