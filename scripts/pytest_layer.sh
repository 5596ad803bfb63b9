#!/usr/bin/env bash
# One pytest layer: scripts/pytest_layer.sh NAME DIR [pytest args...]
# Writes tests/output/junit/NAME.xml (read by scripts/test.sh for the closing count).
# A layer with no tests yet (pytest exit 5) passes with a warning rather than failing CI.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
name=$1 dir=$2
shift 2
mkdir -p tests/output/junit tests/output/counts
rm -f "tests/output/junit/$name.xml" "tests/output/counts/$name"
if [ ! -d "$dir" ]; then
    echo "$name: no $dir yet: nothing to run"
    exit 0
fi
set +e
.venv/bin/python -m pytest "$dir" -q -p no:cacheprovider --junitxml="tests/output/junit/$name.xml" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "$name: WARNING: no tests collected in $dir"
    rm -f "tests/output/junit/$name.xml"
    rc=0
fi
# "passed failed skipped" for scripts/test.sh's closing line
if [ -f "tests/output/junit/$name.xml" ]; then
    .venv/bin/python - "tests/output/junit/$name.xml" >"tests/output/counts/$name" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
total = lambda key: sum(int(s.get(key, 0)) for s in suites)
failed = total("failures") + total("errors")
print(total("tests") - failed - total("skipped"), failed, total("skipped"))
PY
fi
exit "$rc"
