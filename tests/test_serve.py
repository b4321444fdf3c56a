"""`psoaspdf serve`: the desk's HTTP API and page, tested against a real server process.

Every request goes over a socket to `python -m psoaspdf serve` started in a temporary folder;
documents are read back with pypdf and compared with the library's YAML.
"""

from __future__ import annotations

import concurrent.futures
import io
import json
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import LIBRARY, page_texts, squash
from serving import Server, running

from psoaspdf import desk, model
from psoaspdf.exercises import load_library
from psoaspdf.validate import load_handout

NAME = "Zebulon Quartermaine"  # a name no handout holds: found anywhere, it came from a request
TOKEN = "s3cret-token-for-the-tests-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(tmp_path_factory.mktemp("desk")) as s:
        yield s


def pdf_of(answer: Any) -> pypdf.PdfReader:
    assert answer.status == 200, answer.body[:500]
    assert answer.headers["content-type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(answer.body))


def card_text(text: str, title: str) -> str:
    """The text of one exercise's card: from its title to the next exercise's."""
    start = text.index(title)
    following = re.search(r"Exercise \d+:", text[start + len(title) :])
    return text[start : start + len(title) + (following.start() if following else 400)]


# --- the library as JSON --------------------------------------------------------------------------


def test_handouts_are_listed_with_the_titles_their_files_give(server: Server) -> None:
    answer = server.get("/api/handouts")
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    listed = {h["id"]: h for h in answer.json()["handouts"]}
    files = sorted((LIBRARY / "handouts").glob("*.yaml"))
    assert sorted(listed) == sorted(p.stem for p in files)
    for path in files:
        handout = load_handout(path)
        assert listed[handout.id]["title"] == handout.title
        assert listed[handout.id]["language"] == handout.language
        assert listed[handout.id]["status"] == handout.status


def test_search_region_and_language_filter_the_lists(server: Server) -> None:
    spanish = server.get("/api/handouts?language=es").json()["handouts"]
    assert [h["id"] for h in spanish] == ["iliopsoas-back-pain-es"]
    neck = server.get("/api/handouts?q=neck").json()["handouts"]
    assert [h["id"] for h in neck] == ["neck-pain"]
    pelvic = server.get("/api/exercises?region=pelvic-floor").json()["exercises"]
    assert pelvic and all(e["region"] == "pelvic-floor" for e in pelvic)
    assert server.get("/api/handouts?q=no-such-words-anywhere").json()["handouts"] == []


def test_exercises_carry_the_dose_their_handout_gives(server: Server) -> None:
    listed = {e["id"]: e for e in server.get("/api/exercises").json()["exercises"]}
    library = load_library([LIBRARY / "handouts"])
    assert sorted(listed) == sorted(library.entries)
    for id_, entry in library.entries.items():
        dose = {k: v for k, v in vars(entry.exercise.dose).items() if v is not None}
        assert listed[id_]["dose"] == dose, id_
        assert listed[id_]["title"] == entry.title


def test_layouts_and_programs_are_listed(server: Server) -> None:
    layouts = [c["id"] for c in server.get("/api/layouts").json()["layouts"]]
    assert layouts == sorted(p.stem for p in (LIBRARY / "layouts").glob("*.yaml"))
    assert layouts[0] == "default"
    programs = [c["id"] for c in server.get("/api/programs").json()["programs"]]
    assert programs == sorted(p.stem for p in (LIBRARY / "programs").glob("*.yaml"))


# --- printing ---------------------------------------------------------------------------------------


def test_a_handout_names_the_patient_on_page_one_and_never_in_its_metadata(server: Server) -> None:
    answer = server.render({"handout": "neck-pain", "patient": NAME, "clinician": "Dr Lee", "date": "5 Dec"})
    reader = pdf_of(answer)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-pages"] == str(len(reader.pages))
    pages = page_texts(reader)
    assert squash(NAME) in squash(pages[0]) and "Dr Lee" in pages[0]
    assert all("Zebulon" not in text for text in pages[1:])
    assert (
        reader.metadata is not None
        and reader.metadata.title == load_handout(LIBRARY / "handouts/neck-pain.yaml").title
    )
    assert NAME.encode() not in answer.body  # text is in content streams, never a metadata string
    for value in reader.metadata.values():
        assert "Zebulon" not in str(value)
    assert "Zebulon" not in str(reader.xmp_metadata and reader.xmp_metadata.rdf_root.toxml())


def test_a_handout_prints_the_dose_changed_for_this_patient(server: Server) -> None:
    body = {
        "handout": "iliopsoas-back-pain",
        "doses": [{"exercise": "iliopsoas-back-pain/bridge", "dose": {"sets": 4, "reps": 6}}],
    }
    text = "\n".join(page_texts(pdf_of(server.render(body))))
    bridge = squash(card_text(text, "Bridge"))
    assert "Sets4" in bridge.replace(" ", "") and "6times" in bridge.replace(" ", "")
    plain = "\n".join(page_texts(pdf_of(server.render({"handout": "iliopsoas-back-pain"}))))
    assert "Sets4" not in squash(card_text(plain, "Bridge")).replace(" ", "")


def test_a_four_exercise_program_prints_each_at_its_dose(server: Server) -> None:
    ids = [
        "iliopsoas-back-pain/bridge",
        "neck-pain/chin-tuck",
        "sitting-breaks/sit-to-stand",
        "iliopsoas-back-pain/bird-dog",
    ]
    body = {"exercises": [*ids[:2], {"exercise": ids[2], "dose": {"reps": 7}}, ids[3]], "patient": NAME}
    reader = pdf_of(server.render(body))
    text = "\n".join(page_texts(reader))
    library = load_library([LIBRARY / "handouts"])
    for id_ in ids:
        assert library.entries[id_].title in text, id_
    assert squash(NAME) in squash(page_texts(reader)[0])
    assert re.search(r"7\s*times", squash(text))
    assert len(reader.pages) <= 2


def test_a_booklet_of_items_has_each_in_its_outline(server: Server) -> None:
    body = {
        "items": ["neck-pain", {"exercises": ["neck-pain/chin-tuck"]}, {"program": "back-core-four"}],
        "patient": NAME,
    }
    reader = pdf_of(server.render(body))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == load_handout(LIBRARY / "handouts/neck-pain.yaml").title
    assert len(titles) == 3
    assert NAME not in str(reader.metadata)


def test_the_accessible_page_names_the_patient_in_the_body_only(server: Server) -> None:
    answer = server.render({"handout": "neck-pain", "format": "html", "patient": NAME})
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode("utf-8")
    head, _, body = page.partition("</head>")
    assert NAME in body and NAME not in head
    assert "script-src" not in answer.headers["content-security-policy"]  # no scripts run there


def test_large_print_and_a4_reach_the_pdf(server: Server) -> None:
    reader = pdf_of(server.render({"handout": "neck-pain", "paper": "a4", "profile": "large-print"}))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    standard = pdf_of(server.render({"handout": "neck-pain", "paper": "a4"}))
    assert len(reader.pages) > len(standard.pages)


# --- mistakes ---------------------------------------------------------------------------------------


def test_an_unknown_id_is_404_and_names_the_close_matches(server: Server) -> None:
    answer = server.render({"handout": "nek-pain"})
    assert answer.status == 404
    [problem] = answer.json()["problems"]
    assert problem["field"] == "handout" and "neck-pain" in problem["message"]
    assert (problem["line"], problem["column"]) == (1, 13)
    answer = server.render({"exercises": ["neck-pain/chin-tuk"]})
    assert answer.status == 404 and "neck-pain/chin-tuck" in answer.json()["problems"][0]["message"]
    assert server.render({"handout": "neck-pain", "layout": "riverbnd"}).status == 404


def test_a_bad_body_is_422_naming_each_field(server: Server) -> None:
    body = '{\n  "handout": "neck-pain",\n  "paper": "b5",\n  "patient": "' + "x" * 100 + '"\n}'
    answer = server.render(body)
    assert answer.status == 422
    problems = {p["field"]: p for p in answer.json()["problems"]}
    assert set(problems) == {"paper", "patient"}
    assert (problems["paper"]["line"], problems["paper"]["column"]) == (3, 12)
    assert "x" * 20 not in json.dumps(problems)  # the value typed is never quoted back
    assert server.render("{not json").status == 422
    assert server.render("[" * 30_000 + "]" * 30_000).status == 422  # nested too deeply, not a crash
    assert server.render("[1, 2]").status == 422
    both = server.render({"handout": "neck-pain", "exercises": ["neck-pain/chin-tuck"]})
    assert both.status == 422 and "exactly one" in both.json()["problems"][0]["message"]
    wrong_kind = server.request(
        "POST", "/api/render", '{"handout": "neck-pain"}', {"Content-Type": "text/plain"}
    )
    assert wrong_kind.status == 415


def test_a_name_the_fonts_cannot_print_is_refused_without_quoting_it(server: Server) -> None:
    answer = server.render({"handout": "neck-pain", "patient": "Zebulon 王"})
    assert answer.status == 422
    text = json.dumps(answer.json())
    assert "patient" in text and "Zebulon" not in text


def test_validate_answers_what_the_command_line_says(server: Server, tmp_path: Path) -> None:
    good = (LIBRARY / "handouts/neck-pain.yaml").read_bytes()
    answer = server.request(
        "POST", "/api/validate?name=neck-pain.yaml", good, {"Content-Type": "application/yaml"}
    )
    assert answer.status == 200 and answer.json() == {"valid": True, "problems": []}
    bad = good.decode().replace("title: ", "title:\n  - ", 1).replace("language: en", "language: english", 1)
    answer = server.request("POST", "/api/validate?name=mine.yaml", bad, {"Content-Type": "application/yaml"})
    found = answer.json()
    assert answer.status == 200 and found["valid"] is False
    (tmp_path / "mine.yaml").write_text(bad, encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "psoaspdf", "validate", "mine.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    said = [line.removeprefix("error: ") for line in cli.stderr.splitlines() if line.startswith("error: ")]
    shown = [
        f"{p['file']}:{p['line']}:{p['column']}: {p['field']}: {p['message']}"
        if p["field"]
        else f"{p['file']}:{p['line']}:{p['column']}: {p['message']}"
        for p in found["problems"]
    ]
    assert said and shown == said
    assert {p["field"] for p in found["problems"]} >= {"title", "language"}


# --- limits -------------------------------------------------------------------------------------------


def test_an_oversized_body_is_413(server: Server) -> None:
    big = json.dumps({"handout": "neck-pain", "note": "a" * 70_000})
    assert server.render(big).status == 413
    huge = b"title: x\n" + b"#" * (600 * 1024)
    assert server.request("POST", "/api/validate", huge, {"Content-Type": "application/yaml"}).status == 413


def test_a_body_without_a_length_is_counted_and_cut_off(server: Server) -> None:
    import http.client

    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    chunks = (b'{"handout": "neck-pain", "note": "' + b"a" * 8000 for _ in range(20))
    connection.request(
        "POST", "/api/render", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True
    )
    assert connection.getresponse().status == 413
    connection.close()


def test_a_full_pool_answers_503_with_retry_after(tmp_path: Path) -> None:
    with running(tmp_path, "--workers", "1", "--queue", "0") as s:
        body = {"items": ["iliopsoas-back-pain", "neck-pain", "sitting-breaks"], "profile": "large-print"}
        barrier = threading.Barrier(6)

        def ask(_: int) -> Any:
            barrier.wait()
            return s.render(body)

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(ask, range(6)))
        statuses = sorted(a.status for a in answers)
        assert 200 in statuses and 503 in statuses, statuses
        busy = next(a for a in answers if a.status == 503)
        assert busy.headers["retry-after"].isdigit()
        assert s.render({"handout": "neck-pain"}).status == 200  # and it recovers


def test_a_render_that_takes_too_long_is_stopped() -> None:
    body = json.dumps(
        {"items": ["iliopsoas-back-pain", "neck-pain", "sitting-breaks"], "profile": "large-print"}
    )
    status = desk.work(body, None, 0.05)
    assert status[0] == "error" and status[1] == 413
    assert "longer than" in status[2][0]["message"]


def test_the_time_limit_holds_when_the_work_swallows_or_rewraps_the_alarm() -> None:
    """Code under the alarm may catch it (a weak reference's callback, pypdf's broad excepts
    that re-raise as PdfReadError): the limit still stops the work, as TooLong, never a result."""
    import contextlib
    import time

    def swallowing() -> None:  # the first alarm lands where it is swallowed (a weakref callback)
        with contextlib.suppress(Exception):
            time.sleep(1.0)
        time.sleep(1.0)

    def rewrapping() -> None:
        try:
            time.sleep(1.0)
        except Exception as exc:
            raise ValueError("a reader's own error") from exc

    for work in (swallowing, rewrapping):
        start = time.monotonic()
        with pytest.raises(desk.TooLong, match=r"longer than 0\.05 seconds"), desk.time_limit(0.05):
            work()
        assert time.monotonic() - start < 0.5, work.__name__  # stopped, not left to finish
    with desk.time_limit(5):  # work inside the limit is untouched
        assert sum(range(10)) == 45


def test_an_alarm_swallowed_in_a_finalizer_is_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """An alarm that lands in a finalizer (a weak reference's callback, a __del__) can only be
    reported by Python as "Exception ignored in ...": noise in the desk's log, and a failure
    under pytest. It is dropped, the next alarm stops the work, and anything else a finalizer
    raises is still reported."""
    import sys
    import time

    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))

    class Slow:
        def __del__(self) -> None:
            time.sleep(1.0)  # the first alarm lands here

    class Broken:
        def __del__(self) -> None:
            raise RuntimeError("a finalizer's own error")

    start = time.monotonic()
    with pytest.raises(desk.TooLong), desk.time_limit(0.05):
        slow = Slow()
        del slow  # (its last reference: CPython finalizes it here)
        time.sleep(1.0)
    assert time.monotonic() - start < 0.9  # stopped before the work's own second was up
    assert reported == []
    with desk.time_limit(5):
        broken = Broken()
        del broken
    assert [type(e) for e in reported] == [RuntimeError]
    broken = Broken()  # and after the limit, the hook given back reports as before
    del broken
    assert [type(e) for e in reported] == [RuntimeError, RuntimeError]


def test_a_document_past_the_page_limit_is_refused(tmp_path: Path) -> None:
    many = [h.stem for h in (LIBRARY / "handouts").glob("*.yaml")] * 2
    status = desk.work(json.dumps({"items": many, "profile": "large-print"}), None, 120)
    assert status[0] == "error" and status[1] == 413 and str(desk.MAX_PAGES) in status[2][0]["message"]


# --- who may call -----------------------------------------------------------------------------------------


def test_another_host_name_is_refused_without_a_token(server: Server) -> None:
    # a web page that points its own name at 127.0.0.1 (DNS rebinding) cannot reach the desk
    assert server.get("/api/handouts", headers={"Host": "evil.example"}).status == 403
    assert server.get("/api/handouts", headers={"Host": f"localhost:{server.port}"}).status == 200


def test_listening_beyond_this_machine_needs_a_token(tmp_path: Path) -> None:
    for extra, env in (([], {}), (["--token", "short"], {})):
        result = subprocess.run(
            [sys.executable, "-m", "psoaspdf", "serve", "--host", "0.0.0.0", "--port", "0", *extra],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**env, "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 2, result.stderr
        assert "token" in result.stderr and "Traceback" not in result.stderr


def test_with_a_token_every_request_must_carry_it(tmp_path: Path) -> None:
    with running(tmp_path, "--host", "0.0.0.0", env={"PSOASPDF_TOKEN": TOKEN}) as s:
        s.url = f"http://127.0.0.1:{s.port}/"
        assert s.get("/api/handouts").status == 401
        assert (
            s.get("/api/handouts", headers={"Authorization": "Bearer wrong-token-0123456789"}).status == 401
        )
        assert s.render({"handout": "neck-pain"}).status == 401
        assert s.get("/?token=" + urllib.parse.quote("wrong-é-token-0123456789")).status == 401
        ok = s.get("/api/handouts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status == 200 and ok.json()["handouts"]
        link = s.get(f"/?token={TOKEN}&ui=es")
        assert link.status == 303 and link.headers["location"] == "/?ui=es"
        cookie = link.headers["set-cookie"].split(";")[0]
        assert "httponly" in link.headers["set-cookie"].lower()
        assert s.get("/?ui=es", headers={"Cookie": cookie}).status == 200
        assert TOKEN not in s.log_text()


def test_forms_need_their_csrf_token_and_our_origin(server: Server) -> None:
    page = server.get("/")
    cookie = page.headers["set-cookie"].split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.body.decode()).group(1)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    fields = {"handout": "neck-pain", "action": "pdf"}
    missing = server.request("POST", "/", urllib.parse.urlencode(fields), form)
    assert missing.status == 403
    wrong = server.request("POST", "/", urllib.parse.urlencode({**fields, "csrf": "x" * 43}), form)
    assert wrong.status == 403
    elsewhere = server.request(
        "POST",
        "/",
        urllib.parse.urlencode({**fields, "csrf": csrf}),
        {**form, "Origin": "https://evil.example"},
    )
    assert elsewhere.status == 403
    ok = server.request("POST", "/", urllib.parse.urlencode({**fields, "csrf": csrf}), form)
    assert ok.status == 200 and ok.body.startswith(b"%PDF")
    assert ok.headers["content-disposition"].startswith("attachment")


# --- the page without JavaScript ----------------------------------------------------------------------------


def desk_form(server: Server, **fields: str) -> tuple[Any, str]:
    page = server.get("/")
    cookie = page.headers["set-cookie"].split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.body.decode()).group(1)
    pairs = [("csrf", csrf), *((k.replace("__", ":").replace("_slash_", "/"), v) for k, v in fields.items())]
    answer = server.request(
        "POST",
        "/",
        urllib.parse.urlencode(pairs),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    return answer, answer.body.decode("utf-8", "replace") if answer.headers["content-type"].startswith(
        "text/"
    ) else ""


def test_the_page_lists_the_library_and_searches_without_scripts(server: Server) -> None:
    page = server.get("/").body.decode()
    for path in (LIBRARY / "handouts").glob("*.yaml"):
        assert load_handout(path).title in page
    answer, found = desk_form(server, q="neck", action="search")
    assert answer.status == 200
    assert "Easing everyday neck pain" in found and "Constructive rest, step by step" not in found
    assert 'lang="es"' in server.get("/?ui=es").body.decode()[:200]


def test_the_preview_shows_every_page_of_the_document(server: Server) -> None:
    answer, page = desk_form(server, handout="neck-pain", patient=NAME, action="preview")
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    pages = len(pdf_of(server.render({"handout": "neck-pain", "patient": NAME})).pages)
    assert page.count('src="data:image/png;base64,') == pages
    assert f"Page {pages} of {pages}" in page


def test_a_dose_typed_in_the_form_reaches_the_pdf(server: Server) -> None:
    answer, _ = desk_form(
        server,
        exercise="neck-pain/chin-tuck",
        **{"dose__p__neck-pain_slash_chin-tuck__sets": "5"},
        action="pdf",
    )
    text = squash("\n".join(page_texts(pdf_of(answer)))).replace(" ", "")
    assert "Sets5" in text


def test_form_mistakes_are_listed_and_linked_to_their_box(server: Server) -> None:
    answer, page = desk_form(server, action="preview")
    assert answer.status == 422 and 'href="#choose"' in page
    answer, page = desk_form(
        server,
        exercise="neck-pain/chin-tuck",
        **{"dose__p__neck-pain_slash_chin-tuck__sets": "lots"},
        action="pdf",
    )
    assert answer.status == 422 and 'href="#d-p-neck-pain--chin-tuck-sets"' in page


# --- the API's description --------------------------------------------------------------------------------


def test_openapi_describes_every_route_and_the_request_model(server: Server) -> None:
    spec = server.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/handouts", "/api/exercises", "/api/layouts", "/api/render", "/api/validate"} <= set(
        spec["paths"]
    )
    fields = set(spec["components"]["schemas"]["RenderRequest"]["properties"])
    import dataclasses

    assert fields == {f.name for f in dataclasses.fields(model.RenderRequest)}
    docs = server.get("/docs").body.decode()
    for path in spec["paths"]:
        assert path in docs


# --- privacy ---------------------------------------------------------------------------------------------------


def test_no_name_reaches_the_servers_log(server: Server) -> None:
    server.render({"handout": "neck-pain", "patient": NAME, "note": f"For {NAME}"})
    server.render({"handout": "neck-pain", "patient": NAME + " 王"})
    desk_form(server, handout="neck-pain", patient=NAME, action="preview")
    server.get(f"/?q={urllib.parse.quote(NAME)}")
    server.get(f"/{urllib.parse.quote(NAME)}")  # a name typed as a path: 404, and not logged
    log = server.log_text()
    assert "POST /api/render 200" in log  # the log is written, and this test reads it
    assert "Zebulon" not in log and "Quartermaine" not in log
    assert "?q=" not in log


def test_the_server_writes_nothing_to_its_folder(server: Server) -> None:
    folder = server.log.parent
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("serve-")) == []


# --- in a real browser -------------------------------------------------------------------------------------


def test_a_clinicians_whole_path_in_a_browser(server: Server, tmp_path: Path) -> None:
    from test_html import BROWSER, _browser_missing, _skip_or_fail

    missing = _browser_missing()
    if missing:
        _skip_or_fail(missing)
    pdf = tmp_path / "download.pdf"
    result = subprocess.run(
        ["node", str(BROWSER / "desk-path.mjs"), server.url, str(pdf)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    assert result.returncode == 0, report.get("failed") or result.stderr
    steps = {s["name"]: s for s in report["steps"]}
    assert steps["skip link"] == {"name": "skip link", "first": "skip", "afterSkip": "desk"}
    assert "iliopsoas-back-pain" in steps["search"]["handouts"]
    assert steps["pick"]["checked"] and steps["pick"]["pagesAtFirst"] >= 1
    assert steps["dose"]["changed"], "the preview did not change with the dose"
    assert steps["print"] == {"name": "print", "blob": True, "url": server.url}
    assert steps["spanish"]["lang"] == "es" and steps["spanish"]["heading"] == "Escritorio de la clínica"
    for name, violations in report["axe"].items():
        assert violations == [], f"{name}: {violations}"
    assert report["outside"] == [] and report["consoleErrors"] == []
    # the PDF the browser saved: the name on page 1, the changed dose on the bridge's card
    reader = pypdf.PdfReader(pdf)
    assert steps["download"]["file"] == "iliopsoas-back-pain.pdf"
    assert steps["dose"]["pages"] == len(reader.pages)
    assert squash("Ana Díaz-Zebulon") in squash(page_texts(reader)[0])
    bridge = squash(card_text("\n".join(page_texts(reader)), "Bridge")).replace(" ", "")
    assert "Sets4" in bridge
    assert "Zebulon" not in str(reader.metadata)
    assert "Zebulon" not in server.log_text()


# --- the clinic's own library, and the page's words ---------------------------------------------------------


def test_the_desk_serves_the_clinics_own_library_and_rereads_a_changed_file(tmp_path: Path) -> None:
    library = tmp_path / "clinic"
    (library / "handouts").mkdir(parents=True)
    (library / "psoaspdf.toml").write_text("", encoding="utf-8")
    text = (LIBRARY / "handouts/neck-pain.yaml").read_text(encoding="utf-8")
    own = library / "handouts/desk-neck.yaml"
    own.write_text(
        text.replace("id: neck-pain", "id: desk-neck").replace(
            'title: "Easing everyday neck pain"', "title: Our neck handout"
        ),
        encoding="utf-8",
    )
    (tmp_path / "neck-pain").write_text("title: not the library's\n", encoding="utf-8")  # an id is not a path
    with running(tmp_path, "--root", str(library)) as s:
        listed = {h["id"]: h["title"] for h in s.get("/api/handouts").json()["handouts"]}
        assert listed["desk-neck"] == "Our neck handout" and "neck-pain" in listed
        assert "Easing everyday neck pain" in page_texts(pdf_of(s.render({"handout": "neck-pain"})))[0]
        assert "Our neck handout" in page_texts(pdf_of(s.render({"handout": "desk-neck"})))[0]
        assert "desk-neck/chin-tuck" in {e["id"] for e in s.get("/api/exercises").json()["exercises"]}
        own.write_text(
            own.read_text(encoding="utf-8").replace("Our neck handout", "Our changed handout"),
            encoding="utf-8",
        )
        listed = {h["id"]: h["title"] for h in s.get("/api/handouts").json()["handouts"]}
        assert listed["desk-neck"] == "Our changed handout"
        assert (
            "Our changed handout" in page_texts(pdf_of(s.render({"handout": "desk-neck", "patient": "A"})))[0]
        )


def test_every_word_of_the_page_is_in_english_and_spanish() -> None:
    import typing

    from psoaspdf.web.form import words

    english, spanish = words("en"), words("es")
    assert english.keys() == spanish.keys()
    for key, value in english.items():
        if isinstance(value, dict):
            assert value.keys() == spanish[key].keys(), key
        else:
            assert value and spanish[key] and (value != spanish[key] or key in ("a4",)), key
    assert set(english["regions"]) == set(typing.get_args(model.Region))
    page = Path(__import__("psoaspdf.web", fromlist=["x"]).__file__).parent / "templates" / "desk.html"
    used = set(re.findall(r"\bw\.(\w+)", page.read_text(encoding="utf-8")))
    assert used <= english.keys(), used - english.keys()


def test_without_the_web_extra_serve_says_how_to_install_it(tmp_path: Path) -> None:
    code = "import sys; sys.modules['starlette'] = None; from psoaspdf.cli import main; main(['serve', '--port', '0'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert 'pip install "psoaspdf[web]"' in result.stderr and "Traceback" not in result.stderr


def test_a_saved_program_can_be_chosen_on_the_page(server: Server) -> None:
    from psoaspdf.program import load_program_inputs

    page = server.get("/").body.decode()
    assert 'name="program" value="back-core-four"' in page
    answer, _ = desk_form(server, program="back-core-four", patient=NAME, action="pdf")
    text = "\n".join(page_texts(pdf_of(answer)))
    for item in load_program_inputs(["back-core-four"]).plan.items:
        assert item.entry.title in text
    booklet, _ = desk_form(server, program="back-core-four", handout="neck-pain", action="pdf")
    assert len(pdf_of(booklet).outline) >= 2  # a booklet: the handout, then the program
