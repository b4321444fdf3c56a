"""``psoaspdf serve``: the clinic desk (a web page) and its HTTP API, on this machine.

Installed with the web extra (``pip install "psoaspdf[web]"``): Starlette on uvicorn, Jinja2
templates that escape everything. Bound to 127.0.0.1 unless started with a token.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from pathlib import Path

from ..errors import ExitCode, PsoasError

MISSING = 'psoaspdf serve needs the web extra: pip install "psoaspdf[web]"'
MIN_TOKEN = 16


class CannotServe(PsoasError):
    """The server cannot start as asked: an address without a token, a port in use, a missing extra."""

    exit_code = ExitCode.USAGE


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token, or with a short one."""
    if token is not None and len(token) < MIN_TOKEN:
        raise CannotServe(
            f"the token is {len(token)} characters; use {MIN_TOKEN} or more (e.g. from `openssl rand -hex 16`)"
        )
    if not is_loopback(host) and token is None:
        raise CannotServe(
            f"{host}: refusing to listen beyond this machine without a token; give --token or set"
            " PSOASPDF_TOKEN, or use --host 127.0.0.1"
        )


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    root: Path | None = None,
    layout: str = "",
    token: str | None = None,
    workers: int = 2,
    queue: int = 4,
    seconds: float = 20.0,
) -> None:
    """Run the desk until stopped (Ctrl-C). ``port`` 0: any free port (printed)."""
    check_host(host, token)
    try:
        import uvicorn

        from .app import Settings, create_app
    except ImportError:
        raise CannotServe(MISSING) from None
    from .. import desk

    known = [card.id for card in desk.catalog(root).layouts]
    if layout and layout not in known:
        raise CannotServe(f"-l {layout}: no layout with that id in the library (known: {', '.join(known)})")
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise CannotServe(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    settings = Settings(host, bound, root, layout, token, workers, queue, seconds)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{bound}/"
    how = " (open it with ?token=YOUR-TOKEN once; the browser keeps it)" if token else ""
    print(f"psoaspdf desk: {url}{how}", file=sys.stderr, flush=True)
    config = uvicorn.Config(
        create_app(settings),
        log_config=None,  # our handler: method, path, status and time, never a query or a body
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])
