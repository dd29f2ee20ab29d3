#!/usr/bin/env bash
# Starts the action server and the Rasa server, says how to chat, and stops both on Ctrl-C.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR"
RASA=(.venv/bin/python scripts/rasa_quiet.py)

pids=()
stop() { trap - INT TERM EXIT; [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "Stopped."; }
trap stop INT TERM EXIT

.venv/bin/python scripts/action_server.py >"$LOG_DIR/actions.log" 2>&1 &
pids+=($!)
"${RASA[@]}" run --model models/advisor.tar.gz --credentials credentials.yml --endpoints endpoints.yml \
  --port "$RASA_PORT" --quiet >"$LOG_DIR/rasa.log" 2>&1 &
pids+=($!)

echo "Starting the HSST advisor (logs in $LOG_DIR/)..."
for _ in $(seq 1 180); do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server stopped while starting; see $LOG_DIR/rasa.log and $LOG_DIR/actions.log."; exit 1; }
  done
  if curl -fs "http://localhost:$RASA_PORT/webhooks/rest/" >/dev/null 2>&1 && curl -fs "http://localhost:$ACTIONS_PORT/health" >/dev/null 2>&1; then
    cat <<MSG

The HSST advisor is running.
  Ask it over REST:
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "me", "message": "Can I skip Part C if I have a PhD?"}'
  Or chat in a terminal instead: stop this (Ctrl-C) and run  make shell
Press Ctrl-C to stop.
MSG
    wait -n "${pids[@]}"
    echo "A server exited; see $LOG_DIR/. Stopping the other."
    exit 1
  fi
  sleep 1
done
echo "The servers did not answer within 180 s; see $LOG_DIR/."
exit 1
