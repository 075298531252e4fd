#!/usr/bin/env bash
# ClaimScope helper: set up a virtual environment once, then serve, extract or test.
#   ./run.sh serve                          gunicorn on 127.0.0.1:8000 (CLAIMSCOPE_BIND to change)
#   ./run.sh extract seeds/ukraine-negotiations.txt [--target ceasefire] [--pretty]
#   ./run.sh test [pytest args]             the whole test suite, slow tests included
set -euo pipefail
cd "$(dirname "$0")"
VENV=${CLAIMSCOPE_VENV:-.venv}
PY=${PYTHON:-python3}

setup() {
  if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.claimscope-installed" ] || [ pyproject.toml -nt "$VENV/.claimscope-installed" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # the CPU build of torch first and exactly: an unpinned torch pulls a multi-GB CUDA build
    "$VENV/bin/python" -m pip install -q torch==2.13.0
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    touch "$VENV/.claimscope-installed"
  fi
}

cmd=${1:-serve}
shift || true
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HOME=${HF_HOME:-$PWD/.hf}
# fewer glibc malloc arenas: ~280 MB less peak RSS per worker with threads (benchmarks/)
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# spaCy's matrix products go through numpy (models/nlp.py); one OpenBLAS thread per process, as torch
# already takes its own threads per worker
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
case "$cmd" in
  setup) setup ;;
  serve)
    setup
    exec env CLAIMSCOPE_BIND="${CLAIMSCOPE_BIND:-127.0.0.1:8000}" \
      "$VENV/bin/gunicorn" -c docker/gunicorn.conf.py 'service:create_app()' ;;
  extract) setup; exec "$VENV/bin/claimscope" extract "$@" ;;
  test)
    setup
    set +e
    "$VENV/bin/python" -m pytest --slow "$@"
    rc=$?
    set -e
    # pytest exits 5 when it collected no test: that is a failure for us, say so plainly
    if [ "$rc" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
    exit "$rc" ;;
  *) echo "usage: $0 setup|serve|extract FILE|test" >&2; exit 2 ;;
esac
