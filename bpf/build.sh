#!/usr/bin/env bash
# Build the Tracehound kernel programs and loader.
# Installs missing Debian build packages (only those absent), then runs make.
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make pkg-config)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "build.sh: installing missing packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
exec make "$@"
