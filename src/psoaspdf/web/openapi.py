"""The HTTP API described in OpenAPI 3.1 (served at /openapi.json, shown at /docs). The request's
schema is generated from the model the server validates with, so the two cannot drift apart."""

from __future__ import annotations

import functools
from typing import Any

from .. import __version__, model
from ..schema import schema_defs

PROBLEM = {
    "type": "object",
    "description": "One thing wrong, where it is: the same fields `psoaspdf validate` prints.",
    "properties": {
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"]},
        "column": {"type": ["integer", "null"]},
        "field": {"type": "string"},
        "message": {"type": "string"},
    },
    "required": ["file", "line", "column", "field", "message"],
}
PROBLEMS = {
    "type": "object",
    "properties": {"problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}},
}


def _answer(
    description: str, schema: dict[str, Any] | None = None, kind: str = "application/json"
) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {kind: {"schema": schema}}
    return out


def _problems(description: str) -> dict[str, Any]:
    return _answer(description, {"$ref": "#/components/schemas/Problems"})


def _listing(name: str, item: dict[str, Any], summary: str, filtered: bool) -> dict[str, Any]:
    params = [
        {
            "name": "q",
            "in": "query",
            "description": "Words that must all appear (title, id, keywords)",
            "schema": {"type": "string"},
        },
        {
            "name": "region",
            "in": "query",
            "description": "A body region, e.g. lower-back",
            "schema": {"type": "string"},
        },
        {
            "name": "language",
            "in": "query",
            "description": "A language code, e.g. es",
            "schema": {"type": "string"},
        },
    ]
    return {
        "get": {
            "summary": summary,
            "operationId": f"list_{name}",
            **({"parameters": params} if filtered else {}),
            "responses": {
                "200": _answer(
                    f"The {name}",
                    {
                        "type": "object",
                        "properties": {name: {"type": "array", "items": item}},
                        "required": [name],
                    },
                )
            },
        }
    }


CARD = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
    "required": ["id", "title"],
}
HANDOUT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "subtitle": {"type": "string"},
        "summary": {"type": "string"},
        "language": {"type": "string"},
        "status": {"enum": ["draft", "reviewed"]},
        "version": {"type": "string"},
        "regions": {"type": "array", "items": {"type": "string"}},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "exercises": {"type": "array", "items": {"type": "string"}, "description": "Their exercise ids"},
    },
    "required": ["id", "title", "language", "status"],
}
EXERCISE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "<handout id>/<exercise id>"},
        "title": {"type": "string"},
        "handout": {"type": "string"},
        "handout_title": {"type": "string"},
        "language": {"type": "string"},
        "region": {"type": "string"},
        "dose": {"$ref": "#/components/schemas/Dose"},
    },
    "required": ["id", "title", "handout", "dose"],
}


@functools.cache
def openapi() -> dict[str, Any]:
    schemas = {**schema_defs(model.RenderRequest), **schema_defs(model.Dose)}
    schemas.update(Problem=PROBLEM, Problems=PROBLEMS)
    personal = "Personal details print on the copy only: never in its metadata, a log or a cache."
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "psoaspdf clinic desk",
            "version": __version__,
            "description": (
                "Patient handouts, home-exercise programs and booklets from the clinic's library. "
                "Bound to this machine unless started with a token: then send "
                "`Authorization: Bearer TOKEN` with every request. " + personal
            ),
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "psoaspdf serve --token"}
            },
        },
        "paths": {
            "/api/handouts": _listing(
                "handouts", HANDOUT, "The handouts, filtered by words, region and language", True
            ),
            "/api/exercises": _listing(
                "exercises", EXERCISE, "The exercise library, filtered likewise", True
            ),
            "/api/layouts": _listing("layouts", CARD, "The clinic layouts ('default' is built in)", False),
            "/api/programs": _listing("programs", CARD, "The saved home-exercise programs", False),
            "/api/render": {
                "post": {
                    "summary": "Print a handout, a program or a booklet for one patient",
                    "description": (
                        'Give exactly one of `handout`, `program`, `exercises` or `items`, e.g. `{"handout": '
                        '"neck-pain", "patient": "Ana"}` or `{"exercises": ["neck-pain/chin-tuck", '
                        '{"exercise": "iliopsoas-back-pain/bridge", "dose": {"sets": 2}}]}`. ' + personal
                    ),
                    "operationId": "render",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The document: a PDF, or the accessible HTML page",
                            "headers": {
                                "X-Pages": {"description": "Pages in the PDF", "schema": {"type": "integer"}}
                            },
                            "content": {
                                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                        "401": _problems("No token, or the wrong one (a server started with --token)"),
                        "404": _problems("An id the library does not hold; the message names close matches"),
                        "413": _problems("A body over 64 KiB, or a document over 60 pages"),
                        "415": _problems("Not sent as application/json"),
                        "422": _problems("The request is not valid: each problem names its field"),
                        "503": _problems("Every worker is busy: try again after Retry-After seconds"),
                    },
                }
            },
            "/api/validate": {
                "post": {
                    "summary": "Check a handout, layout, program or booklet file as `psoaspdf validate` does",
                    "operationId": "validate",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "query",
                            "description": "The file's name, for messages",
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/yaml": {"schema": {"type": "string"}}},
                    },
                    "responses": {
                        "200": _answer(
                            "Whether it is valid, and every problem with its line and column",
                            {
                                "type": "object",
                                "properties": {
                                    "valid": {"type": "boolean"},
                                    "problems": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Problem"},
                                    },
                                },
                                "required": ["valid", "problems"],
                            },
                        ),
                        "413": _problems("A file over 512 KiB"),
                        "415": _problems("Not sent as application/yaml"),
                    },
                }
            },
        },
        "security": [{}, {"token": []}],
    }
