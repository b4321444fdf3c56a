"""Tagged PDF (PDF/UA-1): a handout's structure tree, read back and compared with its YAML.

The tree is read two ways: with pypdf (roles, order, /Alt, table headers) and with poppler's
`pdfinfo -struct-text` (the text each element holds, in reading order); `pdfua` checks the
machine-checkable PDF/UA-1 rules.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import BUNDLED_ID, LIBRARY, needs_tool, render_bytes

from psoaspdf import model
from psoaspdf.handout import load_inputs, render_handout
from psoaspdf.validate import load_handout
from psoaspdf.wording import dose_cells, labels

SHIPPED = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))


def tree(data: bytes) -> dict[str, Any]:
    """The structure tree as nested dicts: role, alt, scope, kids."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]

    def walk(obj: Any) -> dict[str, Any]:
        obj = obj.get_object()
        kids = obj.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        node = {
            "role": str(obj.get("/S", ""))[1:],
            "alt": obj.get("/Alt"),
            "scope": str(obj.get("/A", {}).get("/Scope", ""))[1:] or None,
            "numbering": str(obj.get("/A", {}).get("/ListNumbering", ""))[1:] or None,
            "kids": [],
            "mcids": 0,
        }
        for kid in kids:
            resolved = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(resolved, dict) and "/S" in resolved:
                node["kids"].append(walk(kid))
            else:
                node["mcids"] += 1
        return node

    return walk(root["/StructTreeRoot"]["/K"][0])


def flat(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for kid in node["kids"] for n in flat(kid))]


def struct_text(path: Path) -> str:
    return subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdfua(path: Path) -> subprocess.CompletedProcess[str]:
    """pdfua's check; a rule it could not run (it skips one that raises) counts as a finding."""
    result = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True, check=False
    )
    if "[skip" in result.stdout:
        result.returncode = result.returncode or 99
    return result


# --- the catalogue's promises ------------------------------------------------------------------------


@pytest.mark.parametrize("handout", SHIPPED)
def test_a_handout_says_it_is_tagged_in_its_language_and_claims_pdf_ua(handout: str) -> None:
    data = render_bytes(handout)
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert root["/Lang"] == load_handout(LIBRARY / "handouts" / f"{handout}.yaml").language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert reader.metadata is not None and reader.metadata.title and reader.metadata.title in xmp
    for page in reader.pages:
        assert "/StructParents" in page


# --- the tree against the YAML ------------------------------------------------------------------------


def test_the_title_is_the_only_h1_and_every_section_has_its_heading() -> None:
    handout = load_handout(LIBRARY / "handouts/iliopsoas-back-pain.yaml")
    found = tree(render_bytes("iliopsoas-back-pain"))
    assert found["role"] == "Document"
    assert [n["role"] for n in flat(found)].count("H1") == 1
    assert found["kids"][0]["role"] == "H1"
    sections = [n for n in flat(found) if n["role"] == "Sect"]
    assert sections and all(s["kids"][0]["role"] in ("H2", "H3") for s in sections)
    assert [s["kids"][0]["role"] for s in sections].count("H2") >= len(sections) - 2  # chart, notes: H3
    cards = [n for n in flat(found) if n["role"] == "Div"]
    assert len(cards) == len(handout.exercises)


def test_each_card_reads_title_purpose_figure_steps_dose_cautions(tmp_path: Path) -> None:
    handout = load_handout(LIBRARY / "handouts/iliopsoas-back-pain.yaml")
    data = render_bytes("iliopsoas-back-pain")
    cards = [n for n in flat(tree(data)) if n["role"] == "Div"]
    language = labels(handout.language)
    for card, exercise in zip(cards, handout.exercises, strict=True):
        roles = [kid["role"] for kid in card["kids"]]
        expected = ["H3", *(["P"] if exercise.purpose else []), "Figure", "L", "Table"]  # the caption: alt
        expected += ["Note"] if exercise.cautions else []
        assert roles == expected, (exercise.name, roles)
        figure = card["kids"][roles.index("Figure")]
        assert figure["alt"] == exercise.illustration.alt  # type: ignore[union-attr]
        steps = card["kids"][roles.index("L")]
        assert len(steps["kids"]) == len(exercise.steps) and steps["numbering"] == "Decimal"
        assert all([k["role"] for k in item["kids"]] == ["Lbl", "LBody"] for item in steps["kids"])
        table = card["kids"][roles.index("Table")]
        heads, values = table["kids"]
        cells = dose_cells(exercise.dose, language)
        assert [c["role"] for c in heads["kids"]] == ["TH"] * len(cells)
        assert all(c["scope"] == "Column" for c in heads["kids"])
        assert [c["role"] for c in values["kids"]] == ["TD"] * len(cells)
    # and the text each element holds, in reading order
    path = tmp_path / "h.pdf"
    path.write_bytes(data)
    text = squash(struct_text(path))
    position = 0
    for exercise in handout.exercises:
        numbered = [
            x for n, step in enumerate(exercise.steps, start=1) for x in (f'"{n}."', step)
        ]  # Lbl, LBody
        for piece in [exercise.name, *numbered, *(v for _, v in dose_cells(exercise.dose, language))]:
            found = text.find(squash(piece), position)
            assert found >= 0, (exercise.name, piece)
            position = found


def read_aloud(path: Path) -> str:
    """The text the structure tree holds, each element's pieces joined as a reader joins them
    (nothing added between lines or pieces), runs of white space as one space."""
    pieces = re.findall(r'^\s*"(.*)"$', struct_text(path), flags=re.MULTILINE)
    return " ".join("".join(pieces).split())


@needs_tool("pdfinfo")
@pytest.mark.parametrize("handout", SHIPPED)
def test_a_line_break_is_a_word_break_in_the_tree(handout: str, tmp_path: Path) -> None:
    """Text that wraps onto the next line, or runs on under a figure or onto the next page,
    reads with a space where it broke: "hip flexor muscle", never "hip flexormuscle"."""
    from test_html import printed_strings

    from psoaspdf.render.inline import plain_text

    inputs = load_inputs(handout)
    path = tmp_path / "h.pdf"
    path.write_bytes(render_handout(inputs))
    text = read_aloud(path)
    alts = {e.illustration.alt for e in inputs.handout.exercises if e.illustration}
    long = [p for p in printed_strings(inputs.handout) if p not in alts and len(p) > 80]
    assert long  # (strings long enough to wrap)
    for piece in long:
        words = " ".join(plain_text(piece).replace("*", "").split())
        assert words in text, piece
    for source in inputs.handout.sources:  # and a web address broken across lines stays whole
        assert source.url is None or source.url in text, source.url


@needs_tool("pdfinfo")
def test_a_programs_steps_read_whole_where_they_run_on_under_the_figure(tmp_path: Path) -> None:
    from psoaspdf.program import load_program_inputs, render_program_bytes
    from psoaspdf.render.inline import plain_text

    inputs = load_program_inputs(["back-core-four"])
    path = tmp_path / "p.pdf"
    path.write_bytes(render_program_bytes(inputs, model.Personal(patient="Ana Díaz")))
    text = read_aloud(path)
    for item in inputs.plan.items:
        steps = " ".join(f"{n}. {plain_text(s)}" for n, s in enumerate(item.exercise.steps, start=1))
        assert " ".join(steps.split()) in text, item.exercise.name


@needs_tool("pdfinfo")
@pytest.mark.parametrize("handout", SHIPPED)
def test_every_word_of_the_handout_is_in_the_tree_and_no_header_or_footer(
    handout: str, tmp_path: Path
) -> None:
    from test_html import printed_strings

    from psoaspdf.render.inline import plain_text

    inputs = load_inputs(handout)
    path = tmp_path / "h.pdf"
    path.write_bytes(render_handout(inputs))
    text = squash(struct_text(path))
    alts = {e.illustration.alt for e in inputs.handout.exercises if e.illustration}
    for piece in printed_strings(inputs.handout):
        if piece in alts:
            continue  # read as the figure's /Alt (test_each_card_reads...), its caption an artifact
        words = squash(plain_text(piece)).replace("*", "")
        assert words in text or words[:40] in text, piece
    # the running header and footer are artifacts: read on no page
    assert "Page1of" not in text and "Página1de" not in text
    assert squash(inputs.layout.clinic.name) not in text[:200]


def test_every_bullet_and_number_is_its_items_label() -> None:
    """A list's bullets and numbers are read as each item's Lbl (not skipped as artifacts); the
    checklist's tick boxes are drawn, not read."""
    found = tree(render_bytes("iliopsoas-back-pain"))
    lists = [n for n in flat(found) if n["role"] == "L"]
    labelled = [n for n in lists if n["numbering"]]
    assert len(labelled) >= 8  # symptoms, causes, steps of each card, help box, sources
    for node in labelled:
        for item in node["kids"]:
            assert [k["role"] for k in item["kids"]] == ["Lbl", "LBody"]
            assert item["kids"][0]["mcids"] == 1  # the bullet or number, drawn once
    checklist = [n for n in lists if not n["numbering"]]
    assert checklist and all(
        [k["role"] for k in i["kids"]] == ["LBody"] for n in checklist for i in n["kids"]
    )


@pytest.mark.parametrize("handout", SHIPPED)
def test_no_page_has_a_link_that_would_need_a_link_element(handout: str) -> None:
    """Web addresses print as text and a video as a QR code figure: no annotation to tag."""
    reader = pypdf.PdfReader(io.BytesIO(render_bytes(handout)))
    assert all(not page.get("/Annots") for page in reader.pages)


# --- checked by pdfua ------------------------------------------------------------------------------------------


def _pdfua_missing() -> str | None:
    try:
        import pdfua  # noqa: F401
    except ImportError:
        return "pdfua is not installed (pip install '.[test]')"
    return None


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
@pytest.mark.parametrize(
    ("handout", "kwargs"),
    [
        *((h, {}) for h in SHIPPED),
        ("iliopsoas-back-pain", {"layout": "riverbend", "paper": "a4"}),
        ("iliopsoas-back-pain-es", {"profile": "large-print"}),
        (
            "neck-pain",
            {"profile": "ink-saving", "personal": model.Personal(patient="Ana Díaz", note="Two sets.")},
        ),
    ],
)
def test_pdfua_finds_nothing(handout: str, kwargs: dict[str, Any], tmp_path: Path) -> None:
    inputs = load_inputs(handout, kwargs.get("layout"), kwargs.get("paper"), kwargs.get("profile"))
    path = tmp_path / "h.pdf"
    path.write_bytes(render_handout(inputs, kwargs.get("personal")))
    result = pdfua(path)
    assert result.returncode == 0, result.stdout


def stamped_neck_pain(tmp_path: Path, personal: model.Personal) -> tuple[bytes, Path]:
    """The neck-pain handout stamped for ``personal`` on its blank, as batch runs and the desk
    make copies, written to a file that pdfua finds nothing in."""
    from psoaspdf.render.stamp import stamp_personal

    inputs = load_inputs("neck-pain")
    fields: dict[str, Any] = {}
    base = render_handout(inputs, None, fields)
    stamped = stamp_personal(base, fields, personal, inputs.layout)
    assert stamped is not None
    path = tmp_path / "s.pdf"
    path.write_bytes(stamped)
    assert pdfua(path).returncode == 0, pdfua(path).stdout
    return stamped, path


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
@needs_tool("pdfinfo")
def test_a_copy_with_its_own_doses_reads_each_in_its_card(tmp_path: Path) -> None:
    """A dose drawn again on a blank keeps its cells' elements: the new values are read in
    their own card, and the line that explains sets with the new numbers, where it was."""
    import dataclasses

    from psoaspdf.render.stamp import stamp_personal

    inputs = load_inputs(BUNDLED_ID)
    fields: dict[str, Any] = {}
    base = render_handout(inputs, None, fields)
    exercises = list(inputs.handout.exercises)
    third = exercises[2]  # the first with sets and repeats: the line quotes its numbers
    assert third.dose.sets and third.dose.reps and not any(e.dose.sets for e in exercises[:2])
    exercises[2] = dataclasses.replace(third, dose=dataclasses.replace(third.dose, reps=12, sets=3))
    stamped = stamp_personal(base, fields, model.Personal(), inputs.layout, exercises)
    assert stamped is not None
    path = tmp_path / "s.pdf"
    path.write_bytes(stamped)
    assert pdfua(path).returncode == 0, pdfua(path).stdout
    text = struct_text(path)
    card, next_card = text.index(f"Exercise 3: {third.name}"), text.index("Exercise 4:")
    assert re.search(r'TD\s+"3"\s+TD\s+"12 times"', text[card:next_card]), text[card:next_card]
    assert text.count("12 times") == 3  # in the card, and twice in the line that explains sets
    assert text.index("Sets 3, Repeat 12 times: do it 12 times") < text.index("Exercise 1:")


def parent_tree_problems(data: bytes) -> list[str]:
    """Where the parent tree and the pages disagree: each marked-content id drawn on a page must
    lead, through the page's parent array, to an element that lists that id on that page, and
    every element the array names must be drawn; an element's parent must list it as a kid."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    arrays = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    problems = []
    for number, page in enumerate(reader.pages):
        content = page["/Contents"].get_object().get_data()
        drawn = sorted(int(m) for m in re.findall(rb"/MCID\s+(\d+)", content))
        array = arrays[int(page["/StructParents"])]
        named = [i for i, e in enumerate(array) if not isinstance(e, pypdf.generic.NullObject)]
        if drawn != named:
            problems.append(f"page {number + 1}: drawn ids {drawn} but the array names {named}")
        for mcid in drawn:
            if mcid >= len(array) or isinstance(array[mcid], pypdf.generic.NullObject):
                continue  # said above
            element = array[mcid].get_object()
            kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
            ids = []  # its own marked content: numbers, and references to content (MCR)
            for kid in kids:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, dict):
                    if "/MCID" in kid:
                        ids.append(int(kid["/MCID"]))
                else:
                    ids.append(int(kid))
            if mcid not in ids:
                problems.append(f"page {number + 1}: id {mcid} leads to an element without it")
            parent = element["/P"].get_object()
            listed = parent["/K"] if isinstance(parent["/K"], list) else [parent["/K"]]
            if array[mcid].idnum not in [k.idnum for k in listed if hasattr(k, "idnum")]:
                problems.append(f"page {number + 1}: id {mcid}'s element is not among its parent's kids")
    return problems


def test_the_parent_tree_check_sees_a_wrong_id() -> None:
    """The check above can fail: a page that draws an id its parent array does not name."""
    data = render_bytes("neck-pain")
    assert parent_tree_problems(data) == []
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter(clone_from=reader)
    page = writer.pages[0]
    more = pypdf.generic.DecodedStreamObject()
    more.set_data(page["/Contents"].get_object().get_data() + b"\n/P <</MCID 999>> BDC EMC\n")
    page.replace_contents(more)
    out = io.BytesIO()
    writer.write(out)
    assert any("999" in p for p in parent_tree_problems(out.getvalue()))


# a card's dose given other columns: (exercise index, change); Sets added to the stretch, Hold
# dropped from the pelvic tilt, both at once with Sets dropped from the bird dog
OTHER_COLUMNS = {
    "a column added": {0: {"sets": 2}},
    "a column dropped": {2: {"hold_seconds": None}},
    "added and dropped": {0: {"sets": 2}, 2: {"hold_seconds": None}, 4: {"sets": None}},
}


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
@needs_tool("pdfinfo")
@pytest.mark.parametrize("case", OTHER_COLUMNS)
def test_a_copy_whose_dose_has_other_columns_reads_its_own_cells(case: str, tmp_path: Path) -> None:
    """A stamped copy whose dose table gains or loses a column rewrites that table's rows in
    the structure tree: each cell is read in its card, label then value, as in its full layout;
    a dropped cell is gone from the tree and from the page's parent array; pdfua finds nothing."""
    import dataclasses

    from psoaspdf.render.stamp import stamp_personal

    inputs = load_inputs(BUNDLED_ID)
    fields: dict[str, Any] = {}
    base = render_handout(inputs, None, fields)
    exercises = list(inputs.handout.exercises)
    for index, change in OTHER_COLUMNS[case].items():
        exercises[index] = dataclasses.replace(
            exercises[index], dose=dataclasses.replace(exercises[index].dose, **change)
        )
    stamped = stamp_personal(base, fields, model.Personal(), inputs.layout, exercises)
    assert stamped is not None, "a dose with other columns is drawn on the blank"
    own = dataclasses.replace(inputs.handout, exercises=tuple(exercises))
    full = render_handout(dataclasses.replace(inputs, handout=own), None)
    paths = {}
    for name, data in (("stamped", stamped), ("full", full)):
        paths[name] = tmp_path / f"{name}.pdf"
        paths[name].write_bytes(data)
    assert pdfua(paths["stamped"]).returncode == 0, pdfua(paths["stamped"]).stdout
    assert parent_tree_problems(stamped) == []
    words = labels("en")
    for index in OTHER_COLUMNS[case]:
        card = [n for n in flat(tree(stamped)) if n["role"] == "Table"][index]
        heads, values = (row["kids"] for row in card["kids"])
        cells = dose_cells(exercises[index].dose, words)
        assert [h["role"] for h in heads] == ["TH"] * len(cells) and [v["role"] for v in values] == [
            "TD"
        ] * len(cells)
        assert all(h["scope"] == "Column" and h["mcids"] == 1 for h in heads)
    # the dose tables read as the full layout's, cell by cell, in order
    tables = [
        re.findall(r'(TH|TD)[^\n]*\n\s+"([^"]*)"', t)
        for t in (struct_text(paths["stamped"]), struct_text(paths["full"]))
    ]
    assert tables[0] == tables[1]


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_a_stamped_copy_keeps_its_tags_and_tags_the_name(tmp_path: Path) -> None:
    _, path = stamped_neck_pain(tmp_path, model.Personal(patient="Ann Example", date="3 Mar 26"))
    if shutil.which("pdfinfo"):
        text = struct_text(path)
        # the name is read right after its label, the date after its label
        assert re.search(r'"Name"\s+P \(block\)\s+"Ann Example"\s+P \(block\)\s+"Date"', text), text[:600]
        assert re.search(r'"Date"\s+P \(block\)\s+"3 Mar 26"', text)


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_a_copy_whose_patient_block_is_drawn_again_keeps_its_tags(tmp_path: Path) -> None:
    personal = model.Personal(patient="Quintero Vasquez", date="2026-12-04")  # wider than the lines
    stamped, path = stamped_neck_pain(tmp_path, personal)
    # the blank's name line is cut from page 1 (its marks were in the blank's page), not drawn under
    page = pypdf.PdfReader(io.BytesIO(stamped)).pages[0]["/Contents"].get_object().get_data()
    blank = pypdf.PdfReader(io.BytesIO(render_handout(load_inputs("neck-pain"), None, {})))
    assert blank.pages[0]["/Contents"].get_object().get_data().count(b"psoaspdf redraw :block {") == 1
    assert b"psoaspdf redraw" not in page
    if shutil.which("pdfinfo"):
        text = struct_text(path)
        # each label and value keeps its element and place: label, then what is on its line
        assert re.search(r'"Name"\s+P \(block\)\s+"Quintero Vasquez"\s+P \(block\)\s+"Date"', text), text[
            :600
        ]
        assert re.search(
            r'"Date"\s+P \(block\)\s+"2026-12-04"\s+P \(block\)\s+"Clinician"\s+P \(block\)\s+""', text
        )
        assert text.count("Quintero Vasquez") == 1


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_a_stamped_note_is_read_after_its_heading(tmp_path: Path) -> None:
    _, path = stamped_neck_pain(tmp_path, model.Personal(patient="Ann Lee", note="Two sets a day this week."))
    if shutil.which("pdfinfo"):
        text = struct_text(path)
        assert re.search(r'"Notes for you"\s+P \(block\)\s+"Two sets a day this week\."', text), text
        assert text.count("Two sets a day") == 1


# --- programs, booklets and batch copies -------------------------------------------------------------------


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_a_program_is_tagged_a_div_per_exercise(tmp_path: Path) -> None:
    from psoaspdf.program import load_program_inputs, render_program_bytes

    inputs = load_program_inputs(["back-core-four"])
    data = render_program_bytes(inputs, model.Personal(patient="Ana Díaz"))
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    assert pdfua(path).returncode == 0, pdfua(path).stdout
    divs = [n for n in flat(tree(data)) if n["role"] == "Div"]
    assert len(divs) == len(inputs.plan.items)
    for div, item in zip(divs, inputs.plan.items, strict=True):
        roles = [k["role"] for k in div["kids"]]
        assert roles[0] == "H3"
        if item.exercise.illustration:
            assert roles[1] == "Figure" and div["kids"][1]["alt"] == item.exercise.illustration.alt
        # the dose, the steps and the cautions: a paragraph that runs on under the figure is
        # still one paragraph, its two pieces two marked-content sequences of one element
        assert roles[2:] == ["P", "P", "P"], roles
    assert any(k["mcids"] == 2 for div in divs for k in div["kids"][2:])  # (so one did run on)


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_the_example_booklet_is_one_tree_an_article_per_item(tmp_path: Path) -> None:
    from psoaspdf.booklet import build_booklet, load_booklet

    loaded = load_booklet(LIBRARY / "booklets" / "low-back-care.yaml")
    data = build_booklet(loaded, model.Personal(patient="Ana Díaz"))
    path = tmp_path / "b.pdf"
    path.write_bytes(data)
    assert pdfua(path).returncode == 0, pdfua(path).stdout
    found = tree(data)
    assert [k["role"] for k in found["kids"]].count("H1") == 2  # the cover's title and "Contents"
    assert any(k["role"] == "TOC" for k in found["kids"])
    articles = [k for k in found["kids"] if k["role"] == "Art"]
    assert len(articles) == len(loaded.items)
    welcome = articles[0]["kids"]  # the clinic's own page: one figure named by the item's title
    assert [k["role"] for k in welcome] == ["Figure"] and welcome[0]["alt"] == loaded.items[0].title
    assert welcome[0]["mcids"] == 1
    handout = articles[2]
    assert handout["kids"][0]["role"] == "H1"
    assert any(n["role"] == "Div" for n in flat(handout))


def test_imposed_sheets_do_not_claim_to_be_tagged() -> None:
    from psoaspdf.booklet import build_booklet, load_booklet

    data = build_booklet(load_booklet(LIBRARY / "booklets" / "low-back-care.yaml"), impose="2-up")
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" not in root and "/MarkInfo" not in root


@pytest.mark.skipif(_pdfua_missing() is not None, reason=str(_pdfua_missing()))
def test_a_batch_copy_is_tagged(tmp_path: Path) -> None:
    from psoaspdf import batch
    from psoaspdf.library import bundled_id

    job = batch.Job(
        key="a.pdf",
        target=str(tmp_path / "a.pdf"),
        kind="handout",
        source=str(bundled_id("sitting-breaks", "handouts")),
        layout="",
        personal=model.Personal(patient="Ann Example", clinician="J. Park", date="3 Mar 26"),
    )
    path = tmp_path / "a.pdf"
    path.write_bytes(batch.render_job(job))
    assert pdfua(path).returncode == 0, pdfua(path).stdout
    if shutil.which("pdfinfo"):
        assert "Ann Example" in struct_text(path)


def test_a_source_in_another_language_says_so() -> None:
    handout = load_handout(LIBRARY / "handouts/iliopsoas-back-pain-es.yaml")
    english = [s for s in handout.sources if s.language and s.language.startswith("en")]
    assert english, "the Spanish handout cites English sources"
    data = render_bytes("iliopsoas-back-pain-es")
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[str] = []

    def walk(obj: Any) -> None:
        obj = obj.get_object()
        if obj.get("/S") == "/LI" and "/Lang" in obj:
            found.append(str(obj["/Lang"]))
        kids = obj.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            resolved = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(resolved, dict) and "/S" in resolved:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0])
    assert found == [s.language for s in english]


def test_a_chart_header_repeated_on_the_next_page_is_read_once(write_variant: Any) -> None:
    """A 7-day chart too long for one page repeats its row of days; the repeat is an artifact."""
    habits = "".join(
        f'    - text: "Habit number {n} with a longer description to fill the row"\n      track: true\n'
        for n in range(1, 21)
    )
    path = write_variant({'    - "Use an ice pack"\n': habits})
    inputs = load_inputs(str(path), profile="large-print")
    data = render_handout(inputs)
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages_with_days = [i for i, page in enumerate(reader.pages) if "Day 7" in (page.extract_text() or "")]
    assert len(pages_with_days) >= 2, "the chart should run over two pages for this test"
    heads = [n for n in flat(tree(data)) if n["role"] == "TH" and n["scope"] == "Column"]
    day_heads = heads[-8:]  # the chart's: its hint and Day 1 to Day 7
    assert all(h["mcids"] == 1 for h in day_heads), [h["mcids"] for h in day_heads]
