#!/usr/bin/env bash
# The one test path, for people (the README's command) and for CI (.ci/run calls it): install
# what is missing, start the local stack, run every test, and always stop the stack again.
# Arguments go to tap, e.g. `./scripts/test.sh packages/stack/test/stack.test.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh --tests
# Set before `up`, so a half-started stack is stopped too.
# The tests start a local Kubernetes API server (kube-apiserver + etcd) when they need it and
# leave it running for the next file; stop it too.
trap './bin/tracehound.js kube down; ./bin/tracehound.js stack down' EXIT
./bin/tracehound.js stack up
# kube-apiserver and etcd are built from the Go module proxy once and cached (a few minutes the
# first time on a new machine, seconds with a warm Go cache), so no test file pays for it.
./bin/tracehound.js kube build
npm test -- "$@"
