#!/usr/bin/env bash
# System packages the project needs, through apt. Only what is missing is installed,
# so a prepared machine pays nothing. Python itself must already be there (3.11+).
# `--test` adds what the test suite needs: Debian's chromium for the browser tests (Playwright drives
# /usr/bin/chromium; it never downloads a browser of its own), and Debian's postgresql, whose initdb and
# pg_ctl the tests use to run a private server in a temporary folder (tests/pg.py; Debian keeps them in
# /usr/lib/postgresql/N/bin, off the PATH; the package's own cluster is not used).
set -euo pipefail
needed=()
python3 -c 'import venv, ensurepip' 2>/dev/null || needed+=(python3-venv)
command -v gcc >/dev/null 2>&1 || needed+=(build-essential)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || needed+=(chromium)
  # the Spark tests run PySpark 4 on a Java 17 runtime
  command -v java >/dev/null 2>&1 || needed+=(openjdk-17-jre-headless)
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    needed+=(postgresql)
  fi
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
