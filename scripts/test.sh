#!/usr/bin/env bash
# Runs every test of regctl: lint, type-check (sources and tests), build + manifest freshness,
# unit tests with the src/lib coverage floor, then the integration tests against real registries.
# It never skips a suite: missing Debian packages are installed (as root) or named, and it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.sh

echo "== lint"
npx eslint .
echo "== type-check (sources and tests)"
npx tsc -p tsconfig.json --noEmit
echo "== build"
npm run build --silent
# The manifest is committed (bin/dev.js and installs read it); the build must not change it.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- oclif.manifest.json; then
  echo "oclif.manifest.json is stale: the build regenerated it; commit the new one." >&2
  git --no-pager diff --stat -- oclif.manifest.json >&2
  exit 1
fi
echo "== unit tests (with coverage floor on src/lib)"
npx vitest run --project unit --coverage
echo "== integration tests (real docker-registry, skopeo, credential helpers, Secret Service)"
npx vitest run --project integration
