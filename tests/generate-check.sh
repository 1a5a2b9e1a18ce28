#!/usr/bin/env bash
# Regenerates generated files and fails if the committed ones are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "generate-check: not a git checkout, skipped"; exit 0
fi
go generate ./...
if ! git diff --quiet --exit-code -- . ; then
	echo "generate-check: generated files are stale; run 'make generate' and commit:" >&2
	git diff --stat >&2
	exit 1
fi
echo "generate-check: generated files are up to date"
