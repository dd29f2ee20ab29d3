#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs 3.8-3.10; the lock is
# resolved on 3.10): $PYTHON if set, else python3.10 on PATH, else pyenv's newest 3.10.
set -u
is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  is_310 "$PYTHON" && { echo "$PYTHON"; exit 0; }
  echo "PYTHON=$PYTHON is not a working Python 3.10." >&2
  exit 1
fi
for name in python3.10 python3 python; do
  candidate=$(command -v "$name" 2>/dev/null) && is_310 "$candidate" && { echo "$candidate"; exit 0; }
done
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in $(ls -d "$pyenv_root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -V -r); do
  is_310 "$candidate" && { echo "$candidate"; exit 0; }
done
cat >&2 <<'MSG'
No Python 3.10 found (Rasa 3.6 needs Python 3.8-3.10; this project is locked on 3.10).
Install one, then run make again. For example:
  with pyenv:            pyenv install 3.10
  on Debian or Ubuntu:   apt-get install python3.10 python3.10-venv   (where your release has it)
Or point make at one:    make run PYTHON=/path/to/python3.10
MSG
exit 1
