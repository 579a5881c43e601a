#!/usr/bin/env bash
# Start/stop the real local stack (nginx over gunicorn serving the pypiserver lookalike) by hand.
#   test/stack/stack.sh start --servers 2 --workers 4 --worker-class gevent --balancing least_conn
#   test/stack/stack.sh status | stop | serve   (--name NAME for several stacks at once; --help)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
js="$repo/dist/test/stack/run-stack.js"
if [ ! -f "$js" ] || [ -n "$(find "$repo/test/stack" -name '*.ts' ! -name '*.test.ts' -newer "$js" -print -quit)" ]; then
  (cd "$repo" && npx tsc -p .)
fi
exec node "$js" "$@"
