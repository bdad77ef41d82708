#!/usr/bin/env bash
# On the GPU machine (see prepare.sh): the carried packages become node_modules, then the GPU benchmark runs
# and its JSON lands in $OUT (the device tool brings $OUT back).
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf node_modules && mv .device/node_modules node_modules
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
node dist-bench/bench/index.js gpu | tee "${OUT:-.}/gpu-bench.json"
