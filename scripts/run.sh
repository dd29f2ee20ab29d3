#!/usr/bin/env bash
# Starts the action server, the Rasa server and the widget's demo page, says how to chat, and stops
# them all on Ctrl-C.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
export WEB_PORT=${WEB_PORT:-8080}
# Browsers may reach the servers from these sites; by default only this demo page.
export ALLOWED_ORIGINS=${ALLOWED_ORIGINS:-http://localhost:$WEB_PORT,http://127.0.0.1:$WEB_PORT}
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR"
RASA=(.venv/bin/python scripts/rasa_quiet.py)
# credentials.yml, plus the Slack app when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set.
CREDENTIALS=$(scripts/credentials.sh) || exit 1
slack_note=""
[ "$CREDENTIALS" = credentials.yml ] ||
  slack_note="  Slack is on: events and button clicks go to https://<this host>/webhooks/slack/webhook"$'\n'

pids=()
stop() { trap - INT TERM EXIT; [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "Stopped."; }
trap stop INT TERM EXIT

.venv/bin/python scripts/action_server.py >"$LOG_DIR/actions.log" 2>&1 &
pids+=($!)
"${RASA[@]}" run --model models/advisor.tar.gz --credentials "$CREDENTIALS" --endpoints endpoints.yml \
  --port "$RASA_PORT" --quiet >"$LOG_DIR/rasa.log" 2>&1 &
pids+=($!)
.venv/bin/python scripts/serve_web.py "$WEB_PORT" "http://localhost:$RASA_PORT" >"$LOG_DIR/web.log" 2>&1 &
pids+=($!)

echo "Starting the HSST advisor (logs in $LOG_DIR/)..."
for _ in $(seq 1 180); do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server stopped while starting; see $LOG_DIR/rasa.log, actions.log and web.log."; exit 1; }
  done
  if curl -fs "http://localhost:$RASA_PORT/webhooks/rest/" >/dev/null 2>&1 && curl -fs "http://localhost:$ACTIONS_PORT/health" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:$WEB_PORT/" >/dev/null 2>&1; then
    cat <<MSG

The HSST advisor is running.
  Chat in your browser: open  http://localhost:$WEB_PORT/  and press "Ask the HSST advisor".
  Ask it over REST:
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "me", "message": "Can I skip Part C if I have a PhD?"}'
  Or chat in a terminal instead: stop this (Ctrl-C) and run  make shell
${slack_note}Press Ctrl-C to stop.
MSG
    wait -n "${pids[@]}"
    echo "A server exited; see $LOG_DIR/. Stopping the others."
    exit 1
  fi
  sleep 1
done
echo "The servers did not answer within 180 s; see $LOG_DIR/."
exit 1
