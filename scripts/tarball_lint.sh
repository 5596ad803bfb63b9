#!/usr/bin/env bash
# make tarball-lint: ansible-lint (production profile) on the collection as a user gets it.
#
#   1. build the tarball from the files git knows (tracked, or untracked and not ignored)
#   2. install it alone with `ansible-galaxy collection install -p`, outside the checkout
#   3. run ansible-lint on the installed copy, which sees only what the tarball holds
#      (its shipped .ansible-lint included) and no other collection
#
# Everything happens in a temporary directory, removed at the end (RAILSTACK_KEEP_TMP=1 keeps it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/.venv/bin
export LC_ALL=C.UTF-8
if [ ! -x "$bin/ansible-lint" ] || [ ! -x "$bin/ansible-galaxy" ]; then
    echo "tarball-lint: no ansible-lint/ansible-galaxy in $bin: run \`make setup\` (or \`make tarball-lint\`)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/railstack-tarball-lint.XXXXXX")
cleanup() { if [ -z "${RAILSTACK_KEEP_TMP:-}" ]; then rm -rf "$work"; else echo "tarball-lint: kept $work"; fi; }
trap cleanup EXIT

# 1. a clean copy of the checkout, so caches and local files never reach the tarball
mkdir "$work/checkout"
# (a tracked file deleted in the working tree is not part of the build: --ignore-failed-read)
git -C "$root" ls-files -z -co --exclude-standard \
    | tar -C "$root" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
    | tar -C "$work/checkout" -xf -
"$bin/ansible-galaxy" collection build --output-path "$work" "$work/checkout" >/dev/null
tarball=$(ls "$work"/railstack-platform-*.tar.gz)

# 2. installed from outside the checkout: the checkout's ansible.cfg would see .collections
cd "$work"
env -u ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH="$work/collections" "$bin/ansible-galaxy" collection install --offline \
    -p "$work/collections" "$tarball" >/dev/null
installed=$work/collections/ansible_collections/railstack/platform

# 3. lint the installed copy with only the installed collections on the path
echo "tarball-lint: $(basename "$tarball"), installed in $installed"
cd "$installed"
ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_HOME=$work/ansible-home PATH="$bin:$PATH" \
    "$bin/ansible-lint" --profile production --offline ${CI:+--nocolor} "$@"
echo "tarball-lint: passed"
