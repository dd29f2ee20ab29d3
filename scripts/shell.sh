#!/usr/bin/env bash
# Chat in the terminal: starts the action server, runs `rasa shell`, stops both on exit.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR"
RASA=(.venv/bin/python scripts/rasa_quiet.py)
.venv/bin/python scripts/action_server.py >"$LOG_DIR/actions.log" 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null; wait $actions_pid 2>/dev/null' EXIT INT TERM
echo "Loading the assistant (about 30 seconds)... type /stop or press Ctrl-C to leave."
# `rasa shell` serves the model on RASA_PORT and chats with it; it stays in the foreground to read the terminal.
"${RASA[@]}" shell --model models/advisor.tar.gz --endpoints endpoints.yml --port "$RASA_PORT" --quiet \
  2>"$LOG_DIR/shell.log"
