"""The commented starter handout written by ``psoaspdf new``."""

from __future__ import annotations

import dataclasses
import datetime
import re
from string import Template

from .library import package_data
from .model import Handout

TEMPLATE = package_data("templates", "starter.yaml")
ID_PATTERN = re.compile(next(f.metadata["pattern"] for f in dataclasses.fields(Handout) if f.name == "id"))


def starter_handout(name: str, today: datetime.date | None = None) -> str:
    """Starter YAML for a handout with id ``name``; valid as written, ready to fill in."""
    if not ID_PATTERN.match(name):
        raise ValueError(
            f"{name!r} is not a usable id: use lower-case letters, digits and hyphens, e.g. knee-pain"
        )
    today = today or datetime.date.today()
    due = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + datetime.timedelta(days=365)
    )
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        id=name, today=today.isoformat(), due=due.isoformat()
    )
