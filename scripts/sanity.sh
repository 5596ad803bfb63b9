#!/usr/bin/env bash
# ansible-test sanity, offline and without containers.
#
# ansible-test wants the collection at .../ansible_collections/<ns>/<name> and resolves the
# working directory through symlinks, so the .collections link does not do: copy the files git
# knows about (tracked + untracked-not-ignored) to tests/output/.sanity-root/ and run there.
# Left out: the sandbox's own tests and generators (tests/sandbox/, sandbox/tools/), which the
# collection does not ship (galaxy.yml build_ignore). Everything the collection ships (the sandbox's
# code, sandbox/railstack_sandbox, included), and its unit and integration tests, is checked.
# The copy gets its own `git init` so ansible-test lists files from it and not from this repo
# (which ignores tests/output/). Extra arguments go to ansible-test, e.g.
#   scripts/sanity.sh --test pep8
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export LC_ALL=C.UTF-8 PATH="$root/.venv/bin:$PATH"

# one copy per run, so two runs in one tree (two shells, two engineers) do not clobber each other
run_root=tests/output/.sanity-root/$$
dest=$run_root/ansible_collections/railstack/platform
rm -f tests/output/counts/sanity
rm -rf "$run_root"
mkdir -p "$dest"
trap 'rm -rf "$root/$run_root"' EXIT
# files git lists but that are gone from the tree (deleted, not yet committed) are left out
not_collection='^(sandbox/tools|tests/sandbox)/'
git ls-files -z -co --exclude-standard \
    | { grep -zvE "$not_collection" || true; } \
    | while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done \
    | tar -c --null -T - -f - | tar -x -f - -C "$dest"
git -C "$dest" init -q

pyver=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
log=$root/$run_root/sanity.log
echo "sanity: ansible-test sanity --local --python $pyver in $dest"
cd "$dest"
set +e
ansible-test sanity --local --python "$pyver" --color no "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# ansible-test only warns when a test cannot run here (pslint wants pwsh, shellcheck its binary)
skipped=$(grep -E '^WARNING: (Skipping sanity test|Required program)' "$log" | sed -E 's/^WARNING: //' || true)
if [ -n "$skipped" ]; then
    echo "sanity: not run for lack of a tool:"
    printf '%s\n' "$skipped" | sed 's/^/  /'
fi
if ! command -v pwsh >/dev/null; then
    n=$(git ls-files -co --exclude-standard | grep -cE '\.(ps1|psm1|psd1)$' || true)
    echo "sanity: pslint has no pwsh here; it only checks PowerShell files, of which there are $n"
fi
if ! command -v shellcheck >/dev/null; then
    n=$(git ls-files -co --exclude-standard | grep -cE '\.sh$' || true)
    echo "sanity: shellcheck is not installed (apt-get install shellcheck); $n shell scripts went unchecked"
fi
# "passed failed skipped" for scripts/test.sh's closing line: one per sanity test run
run=$(grep -c '^Running sanity test' "$log" || true)
failed=$(sed -nE 's/^FATAL: The ([0-9]+) sanity test\(s\) listed below.*/\1/p' "$log" | tail -n1)
failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
no_tool=$(grep -c '^WARNING: Required program' "$log" || true)
mkdir -p "$root/tests/output/counts"
echo "$((run - failed - no_tool < 0 ? 0 : run - failed - no_tool)) $failed $no_tool" >"$root/tests/output/counts/sanity"
mv -f "$log" "$root/tests/output/sanity.log"
if [ "$rc" -eq 0 ]; then
    echo "sanity: passed ($run tests run)"
else
    echo "sanity: FAILED (exit $rc; log: tests/output/sanity.log)"
fi
exit "$rc"
