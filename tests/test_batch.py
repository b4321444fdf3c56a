"""Batch runs: every item built, incremental rebuilds, one bad row failing alone, resumable,
patients' data kept private, personal copies encrypted on request, Dask as an executor."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from conftest import LIBRARY, REPO, squash

from psoaspdf import batch, model
from psoaspdf.cli import main

EXAMPLE = REPO / "examples" / "clinic-batch" / "manifest.yaml"
HANDOUT = LIBRARY / "handouts" / "iliopsoas-back-pain.yaml"
NAMES = [
    line.split(",")[1]
    for line in (EXAMPLE.parent / "patients.csv").read_text(encoding="utf-8").splitlines()[1:]
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, int]:
    out = tmp_path_factory.mktemp("batch")
    result = CliRunner().invoke(main, ["batch", str(EXAMPLE), "--out", str(out), "-j", "2"])
    return out, result.stdout, result.stderr, result.exit_code


def report(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_the_example_manifest_builds_every_item(built: tuple[Path, str, str, int]) -> None:
    out, stdout, _, code = built
    assert code == 0, stdout
    data = report(out)
    assert data["failed"] == 0
    assert data["written"] == len(data["items"]) == 2 * 3 + 24  # two clinics x three items, 24 patients
    for item in data["items"]:
        pdf = pypdf.PdfReader(out / item["item"])
        if pdf.is_encrypted:
            pdf.decrypt("open-sesame-12")
        assert len(pdf.pages) >= (2 if "program" in item["item"] or "core-four" in item["item"] else 5), item


def test_a_second_run_skips_everything(built: tuple[Path, str, str, int], runner: CliRunner) -> None:
    out = built[0]
    result = runner.invoke(main, ["batch", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0
    assert report(out)["skipped"] == 30 and report(out)["written"] == 0


def test_patient_names_stay_out_of_reports_logs_and_metadata(built: tuple[Path, str, str, int]) -> None:
    out, stdout, stderr, _ = built
    text = (out / "report.json").read_text(encoding="utf-8") + stdout + stderr
    text += (out / batch.STATE_FILE).read_text(encoding="utf-8")
    for name in NAMES:
        assert name not in text
    for path in (out / "riverbend" / "patients").glob("*.pdf"):
        if "P0012" in path.name:
            continue  # encrypted
        reader = pypdf.PdfReader(path)
        assert all(n not in str(v) for v in (reader.metadata or {}).values() for n in NAMES)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_patients_copy_carries_their_name_dose_and_note(built: tuple[Path, str, str, int]) -> None:
    pdf = pypdf.PdfReader(built[0] / "riverbend" / "patients" / "P0002-iliopsoas-back-pain.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Tomás Okafor" in text
    assert "20 seconds" in text  # hold=20 for exercise 1
    assert "Start with a shorter hold for the first week." in text


def test_programs_from_the_manifest_and_from_a_patients_own_exercises(
    built: tuple[Path, str, str, int],
) -> None:
    """P0023 gets the example program with exercise 3 changed; P0024 gets the three exercises
    written in their row, at the doses given there; both read back as the YAML says."""
    import yaml
    from test_program import program_line

    from psoaspdf.wording import labels

    en = labels("en")

    def doses(handout: str) -> dict[str, dict[str, object]]:
        data = yaml.safe_load((LIBRARY / "handouts" / f"{handout}.yaml").read_text(encoding="utf-8"))
        return {e["id"]: e["dose"] for e in data["exercises"]}

    back, neck = doses("iliopsoas-back-pain"), doses("neck-pain")

    def text_of(path: Path) -> str:
        return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages).split())

    clinic_copy = text_of(built[0] / "riverbend" / "back-core-four.pdf")
    assert program_line(model.Dose(**{**back["bridge"], "reps": 8}), en) in clinic_copy  # the file's dose
    nora = text_of(built[0] / "riverbend" / "patients" / "P0023-back-core-four.pdf")
    assert "Nora Ahmed" in nora and "Start with the first two; add the others next week." in nora
    assert program_line(model.Dose(**{**back["bridge"], "reps": 6}), en) in nora  # the row's "3: reps=6"
    assert program_line(model.Dose(**back["pelvic-tilt"]), en) in nora
    luis = text_of(built[0] / "default" / "patients" / "P0024-program.pdf")
    assert "Luis Romero" in luis
    for dose in (
        {**back["pelvic-tilt"], "reps": 8},
        {**back["bridge"], "sets": 1, "reps": 5},
        neck["chin-tuck"],
    ):
        assert program_line(model.Dose(**dose), en) in luis, dose
    assert "Chin tuck" in luis and "Bird dog" not in luis


def test_a_password_column_encrypts_with_aes_256(built: tuple[Path, str, str, int]) -> None:
    path = built[0] / "riverbend" / "patients" / "P0012-iliopsoas-back-pain.pdf"
    reader = pypdf.PdfReader(path)
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    assert reader.decrypt("open-sesame-12") != 0
    assert reader.trailer["/Encrypt"]["/V"] == 5  # AES-256


def small_manifest(tmp_path: Path, rows: list[str]) -> Path:
    for name in ("alpha", "beta"):
        text = HANDOUT.read_text(encoding="utf-8").replace("id: iliopsoas-back-pain", f"id: {name}")
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "patients.csv").write_text(
        "patient_id,name,item,doses\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "clinics: [riverbend]\nhandouts: [alpha.yaml, beta.yaml]\npatients: patients.csv\n", encoding="utf-8"
    )
    return manifest


def statuses(out: Path) -> dict[str, str]:
    return {item["item"]: item["status"] for item in report(out)["items"]}


def test_touching_one_handout_rebuilds_only_what_uses_it(tmp_path: Path, runner: CliRunner) -> None:
    manifest = small_manifest(tmp_path, ["A1,Ann Example,alpha.yaml,", "B1,Bob Example,beta.yaml,"])
    assert runner.invoke(main, ["batch", str(manifest), "-j", "1", "-q"]).exit_code == 0
    beta = tmp_path / "beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace('version: "1.1"', 'version: "1.2"'), encoding="utf-8"
    )
    assert runner.invoke(main, ["batch", str(manifest), "-j", "1", "-q"]).exit_code == 0
    assert statuses(tmp_path / "out") == {
        "riverbend/alpha.pdf": "skipped",
        "riverbend/beta.pdf": "written",
        "riverbend/patients/A1-alpha.pdf": "skipped",
        "riverbend/patients/B1-beta.pdf": "written",
    }


def test_a_bad_row_fails_alone_with_its_reason(tmp_path: Path, runner: CliRunner) -> None:
    manifest = small_manifest(
        tmp_path,
        [
            "A1,Ann Example,alpha.yaml,1: reps=500",
            "A2,Al Example,alpha.yaml,9: reps=5",
            "A3,Amy Example,nothing,",
            "A4,Ava Example,beta.yaml,",
        ],
    )
    result = runner.invoke(main, ["batch", str(manifest), "-j", "2"])
    assert result.exit_code == 5
    found = statuses(tmp_path / "out")
    assert found["riverbend/patients/A4-beta.pdf"] == "written"
    assert found["riverbend/alpha.pdf"] == "written"
    reasons = " ".join(item["reason"] for item in report(tmp_path / "out")["items"])
    assert "patients.csv:2: 'reps=500': reps must be 1 to 100" in reasons
    assert "there is no exercise 9" in reasons
    assert "patients.csv:4: nothing: no such file" in reasons
    assert "Example" not in result.stdout + result.stderr  # names never shown


def test_a_row_with_a_bad_exercise_fails_alone_and_names_the_close_match(
    tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / "patients.csv").write_text(
        "patient_id,name,item,exercises\n"
        "E1,Eve Example,,iliopsoas-back-pain/brigde\n"
        "E2,Eli Example,,iliopsoas-back-pain/bridge@reps=ten\n"
        "E3,Ed Example,back-core-four,iliopsoas-back-pain/bridge\n"
        "E4,Em Example,,iliopsoas-back-pain/bridge@reps=9\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("clinics: [default]\npatients: patients.csv\n", encoding="utf-8")
    result = runner.invoke(main, ["batch", str(manifest), "-j", "1"])
    assert result.exit_code == 5
    found = statuses(tmp_path / "out")
    assert found["default/patients/E4-program.pdf"] == "written"
    reasons = " ".join(item["reason"] for item in report(tmp_path / "out")["items"])
    assert "patients.csv:2: exercises: no exercise 'iliopsoas-back-pain/brigde'" in reasons
    assert "did you mean iliopsoas-back-pain/bridge" in reasons
    assert "patients.csv:3: exercises: 'reps=ten': reps must be a whole number" in reasons
    assert "patients.csv:4: give an item or exercises, not both" in reasons
    assert "Example" not in result.stdout + result.stderr


def test_file_names_cannot_leave_the_output_folder(tmp_path: Path, runner: CliRunner) -> None:
    manifest = small_manifest(tmp_path, ["../../../etc/evil,Eve Example,alpha.yaml,"])
    assert runner.invoke(main, ["batch", str(manifest), "-q"]).exit_code == 0
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.pdf"))
    assert "riverbend/patients/etc-evil-alpha.pdf" in written
    assert not (tmp_path / "etc").exists()


def interrupting_executor(after: int) -> batch.Executor:
    def run(fn: Callable[[batch.Job], batch.Outcome], jobs: list[batch.Job]) -> Iterator[batch.Outcome]:
        for index, job in enumerate(jobs):
            if index == after:
                raise KeyboardInterrupt
            yield fn(job)

    return run


def test_an_interrupted_run_leaves_no_partial_file_and_resumes(tmp_path: Path) -> None:
    manifest = small_manifest(tmp_path, ["A1,Ann Example,alpha.yaml,", "B1,Bob Example,beta.yaml,"])
    the_plan = batch.plan(manifest)
    with pytest.raises(KeyboardInterrupt):
        batch.run(the_plan, interrupting_executor(2))
    out = tmp_path / "out"
    assert len(list(out.rglob("*.pdf"))) == 2
    assert list(out.rglob("*.part")) == []
    # a run killed during a write (SIGKILL: no clean-up) leaves only a hidden temporary file
    (out / "riverbend" / ".B1-beta.pdf.x1abcdef.part").write_bytes(b"%PDF-1.4 half")
    summary = batch.run(batch.plan(manifest), batch.local_executor(1))
    assert summary.count("skipped") == 2 and summary.count("written") == 2
    assert list(out.rglob("*.part")) == []


def test_dry_run_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    manifest = small_manifest(tmp_path, ["A1,Ann Example,alpha.yaml,"])
    result = runner.invoke(main, ["batch", str(manifest), "--dry-run", "-q"])
    assert result.exit_code == 0
    assert list((tmp_path / "out").rglob("*.pdf")) == []


def test_a_manifest_mistake_is_reported_with_its_line(tmp_path: Path, runner: CliRunner) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text("clinics: [riverbend]\nhandouts: [no-such-handout]\nextra: 1\n", encoding="utf-8")
    result = runner.invoke(main, ["batch", str(manifest)])
    assert result.exit_code == 1
    assert "m.yaml:3:1: extra: unknown key" in result.stderr


def test_the_dask_executor_runs_the_same_items(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the Dask extra is not installed: pip install 'psoaspdf[dask]'")
    from distributed import LocalCluster

    manifest = small_manifest(tmp_path, ["A1,Ann Example,alpha.yaml,"])
    # the scheduler's HTTP server on a free port: another run may hold Dask's usual 8787
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        summary = batch.run(batch.plan(manifest), batch.dask_executor(cluster.scheduler_address))
    assert summary.count("written") == 3
    assert pypdf.PdfReader(io.BytesIO((tmp_path / "out" / "riverbend" / "alpha.pdf").read_bytes())).pages
    shutil.rmtree(tmp_path / "out")


def stamped_and_full(tmp_path: Path, name: str) -> tuple[bytes, bytes]:
    """The same patient's copy made by a batch run (stamped on) and by a full layout."""
    from conftest import render_bytes

    from psoaspdf.model import Personal

    manifest = small_manifest(tmp_path, [f"A1,{name},alpha.yaml,"])
    batch.run(batch.plan(manifest), batch.local_executor(1))
    stamped = (tmp_path / "out" / "riverbend" / "patients" / "A1-alpha.pdf").read_bytes()
    full = render_bytes(tmp_path / "alpha.yaml", "riverbend", personal=Personal(patient=name))
    return stamped, full


def first_page_text(data: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def test_a_stamped_copy_reads_like_a_fully_laid_out_one(tmp_path: Path) -> None:
    stamped, full = stamped_and_full(tmp_path, "Ann Example")
    assert stamped != full  # the fast path was taken
    assert b"/Type /ObjStm" in stamped and b"/Type /ObjStm" in full  # both packed small
    # the blank, and an update: page 1's content again and the name line's own subsets of the
    # regular and bold fonts (about 12 KB each)
    assert len(stamped) < len(full) + 32_000, (len(stamped), len(full))
    assert "Ann Example" in first_page_text(stamped)
    assert len(pypdf.PdfReader(io.BytesIO(stamped)).pages) == len(pypdf.PdfReader(io.BytesIO(full)).pages)
    meta = pypdf.PdfReader(io.BytesIO(stamped)).metadata or {}
    assert all("Ann" not in str(value) for value in meta.values())


def placed(data: bytes, text: str) -> tuple[int, float, float, float]:
    """Where ``text`` is printed: page, x, y and size of the one run that shows it."""
    from conftest import text_runs

    found = [r for r in text_runs(pypdf.PdfReader(io.BytesIO(data))) if r.text == text]
    assert len(found) == 1, (text, found)
    return found[0].page, found[0].x, found[0].y, found[0].size


def batch_copy(
    tmp_path: Path,
    source: str,
    personal: model.Personal | None,
    kind: str = "handout",
    layout: str = "",
    doses: str = "",
) -> bytes:
    """One copy as a batch run makes it (a job of the manifest's or a patients-file row's)."""
    job = batch.Job(
        key="a.pdf",
        target=str(tmp_path / "a.pdf"),
        kind=kind,
        source=source,
        layout=layout,
        personal=personal,
        doses=batch.parse_doses(doses),
    )
    return batch.render_job(job)


def batch_and_full(tmp_path: Path, layout: str, personal: model.Personal) -> tuple[bytes, bytes]:
    """The iliopsoas handout for ``personal`` in ``layout`` ('' for the built-in one): as a batch
    run makes the copy, and laid out in full."""
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.library import bundled_id

    source = str(bundled_id("iliopsoas-back-pain", "handouts"))
    layout_file = str(bundled_id(layout, "layouts")) if layout else ""
    full = render_handout(load_inputs(source, layout_file or None), personal)
    return batch_copy(tmp_path, source, personal, layout=layout_file), full


@pytest.mark.parametrize("layout", ["", "riverbend"])
def test_stamped_details_sit_where_a_full_layout_puts_them(layout: str, tmp_path: Path) -> None:
    """The patient's name, clinician and date written on by the fast path land on the same page,
    at the same place and size as when the copy is laid out with them."""
    personal = model.Personal(patient="Ann Example", clinician="J. Park", date="3 Mar 26")
    stamped, full = batch_and_full(tmp_path, layout, personal)
    assert stamped != full  # the fast path was taken
    for value in ("Ann Example", "J. Park", "3 Mar 26"):
        page, x, y, size = placed(stamped, value)
        want_page, want_x, want_y, want_size = placed(full, value)
        assert page == want_page == 1, value
        assert abs(x - want_x) < 1.0 and abs(y - want_y) < 1.0, (value, (x, y), (want_x, want_y))
        assert abs(size - want_size) < 0.1, value


def page_pictures(data: bytes) -> list[bytes]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [bytes(page.render(scale=1.5).to_pil().convert("RGB").tobytes()) for page in document]
    finally:
        document.close()


WIDE = [  # details a blank line is too short for: the full layout gives them room from the others
    model.Personal(patient="Quintero Vasquez", date="2026-12-04", clinician="Dr. J. Park, PT"),
    model.Personal(patient="María José Hernández", date="4 Dec 26"),
    model.Personal(patient="Ann Lee", date="4 December 2026", clinician="Jo"),
]


@pytest.mark.parametrize("layout", ["", "riverbend"])
@pytest.mark.parametrize("personal", WIDE, ids=["iso-date", "long-name", "long-date"])
def test_details_wider_than_their_lines_are_stamped_as_a_full_layout_prints_them(
    layout: str, personal: model.Personal, tmp_path: Path
) -> None:
    """An ISO date or a long name is not a reason to lay a copy out again: the patient block is
    drawn again as the full layout draws it, and page 1 is the same picture."""
    stamped, full = batch_and_full(tmp_path, layout, personal)
    assert stamped != full  # the fast path was taken
    values = [v for v in (personal.patient, personal.date, personal.clinician) if v]
    for value in values:
        page, x, y, size = placed(stamped, value)
        want_page, want_x, want_y, want_size = placed(full, value)
        assert page == want_page == 1, value
        assert abs(x - want_x) < 0.01 and abs(y - want_y) < 0.01 and abs(size - want_size) < 0.01, value
    assert page_pictures(stamped)[0] == page_pictures(full)[0]
    assert len(pypdf.PdfReader(io.BytesIO(stamped)).pages) == len(pypdf.PdfReader(io.BytesIO(full)).pages)


NOTE = "Start gently with the stretch, and stop if your leg feels numb or weak. Call us on Monday."


@pytest.mark.parametrize("layout", ["", "riverbend"])
def test_a_note_is_written_on_the_notes_lines_as_a_full_layout_writes_it(layout: str, tmp_path: Path) -> None:
    """A copy with a note is stamped too: the note on the notes box's ruled lines, every page the
    same picture as the copy laid out in full, the note read where the box is."""
    personal = model.Personal(patient="Quintero Vasquez", date="2026-12-04", note=NOTE)
    stamped, full = batch_and_full(tmp_path, layout, personal)
    assert stamped != full  # the fast path was taken
    assert page_pictures(stamped) == page_pictures(full)
    text = [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(stamped)).pages]
    (page,) = [n for n, words in enumerate(text) if "Start gently with the stretch" in words]
    box = text[page].index("Notes for you")
    assert text[page].index("Start gently with the stretch") > box and "Call us on Monday." in text[page]


def test_text_that_looks_like_the_blank_parts_marks_cannot_move_a_cut(tmp_path: Path) -> None:
    """The blank parts are found by comments in the page's content: a title and a note that
    hold the same words must not make a copy cut the wrong part (it is stamped right, or laid
    out in full)."""
    from psoaspdf.handout import load_inputs, render_handout

    marks = "% psoaspdf redraw :block { % psoaspdf redraw :block } % psoaspdf redraw :note }"
    text = HANDOUT.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", 'title: "Back pain % psoaspdf redraw :block }"', text, count=1)
    (tmp_path / "h.yaml").write_text(text, encoding="utf-8")
    personal = model.Personal(patient="Quintero Vasquez", date="2026-12-04", note=marks)
    stamped = batch_copy(tmp_path, str(tmp_path / "h.yaml"), personal)
    full = render_handout(load_inputs(str(tmp_path / "h.yaml")), personal)
    assert page_pictures(stamped) == page_pictures(full)


def test_a_note_longer_than_the_lines_is_laid_out_in_full(tmp_path: Path) -> None:
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.library import bundled_id

    source = str(bundled_id("iliopsoas-back-pain", "handouts"))
    personal = model.Personal(patient="Ann Lee", note=" ".join([NOTE] * 4))  # about eight lines
    stamped = batch_copy(tmp_path, source, personal)
    full = render_handout(load_inputs(source), personal)
    assert stamped == full  # the box grows: the page changes, so the copy is laid out in full
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(full)).pages)
    assert text.count("Call us on Monday.") == 4


def test_a_program_copy_with_an_iso_date_is_stamped_as_laid_out(tmp_path: Path) -> None:
    from psoaspdf.library import bundled_id
    from psoaspdf.program import load_program_inputs, render_program_bytes

    personal = model.Personal(patient="Quintero Vasquez", date="2026-12-04", clinician="Dr. J. Park, PT")
    source = str(bundled_id("back-core-four", "programs"))
    stamped = batch_copy(tmp_path, source, personal, kind="program")
    full = render_program_bytes(load_program_inputs(["back-core-four"]), personal)
    assert stamped != full
    assert page_pictures(stamped)[0] == page_pictures(full)[0]


@pytest.mark.parametrize("name", ["Ann → Example", "Ann " + "Verylongfamilyname" * 4])
def test_names_the_fast_path_cannot_print_are_laid_out_in_full(name: str, tmp_path: Path) -> None:
    stamped, full = stamped_and_full(tmp_path, name)
    assert stamped == full  # a glyph from the fallback font, or too long for the line


def dosed_job(tmp_path: Path, kind: str, doses: str, personal: model.Personal | None) -> bytes:
    """A batch copy of the iliopsoas handout (or the example program) with a row's doses."""
    from psoaspdf.library import bundled_id

    source = str(
        bundled_id("iliopsoas-back-pain", "handouts")
        if kind == "handout"
        else bundled_id("back-core-four", "programs")
    )
    return batch_copy(tmp_path, source, personal, kind=kind, doses=doses)


def fully_dosed(kind: str, doses: str, personal: model.Personal | None) -> bytes:
    """The same copy laid out in full."""
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.library import bundled_id
    from psoaspdf.program import load_program_inputs, render_program_bytes

    if kind == "handout":
        inputs = load_inputs(str(bundled_id("iliopsoas-back-pain", "handouts")))
        handout = batch._apply_doses(inputs.handout, batch.parse_doses(doses))
        return render_handout(dataclasses.replace(inputs, handout=handout), personal)
    program = batch._apply_program_doses(load_program_inputs(["back-core-four"]), batch.parse_doses(doses))
    return render_program_bytes(program, personal)


# other values under the same labels: drawn again in their places; the first one changes the
# line that explains sets ("Sets 3, Repeat 12 times: ...")
SAME_LABELS = "3: sets=3 reps=12; 1: reps=4 hold=20"


@pytest.mark.parametrize("kind", ["handout", "program"])
@pytest.mark.parametrize("personal", [model.Personal(patient="Ann Lee", date="2026-12-05"), None])
def test_a_copy_with_its_own_doses_is_stamped_and_looks_as_laid_out_in_full(
    kind: str, personal: model.Personal | None, tmp_path: Path
) -> None:
    """A patient's own doses (a row's doses column) no longer need a full layout when each
    keeps its labels and its size: every page is the same picture as the full layout's, and
    each new dose is read where its card (or row) is."""
    stamped = dosed_job(tmp_path, kind, SAME_LABELS, personal)
    full = fully_dosed(kind, SAME_LABELS, personal)
    assert stamped != full  # the fast path was taken
    assert page_pictures(stamped) == page_pictures(full)
    # drawn where the blank's parts were in each page's content: read in the same order too
    assert page_streams_text(stamped) == page_streams_text(full)
    runs = [r.text for r in text_runs_of(stamped)]
    if kind == "handout":
        assert "Sets 3, Repeat 12 times: do it 12 times and rest; do that 3 times." in " ".join(runs)
        assert "12 times" in runs and "20 seconds" in runs and "4 times each side" in runs
    else:
        said = squash(" ".join(runs))
        assert "Sets3·Repeat12times·Hold5seconds" in said and "Repeat4timeseachside·Hold20seconds" in said


def page_streams_text(data: bytes) -> list[str]:
    """Each page's text in the order its content draws it (as text extraction reads it)."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def text_runs_of(data: bytes) -> list[Any]:
    from conftest import text_runs

    return text_runs(pypdf.PdfReader(io.BytesIO(data)))


# doses that add a column to a card: Sets on the stretch, Repeat on constructive rest (a row's
# doses change values; a dose the desk or an API gives whole may also drop one: test_tagged.py)
OTHER_COLUMNS = ["1: sets=2", "2: reps=5", "1: sets=2; 2: reps=5 hold=10"]


@pytest.mark.parametrize("doses", OTHER_COLUMNS)
def test_a_dose_that_changes_a_cards_columns_is_stamped_and_looks_as_laid_out_in_full(
    doses: str, tmp_path: Path
) -> None:
    """A Sets or Repeat column the blank's card does not have: the copy's update draws the new dose table in its place and rewrites its cells in the structure tree
    (tests/test_tagged.py reads them), so it is stamped, and every page is the same picture and
    the same text, in the same order, as its full layout."""
    personal = model.Personal(patient="Ann Lee", date="2026-12-05")
    stamped = dosed_job(tmp_path, "handout", doses, personal)
    full = fully_dosed("handout", doses, personal)
    assert stamped != full  # the fast path was taken
    assert page_pictures(stamped) == page_pictures(full)
    assert page_streams_text(stamped) == page_streams_text(full)


@pytest.mark.parametrize("variant", ["compact", "large-print", "riverbend", "es"])
def test_doses_drawn_again_look_as_laid_out_in_full_in_every_layout(variant: str) -> None:
    """Cards side by side, large print, a clinic's layout and the Spanish handout: a copy with
    its own doses, a name and a note is the same picture as its full layout on every page."""
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.render.stamp import stamp_personal

    source = "iliopsoas-back-pain-es" if variant == "es" else "iliopsoas-back-pain"
    inputs = load_inputs(
        source,
        "riverbend" if variant == "riverbend" else None,
        None,
        "large-print" if variant == "large-print" else None,
    )
    if variant == "compact":
        inputs = dataclasses.replace(inputs, layout=dataclasses.replace(inputs.layout, exercises="compact"))
    fields: dict[str, Any] = {}
    blank = render_handout(inputs, None, fields)
    exercises = list(inputs.handout.exercises)
    for index, change in ((2, {"reps": 12, "sets": 3}), (4, {"reps": 6})):
        exercises[index] = dataclasses.replace(
            exercises[index], dose=dataclasses.replace(exercises[index].dose, **change)
        )
    personal = model.Personal(patient="Ann Lee", date="2026-12-05", note="Walk every day.")
    stamped = stamp_personal(blank, fields, personal, inputs.layout, exercises)
    assert stamped is not None, "the doses should be drawn on the blank"
    own = dataclasses.replace(inputs.handout, exercises=tuple(exercises))
    full = render_handout(dataclasses.replace(inputs, handout=own), personal)
    assert page_pictures(stamped) == page_pictures(full)
    assert page_streams_text(stamped) == page_streams_text(full)
