# Sourced by deploy/rabbitmq/ctl.sh: a private RabbitMQ node whose data, logs
# and Erlang cookie live under $HARBOUR_DATA_DIR/rabbitmq, listening on loopback.
RABBIT_DIR="$HARBOUR_DATA_DIR/rabbitmq"
mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
export HOME="$RABBIT_DIR"
export RABBITMQ_CONF_ENV_FILE=/dev/null
export RABBITMQ_NODENAME="${HARBOUR_RABBIT_NODENAME:-harbour@localhost}"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="${HARBOUR_RABBIT_PORT:-5672}"
export RABBITMQ_DIST_PORT="${HARBOUR_RABBIT_DIST_PORT:-25672}"
export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
export RABBITMQ_LOG_BASE="$RABBIT_DIR/log"
export RABBITMQ_PID_FILE="$RABBIT_DIR/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$HARBOUR_ROOT/deploy/rabbitmq/rabbitmq.conf"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export ERL_EPMD_ADDRESS=127.0.0.1
[ -f "$RABBITMQ_ENABLED_PLUGINS_FILE" ] || echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
