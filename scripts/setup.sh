#!/usr/bin/env bash
# Installs what this checkout needs and is missing, and nothing that is already there, so it is
# cheap to run before every test run. Debian packages need root; npm packages come from the lock.
# `--tests` also installs what only the tests use (Chromium, the deployment checks' tools).
set -euo pipefail
cd "$(dirname "$0")/.."
tests=false
[ "${1:-}" = --tests ] && tests=true

# The local stack (packages/stack) runs Kafka 4 and Apicurio Registry 3: Java 17+, and Maven to
# fetch them from Maven Central.
java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.\{0,1\}\([0-9]*\).*/\1 \2/p' | head -n 1 | awk '{ print ($1 == 1 ? $2 : $1) }'
}
missing=()
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then missing+=(openjdk-17-jre-headless); fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# The web UI's browser tests drive Debian's Chromium (playwright-core cannot download browsers here).
if $tests && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${missing[*]}; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm records what it installed in node_modules/.package-lock.json: reinstall only when the lock
# is newer (a fresh clone has no node_modules at all).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi

# The web UI the API serves under /ui/: built when its dist is missing or older than any source.
ui=services/ui
if [ ! -f $ui/dist/index.html ] || [ -n "$(find $ui/src $ui/index.html $ui/vite.config.ts $ui/package.json -newer $ui/dist/index.html -print -quit)" ]; then
  echo "setup: building the web UI"
  npm run build -w $ui
fi

# The deployment checks' tools (kustomize, the Docker Compose plugin, hadolint, the Python SIEM
# example's packages), each only when missing.
if $tests; then packages/deploy/tools/install.sh; fi

# The agent's kernel programs and loader: bpf/build.sh installs clang, libbpf-dev, bpftool … when
# missing and builds only what is out of date. A host that cannot build them (no root, not
# Linux) still runs everything else; `tracehound agent` then says what is missing.
if [ "$(uname -s)" = Linux ] && [ "$(id -u)" -eq 0 ]; then
  bpf/build.sh
else
  echo "setup: skipping the BPF build (needs root on Linux); the agent will not run here" >&2
fi
