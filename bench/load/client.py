"""A tiny HTTP client for the benchmarks: one keep-alive connection per simulated user
(http.client from the standard library: no dependency, little CPU per request), 127.0.0.1
only, reconnecting after a dropped connection (the fault test kills the server)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused or dropped)
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, port: int, token: str, *, host: str = "127.0.0.1", timeout: float = 30):
        if host != "127.0.0.1":
            raise ValueError("the benchmarks run against 127.0.0.1 only")
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        sent = {**self.headers, **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        started = time.perf_counter()
        for _attempt in range(2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port,
                                                           timeout=self.timeout)
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.close()
                return Answer(response.status, payload, time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                self.close()
                if not reused:
                    break
                # A kept-alive connection the server had closed while the user was thinking:
                # one more try on a new connection, as a browser does.
        return Answer(0, b"", time.perf_counter() - started)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Tally:
    """Latencies and outcomes of one operation."""

    seconds: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)  # the first error bodies (ids only)

    def add(self, answer: Answer, ok: bool) -> None:
        if ok:
            self.seconds.append(answer.seconds)
        else:
            key = str(answer.status or "no answer")
            self.errors[key] = self.errors.get(key, 0) + 1
            if len(self.samples) < 3:
                self.samples.append(f"{key} {answer.body[:200]!r}")

    def merge(self, other: Tally) -> None:
        self.seconds.extend(other.seconds)
        for key, count in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + count
        self.samples.extend(other.samples[: max(0, 3 - len(self.samples))])

    def percentile(self, p: float) -> float | None:
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_until_up(port: int, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not come up")
