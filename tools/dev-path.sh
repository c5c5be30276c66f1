#!/usr/bin/env bash
# Prints the PATH the project's tasks run with (.projenrc.ts sets it): node_modules/.bin first, as
# projen does, and before it the Node.js 24 that tools/setup.sh installs under .cache/node when the
# machine's own Node.js is older than 22. Every `#!/usr/bin/env node` tool (jsii, jest, tsc,
# ts-node, npm) then runs on that Node.js.
cd "$(dirname "$0")/.." || exit 1
node_bin=""
if [ -x .cache/node/node_modules/.bin/node ]; then node_bin="$PWD/.cache/node/node_modules/.bin:"; fi
echo "${node_bin}$(npx -c 'node --print process.env.PATH')"
