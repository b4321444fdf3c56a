"""PDF metadata names the handout and the clinic, and never the patient."""

from __future__ import annotations

import re

from conftest import PATIENT, Rendered, all_text, contains, resolve, visible

from psoaspdf import __version__


def test_info_dictionary_describes_the_handout(riverbend_pdf: Rendered) -> None:
    handout, layout = riverbend_pdf.inputs.handout, riverbend_pdf.inputs.layout
    meta = riverbend_pdf.reader.metadata
    assert meta is not None
    assert meta["/Title"] == handout.title
    assert meta["/Author"] == layout.clinic.name == "Riverbend Physical Therapy"
    assert "**" not in meta["/Subject"]
    assert meta["/Subject"] == handout.key_message.replace("**", "")
    keywords = meta["/Keywords"]
    assert handout.keywords
    for keyword in handout.keywords:
        assert keyword in keywords
    assert "psoaspdf" in meta["/Creator"]
    assert __version__ in meta["/Creator"]


def test_author_is_the_default_clinic_without_a_layout(bundled_pdf: Rendered) -> None:
    meta = bundled_pdf.reader.metadata
    assert meta is not None
    assert meta["/Author"] == bundled_pdf.inputs.layout.clinic.name == "Your clinic"


def test_catalog_language_is_the_handouts(bundled_pdf: Rendered, minimal_pdf: Rendered) -> None:
    for rendered in (bundled_pdf, minimal_pdf):
        root = rendered.reader.trailer["/Root"]
        assert root["/Lang"] == rendered.inputs.handout.language
    assert minimal_pdf.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_title_is_shown_instead_of_the_file_name(bundled_pdf: Rendered) -> None:
    prefs = resolve(bundled_pdf.reader.trailer["/Root"].get("/ViewerPreferences"))
    assert prefs is not None
    assert prefs.get("/DisplayDocTitle") in (True, 1)


def test_patient_name_is_printed_on_the_page(patient_pdf: Rendered) -> None:
    text = all_text(patient_pdf.reader)
    assert PATIENT in text
    assert "J. Park, PT" in text
    assert contains(text, "3 March 2026")  # a narrow cell may wrap it


def test_patient_name_is_not_in_metadata(patient_pdf: Rendered) -> None:
    meta = patient_pdf.reader.metadata
    assert meta is not None
    assert all(PATIENT not in str(value) for value in meta.values())
    assert all("Park" not in str(value) for value in meta.values())
    root = patient_pdf.reader.trailer["/Root"]
    if "/Metadata" in root:  # an XMP stream, if a future version adds one
        assert PATIENT.encode() not in resolve(root["/Metadata"]).get_data()


def test_patient_name_is_nowhere_in_the_raw_bytes(patient_pdf: Rendered) -> None:
    # Page content is compressed, so any readable copy would be metadata, an outline or a
    # form field: none may carry the name, in any of the encodings a PDF string can use.
    data = visible(patient_pdf.data)
    assert b"/Title (" in data and b"/StructTreeRoot" in data  # the packed dictionaries are read
    for part in PATIENT.split():
        assert part.encode("latin-1") not in data
        assert part.encode("utf-16-be") not in data
        assert part.encode("latin-1").hex().encode() not in data.lower()


def test_info_dictionary_is_the_same_with_and_without_a_patient(
    patient_pdf: Rendered, riverbend_pdf: Rendered
) -> None:
    with_patient = dict(patient_pdf.reader.metadata or {})
    without = dict(riverbend_pdf.reader.metadata or {})
    assert with_patient == without


def test_dates_in_metadata_are_fixed_for_reproducible_output(minimal_pdf: Rendered) -> None:
    meta = minimal_pdf.reader.metadata
    assert meta is not None
    assert re.match(r"D:\d{14}", meta["/CreationDate"])
    assert meta["/CreationDate"] == meta["/ModDate"]
