# Set-up shared by scripts/run.sh and scripts/test.sh (sourced, not run).
# Creates .venv if needed and installs the package with its test extras, pinned by
# constraints.txt so that built files are byte-identical on every machine.
# pip runs only when pyproject.toml or constraints.txt has changed since the last install.
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$VENV"
fi
STAMP="$VENV/.newsgold-installed"
WANT="$(cat pyproject.toml constraints.txt | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ] || [ ! -x "$VENV/bin/newsgold" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
  echo "$WANT" >"$STAMP"
fi
export PATH="$PWD/$VENV/bin:$PATH"
