#!/usr/bin/env bash
# Run one of RabbitMQ's own commands against Harbour's local node, e.g.
#   deploy/rabbitmq/ctl.sh rabbitmqctl list_queues name messages
set -euo pipefail
HARBOUR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HARBOUR_DATA_DIR="${HARBOUR_DATA_DIR:-$HARBOUR_ROOT/.data}"
# shellcheck source=env.sh
. "$HARBOUR_ROOT/deploy/rabbitmq/env.sh"
command="$1"
shift
exec "/usr/lib/rabbitmq/bin/$command" "$@"
