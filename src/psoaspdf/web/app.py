"""The clinic desk and its HTTP API as one Starlette application.

The page is server-rendered and works without JavaScript; ``desk.js`` only refreshes the preview
as the form changes and prints without leaving the page. Every document is laid out by the
render pool (worker processes); this process parses forms, checks limits and answers.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hmac
import json
import logging
import secrets
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__, desk
from ..library import package_data
from .form import PAPERS, PROFILES, UI_LANGUAGES, FormProblem, State, form_problems, to_request, words
from .openapi import openapi
from .pool import RETRY_AFTER, PoolFull, RenderPool

log = logging.getLogger("psoaspdf.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KNOWN_PATHS = frozenset(
    (
        "/",
        "/preview",
        "/docs",
        "/openapi.json",
        "/api/handouts",
        "/api/exercises",
        "/api/layouts",
        "/api/programs",
        "/api/render",
        "/api/validate",
    )
)
CSRF_COOKIE = "psoaspdf_csrf"
TOKEN_COOKIE = "psoaspdf_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self';"
    " frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
TWIN_POLICY = (  # the accessible page is self-contained: its own styles, fonts and pictures, no scripts
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'self'"
)


@dataclasses.dataclass(frozen=True)
class Settings:
    """How the server runs; see ``psoaspdf serve --help``."""

    host: str = "127.0.0.1"
    port: int = 8000
    root: Path | None = None
    layout: str = ""  # the desk's default layout
    token: str | None = None
    workers: int = 2
    queue: int = 4  # requests that may wait for a worker before the desk answers 503
    seconds: float = 20.0  # the longest one document may take to lay out
    max_body: int = 64 * 1024  # a render request or a form
    max_yaml: int = 512 * 1024  # a YAML file to validate


class TooBig(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or TooBig past ``limit`` bytes (told by Content-Length, or counted)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise TooBig
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooBig
        chunks.append(chunk)
    return b"".join(chunks)


def problem_response(status: int, message: str, field: str = "", **headers: str) -> JSONResponse:
    problem = {"file": desk.REQUEST, "line": None, "column": None, "field": field, "message": message}
    return JSONResponse({"problems": [problem]}, status, headers=headers or None)


class Guard:
    """Around every request: the token, the host, the origin of a form, safe headers, a log line
    that names no one, and no traceback for anyone."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        request = Request(scope)
        refusal = self.refusal(request)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = message.setdefault("headers", [])
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"cache-control": b"no-store",
                    b"x-content-type-options": b"nosniff",
                    # same-origin: a form sends its real Origin (no-referrer makes it "null")
                    b"referrer-policy": b"same-origin",
                    b"content-security-policy": PAGE_POLICY.encode(),
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if scope["path"].startswith("/static/"):
                    extra[b"cache-control"] = b"public, max-age=3600"
                headers += [(k, v) for k, v in extra.items() if k not in names]
            await send(message)

        try:
            if refusal is not None:
                await refusal(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # never the message: it may quote what was typed
            frame = exc.__traceback__
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?"
            log.error("internal error: %s at %s (please report it)", type(exc).__name__, where)
            if status["code"] == 500:
                await problem_response(
                    500, "psoaspdf met an internal error; it has been logged without details"
                )(scope, receive, send_with_headers)
        finally:
            # the method and one of the desk's own paths only: never a query, a form, a body or
            # a path someone typed
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "(another path)"
            if scope["path"].startswith("/static/") and len(scope["path"]) <= 40:
                path = scope["path"]
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.0f ms", scope["method"], path, status["code"], ms)

    def refusal(self, request: Request) -> Response | None:
        token = self.settings.token
        if token is None:
            # without a token only this machine may call, by a loopback name (no DNS rebinding)
            host = request.headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
            if name not in LOOPBACK_NAMES:
                return problem_response(403, "this desk answers to 127.0.0.1 or localhost only")
        else:
            given = _bearer(request) or request.cookies.get(TOKEN_COOKIE, "")
            query = request.query_params.get("token")
            if (
                query is not None
                and request.method == "GET"
                and hmac.compare_digest(query.encode(), token.encode())
            ):
                # the token from a link: kept in a cookie, and taken out of the address bar
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + ("?" + urllib.parse.urlencode(rest) if rest else "")
                response = RedirectResponse(target, 303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
                return response
            if not given or not hmac.compare_digest(given.encode(), token.encode()):
                return problem_response(
                    401,
                    "give the desk's token (Authorization: Bearer TOKEN, or open the link with ?token=)",
                    **{"WWW-Authenticate": 'Bearer realm="psoaspdf"'},
                )
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin is not None and urllib.parse.urlsplit(origin).netloc != request.headers.get("host"):
                return problem_response(403, "a form from another site cannot use this desk")
        return None


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


# --- the page ----------------------------------------------------------------------------------------


def create_app(settings: Settings) -> ASGIApp:
    """The desk and the API, behind the Guard."""
    env = Environment(loader=PackageLoader("psoaspdf.web", "templates"), autoescape=True)
    env.globals["version"] = __version__
    root = str(settings.root) if settings.root else None
    pool: dict[str, RenderPool] = {}

    def catalog() -> desk.Catalog:
        return desk.catalog(settings.root)

    async def run(body: str | bytes, pictures: bool = False) -> desk.Outcome:
        return await pool["render"].run(body, pictures)

    def page(state: State, csrf: str, status: int = 200, **extra: Any) -> HTMLResponse:
        cat = catalog()
        handouts, exercises = cat.search(state.q, state.region, state.language)
        # in the page's language first, then by title
        handouts.sort(key=lambda h: (h.language.split("-")[0] != state.ui, h.title.lower()))
        exercises.sort(
            key=lambda e: (e.language.split("-")[0] != state.ui, e.handout_title.lower())
        )  # stable: in their handout's order
        # chosen before this search: still shown, so a new search never drops a choice
        chosen_elsewhere = {
            "handouts": [h for h in map(cat.handout, state.handouts) if h and h not in handouts],
            "exercises": [e for e in map(cat.exercise, state.exercises) if e and e not in exercises],
        }
        html = env.get_template("desk.html").render(
            w=words(state.ui),
            state=state,
            catalog=cat,
            handouts=handouts,
            exercises=exercises,
            chosen=chosen_elsewhere,
            csrf=csrf,
            papers=PAPERS,
            profiles=PROFILES,
            languages=UI_LANGUAGES,
            ui_words={lang: words(lang) for lang in UI_LANGUAGES},
            **{"problems": [], "pictures": [], "pages": 0, **extra},
        )
        response = HTMLResponse(html, status)
        if status == 503:  # busy: say when to come back, as the API does
            response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    def csrf_of(request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)

    def with_csrf(response: Response, csrf: str) -> Response:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/")
        return response

    async def form_state(request: Request) -> tuple[State, str, str] | Response:
        """The form's state, its CSRF token and the button pressed; or the refusal."""
        try:
            body = await read_body(request, settings.max_body)
        except TooBig:
            return problem_response(413, f"the form is larger than {settings.max_body // 1024} KiB")
        pairs = urllib.parse.parse_qsl(
            body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=2000
        )
        sent = next((v for k, v in pairs if k == "csrf"), "")
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
            ui = next((v for k, v in pairs if k == "ui"), "en")
            return HTMLResponse(_forbidden(words(ui)), 403)
        action = next((v for k, v in pairs if k == "action"), "preview")
        return State.from_pairs(pairs, settings.layout), cookie, action

    async def desk_get(request: Request) -> Response:
        params = request.query_params
        pairs = [
            (k, v)
            for k, v in params.multi_items()
            if k in ("ui", "q", "region", "language", "handout", "exercise", "program")
        ]
        state = State.from_pairs(pairs, settings.layout)
        csrf = csrf_of(request)
        return with_csrf(page(state, csrf), csrf)

    async def desk_post(request: Request) -> Response:
        got = await form_state(request)
        if isinstance(got, Response):
            return got
        state, csrf, action = got
        if action == "search":
            return page(state, csrf)
        wanted, problems = to_request(state, catalog())
        if wanted is None:
            return page(state, csrf, 422, problems=problems)
        if action in ("pdf", "print", "html"):
            if action == "html":
                wanted["format"] = "html"
            try:
                outcome = await run(json.dumps(wanted))
            except PoolFull:
                return page(state, csrf, 503, problems=[FormProblem("", words(state.ui)["busy"])])
            if outcome[0] == "error":
                return page(state, csrf, outcome[1], problems=form_problems(outcome[2]))
            return document_response(outcome[1], attachment=action == "pdf")
        return await preview_page(state, csrf, wanted)

    async def preview_page(state: State, csrf: str, wanted: dict[str, Any]) -> Response:
        try:
            outcome = await run(json.dumps(wanted), pictures=True)
        except PoolFull:
            return page(state, csrf, 503, problems=[FormProblem("", words(state.ui)["busy"])])
        if outcome[0] == "error":
            return page(state, csrf, outcome[1], problems=form_problems(outcome[2]))
        pictures = [base64.b64encode(png).decode("ascii") for png in outcome[2]]
        return page(state, csrf, pictures=pictures, pages=outcome[1].pages)

    async def preview_part(request: Request) -> Response:
        """The preview alone, for desk.js to swap in as the form changes."""
        got = await form_state(request)
        if isinstance(got, Response):
            return got
        state = got[0]
        w = words(state.ui)
        template = env.get_template("preview.html")
        wanted, problems = to_request(state, catalog())
        if wanted is None:
            return HTMLResponse(template.render(w=w, problems=problems, pictures=[], pages=0), 422)
        try:
            outcome = await run(json.dumps(wanted), pictures=True)
        except PoolFull:
            busy = template.render(w=w, problems=[FormProblem("", w["busy"])], pictures=[], pages=0)
            return HTMLResponse(busy, 503, headers={"Retry-After": str(RETRY_AFTER)})
        if outcome[0] == "error":
            shown = template.render(w=w, problems=form_problems(outcome[2]), pictures=[], pages=0)
            return HTMLResponse(shown, outcome[1])
        pictures = [base64.b64encode(png).decode("ascii") for png in outcome[2]]
        return HTMLResponse(template.render(w=w, problems=[], pictures=pictures, pages=outcome[1].pages))

    # --- the API -----------------------------------------------------------------------------------

    def filters(request: Request) -> tuple[str, str, str]:
        p = request.query_params
        return p.get("q", ""), p.get("region", ""), p.get("language", "")

    async def api_handouts(request: Request) -> Response:
        handouts, _ = catalog().search(*filters(request))
        return JSONResponse({"handouts": [h.as_dict() for h in handouts]})

    async def api_exercises(request: Request) -> Response:
        _, exercises = catalog().search(*filters(request))
        return JSONResponse({"exercises": [e.as_dict() for e in exercises]})

    async def api_layouts(request: Request) -> Response:
        return JSONResponse({"layouts": [c.as_dict() for c in catalog().layouts]})

    async def api_programs(request: Request) -> Response:
        return JSONResponse({"programs": [c.as_dict() for c in catalog().programs]})

    async def api_render(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return problem_response(415, "send the request as JSON (Content-Type: application/json)")
        try:
            body = await read_body(request, settings.max_body)
        except TooBig:
            return problem_response(413, f"the request is larger than {settings.max_body // 1024} KiB")
        try:
            outcome = await run(body)
        except PoolFull:
            return problem_response(
                503, "every worker is busy; try again shortly", **{"Retry-After": str(RETRY_AFTER)}
            )
        if outcome[0] == "error":
            headers = {"Retry-After": str(RETRY_AFTER)} if outcome[1] == 503 else None
            return JSONResponse({"problems": outcome[2]}, outcome[1], headers=headers)
        return document_response(outcome[1], attachment=False)

    async def api_validate(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"):
            return problem_response(415, "send the YAML file as the body (Content-Type: application/yaml)")
        try:
            body = await read_body(request, settings.max_yaml)
        except TooBig:
            return problem_response(413, f"the file is larger than {settings.max_yaml // 1024} KiB")
        name = request.query_params.get("name", "handout.yaml")
        checked = await asyncio.get_running_loop().run_in_executor(None, _validate, body, name, root)
        return JSONResponse(checked)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi())

    async def docs(request: Request) -> Response:
        return HTMLResponse(env.get_template("docs.html").render(spec=openapi(), w=words("en")))

    routes = [
        Route("/", desk_get, methods=["GET"]),
        Route("/", desk_post, methods=["POST"]),
        Route("/preview", preview_part, methods=["POST"]),
        Route("/api/handouts", api_handouts),
        Route("/api/exercises", api_exercises),
        Route("/api/layouts", api_layouts),
        Route("/api/programs", api_programs),
        Route("/api/render", api_render, methods=["POST"]),
        Route("/api/validate", api_validate, methods=["POST"]),
        Route("/openapi.json", openapi_json),
        Route("/docs", docs),
        Mount("/static", StaticFiles(directory=str(package_data("web", "static"))), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool["render"] = RenderPool(settings.workers, settings.queue, settings.seconds, root)
        catalog()  # the library read once before the first page
        await pool["render"].warm()
        log.info("ready")
        try:
            yield
        finally:
            pool["render"].close()

    app = Starlette(routes=routes, lifespan=lifespan)
    return Guard(app, settings)


def document_response(document: desk.Document, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    headers = {"Content-Disposition": f'{disposition}; filename="{document.filename}"'}
    if document.pages:
        headers["X-Pages"] = str(document.pages)
    if document.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = TWIN_POLICY
    return Response(document.data, media_type=document.media_type, headers=headers)


def _forbidden(w: dict[str, str]) -> str:
    from html import escape

    return f'<!doctype html><html lang="en"><title>403</title><main><h1>403</h1><p>{escape(w["forbidden"])}</p><p><a href="/">{escape(w["title"])}</a></p></main></html>'


def _validate(body: bytes, name: str, root: str | None) -> dict[str, Any]:
    """A YAML file checked as `psoaspdf validate` checks it; its problems as JSON."""
    import tempfile

    from ..api import validate_paths

    safe = "".join(c for c in Path(name).name if c.isalnum() or c in "-_.") or "handout.yaml"
    if not safe.endswith((".yaml", ".yml")):
        safe += ".yaml"
    with tempfile.TemporaryDirectory(prefix="psoaspdf-validate-") as folder:
        path = Path(folder) / safe
        path.write_bytes(body)
        _, problems = validate_paths([path], Path(root) if root else None)
    found = [desk.problem_dict(p) for p in problems]
    for p in found:  # the file as the client named it, not where it was checked
        if str(p["file"]).startswith(folder):
            p["file"] = safe
    return {"valid": not found, "problems": found}
