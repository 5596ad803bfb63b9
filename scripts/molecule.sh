#!/usr/bin/env bash
# make molecule: `molecule test` of every scenario in extensions/molecule/ (one per role, and the
# whole stack on examples/prela.yml), each against its own sandbox (no container, no credential).
# Two scenarios run at a time; each one's log is tests/output/molecule/<scenario>.log.
#
#   scripts/molecule.sh                      # every scenario
#   scripts/molecule.sh web_service webhook  # these
#   RAILSTACK_MOLECULE_JOBS=1 scripts/molecule.sh
#
# Writes "passed failed skipped" to tests/output/counts/molecule for scripts/test.sh.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
export PATH="$root/.venv/bin:$PATH" NO_COLOR=1 PY_COLORS=0 ANSIBLE_NOCOLOR=1
# the scenarios use their own sandbox: no provider setting of the caller's shell may leak in
for var in $(compgen -e | grep -E '^(RAILWAY|STRIPE|CLERK|CLOUDFLARE|NAMECHEAP|AWS|RAILSTACK_SANDBOX)_|^ANSIBLE_' || true); do
    case $var in ANSIBLE_NOCOLOR) ;; *) unset "$var" ;; esac
done
out=tests/output/molecule
mkdir -p "$out" tests/output/counts
rm -f tests/output/counts/molecule "$out"/*.result

if [ "$#" -gt 0 ]; then
    scenarios=("$@")
else
    mapfile -t scenarios < <(find extensions/molecule -mindepth 2 -maxdepth 2 -name molecule.yml -printf '%h\n' \
                             | xargs -n1 basename | sort)
fi

run_one() {
    local scenario=$1 start rc
    start=$(date +%s.%N)
    molecule test -s "$scenario" >"tests/output/molecule/$scenario.log" 2>&1
    rc=$?
    printf '%s %s %s\n' "$scenario" "$rc" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" \
        >"tests/output/molecule/$scenario.result"
}
export -f run_one

printf '%s\n' "${scenarios[@]}" | xargs -P "${RAILSTACK_MOLECULE_JOBS:-2}" -I{} bash -c 'run_one "$@"' _ {}

passed=0 failed=0
echo "molecule: scenario            result   seconds"
for scenario in "${scenarios[@]}"; do
    read -r name rc seconds <"$out/$scenario.result" || { name=$scenario rc=1 seconds="?"; }
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1)) result=ok
    else
        failed=$((failed + 1)) result=FAILED
    fi
    printf 'molecule: %-20s %-8s %7s\n' "$name" "$result" "$seconds"
    if [ "$rc" -ne 0 ]; then
        echo "molecule: $name failed; the end of $out/$name.log:"
        tail -n 40 "$out/$name.log" | sed 's/^/    /'
    fi
done
echo "$passed $failed 0" >tests/output/counts/molecule
[ "$failed" -eq 0 ]
