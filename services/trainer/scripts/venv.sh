#!/usr/bin/env bash
# Prints the path of a Python that has the trainer's pinned dependencies, creating the
# virtual environment first if it is missing. The environment lives outside the repo,
# in ${KUBETUNE_CACHE_DIR:-~/.cache/kubetune}/venvs/trainer-<hash>, keyed by the base
# interpreter and requirements.lock, so the slow first install (torch and its CUDA
# wheels) happens once per machine. Progress goes to stderr; stdout is only the path.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
base="${KUBETUNE_PYTHON:-python3}"
if ! command -v "$base" >/dev/null; then
  echo "trainer: no Python interpreter '$base' (set KUBETUNE_PYTHON); Python 3.11+ is needed" >&2
  exit 1
fi
key="$( { "$base" -c 'import sys; print(sys.version)'; cat "$here/requirements.lock"; } | sha256sum | cut -c1-16)"
cache="${KUBETUNE_CACHE_DIR:-$HOME/.cache/kubetune}/venvs"
venv="$cache/trainer-$key"
if [ ! -f "$venv/.complete" ]; then
  mkdir -p "$cache"
  # Build in place under a lock: a venv cannot be renamed after creation (its scripts
  # hold absolute paths), so concurrent callers wait for the one that builds it.
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    echo "trainer: creating $venv (the first install downloads torch; it takes minutes)" >&2
    start=$(date +%s)
    "$base" -m venv "$venv"
    # nice: the machines are shared; pip downloads one file at a time.
    nice -n 10 "$venv/bin/python" -m pip install -q --disable-pip-version-check \
      -r "$here/requirements.lock" >&2
    touch "$venv/.complete"
    echo "trainer: environment ready in $(( $(date +%s) - start ))s" >&2
  fi
fi
echo "$venv/bin/python"
