"""A webhook receiver on 127.0.0.1 for the alert tests and the reach benchmark: it answers with the
statuses given, in turn, then the default, and keeps each request with the time it arrived."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses=(), default: int = 200) -> None:
        self.statuses, self.requests, self.times = list(statuses), [], []  # requests: (headers, body)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.times.append(time.monotonic())
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else default)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float) -> bool:
        """Whether `count` requests have come within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.requests) >= count

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
