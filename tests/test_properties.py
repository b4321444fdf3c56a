"""Property tests: any printable text renders, and reads back as the same words."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pypdf
import pytest
from conftest import DATA, all_text, squash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psoaspdf import api
from psoaspdf.validate import load_handout

LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=("Cc", "Cs"))
# markup characters, and symbols from the fallback font (en and em dash, curly quotes...)
SYMBOLS = st.sampled_from(
    [*"<>&\"'*/\\;=#%{}[] →✓•…€", "\u2013", "\u2014", "\u201c", "\u201d", "\u2018", "\u2019"]
)
TEXT = st.text(st.one_of(LATIN1, SYMBOLS), min_size=1, max_size=200).filter(lambda t: t.strip())

# No example database: the tests must not write into the repository.
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

BASE = api.load_inputs(str(DATA / "minimal.yaml"))


@SETTINGS
@given(text=TEXT)
def test_any_text_in_the_summary_renders(text: str) -> None:
    summary = " ".join(text.split())
    handout = dataclasses.replace(BASE.handout, summary=summary)
    data = api.render_handout(dataclasses.replace(BASE, handout=handout))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    extracted = all_text(reader)
    if "*" not in summary and "\xad" not in summary:
        # Without emphasis markers every character prints as typed, markup characters included
        assert squash(summary.replace("\xa0", " ")) in squash(extracted.replace("\xa0", " "))


@SETTINGS
@given(text=TEXT)
def test_any_text_survives_the_yaml_loader(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("yaml")
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    old = 'summary: "Knee pain is common. Most people get better with simple care at home."'
    path = folder / "h.yaml"
    # a JSON string is a valid YAML double-quoted scalar
    path.write_text(source.replace(old, f"summary: {json.dumps(text)}"), encoding="utf-8")
    handout = load_handout(path)
    assert handout.summary == " ".join(text.split())
