#!/usr/bin/env bash
# Installs the Debian packages the tests use as real peers: Chromium (the web widget's
# browser tests), PostgreSQL and Redis (the scaled tracker and lock stores). Installs only
# what is missing, so a second run costs nothing.
set -euo pipefail
packages=(chromium postgresql redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
