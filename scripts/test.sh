#!/usr/bin/env bash
# The one test path, for people (the README's command) and for CI (.ci/run calls it): install
# what is missing, start the local stack, run every test, and always stop the stack again.
# Arguments go to tap, e.g. `./scripts/test.sh packages/stack/test/stack.test.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# Set before `up`, so a half-started stack is stopped too.
trap './bin/tracehound.js stack down' EXIT
./bin/tracehound.js stack up
npm test -- "$@"
