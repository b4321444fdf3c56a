"""`psoaspdf serve` as a real process on a free local port, for the desk's tests (no mock of HTTP)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urllib.parse.urlsplit(self.url).port or 80

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            data = body.encode("utf-8") if isinstance(body, str) else body
            connection.request(method, path, body=data, headers=headers or {})
            answer = connection.getresponse()
            return Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        finally:
            connection.close()

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def render(self, request: dict[str, Any] | str, headers: dict[str, str] | None = None) -> Answer:
        body = request if isinstance(request, str) else json.dumps(request)
        return self.request(
            "POST", "/api/render", body, {"Content-Type": "application/json", **(headers or {})}
        )

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running(
    folder: Path, *args: str, env: dict[str, str] | None = None, wait: float = 90
) -> Iterator[Server]:
    """Start `psoaspdf serve --port 0 ARGS` in ``folder``; stop it afterwards."""
    log = folder / f"serve-{time.monotonic_ns()}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "psoaspdf", "serve", "--port", "0", *args],
        cwd=folder,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    handle.close()
    try:
        deadline = time.monotonic() + wait
        url = None
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            found = re.search(r"psoaspdf desk: (http://\S+/)", text)
            url = found.group(1) if found else url
            if url and "psoaspdf.serve: ready" in text:
                break
            if process.poll() is not None:
                raise AssertionError(f"the server stopped (exit {process.returncode}):\n{text}")
            time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not start in {wait} s:\n{log.read_text()}")
        yield Server(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
