#!/bin/sh
# The image's entrypoint: `opsline [orders|returns|inventory|kpi] [--migrate-only]`.
# The service comes from the first argument, else from OPSLINE_SERVICE; the rest goes to main.js.
set -eu
service="${OPSLINE_SERVICE:-}"
case "${1:-}" in
  orders | returns | inventory | kpi)
    service="$1"
    shift
    ;;
esac
case "$service" in
  orders | returns | inventory | kpi) ;;
  *)
    echo "opsline: name the service (orders, returns, inventory or kpi) as the first argument or in OPSLINE_SERVICE" >&2
    exit 64
    ;;
esac
# exec: node replaces the shell, so SIGTERM reaches the service itself (it drains, then exits).
exec node "${OPSLINE_APP_DIR:-/app}/dist/apps/$service/src/main.js" "$@"
