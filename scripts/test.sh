#!/usr/bin/env bash
# Runs every test of regctl: lint, type-check (sources and tests), build + manifest freshness,
# unit tests with the src/lib coverage floor, then the integration tests against real registries.
# It never skips a suite: when a system component is missing it stops and names the package.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2 (for $1)"); }
need docker-registry docker-registry
need skopeo skopeo
need openssl openssl
need docker-credential-secretservice golang-docker-credential-helpers
need gnome-keyring-daemon gnome-keyring
need dbus-daemon dbus
need dbus-run-session dbus
if [ ${#missing[@]} -gt 0 ]; then
  echo "regctl tests need these Debian packages, which are missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  echo "Install them with: apt-get install -y docker-registry skopeo openssl golang-docker-credential-helpers gnome-keyring dbus" >&2
  echo "(or run .ci/run, which installs them)" >&2
  exit 2
fi

echo "== lint"
npx eslint .
echo "== type-check (sources and tests)"
npx tsc -p tsconfig.json --noEmit
echo "== build"
cp oclif.manifest.json .tmp-manifest.json 2>/dev/null || true
npm run build --silent
if [ -f .tmp-manifest.json ]; then
  if ! diff -q .tmp-manifest.json oclif.manifest.json >/dev/null; then
    rm -f .tmp-manifest.json
    echo "oclif.manifest.json was stale: the build regenerated it; commit the new one." >&2
    exit 1
  fi
  rm -f .tmp-manifest.json
fi
echo "== unit tests (with coverage floor on src/lib)"
npx vitest run --project unit --coverage
echo "== integration tests (real docker-registry, skopeo, credential helpers, Secret Service)"
npx vitest run --project integration
