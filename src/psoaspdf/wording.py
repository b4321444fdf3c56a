"""The fixed words printed around a handout's own text, shared by the PDF and the HTML twin.

Pure functions of the model and a label catalog (``labels``); no ReportLab here.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Sequence
from typing import Any

from . import model
from .library import package_data


@functools.cache
def labels(language: str) -> dict[str, Any]:
    """The printed words around the handout text, for a language (English when missing)."""
    import yaml

    base = language.split("-")[0]
    path = package_data("labels", f"{base}.yaml")
    if not path.is_file():
        path = package_data("labels", "en.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def dose_cells(dose: model.Dose, labels: dict[str, Any]) -> list[tuple[str, str]]:
    """The dose as (label, value) pairs in reading order: Sets 2 · Repeat 10 times · Hold 5 seconds."""
    d = labels["dose"]
    side = f" {d['each_side']}" if dose.each_side else ""
    cells: list[tuple[str, str]] = []
    if dose.sets:
        cells.append((d["sets"], str(dose.sets)))
    if dose.reps:
        count = d["time_count"] if dose.reps == 1 else d["times_count"].format(n=dose.reps)
        cells.append((d["reps"], f"{count}{side}"))
        side = ""
    if dose.hold_seconds:
        value = d["second"] if dose.hold_seconds == 1 else d["seconds"].format(n=dose.hold_seconds)
        cells.append((d["hold"], value + side))
        side = ""
    if dose.minutes:
        value = d["minute"] if dose.minutes == 1 else d["minutes"].format(n=dose.minutes)
        cells.append((d["time"], value + side))
        side = ""
    if side:
        cells.append((d["side"], d["each_side"]))
    if dose.times:
        key = {1: "once", 2: "twice"}.get(dose.times, "times")
        cells.append((d["often"], d[key].format(n=dose.times, per=d[dose.per])))
    return cells


def sets_sentence(exercises: Sequence[model.Exercise], labels: dict[str, Any]) -> str | None:
    """The line that says what "Sets" means, with the first dose that has sets and repeats
    ("Sets 2, Repeat 10 times: ..."), or None when no dose has them."""
    dose = next((e.dose for e in exercises if e.dose.sets and e.dose.sets > 1 and e.dose.reps), None)
    return None if dose is None else str(labels["sets_explained"]).format(sets=dose.sets, reps=dose.reps)


def month_year(date: datetime.date, labels: dict[str, Any]) -> str:
    """A date as 'March 2026' in the catalog's language."""
    return str(labels["month_year"].format(month=labels["months"][date.month - 1], year=date.year))


def source_line(source: model.Source) -> str:
    """A source as one line: title. Publisher. Address."""
    parts = [source.title] + [p for p in (source.publisher, source.url) if p]
    return ". ".join(p.rstrip(".") for p in parts[:-1]) + (". " if len(parts) > 1 else "") + parts[-1]


def contact_line(layout: model.Layout) -> str:
    """The clinic, its phone and web site on one line, as page footers show them."""
    contact = layout.clinic.contact
    parts = [layout.clinic.name, contact.phone, contact.web]
    return " · ".join(p for p in parts if p)


def in_language(layout: model.Layout, language: str) -> model.Layout:
    """The layout with its own words (footer line, address) in ``language`` when it has them."""
    base = language.split("-")[0]
    for t in layout.translations:
        if t.language.split("-")[0] == base:
            footer = dataclasses.replace(layout.footer, disclaimer=t.footer) if t.footer else layout.footer
            contact = layout.clinic.contact
            if t.address:
                contact = dataclasses.replace(contact, address=t.address)
            clinic = dataclasses.replace(layout.clinic, contact=contact)
            return dataclasses.replace(layout, footer=footer, clinic=clinic, language=t.language)
    return layout


def localised(layout: model.Layout, labels: dict[str, Any], language: str | None = None) -> model.Layout:
    """The layout in the handout's language: its own words translated when it has them (see
    in_language), and the placeholder clinic name ("Your clinic") in that language."""
    if language:
        layout = in_language(layout, language)
    if layout.clinic.name != model.Clinic().name:
        return layout
    clinic = dataclasses.replace(layout.clinic, name=str(labels["clinic"]))
    return dataclasses.replace(layout, clinic=clinic)
