#!/usr/bin/env bash
# Installs everything the build, the tests and the examples need on a fresh machine of our kind
# (Debian, Node.js 20+, root): Debian packages for the local engines and the browser tests, Node.js
# 24 when the machine's is older than 22, then the npm dependencies from the committed lockfile.
# Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A NEEDED=(
  [redis-server]=redis-server
  [pg_ctlcluster]=postgresql
  [dot]=graphviz
  [chromium]=chromium
  [java]=openjdk-17-jre-headless
  [openssl]=openssl
)
missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
done
# fonts so that screenshots show text
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Development and release need Node.js 22 or later (package.json engines). When the machine's is
# older, Node.js 24 (the Lambda runtime's version) comes from the npm registry as a binary package
# into .cache/node, and the project's tasks put it first on their PATH (tools/dev-path.sh).
NODE_PACKAGE_VERSION=24
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ] && [ ! -x .cache/node/node_modules/.bin/node ]; then
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) echo "setup: no Node.js binary package for $(uname -m); install Node.js 22+ yourself" >&2; exit 1 ;;
  esac
  echo "setup: Node.js $(node -v) is older than 22: installing node-linux-${node_arch}@${NODE_PACKAGE_VERSION} into .cache/node"
  npm install --prefix .cache/node --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-${node_arch}@${NODE_PACKAGE_VERSION}"
fi

# `npm ci` fails on projen's lockfile here (optional non-Linux bindings 404); `npm install`
# resolves from the same lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi

# What the tests will run against (a failing browser test on another machine starts here).
# The first line naming a version (Debian's chromium wrapper may print a warning first).
version() { { "$@" 2>&1 || true; } | grep -m 1 -E '[0-9]+\.[0-9]+' || echo "not found"; }
pg_version() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$bin" ]; then version "$bin/postgres" --version; else echo "not found"; fi
}
echo "setup: found"
echo "  Chromium:   $(version chromium --version)"
echo "  Java:       $(version java -version)"
echo "  Redis:      $(version redis-server --version)"
echo "  PostgreSQL: $(pg_version)"
tasks_node=""
if [ -x .cache/node/node_modules/.bin/node ]; then tasks_node=" (the tasks run on $(.cache/node/node_modules/.bin/node --version) from .cache/node)"; fi
echo "  Node.js:    $(node --version)${tasks_node}"
