#!/usr/bin/env bash
# Chat in the terminal: starts the action server, runs `rasa shell`, stops both on exit.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR"
RASA=(.venv/bin/python scripts/rasa_quiet.py)
ENDPOINTS=$(scripts/endpoints.sh) || exit 1
"${RASA[@]}" run actions --port "$ACTIONS_PORT" >"$LOG_DIR/actions.log" 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null; wait $actions_pid 2>/dev/null' EXIT INT TERM
echo "Loading the assistant (about 30 seconds)... type /stop or press Ctrl-C to leave."
# `rasa shell` serves the model on RASA_PORT and chats with it; it stays in the foreground to read the terminal.
"${RASA[@]}" shell --model models/advisor.tar.gz --endpoints "$ENDPOINTS" --port "$RASA_PORT" --quiet \
  2>"$LOG_DIR/shell.log"
