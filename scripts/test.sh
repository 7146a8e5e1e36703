#!/usr/bin/env bash
# Runs every test of regctl: lint, type-check (sources and tests), build + manifest freshness,
# unit tests with the src/lib coverage floor, then the integration tests against real registries.
# It never skips a suite: missing Debian packages are installed (as root) or named, and it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.sh

echo "== lint"
npx eslint .
echo "== no import cycle in src (madge)"
npm run --silent cycles
echo "== no unused files, exports or dependencies (knip)"
npm run --silent knip
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
echo "== JSON Schemas (docs/json) match the result types"
npx tsx scripts/schemas.ts --check
echo "== unit tests (with coverage floor on src/lib)"
mkdir -p .tmp
npx vitest run --project unit --coverage --reporter=default --reporter=json --outputFile.json=.tmp/unit-results.json
echo "== integration tests (real docker-registry, skopeo, credential helpers, Secret Service)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=.tmp/integration-results.json

# One plain closing line over both suites (CI reads it to know tests ran).
node -e '
const fs = require("node:fs")
let passed = 0, failed = 0, skipped = 0
for (const f of [".tmp/unit-results.json", ".tmp/integration-results.json"]) {
  const r = JSON.parse(fs.readFileSync(f, "utf8"))
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
'
