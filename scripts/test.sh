#!/usr/bin/env bash
# The tests: set up, then lint, type-check, check that the built files are fresh,
# and run the test suite. Extra arguments go to pytest (e.g. --run-slow).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

# The browser test needs Debian's Chromium; install it where this machine can.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  bash scripts/install-browser.sh
fi

ruff check src tests benchmarks scripts
ruff format --check src tests benchmarks scripts
mypy src
newsgold build --check
python -m pytest -q "$@"
