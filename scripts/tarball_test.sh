#!/usr/bin/env bash
# make tarball-test: the collection as a user gets it. Builds the tarball, installs it into a fresh
# virtual environment in a temporary directory outside the checkout (ansible-core, then the installed
# collection's requirements.txt, then Molecule), and from a directory outside the checkout, with no
# provider credential, runs:
#   1. railstack.platform.site on a copy of examples/prela.yml, twice (the second: changed=0)
#   2. a play using a role by its FQCN (tests/tarball/role.yml)
#   3. a play giving the credentials with `environment:` (tests/tarball/environment.yml)
#   4. a partial set of credentials: site fails, naming what is missing, before any request
#   5. the Molecule scenario users copy (examples/molecule/default, from the installed collection)
# Nothing of the checkout is on PYTHONPATH or ANSIBLE_COLLECTIONS_PATH: the sandbox these runs use is
# the installed collection's copy. Logs: tests/output/tarball/. RAILSTACK_TARBALL_KEEP=1 keeps the
# temporary directory. Writes "passed failed skipped" to tests/output/counts/tarball-test.
# shellcheck disable=SC2317,SC2016  # the checks are functions run through check(), some by eval
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
out=$root/tests/output/tarball
rm -rf "$out"
mkdir -p "$out" tests/output/counts
rm -f tests/output/counts/tarball-test

work=$(mktemp -d "${TMPDIR:-/tmp}/railstack-tarball.XXXXXX")
cleanup() {
    if [ -f "$work/cache/railstack/sandbox/sandbox.pid" ]; then
        kill "$(cat "$work/cache/railstack/sandbox/sandbox.pid")" 2>/dev/null || true
    fi
    if [ -z "${RAILSTACK_TARBALL_KEEP:-}" ]; then rm -rf "$work"; else echo "tarball-test: kept $work"; fi
}
trap cleanup EXIT

passed=0 failed=0
check() {  # check NAME COMMAND...: one counted check
    local name=$1 start=$SECONDS
    shift
    if "$@"; then
        passed=$((passed + 1))
        printf 'tarball-test: ok      %4ss  %s\n' "$((SECONDS - start))" "$name"
    else
        failed=$((failed + 1))
        printf 'tarball-test: FAILED  %4ss  %s (logs: tests/output/tarball/)\n' "$((SECONDS - start))" "$name"
    fi
}
finish() {
    echo "$passed $failed 0" >"$root/tests/output/counts/tarball-test"
    echo "tarball-test: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# ---- 1. build, and a fresh virtual environment with the installed collection ------------------------
version() { .venv/bin/python -c "import importlib.metadata as m; print(m.version('$1'))"; }
base_python=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
coll=$work/collections/ansible_collections/railstack/platform
install() (
    exec >"$out/install.log" 2>&1
    .venv/bin/ansible-galaxy collection build --force --output-path "$work/dist" . &&
    "$base_python" -m venv "$work/venv" &&
    "$work/venv/bin/python" -m pip install -q "ansible-core==$(version ansible-core)" &&
    (cd "$work" && ANSIBLE_CONFIG='' ANSIBLE_COLLECTIONS_PATH="$work/collections" "$work/venv/bin/ansible-galaxy" \
        collection install -p "$work/collections" "$work"/dist/railstack-platform-*.tar.gz) &&
    "$work/venv/bin/python" -m pip install -q -r "$coll/requirements.txt" &&
    "$work/venv/bin/python" -m pip install -q "molecule==$(version molecule)"
)
echo "tarball-test: building and installing into $work (log: tests/output/tarball/install.log)"
check "build, install with requirements.txt into a fresh venv" install
[ "$failed" -eq 0 ] || finish

# ---- the user's shell: no provider variable, nothing of the checkout --------------------------------
for var in $(compgen -e | grep -E '^(RAILWAY|STRIPE|CLERK|CLOUDFLARE|NAMECHEAP|AWS|RAILSTACK)_|^(ANSIBLE_|PYTHONPATH$|MOLECULE_)' || true); do
    unset "$var"
done
export PATH="$work/venv/bin:/usr/local/bin:/usr/bin:/bin" ANSIBLE_COLLECTIONS_PATH="$work/collections" \
    XDG_CACHE_HOME="$work/cache" ANSIBLE_NOCOLOR=1 NO_COLOR=1 PY_COLORS=0 ANSIBLE_LOCALHOST_WARNING=False \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=False
# the application secrets examples/prela.yml reads from the environment: made up
export CLICKHOUSE_HOST=tarball.clickhouse.invalid CLICKHOUSE_PASSWORD="tarball-$RANDOM$RANDOM"
project=$work/project
mkdir -p "$project"
cp "$coll/examples/prela.yml" "$project/stack.yml"
cp tests/tarball/*.yml "$project/"
cd "$project" || exit 1

no_sandbox_module_elsewhere() { ! python -c 'import railstack_sandbox' 2>/dev/null; }
check "the fresh venv has no railstack_sandbox of its own" no_sandbox_module_elsewhere

recap_changed() { sed -n '/^PLAY RECAP/,$p' "$1" | grep -oE 'changed=[0-9]+' | head -n1; }
site_twice() {
    ansible-playbook railstack.platform.site -e @stack.yml >"$out/site-first.log" 2>&1 &&
    grep -q "This run uses the LOCAL SANDBOX" "$out/site-first.log" &&
    grep -q "This run was against the LOCAL SANDBOX" "$out/site-first.log" &&
    [ "$(recap_changed "$out/site-first.log")" != changed=0 ] &&
    ansible-playbook railstack.platform.site -e @stack.yml >"$out/site-second.log" 2>&1 &&
    [ "$(recap_changed "$out/site-second.log")" = changed=0 ] &&
    ! grep -qF "$CLICKHOUSE_PASSWORD" "$out/site-first.log" "$out/site-second.log"
}
check "railstack.platform.site twice on a copied stack, the second changed=0" site_twice

check "a play using a role by its FQCN" eval 'ansible-playbook role.yml >"$out/role.log" 2>&1'
check "a play giving its credentials with environment:" eval 'ansible-playbook environment.yml >"$out/environment.log" 2>&1'

# ---- a partial set: Stripe's credential (pointing at the running sandbox), no Railway one -------------
traffic_next() { python -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + "/_sandbox/traffic?since=0"))["next"])' "$1"; }
partial_fails_before_any_request() {
    local env_file=$XDG_CACHE_HOME/railstack/sandbox/sandbox.env url key base before after
    url=$(sed -n 's/^export RAILSTACK_SANDBOX_URL=//p' "$env_file")
    key=$(sed -n 's/^export STRIPE_API_KEY=//p' "$env_file")
    base=$(sed -n 's/^export STRIPE_API_BASE=//p' "$env_file")
    before=$(traffic_next "$url") || return 1
    if STRIPE_API_KEY=$key STRIPE_API_BASE=$base RAILWAY_API_TOKN=misspelled \
        ansible-playbook railstack.platform.site -e @stack.yml >"$out/partial.log" 2>&1; then
        return 1
    fi
    after=$(traffic_next "$url") || return 1
    grep -q "providers: missing credentials, railway: RAILWAY_API_TOKEN (or RAILWAY_TOKEN)" "$out/partial.log" &&
    [ "$before" = "$after" ] && ! grep -qF "$key" "$out/partial.log"
}
check "a partial set of credentials fails before any request" partial_fails_before_any_request
ansible-playbook stop.yml >"$out/stop.log" 2>&1

# ---- the Molecule scenario users copy, from the installed collection --------------------------------
molecule_scenario() {
    mkdir -p molecule && cp -r "$coll/examples/molecule/default" molecule/default &&
    molecule test >"$out/molecule.log" 2>&1
}
check "the documented Molecule scenario (examples/molecule/default)" molecule_scenario
finish
