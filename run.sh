#!/usr/bin/env bash
# ClaimScope helper: set up a virtual environment once, then serve, extract or test.
#   ./run.sh serve                          gunicorn on 127.0.0.1:8000 (CLAIMSCOPE_BIND to change)
#   ./run.sh extract seeds/ukraine-negotiations.txt [--target ceasefire] [--pretty]
#   ./run.sh test [pytest args]             the whole test suite, slow tests included; installs
#                                           redis-server and chromium with apt-get when missing
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

# redis-server (RQ job backend and Redis rate-limit tests) and chromium (web page tests), Debian's
# packages: installed when missing and we may (root or passwordless sudo, apt-get present, and
# CLAIMSCOPE_APT is not 0); otherwise stop before anything runs, with the one command to run
system_deps() {
  local need=() sudo="" cmdline
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ "${#need[@]}" -eq 0 ] && return 0
  cmdline="sudo apt-get update && sudo apt-get install -y ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    cmdline="apt-get update && apt-get install -y ${need[*]}"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=sudo
  else
    sudo=none
  fi
  if [ "$sudo" = none ] || [ "${CLAIMSCOPE_APT:-1}" = 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "./run.sh test needs ${need[*]} (job-backend and web-page tests): run '$cmdline', then ./run.sh test" >&2
    exit 1
  fi
  echo "installing ${need[*]} with apt-get (job-backend and web-page tests)" >&2
  if ! { $sudo apt-get update -qq && \
         $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade "${need[@]}" >/dev/null; }; then
    echo "apt-get could not install ${need[*]}: run '$cmdline', then ./run.sh test" >&2
    exit 1
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
    system_deps
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
