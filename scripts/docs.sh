#!/usr/bin/env bash
# make docs: build the collection's documentation site, offline, into tests/output/docs/build/html.
#
#   plugin reference  antsibull-docs from the collection as ansible-core sees it (.collections)
#   guides            docs/*.md (architecture.md, contributing.md, testing.md under "For contributors")
#   settings          docs/docsite/sphinx/ (conf.py, antsibull-docs.cfg, index.rst)
#
# Nothing is fetched from the network: intersphinx reads an inventory conf.py writes (see
# docs/docsite/sphinx/conf.py). Any Sphinx warning (an unresolved reference, say) fails the build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$root/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/.collections"

site=tests/output/docs
rm -rf "$site"
mkdir -p tests/output
# antsibull-docs wants directories that only their owner can write to
mkdir -m 0755 "$site" "$site/rst"
cp docs/docsite/sphinx/conf.py docs/docsite/sphinx/antsibull-docs.cfg "$site/"

antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --use-current --dest-dir "$site/rst" \
    railstack.platform

cp docs/docsite/sphinx/index.rst "$site/rst/index.rst"
mkdir -p "$site/rst/guides" "$site/rst/develop"
for page in docs/*.md; do
    case $(basename "$page") in
        architecture.md|contributing.md|testing.md) cp "$page" "$site/rst/develop/" ;;
        *) cp "$page" "$site/rst/guides/" ;;
    esac
done

log=$site/sphinx.log
if ! sphinx-build -M html "$site/rst" "$site/build" -c "$site" -q 2>"$log"; then
    cat "$log" >&2
    echo "docs: sphinx-build FAILED" >&2
    exit 1
fi
warnings=$(grep -c "WARNING" "$log" || true)
if [ "$warnings" -gt 0 ]; then
    grep "WARNING" "$log" >&2
    echo "docs: $warnings Sphinx warnings (in $log): FAILED" >&2
    exit 1
fi
echo "docs: site in $site/build/html/index.html (no Sphinx warnings)"
