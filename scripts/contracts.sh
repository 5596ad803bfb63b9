#!/usr/bin/env bash
# make contracts: every request the integration run recorded, and the sandbox's own Railway
# GraphQL schema, against the providers' published contracts (../shared/contracts/check.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
checker=../shared/contracts/check.py
recording=tests/output/sandbox-traffic.jsonl

if [ ! -f "$checker" ]; then
    echo "contracts: skipped: $checker is not here (a clone without the shared contracts)"
    exit 0
fi
if [ ! -s "$recording" ]; then
    echo "contracts: no recording at $recording: run \`make integration\` first" >&2
    exit 1
fi

# shellcheck source=scripts/lib/sandbox.sh
. scripts/lib/sandbox.sh
trap 'exit 130' INT TERM
sandbox_start tests/output/contracts
# shellcheck disable=SC1090
. "$SANDBOX_ENV_FILE"
echo "contracts: $(wc -l <"$recording") recorded requests + the schema of a fresh sandbox ($RAILWAY_API_URL)"
python3 "$checker" "$recording" --sandbox-graphql "$RAILWAY_API_URL" 2>&1 \
    | { grep -v "^WARNING: Location 'file:///opt/" || true; }
