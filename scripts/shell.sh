#!/usr/bin/env bash
# Chat in the terminal: starts the action server, runs `rasa shell`, stops both on exit.
set -u
cd "$(dirname "$0")/.."
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p logs
RASA=(.venv/bin/python scripts/rasa_quiet.py)
.venv/bin/python scripts/action_server.py >logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null; wait $actions_pid 2>/dev/null' EXIT INT TERM
echo "Loading the assistant (about 30 seconds)... type /stop or press Ctrl-C to leave."
"${RASA[@]}" shell --model models/advisor.tar.gz --endpoints endpoints.yml --quiet 2>logs/shell.log
