#!/usr/bin/env bash
# Prints the path of the credentials file for `rasa run`: credentials.yml, plus the Slack app
# (credentials-slack.yml) when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are both set.
# The file written holds ${...} placeholders that Rasa fills from the environment, never a secret.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${SLACK_BOT_TOKEN:-}" ] && [ -z "${SLACK_SIGNING_SECRET:-}" ]; then
  echo credentials.yml
  exit 0
fi
if [ -z "${SLACK_BOT_TOKEN:-}" ] || [ -z "${SLACK_SIGNING_SECRET:-}" ]; then
  echo "Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; only one is set." >&2
  exit 1
fi
out=${CREDENTIALS_OUT:-build/credentials.yml}
mkdir -p "$(dirname "$out")"
{
  cat credentials.yml credentials-slack.yml
  # Optional: a channel (id) whose every message the bot answers, besides direct messages and @mentions.
  [ -z "${SLACK_CHANNEL:-}" ] || echo '  slack_channel: ${SLACK_CHANNEL}'
} >"$out"
echo "$out"
