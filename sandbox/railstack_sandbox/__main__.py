"""python -m railstack_sandbox: run the sandbox until interrupted."""
import argparse
import signal
import sys

from .credentials import Credentials, write_env_file
from .faults import FAULT_KINDS
from .railway import realism
from .server import Sandbox, base_url, make_http_server


def parse_args(argv):
    defaults = Credentials()
    p = argparse.ArgumentParser(prog="python -m railstack_sandbox",
                                description="Local, stateful stand-in for the Railway, Stripe, Clerk and Cloudflare APIs.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (default)")
    p.add_argument("--env-file", help="write `export NAME=value` lines for every API URL and credential here")
    p.add_argument("--state", help="JSON state file: loaded at start if present, saved after every change")
    p.add_argument("--record", help="append every provider request here, one JSON line each")
    p.add_argument("--latency-ms", type=float, default=0, help="delay added to every provider request")
    p.add_argument("--fault-rate", type=float, default=0.0, help="probability (0..1) of a random fault")
    p.add_argument("--fault-kinds", default=",".join(FAULT_KINDS),
                   help=f"comma-separated kinds random faults pick from (default: all: {','.join(FAULT_KINDS)})")
    p.add_argument("--seed", type=int, help="seed for random faults and for new ids (deterministic runs)")
    p.add_argument("--railway-rate-limit", type=int, help="answer 429 once this many Railway requests were made in an hour")
    p.add_argument("--railway-plan", choices=sorted(realism.PLANS), help="the Railway plan the sandbox plays (default hobby)")
    p.add_argument("--realism", action="append", metavar="KEY=VALUE",
                   help="a Railway realism setting (repeatable; docs/sandbox.md lists them)")
    p.add_argument("--token-railway", default=defaults.railway, help="fake Railway account token")
    p.add_argument("--token-railway-workspace", default=defaults.railway_workspace,
                   help="fake Railway workspace token (realism workspace_tokens)")
    p.add_argument("--token-stripe", default=defaults.stripe, help="fake Stripe secret key")
    p.add_argument("--token-clerk", default=defaults.clerk, help="fake Clerk secret key")
    p.add_argument("--token-cloudflare", default=defaults.cloudflare, help="fake Cloudflare API token")
    p.add_argument("--log-requests", action="store_true", help="log each HTTP request to stderr")
    args = p.parse_args(argv)
    if not 0 <= args.fault_rate <= 1:
        p.error("--fault-rate must be between 0 and 1")
    kinds = [k for k in args.fault_kinds.split(",") if k]
    if not kinds or any(k not in FAULT_KINDS for k in kinds):
        p.error(f"--fault-kinds takes a comma-separated subset of {','.join(FAULT_KINDS)}")
    args.fault_kinds = kinds
    try:
        args.realism = realism.parse_assignments(args.realism)
        if args.railway_plan:
            args.realism = realism.validated({**args.realism, "plan": args.railway_plan})
    except realism.RealismError as e:
        p.error(str(e))
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    credentials = Credentials(railway=args.token_railway, railway_workspace=args.token_railway_workspace,
                              stripe=args.token_stripe, clerk=args.token_clerk, cloudflare=args.token_cloudflare)
    try:
        sandbox = Sandbox(credentials=credentials, state_path=args.state, record_path=args.record, seed=args.seed,
                          fault_rate=args.fault_rate, fault_kinds=args.fault_kinds, latency_ms=args.latency_ms,
                          railway_rate_limit=args.railway_rate_limit, railway_realism=args.realism or None)
        server = make_http_server(sandbox, args.host, args.port, log_requests=args.log_requests)
    except (OSError, ValueError) as e:
        sys.exit(f"railstack-sandbox: {e}")
    url = base_url(server)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"railstack-sandbox listening on {url}", flush=True)
    if args.env_file:
        write_env_file(args.env_file, url, credentials)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sandbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
