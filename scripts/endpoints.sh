#!/usr/bin/env bash
# Prints the path of the endpoints file for Rasa: endpoints.yml, or, when ACTIONS_PORT is not the
# action server port written there (5055), a copy under build/ that points at ACTIONS_PORT.
set -eu
cd "$(dirname "$0")/.."
port=${ACTIONS_PORT:-5055}
if grep -q "localhost:$port/webhook" endpoints.yml; then
  echo endpoints.yml
  exit 0
fi
out=build/endpoints-$port.yml
mkdir -p build
sed -E "s#(http://localhost:)[0-9]+(/webhook)#\1$port\2#" endpoints.yml >"$out"
echo "$out"
