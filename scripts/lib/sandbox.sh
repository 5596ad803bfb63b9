# shellcheck shell=bash
# Start/stop a railstack sandbox from a bash script (sourced by scripts/demo.sh, contracts.sh).
#
#   sandbox_start DIR [extra sandbox args...]   # writes DIR/sandbox.env, DIR/sandbox.log
#   . "$SANDBOX_ENV_FILE"                       # RAILWAY_API_URL, ..., RAILSTACK_SANDBOX_URL
#   sandbox_stop                                # also run by the EXIT trap sandbox_start sets
#
# The caller's provider variables (RAILWAY_*, STRIPE_*, CLERK_*, CLOUDFLARE_*) are unset first:
# with the sandbox's env file loaded, nothing can reach a real provider by accident.

SANDBOX_PID=""
SANDBOX_ENV_FILE=""

sandbox_stop() {
    if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
        kill -TERM "$SANDBOX_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SANDBOX_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
    SANDBOX_PID=""
}

sandbox_start() {
    local dir=$1
    shift
    mkdir -p "$dir"
    SANDBOX_ENV_FILE=$dir/sandbox.env
    rm -f "$SANDBOX_ENV_FILE"
    local var
    for var in $(compgen -e | grep -E '^(RAILWAY|STRIPE|CLERK|CLOUDFLARE|RAILSTACK_SANDBOX)_' || true); do
        unset "$var"
    done
    PYTHONPATH="$PWD/sandbox${PYTHONPATH:+:$PYTHONPATH}" \
        .venv/bin/python -m railstack_sandbox --port 0 --env-file "$SANDBOX_ENV_FILE" "$@" \
        </dev/null >"$dir/sandbox.log" 2>&1 &
    SANDBOX_PID=$!
    trap sandbox_stop EXIT
    local i
    for i in $(seq 1 300); do
        if [ -s "$SANDBOX_ENV_FILE" ] && grep -q '^export RAILSTACK_SANDBOX_URL=' "$SANDBOX_ENV_FILE"; then
            return 0
        fi
        if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
            echo "sandbox: exited before writing $SANDBOX_ENV_FILE; its log:" >&2
            cat "$dir/sandbox.log" >&2
            return 1
        fi
        [ "$i" -eq 300 ] || sleep 0.1
    done
    echo "sandbox: no $SANDBOX_ENV_FILE after 30 s; its log:" >&2
    cat "$dir/sandbox.log" >&2
    return 1
}
