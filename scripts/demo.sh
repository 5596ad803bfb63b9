#!/usr/bin/env bash
# make demo: converge examples/prela.yml (the Prela deployment guide) against a local sandbox twice.
# The first run shows what it created, the URLs, and which secrets went where (names, never values);
# the second must change nothing and send no write request. The sandbox stops on any exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib/sandbox.sh
. scripts/lib/sandbox.sh
export PATH="$root/.venv/bin:$PATH"
# playbooks/site.yml runs on the implicit localhost: no inventory needed, so no warning about it
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False

out=tests/output/demo
stack=${RAILSTACK_DEMO_STACK:-examples/prela.yml}
trap 'exit 130' INT TERM
sandbox_start "$out" --record "$out/sandbox-traffic.jsonl"
# shellcheck disable=SC1090
. "$SANDBOX_ENV_FILE"
echo "demo: sandbox at $RAILSTACK_SANDBOX_URL (env file $SANDBOX_ENV_FILE, recording $out/sandbox-traffic.jsonl)"
# The application's own secrets, which the example reads from the environment: made up for the demo.
CLICKHOUSE_HOST=demo-$RANDOM.eu-central-1.aws.clickhouse.cloud
CLICKHOUSE_PASSWORD=demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
export CLICKHOUSE_HOST CLICKHOUSE_PASSWORD

playbook=(ansible-playbook playbooks/site.yml -e "@$stack")

echo
echo "demo: first run: $ ${playbook[*]}"
"${playbook[@]}" | tee "$out/first-run.log"
if grep -qF "$CLICKHOUSE_PASSWORD" "$out/first-run.log"; then
    echo "demo: FAILED: a secret is in the output" >&2
    exit 1
fi

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
if [ -z "$recap" ] || grep -Eqv '(^|[[:space:]])changed=0([[:space:]]|$)' <<<"$recap" || [ "$mutations" != 0 ]; then
    echo "demo: FAILED: the second run should report changed=0 and send no mutation" >&2
    exit 1
fi
echo "demo: OK: idempotent (changed=0, $mutations mutations on the second run)"
