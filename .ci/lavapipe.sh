#!/usr/bin/env bash
# A software Vulkan device for the GPU backend's tests on machines without a GPU (CI): Mesa 25's lavapipe
# from bookworm-backports, unpacked into a private folder (only its runtime libraries are installed, from Debian 12 itself), because Debian 12's
# own lavapipe (Mesa 22.3) lacks features Dawn needs and gives no WebGPU adapter (see docs/gpu.md).
# Prints the environment to use it:   eval "$(bash .ci/lavapipe.sh [folder])"
# Needs root (to add the backports source) and Debian's package registry. Versions are pinned.
set -euo pipefail
DEST="${1:-${WANN_LAVAPIPE_DIR:-/opt/wann-lavapipe}}"
PACKAGES=(
  "mesa-vulkan-drivers=25.0.7-2~bpo12+1"
  "libdrm2=2.4.123-1~bpo12+1"
  "libdrm-amdgpu1=2.4.123-1~bpo12+1"
)
ICD="$DEST/usr/share/vulkan/icd.d/lvp_icd.json"
if [ ! -f "$ICD" ]; then
  if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  apt-get update -qq >&2
  # The driver's runtime libraries, from Debian 12 itself (the Vulkan loader among them).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libvulkan1 libllvm15 libelf1 libexpat1 libwayland-client0 libx11-xcb1 libxcb-dri3-0 libxcb-present0 \
    libxcb-randr0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb1 libxshmfence1 libzstd1 zlib1g >&2
  work="$(mktemp -d)"
  chmod 755 "$work" # apt downloads as the _apt user
  (cd "$work" && apt-get download -qq "${PACKAGES[@]}" >&2)
  mkdir -p "$DEST"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$DEST"; done
  rm -rf "$work"
  # The manifest names the driver by a system path; point it at the unpacked copy.
  lib="$DEST/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"
  sed -i "s#\"library_path\": *\"[^\"]*\"#\"library_path\": \"$lib\"#" "$ICD"
fi
echo "export VK_ICD_FILENAMES=$ICD"
echo "export LD_LIBRARY_PATH=$DEST/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
