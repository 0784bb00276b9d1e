#!/usr/bin/env bash
# npm run test:trainer: the trainer's checks in its cached Python environment (created on
# first use by venv.sh): lint and format (ruff), types (mypy, strict), then the tests
# (pytest). Any failure, or a missing prerequisite, fails the run; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(bash scripts/venv.sh)"
export PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
echo "--- trainer: ruff check"
"$python" -m ruff check --no-cache src tests
echo "--- trainer: ruff format --check"
"$python" -m ruff format --no-cache --check src tests
echo "--- trainer: mypy"
# The cache sits beside the environment (outside the repo): torch takes minutes cold.
"$python" -m mypy --cache-dir "$(dirname "$(dirname "$python")")/.mypy_cache" src
echo "--- trainer: pytest"
"$python" -m pytest -p no:cacheprovider "$@"
