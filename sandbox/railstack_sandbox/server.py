"""The HTTP side: one ThreadingHTTPServer, provider routing, faults, recording, control API."""
import json
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import __version__
from .credentials import Credentials, write_env_file
from .faults import FaultPlan, FaultSettingsError
from .provider import all_providers, route
from .state import StateStore
from .traffic import TrafficLog, traffic_entry
from .wire import Request, Response

CONTROL_PREFIX = "/_sandbox"


class Sandbox:
    """Everything behind the port: providers, state, faults, traffic. Independent of HTTP."""

    def __init__(self, credentials=None, state_path=None, record_path=None, seed=None,
                 fault_rate=0.0, fault_kinds=None, latency_ms=0, railway_rate_limit=None, railway_realism=None):
        self.credentials = credentials or Credentials()
        self.providers = all_providers(self.credentials, {"railway_rate_limit": railway_rate_limit,
                                                          "railway_realism": railway_realism})
        self.store = StateStore(self.providers, state_path, seed)
        settings = {"rate": fault_rate, "seed": seed, "latency_ms": latency_ms}
        if fault_kinds:
            settings["kinds"] = list(fault_kinds)
        self.faults = FaultPlan(**settings)
        self.traffic = TrafficLog(record_path)

    # ------------------------------------------------------------ provider requests
    def serve_provider(self, request):
        provider = route(self.providers, request)
        if provider is None:
            response = Response.json(404, {"error": f"the sandbox serves no API at {request.method} {request.path}"})
            self.traffic.append(traffic_entry("unknown", request, response.status))
            return response
        with self.store.lock:
            latency_ms = self.faults.latency_ms
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        with self.store.lock:
            kind = self.faults.pick(provider.name, request)
            if kind and kind != "drop_after_commit":
                response = provider.fault_response(kind, request)
            else:
                try:
                    response = provider.handle(request, self.store)
                except Exception:  # a sandbox bug: say so, keep serving
                    traceback.print_exc(file=sys.stderr)
                    response = Response.json(500, {"error": "railstack-sandbox internal error (see its stderr)"})
                self.store.save_if_changed()
                if kind == "drop_after_commit":
                    response = Response(status=0, drop_connection=True)
            status = None if response.drop_connection else response.status
            self.traffic.append(traffic_entry(provider.name, request, status))
        return response

    # ------------------------------------------------------------ control API
    def serve_control(self, request):
        action = request.path[len(CONTROL_PREFIX):].strip("/")
        method = request.method
        if action == "state" and method == "GET":
            with self.store.lock:
                return Response.json(200, self.store.snapshot())
        if action == "reset" and method == "POST":
            with self.store.lock:
                self.store.reset()
            return Response.json(200, {"reset": True})
        if action == "faults" and method in ("GET", "POST"):
            with self.store.lock:
                if method == "POST":
                    try:
                        self.faults.update(json.loads(request.body or b"{}"))
                    except (ValueError, FaultSettingsError) as e:
                        return Response.json(400, {"error": str(e)})
                return Response.json(200, self.faults.settings())
        if action == "traffic" and method == "GET":
            since = dict(request.query).get("since", "0")
            if not since.isdigit():
                return Response.json(400, {"error": "since must be a non-negative integer"})
            entries, next_index = self.traffic.since(int(since))
            return Response.json(200, {"entries": entries, "next": next_index})
        provider = next((p for p in self.providers if action.startswith(p.name + "/")), None)
        if provider is not None:
            with self.store.lock:
                response = provider.control(action[len(provider.name) + 1:], request, self.store)
                self.store.save_if_changed()
            if response is not None:
                return response
        if action in ("state", "reset", "faults", "traffic"):
            return Response.json(405, {"error": f"{method} not allowed on {request.path}"})
        return Response.json(404, {"error": f"no control endpoint {request.path}",
                                   "endpoints": ["GET /_sandbox/state", "POST /_sandbox/reset",
                                                 "GET|POST /_sandbox/faults", "GET /_sandbox/traffic?since=N"]})

    def serve(self, request):
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return self.serve_control(request)
        return self.serve_provider(request)

    def close(self):
        self.traffic.close()


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # else each answer on a kept-alive connection waits ~40 ms for a delayed ACK
    server_version = f"railstack-sandbox/{__version__}"
    sandbox = None          # set on the subclass made by make_http_server
    log_requests = False

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass                      # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        url = urlsplit(self.path)
        request = Request.build(self.command, url.path, url.query, self.headers.items(), body)
        response = self.sandbox.serve(request)
        if response.drop_connection:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format, *args):
        if self.log_requests:
            super().log_message(format, *args)


def make_http_server(sandbox, host="127.0.0.1", port=0, log_requests=False):
    handler = type("BoundSandboxRequestHandler", (SandboxRequestHandler,),
                   {"sandbox": sandbox, "log_requests": log_requests})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def base_url(server):
    host, port = server.server_address[:2]
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class SandboxThread:
    """A sandbox serving from a background thread of this process, for embedding (tests, the demo).

        with SandboxThread(env_file="sandbox.env", state_path="state.json") as running:
            requests.post(running.url + "/graphql/v2", ...)
    """

    def __init__(self, host="127.0.0.1", port=0, env_file=None, **sandbox_options):
        self.sandbox = Sandbox(**sandbox_options)
        self.server = make_http_server(self.sandbox, host, port)
        self.url = base_url(self.server)
        self.thread = threading.Thread(target=self.server.serve_forever, name="railstack-sandbox", daemon=True)
        self.thread.start()
        if env_file:
            write_env_file(env_file, self.url, self.sandbox.credentials)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.sandbox.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
