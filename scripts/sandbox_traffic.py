"""What a running sandbox has recorded, for shell scripts (the demo, the bench).

    python scripts/sandbox_traffic.py mark                  # index of the next request
    python scripts/sandbox_traffic.py count --since N       # "R requests, M mutations"
    python scripts/sandbox_traffic.py count --since N --mutations-only   # just M

The sandbox is found through RAILSTACK_SANDBOX_URL (from its env file) or --url.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from integration.helpers.sandbox import SandboxClient, TrafficWindow  # noqa: E402  pylint: disable=wrong-import-position


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["mark", "count"])
    parser.add_argument("--since", type=int, default=0)
    parser.add_argument("--url", default=os.environ.get("RAILSTACK_SANDBOX_URL"))
    parser.add_argument("--mutations-only", action="store_true")
    args = parser.parse_args()
    if not args.url:
        parser.error("no --url and no RAILSTACK_SANDBOX_URL in the environment")
    client = SandboxClient(args.url)
    if args.command == "mark":
        print(client.mark())
        return
    window = TrafficWindow(client.traffic(since=args.since)[0])
    if args.mutations_only:
        print(len(window.mutations))
    else:
        print(f"{window.requests} requests, {len(window.mutations)} mutations")


if __name__ == "__main__":
    main()
