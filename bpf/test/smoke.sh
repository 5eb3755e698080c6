#!/usr/bin/env bash
# Smoke check of the kernel side: builds, runs the loader as root, drives a
# workload and checks the decoded records. Needs root and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .output/tracehound-loader ] || ./build.sh
exec python3 test/smoke.py "$@"
