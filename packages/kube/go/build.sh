#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy into a cache directory, once.
#   packages/kube/go/build.sh <cache-dir> [go]     (e.g. .data/cache/kube go)
# Prints nothing but the two binary paths on stdout when they exist already; a build logs to
# stderr. The binaries are named by version, so bumping a version below builds afresh.
# The recipes (go.mod + main.go) are copied to a work dir and tidied there, so this checkout's
# go.mod files stay the short, reviewable recipe.
set -euo pipefail

KUBERNETES_VERSION=v1.34.2 # keep in step with kube-apiserver/go.mod
ETCD_VERSION=v3.6.4        # keep in step with etcd/go.mod

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${1:?usage: build.sh <cache-dir> [go command]}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
GO="${2:-go}"
if ! command -v "$GO" >/dev/null; then GO=/usr/local/go/bin/go; fi

# One build at a time per cache dir (two test files, or a test and `tracehound kube build`):
# the second waits, then finds the binaries.
exec 9>"$cache/.build.lock"
flock 9

build() { # name version [extra ldflags]
  local name="$1" version="$2" ldflags="-s -w ${3:-}"
  local out="$cache/$name-$version"
  if [[ -x "$out" ]]; then echo "$out"; return; fi
  local work="$cache/src/$name-$version"
  rm -rf "$work" && mkdir -p "$work"
  cp "$here/$name/go.mod" "$here/$name/main.go" "$work/"
  echo "building $name $version (first time only)" >&2
  local start=$SECONDS
  (
    cd "$work"
    export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
    nice -n 10 "$GO" mod tidy
    nice -n 10 "$GO" build -trimpath -ldflags="$ldflags" -o "$out.tmp.$$" .
  ) >&2
  mv "$out.tmp.$$" "$out"
  echo "built $name $version in $((SECONDS - start)) s" >&2
  echo "$out"
}

build etcd "$ETCD_VERSION"
# What an official build stamps, so /version and clients see the release, not v0.0.0-master.
minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
build kube-apiserver "$KUBERNETES_VERSION" "-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
