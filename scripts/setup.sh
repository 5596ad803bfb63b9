#!/usr/bin/env bash
# Build (or refresh) the development environment; safe to run again and again.
#
#   .venv/                      virtualenv from the newest usable Python (3.12 - 3.14),
#                               with requirements-dev.txt installed
#   .collections/ansible_collections/railstack/platform -> ../../..   (this working tree)
#   ~/.ansible/test/cache/get_pip_<ver>.py     offline get-pip shim for ansible-test
#
# A stamp file keyed on the interpreter and the requirements files makes a run with nothing
# to do take well under a second. RAILSTACK_PYTHON=/path/to/python overrides the choice.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=.venv
stamp=$venv/.railstack-setup-stamp

log() { printf 'setup: %s\n' "$*"; }

# --- 1. choose the interpreter -------------------------------------------------------------
# ansible-core 2.21 runs its controller on Python 3.12 - 3.14; take the newest that works.
probe='import sys, venv, ensurepip; v = sys.version_info; print("%d.%d.%d %s" % (v[0], v[1], v[2], sys.executable))'
best_ver="" best_exe=""
candidates=()
[ -n "${RAILSTACK_PYTHON:-}" ] && candidates+=("$RAILSTACK_PYTHON")
candidates+=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-4]*/bin/python)
candidates+=(/usr/local/bin/python3.1[2-4] /usr/bin/python3.1[2-4] python3.14 python3.13 python3.12 python3)
pyenv_shims="${PYENV_ROOT:-$HOME/.pyenv}/shims/"
for cand in "${candidates[@]}"; do
    path=$(command -v "$cand" 2>/dev/null) || continue
    # pyenv's shims are slow to start and only lead to the versions/ already probed above
    case $path in "$pyenv_shims"*) continue ;; esac
    out=$("$cand" -c "$probe" 2>/dev/null) || continue
    ver=${out%% *} exe=${out#* }
    case $ver in 3.12.*|3.13.*|3.14.*) ;; *) continue ;; esac
    # the first candidate wins ties; RAILSTACK_PYTHON wins outright
    if [ -n "${RAILSTACK_PYTHON:-}" ] && [ "$cand" = "$RAILSTACK_PYTHON" ]; then
        best_ver=$ver best_exe=$exe
        break
    fi
    if [ -z "$best_ver" ] || [ "$(printf '%s\n%s\n' "$best_ver" "$ver" | sort -V | tail -n1)" != "$best_ver" ]; then
        best_ver=$ver best_exe=$exe
    fi
done
if [ -z "$best_exe" ]; then
    echo "setup: no Python 3.12 - 3.14 with venv and ensurepip found (ansible-core 2.21 needs one)." >&2
    echo "setup: set RAILSTACK_PYTHON=/path/to/python3.12+ and run again." >&2
    exit 1
fi

# --- 2. the virtualenv, keyed on interpreter + requirements -----------------------------------
have_sandbox_pkg=no
if [ -f sandbox/pyproject.toml ] || [ -f sandbox/setup.py ]; then have_sandbox_pkg=yes; fi

key=$( {
    echo "python $best_ver $best_exe"
    echo "sandbox-package $have_sandbox_pkg"
    for f in requirements.txt requirements-dev.txt sandbox/pyproject.toml sandbox/setup.py; do
        if [ -f "$f" ]; then echo "== $f"; cat "$f"; fi
    done
} | sha256sum | cut -d' ' -f1)

venv_python_ok() {
    [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1
}
venv_base() {  # the interpreter the venv was made from, as recorded in pyvenv.cfg
    sed -n 's/^version *= *//p' "$venv/pyvenv.cfg" 2>/dev/null | head -n1
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && venv_python_ok; then
    log ".venv up to date (Python $best_ver)"
else
    if ! venv_python_ok || [ "$(venv_base)" != "$best_ver" ]; then
        log "creating .venv from $best_exe (Python $best_ver)"
        rm -rf "$venv"
        "$best_exe" -m venv "$venv"
    fi
    reqs=$(mktemp)
    trap 'rm -f "$reqs"' EXIT
    # -r paths inside a requirements file are relative to that file: make them absolute.
    sed -e "s#^-r #-r $root/#" requirements-dev.txt > "$reqs"
    if [ "$have_sandbox_pkg" = no ]; then
        log "sandbox/pyproject.toml not there yet: installing without the sandbox package"
        sed -i -e '/^-e *\.\/sandbox/d' "$reqs"
    fi
    log "installing requirements-dev.txt into .venv (log: $venv/pip-install.log)"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$reqs" >"$venv/pip-install.log" 2>&1; then
        grep -v "^WARNING: Location 'file:///opt/" "$venv/pip-install.log" | tail -n 40 >&2
        echo "setup: pip install failed (whole log: $venv/pip-install.log)" >&2
        exit 1
    fi
    echo "$key" > "$stamp"
fi

# --- 3. the working tree as railstack.platform ------------------------------------------------
link=.collections/ansible_collections/railstack/platform
mkdir -p "$(dirname "$link")"
if [ -e "$link" ] && [ ! -L "$link" ]; then
    log "replacing $link (a copy, not a link) with a link to the working tree"
    rm -rf "$link"
fi
if [ "$(readlink "$link" 2>/dev/null)" != "../../.." ]; then
    ln -sfn ../../.. "$link"
    log "linked $link -> ../../.."
fi

# --- 4. ansible-test's offline get-pip shim ---------------------------------------------------
"$venv/bin/python" scripts/install_get_pip_shim.py
