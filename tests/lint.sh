#!/usr/bin/env bash
# Cheap checks of the tree that `make check` runs before the tests: no
# leftover merge-conflict markers, gofmt-clean Go files.
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --git-dir >/dev/null 2>&1; then
	if git grep -nE '^(<<<<<<<|>>>>>>>)( |$)' -- . >&2; then
		echo "lint: merge-conflict markers above" >&2; exit 1
	fi
fi
bad=$(gofmt -l $(find . -name '*.go' -not -path './bin/*'))
if [ -n "$bad" ]; then
	echo "lint: gofmt would change: $bad" >&2; exit 1
fi
echo "lint: ok"
