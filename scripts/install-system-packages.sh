#!/usr/bin/env bash
# System packages the project needs, through apt. Only what is missing is installed,
# so a prepared machine pays nothing. Python itself must already be there (3.11+).
# `--test` adds what the test suite needs: Debian's chromium for the browser tests (Playwright drives
# /usr/bin/chromium; it never downloads a browser of its own).
set -euo pipefail
needed=()
python3 -c 'import venv, ensurepip' 2>/dev/null || needed+=(python3-venv)
command -v gcc >/dev/null 2>&1 || needed+=(build-essential)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || needed+=(chromium)
fi
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${needed[*]} (run: sudo apt-get install ${needed[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}"
