#!/usr/bin/env bash
# make test: set up, then every test layer in turn. A failing layer does not stop the others;
# the run fails if any did. Ends with a table of stage timings and one closing line,
# "N passed, M failed[, K skipped]", counting pytest tests, ansible-test sanity tests, and one
# per other check (lint, typecheck, format check, changelog lint, contracts). The closing line is also written to
# tests/output/test-summary.txt.
#
# RAILSTACK_TEST_STAGES="units integration" limits the stages (setup always runs).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
mkdir -p tests/output/counts
summary=tests/output/test-summary.txt
rm -f "$summary"

default_stages="units sandbox-test integration molecule tarball-test contracts sanity lint typecheck format-check tarball-lint changelog-lint docs-lint"
read -r -a stages <<<"${RAILSTACK_TEST_STAGES:-$default_stages}"

passed=0 failed=0 skipped=0
rows=()
t0=$(date +%s.%N)

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

finish() {
    echo
    echo "== make test: stages"
    printf '  %-16s %-7s %8s  %s\n' stage result seconds counts
    printf '%s\n' "${rows[@]}"
    printf '  %-16s %-7s %8s\n' total "" "$(elapsed "$t0")"
    line="$passed passed, $failed failed"
    [ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
    echo "$line" >"$summary"
    echo "$line"
    [ "$failed" -eq 0 ]
    exit
}

run_stage() {
    local name=$1 start rc counts p f s
    shift
    echo
    echo "== make $name"
    rm -f "tests/output/counts/$name"
    start=$(date +%s.%N)
    make --no-print-directory NOSETUP=1 "$name"
    rc=$?
    if [ -f "tests/output/counts/$name" ]; then
        read -r p f s <"tests/output/counts/$name"
        # a crashed runner can exit non-zero with nothing counted as failed
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        counts="$p passed, $f failed, $s skipped"
    else
        if [ "$rc" -eq 0 ]; then p=1 f=0; else p=0 f=1; fi
        s=0 counts=""
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    rows+=("$(printf '  %-16s %-7s %8s  %s' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)" "$(elapsed "$start")" "$counts")")
    return "$rc"
}

if ! run_stage setup; then
    echo "make test: setup failed; no test layer can run" >&2
    finish
fi
for stage in "${stages[@]}"; do
    run_stage "$stage"
done
finish
