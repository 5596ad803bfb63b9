#!/usr/bin/env bash
# make demo: converge the demo stack against a local sandbox twice; the second run must change
# nothing and send no write request.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib/sandbox.sh
. scripts/lib/sandbox.sh
export PATH="$root/.venv/bin:$PATH"
# playbooks/site.yml runs on the implicit localhost: no inventory needed, so no warning about it
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False

out=tests/output/demo
trap 'exit 130' INT TERM
sandbox_start "$out" --record "$out/sandbox-traffic.jsonl"
# shellcheck disable=SC1090
. "$SANDBOX_ENV_FILE"
echo "demo: sandbox at $RAILSTACK_SANDBOX_URL (env file $SANDBOX_ENV_FILE, recording $out/sandbox-traffic.jsonl)"

playbook=(ansible-playbook playbooks/site.yml -e @examples/demo.yml)

echo
echo "demo: first run: $ ${playbook[*]}"
"${playbook[@]}"

mark=$(python scripts/sandbox_traffic.py mark)
echo
echo "demo: second run, same command: everything is already there"
"${playbook[@]}" | tee "$out/second-run.log"

recap=$(sed -n '/^PLAY RECAP/,$p' "$out/second-run.log" | grep -E '^[^ ].*: ok=' || true)
counts=$(python scripts/sandbox_traffic.py count --since "$mark")
mutations=$(python scripts/sandbox_traffic.py count --since "$mark" --mutations-only)
echo
echo "demo: second run recap: $recap"
echo "demo: second run sent $counts to the sandbox"
if ! grep -Eq '(^|[[:space:]])changed=0([[:space:]]|$)' <<<"$recap" || [ "$mutations" != 0 ]; then
    echo "demo: FAILED: the second run should report changed=0 and send no mutation" >&2
    exit 1
fi
echo "demo: OK: idempotent (changed=0, $mutations mutations on the second run)"
