#!/usr/bin/env bash
# A fresh machine, the README and nothing else: clones this checkout's HEAD into a new folder, installs
# exactly what the lockfile says (`npm ci`), and from that clone alone runs `npm start` with no
# DATABASE_URL or REDIS_URL (embedded Postgres, a local redis-server), renders the demo storyboard
# with voices, checks the video with ffprobe, and stops it with Ctrl-C
# (tests/integration/local-stack.test.ts, run inside the clone). `npm install && npm test` on a clean
# checkout is what .ci/run itself does; this adds the clone-and-start half. CI runs it after the tests.
#
# Usage: infra/check-fresh-clone.sh [folder]   (default: a new folder under /tmp, removed afterwards)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$(mktemp -d /tmp/clapboard-fresh-XXXXXX)}"
keep="${1:+yes}"
cleanup() { [ -n "$keep" ] || rm -rf "$dir"; }
trap cleanup EXIT
# As root the embedded Postgres runs as 'postgres', which must be able to enter the clone.
chmod 755 "$dir"
echo "[fresh] cloning $(git -C "$src" rev-parse --short HEAD) into $dir/clapboard"
git clone --quiet --no-local "$src" "$dir/clapboard"
cd "$dir/clapboard"
echo "[fresh] npm ci"
npm ci --no-audit --no-fund --prefer-offline
echo "[fresh] npm start from the clone: start, render the demo with voices, stop"
# Only the test database and Redis for the bad-configuration cases come from outside; npm start
# itself is given no DATABASE_URL or REDIS_URL (the test removes them from its environment).
(cd tests && npx vitest run integration/local-stack.test.ts)
echo "[fresh] ok"
