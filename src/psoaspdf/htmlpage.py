"""The accessible HTML twin of a handout: one self-contained page for screen readers and phones.

Same model, same labels, same order as the PDF. Everything from YAML is escaped; only our own
**bold** and *italic* become markup. Pictures, fonts and styles are inlined, so the page needs
nothing from the network and can be mailed or opened offline. No scripts.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import functools
import html
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from . import __version__, model
from .render.inline import plain_text, spans
from .wording import contact_line, dose_cells, localised, month_year, sets_sentence
from .wording import labels as label_catalog

PLAIN_REM = 1.25  # screen size of 14 pt body text (20 px at the browser's usual 16): large on a phone
FIGURE_BOX = (300.0, 220.0)  # points; the pose figure is scaled to fit this box
PICTURE_SCALE = 1.5  # CSS pixels per point for pictures (never wider than the column)
# One phone number, as people write it: digits with spaces, dots, dashes or brackets, maybe a
# leading +. Anything else ("0800 123 / 0800 456", "ask at the desk") is shown, never dialled.
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_HOST = re.compile(r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[^\s<>\"']*)?$")


def esc(text: str) -> str:
    """Text as HTML text or attribute value: every markup character escaped."""
    return html.escape(text, quote=True)


def inline(text: str) -> str:
    """User text as HTML: escaped, with our **bold** and *italic* as strong and em."""
    out = []
    for style, run in spans(text):
        safe = esc(run)
        out.append({"b": f"<strong>{safe}</strong>", "i": f"<em>{safe}</em>"}.get(style, safe))
    return "".join(out)


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@functools.lru_cache(maxsize=16)
def _font_uri(path: str, mtime: float) -> str:
    """A font file as a data URI, made once per file (a batch embeds the same fonts each time)."""
    return _data_uri("font/ttf", Path(path).read_bytes())


def _font_faces(fonts: model.Fonts, text: str) -> str:
    """@font-face rules with the layout's fonts (or Atkinson Hyperlegible) inlined, and the
    symbol font too when ``text`` has characters the body font lacks (as in the PDF)."""
    from .render.fonts import FALLBACK, FALLBACK_BOLD, SCRIPTS, font_files, load_fonts

    files = font_files(fonts)
    paths = {
        (400, "normal"): files["regular"],
        (700, "normal"): files["bold"],
        (400, "italic"): files["italic"],
        (700, "italic"): files["bold_italic"],
    }
    faces = [("Handout", weight, style, path, "") for (weight, style), path in paths.items()]
    # a layout's font for a script sets that script's letters, as in the PDF: declared after the
    # body font, with the script's range, so the browser takes it first for those letters
    for script, blocks in SCRIPTS.items():
        chosen: model.ScriptFont | None = getattr(fonts.scripts, script)
        if chosen is None:
            continue
        ranges = ",".join(f"U+{low:04X}-{high:04X}" for low, high in blocks)
        bold = Path(chosen.bold or chosen.regular)
        for style in ("normal", "italic"):
            faces += [
                ("Handout", 400, style, Path(chosen.regular), ranges),
                ("Handout", 700, style, bold, ranges),
            ]
    found = load_fonts(fonts)
    if any(found.font_for(c) == found.fallback for c in set(text)):
        faces += [
            ("Handout symbols", 400, "normal", FALLBACK, ""),
            ("Handout symbols", 700, "normal", FALLBACK_BOLD, ""),
        ]
    rules = []
    for family, weight, style, path, ranges in faces:
        uri = _font_uri(str(path), path.stat().st_mtime)
        extra = f";unicode-range:{ranges}" if ranges else ""
        rules.append(
            f'@font-face{{font-family:"{family}";src:url({uri}) format("truetype");'
            f"font-weight:{weight};font-style:{style};font-display:swap{extra}}}"
        )
    return "\n".join(rules)


def _bitmap(path: str) -> tuple[str, int, int]:
    """A PNG or JPEG written again with its pixels and colour profile only (comments, text chunks,
    EXIF with GPS tags, XMP dropped; a photo stood upright) as a data URI, and its size. JPEGs go
    through the same re-encoder as the PDF's."""
    from PIL import Image, ImageOps

    from .render.assets import clean_jpeg

    mtime = Path(path).stat().st_mtime
    with Image.open(path, formats=["PNG", "JPEG"]) as opened:
        if opened.format == "JPEG":
            data = clean_jpeg(path, mtime)
            with Image.open(io.BytesIO(data)) as written:
                return _data_uri("image/jpeg", data), written.width, written.height
        im = ImageOps.exif_transpose(opened)
        keep = im if im.mode in ("RGB", "RGBA", "L", "LA", "P") else im.convert("RGBA")
        # only the pixels, their transparency and the colour profile: no text chunks, no EXIF
        keep.info = {k: v for k, v in keep.info.items() if k in ("transparency", "icc_profile")}
        out = io.BytesIO()
        keep.save(out, format="PNG", optimize=True)
        return _data_uri("image/png", out.getvalue()), im.width, im.height


def _drawing_uri(drawing: Any) -> tuple[str, int, int]:
    """A ReportLab drawing as an SVG data URI, and its size."""
    from reportlab.graphics import renderSVG

    text = str(renderSVG.drawToString(drawing))
    return _data_uri("image/svg+xml", text.encode("utf-8")), round(drawing.width), round(drawing.height)


def _svg_image(path: str) -> tuple[str, int, int]:
    """An SVG redrawn from its shapes only (no scripts, links or outside references survive)."""
    from .render.assets import svg_drawing

    return _drawing_uri(svg_drawing(path, Path(path).stat().st_mtime))


def _figure(pose: model.Pose, layout: model.Layout) -> tuple[str, int, int]:
    from .render.figure import layout_colors
    from .render.fonts import load_fonts

    colors = layout_colors(layout)
    return _figure_svg(
        pose, colors["ink"], colors["fill"], colors["accent"], load_fonts(layout.fonts).regular
    )


@functools.lru_cache(maxsize=64)
def _figure_svg(pose: model.Pose, ink: str, fill: str, accent: str, font: str) -> tuple[str, int, int]:
    """A pose figure as an SVG data URI and its size; drawn once per pose and colours."""
    from .render.figure import figure_drawing

    return _drawing_uri(figure_drawing(pose, *FIGURE_BOX, ink=ink, fill=fill, accent=accent, font_name=font))


def picture(illustration: model.Illustration, layout: model.Layout) -> str:
    """The illustration as a figure: the picture, and its alt text as the visible caption."""
    if illustration.pose is not None:
        uri, width, height = _figure(illustration.pose, layout)
    else:
        assert illustration.image is not None  # validation guarantees one of the two
        image = illustration.image
        uri, width, height = _svg_image(image) if image.lower().endswith(".svg") else _bitmap(image)
    alt = esc(plain_text(illustration.alt))
    # shown larger than its size in points, so a figure reads at arm's length; the caption is the
    # alt text again, for sighted readers: hidden from screen readers, which read the alt once
    width, height = round(width * PICTURE_SCALE), round(height * PICTURE_SCALE)
    return (
        f'<figure><img src="{uri}" alt="{alt}" width="{width}" height="{height}">'
        f'<figcaption aria-hidden="true">{inline(illustration.alt)}</figcaption></figure>'
    )


def _logo(layout: model.Layout) -> str:
    logo = layout.clinic.logo
    if not logo:
        return ""
    uri, width, height = _svg_image(logo) if logo.lower().endswith(".svg") else _bitmap(logo)
    # the clinic's name is printed beside the logo, so the picture itself is decoration
    return f'<img class="logo" src="{uri}" alt="" width="{width}" height="{height}">'


def css_string(text: str) -> str:
    """Text as a quoted CSS string: quotes, backslashes and anything outside plain ASCII (so
    never '</style>') written as escapes."""
    safe = "".join(
        c if (c.isascii() and c.isprintable() and c not in '"\\<>&') else f"\\{ord(c):X} " for c in text
    )
    return f'"{safe}"'


def _page_rule(layout: model.Layout, labels: dict[str, Any]) -> str:
    """@page: the layout's paper and margins, and on every printed page the clinic's contact and
    'Page X of Y', as the PDF has them."""
    number = []
    for part in re.split(r"(\{pages?\})", str(labels["page"])):
        if part in ("{page}", "{pages}"):
            number.append(f"counter({part[1:-1]})")
        elif part:
            number.append(css_string(part))
    box = 'font-family:"Handout",sans-serif;font-size:9pt;color:var(--text)'
    return (
        f"@page{{size:{layout.page.paper};margin:{layout.page.margin_mm:g}mm;"
        f"@bottom-left{{content:{css_string(contact_line(layout))};{box}}}"
        f"@bottom-right{{content:{' '.join(number)};{box}}}}}"
    )


def _colour_vars(colors: model.Colors) -> str:
    pairs = {
        "primary": colors.primary,
        "accent": colors.accent,
        "text": colors.text,
        "tint": colors.tint,
        "card-tint": colors.card_tint,
        "warning": colors.warning,
        "warning-tint": colors.warning_tint,
    }
    return ";".join(f"--{name}:{value}" for name, value in pairs.items())


STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--text);font-family:"Handout","Handout symbols","Atkinson Hyperlegible",
"DejaVu Sans",Verdana,sans-serif;font-size:var(--size);line-height:1.55}
.page{max-width:40rem;margin:0 auto;padding:1rem 1.25rem 3rem}
header.clinic{display:flex;align-items:center;gap:1rem;padding:.5rem 0 .75rem;
border-bottom:3px solid var(--primary)}
header.clinic .logo{max-height:3.5rem;width:auto;height:auto}
header.clinic p{margin:0;font-weight:700;font-size:1.1em;color:var(--primary)}
h1,h2,h3,h4{line-height:1.25;margin:2rem 0 .5rem}
h1{font-size:1.75em;color:var(--primary);margin-top:1.25rem}
h2{font-size:1.4em;color:var(--primary);border-bottom:2px solid var(--primary);padding-bottom:.2rem}
h3{font-size:1.15em}
h4{font-size:1em;margin:1rem 0 .25rem}
p{margin:.5rem 0}
.subtitle{font-size:1.1em;margin-top:0}
ul,ol{padding-left:1.6em;margin:.5rem 0}
li{margin:.4rem 0}
li::marker{color:var(--primary);font-weight:700}
a{color:var(--primary);text-decoration:underline;text-underline-offset:.15em}
a:focus-visible,input:focus-visible{outline:3px solid var(--text);outline-offset:3px}
.for{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:.75rem 0}
.key{background:var(--tint);border:2px solid var(--accent);border-left-width:10px;
padding:.75rem 1.1rem;margin:1rem 0}
.key h2{font-size:1em;color:var(--text);border:0;margin:0 0 .25rem;padding:0}
.key p{font-size:1.15em;font-weight:700;margin:0}
.pointer{font-weight:700}
.checklist{list-style:none;padding:0}
.checklist li{display:flex;gap:.75rem;align-items:flex-start;padding:.5rem 0;margin:0;
border-bottom:1px solid #767676}
.checklist input{flex:none;width:max(1.2em,24px);height:max(1.2em,24px);margin:.1em 0 0;accent-color:var(--primary)}
.checklist .often{display:block;font-style:italic}
.tracker{width:100%;border-collapse:collapse;margin:.75rem 0;font-size:.85em}
.tracker caption{text-align:left;font-weight:700;font-size:1.1em;padding:.25rem 0}
.tracker th,.tracker td{border:1px solid #767676;padding:.3em .15em;text-align:center}
.tracker thead th{padding:.3em .1em}
.tracker td label{display:block;padding:.3em 0;cursor:pointer}
.tracker th[scope=row]{text-align:left;font-weight:400}
.tracker input{width:24px;height:24px;margin:0;accent-color:var(--primary)}  /* WCAG 2.2: 24 px targets */
.table-wrap{overflow-x:auto}
.exercise{border:2px solid var(--primary);border-radius:6px;margin:1.5rem 0}
.exercise h3{margin:0;padding:.5rem 1rem;background:var(--card-tint);color:var(--primary);
border-bottom:2px solid var(--primary);border-radius:4px 4px 0 0}
.exercise .inside{padding:.25rem 1rem 1rem}
figure{margin:1rem 0}
figure img{display:block;max-width:100%;height:auto;background:#fff}
@media (forced-colors:active){figure img{forced-color-adjust:none}}
figcaption{font-size:.9em;margin-top:.25rem}
.dose{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.5rem;margin:1rem 0}
.dose div{border:2px solid #767676;border-radius:4px;padding:.2rem .6rem .3rem}
.dose dt{font-size:.8em}
.dose dd{margin:0;font-size:1.3em;font-weight:700}
.draft{border:3px solid var(--warning);color:var(--warning);font-weight:700;padding:.5rem 1rem}
.draft-mark{color:var(--warning)}
.caution{border-left:6px solid var(--warning);padding:.1rem 0 .1rem 1rem;margin:1rem 0}
.caution h4{color:var(--warning);margin-top:0}
.help{background:var(--warning-tint);border:4px solid var(--warning);padding:.25rem 1.1rem 1rem;
margin:2rem 0}
.help h2{color:var(--warning);border:0;margin-top:.75rem}
.help .lead{font-weight:700}
.note{border:2px solid #767676;padding:.5rem 1rem}
address{font-style:normal}
.sources li{overflow-wrap:anywhere}
footer.about{margin-top:2.5rem;padding-top:.5rem;border-top:1px solid #767676;font-size:.8em}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.ticks-note{font-style:italic}
a[href^="tel:"]{white-space:nowrap}
.help a[href^="tel:"]{display:inline-block;min-height:44px;padding:.2em .5em;margin:.1em 0;border:2px solid currentColor;border-radius:.4em}
footer.about p{margin:.2rem 0}
@media print{
  body{font-size:var(--print-size)}
  .page{max-width:none;padding:0}
  .help,.key,figure,.tracker,.contact,.dose,.caution,li{break-inside:avoid}
  .exercise{break-inside:avoid}  /* a card on one sheet, as in the PDF (a taller one still breaks) */
  h2,h3,h4,figure,.exercise h3{break-after:avoid}
  .ticks-note{display:none}
  a{color:var(--text)}
  a[href^="http"]:not(.shown)::after{content:" (" attr(href) ")";overflow-wrap:anywhere}
  figure img{max-height:7cm;width:auto}
  .exercise .inside>p:first-child{break-after:avoid}
  *{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
"""


class Page:
    """Builds the HTML for one handout with one layout and one label catalog."""

    def __init__(self, handout: model.Handout, layout: model.Layout, personal: model.Personal) -> None:
        self.handout = handout
        self.personal = personal
        self.labels = label_catalog(handout.language)
        self.layout = localised(layout, self.labels, handout.language)
        self.ids: set[str] = set()
        self.draft = handout.status == "draft"  # said at the top and in the footer

    def label(self, key: str, **values: str) -> str:
        text = self.labels[key].format(**values) if values else self.labels[key]
        return esc(str(text))

    def fill(self, key: str, **markup: str) -> str:
        """A label with HTML put into its placeholders (the label's own words escaped)."""
        holders = {name: f"\x00{name}\x00" for name in markup}
        text = esc(str(self.labels[key]).format(**holders))
        for name, value in markup.items():
            text = text.replace(f"\x00{name}\x00", value)
        return text

    def new_id(self, stem: str) -> str:
        """A unique id from a heading: 'Señales y síntomas' -> 'senales-y-sintomas'."""
        folded = unicodedata.normalize("NFKD", stem.lower())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        base = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "part"
        name, n = base, 2
        while name in self.ids:
            name, n = f"{base}-{n}", n + 1
        self.ids.add(name)
        return name

    def heading(self, level: int, text: str, cls: str = "") -> tuple[str, str]:
        """An id and a heading tag carrying it."""
        ident = self.new_id(plain_text(text))
        attr = f' class="{cls}"' if cls else ""
        return ident, f'<h{level} id="{ident}"{attr}>{inline(text)}</h{level}>'

    def bullets(self, items: tuple[str, ...], cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f"<ul{attr}>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"

    # --- parts, in the PDF's order --------------------------------------------------------------

    def clinic_header(self) -> str:
        clinic = self.layout.clinic
        return f'<header class="clinic">{_logo(self.layout)}<p>{inline(clinic.name)}</p></header>'

    def people(self) -> Iterator[str]:
        """The patient, date and clinician given for this copy (none: nothing)."""
        people = [
            (self.labels["patient"], self.personal.patient),
            (self.labels["date"], self.personal.date),
            (self.labels["clinician"], self.personal.clinician),
        ]
        given = [f"<span><strong>{esc(k)}:</strong> {esc(v)}</span>" for k, v in people if v]
        if given:
            yield f'<p class="for">{"".join(given)}</p>'

    def title_block(self, help_id: str, help_title: str) -> Iterator[str]:
        h = self.handout
        yield f"<h1>{inline(h.title)}</h1>"
        if h.subtitle:
            yield f'<p class="subtitle">{inline(h.subtitle)}</p>'
        yield from self.people()
        yield (
            '<section class="key" aria-labelledby="key-message">'
            f'<h2 id="key-message">{self.label("key_message")}</h2>'
            f"<p>{inline(h.key_message)}</p></section>"
        )
        link = f'<a href="#{help_id}">{esc(plain_text(help_title))}</a>'
        yield f'<p class="pointer">{self.fill("help_link", section=link)}</p>'
        yield f"<p>{inline(h.summary)}</p>"

    def section(self, section: model.Section | None, default_key: str) -> Iterator[str]:
        if section is None:
            return
        _, head = self.heading(2, section.heading or self.labels[default_key])
        yield f"<section>{head}"  # no name: a plain section, not one more landmark to step through
        if section.intro:
            yield f"<p>{inline(section.intro)}</p>"
        if section.items:
            yield self.bullets(section.items)
        yield "</section>"

    def symptoms(self, symptoms: model.Symptoms) -> Iterator[str]:
        _, head = self.heading(2, symptoms.heading or self.labels["symptoms"])
        yield f"<section>{head}"
        if symptoms.intro:
            yield f"<p>{inline(symptoms.intro)}</p>"
        for group in symptoms.groups:
            if group.heading:
                yield self.heading(3, group.heading)[1]
            yield self.bullets(group.items)
        yield "</section>"

    def self_care(self, care: model.SelfCare) -> Iterator[str]:
        ident, head = self.heading(2, care.heading or self.labels["self_care"])
        yield f'<section aria-labelledby="{ident}">{head}'
        yield f"<p>{inline(care.intro)}</p>" if care.intro else f"<p>{self.label('self_care_hint')}</p>"
        yield '<ul class="checklist">'
        for i, item in enumerate(care.items, start=1):
            box = self.new_id(f"care-{i}")
            # a comma only screen readers hear, so the habit and how often are not run together
            often = (
                f'<span class="often"><span class="vh">, </span>{inline(item.how_often)}</span>'
                if item.how_often
                else ""
            )
            yield (
                f'<li><input type="checkbox" id="{box}">'
                f'<label for="{box}">{inline(item.text)}{often}</label></li>'
            )
        yield "</ul>"
        yield "</section>"

    def chart(self, care: model.SelfCare) -> Iterator[str]:
        """The 7-day chart of the habits marked 'track', unless the layout leaves it out."""
        tracked = [item for item in care.items if item.track]
        if tracked and self.layout.chart:
            yield "<section>"
            yield from self.tracker(tracked)
            yield "</section>"

    def tracker(self, items: list[model.ChecklistItem]) -> Iterator[str]:
        """The 7-day chart: one row per habit, a box per day. Column heads show the number only
        (so the chart fits a phone), with the word "Day" for screen readers; each box is named by
        its row and column, and the whole cell is the box's tap target."""
        day = esc(self.labels["day"])
        yield '<div class="table-wrap"><table class="tracker">'
        yield f"<caption>{self.label('tracker')}. {self.label('tracker_hint')}</caption>"
        days = [self.new_id(f"day-{d}") for d in range(1, 8)]
        heads = "".join(
            f'<th scope="col" id="{days[d - 1]}"><span class="vh">{day} </span>{d}</th>' for d in range(1, 8)
        )
        yield f'<thead><tr><th scope="col">{day}</th>{heads}</tr></thead><tbody>'
        for i, item in enumerate(items, start=1):
            row = self.new_id(f"track-{i}")
            cells = "".join(
                f'<td><label><input type="checkbox" aria-labelledby="{days[d - 1]} {row}"></label></td>'
                for d in range(1, 8)
            )
            yield f'<tr><th scope="row" id="{row}">{inline(item.text)}</th>{cells}</tr>'
        yield "</tbody></table></div>"
        yield f'<p class="ticks-note">{self.label("ticks_not_saved")}</p>'

    def exercises(self, exercises: tuple[model.Exercise, ...]) -> Iterator[str]:
        if not exercises:
            return
        ident, head = self.heading(2, self.labels["exercises"])
        yield f'<section aria-labelledby="{ident}">{head}'
        sets = sets_sentence(exercises, self.labels)
        if sets is not None:  # what "Sets" means, once, as the PDF says it
            yield f"<p>{esc(sets)}</p>"
        for number, exercise in enumerate(exercises, start=1):
            yield from self.exercise(number, exercise)
        yield "</section>"

    def exercise(self, number: int, exercise: model.Exercise) -> Iterator[str]:
        ident, head = self.heading(3, f"{self.labels['exercise']} {number}: {exercise.name}")
        yield f'<article class="exercise" aria-labelledby="{ident}">{head}<div class="inside">'
        if exercise.purpose:
            yield f"<p>{inline(exercise.purpose)}</p>"
        if exercise.illustration:
            yield picture(exercise.illustration, self.layout)
        yield f"<h4>{self.label('steps')}</h4><ol>"
        yield "".join(f"<li>{inline(step)}</li>" for step in exercise.steps)
        yield "</ol>"
        cells = "".join(
            f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>"
            for label, value in dose_cells(exercise.dose, self.labels)
        )
        yield f'<dl class="dose">{cells}</dl>'
        if exercise.cautions:
            yield f'<div class="caution"><h4>{self.label("caution")}</h4>{self.bullets(exercise.cautions)}</div>'
        if exercise.video:
            yield self.video(exercise.video)
        yield "</div></article>"

    def video(self, url: str) -> str:
        return f'<p><a href="{esc(url)}">{self.label("video")}</a></p>'

    def handout_video(self, url: str) -> Iterator[str]:
        _, head = self.heading(2, self.labels["video_heading"])
        yield f"<section>{head}{self.video(url)}</section>"

    def get_help(self, help_: model.GetHelp, ident: str, title: str) -> Iterator[str]:
        contact = self.layout.clinic.contact
        yield f'<section class="help" aria-labelledby="{ident}"><h2 id="{ident}">{inline(title)}</h2>'
        emergency = self._phone(contact.emergency_number)
        yield f'<p class="lead">{self.fill("urgent", emergency=emergency)}</p>'
        yield self.bullets(help_.urgent)
        if help_.today:
            yield f'<p class="lead">{self.label("today")}</p>'
            yield self.bullets(help_.today)
        if help_.call_clinic:
            # no number in the layout: no blank to fill in on a screen, but say which clinic
            if contact.phone:
                phone = f" {esc(self.labels['at'])} {self._phone(contact.phone)}"
                yield f'<p class="lead">{self.fill("call_clinic", phone=phone)}</p>'
            else:
                yield f'<p class="lead">{self.label("call_clinic_unknown")}</p>'
            yield self.bullets(help_.call_clinic)
        yield "</section>"

    def _lang(self, language: str | None) -> str:
        """A lang attribute for text in another language than the handout's, else nothing."""
        if not language or language.split("-")[0] == self.handout.language.split("-")[0]:
            return ""
        return f' lang="{esc(language)}"'

    def _phone(self, number: str) -> str:
        """A phone number a phone can dial with one tap."""
        dial = re.sub(r"[^\d+]", "", number)
        if not _PHONE.match(number) or not 3 <= len(dial.lstrip("+")) <= 15:
            return esc(number)  # a wrong number dialled with one tap is worse than none
        return f'<a href="tel:{dial}">{esc(number)}</a>'

    def notes_and_contact(self) -> Iterator[str]:
        note = self.personal.note
        if note:
            _, head = self.heading(2, self.labels["notes"])
            yield f'<section class="note">{head}<p>{inline(note)}</p></section>'
        clinic = self.layout.clinic
        contact = clinic.contact
        if not (contact.address or contact.phone or contact.web or contact.email):
            return
        ident, head = self.heading(2, self.labels["contact"])
        yield f'<section class="contact" aria-labelledby="{ident}">{head}<address>'
        yield f"<strong>{inline(clinic.name)}</strong><br>"
        if contact.address:
            yield f"{esc(contact.address)}<br>"
        if contact.phone:
            yield f"{self.label('phone')}: {self._phone(contact.phone)}<br>"
        if contact.web:
            web = esc(contact.web)
            if _HOST.match(contact.web):
                web = f'<a class="shown" href="https://{esc(contact.web)}">{web}</a>'
            yield f"{self.label('web')}: {web}<br>"
        if contact.email:
            email = esc(contact.email)
            if _EMAIL.match(contact.email):
                email = f'<a href="mailto:{email}">{email}</a>'
            yield f"{self.label('email')}: {email}"
        yield "</address></section>"

    def sources(self) -> Iterator[str]:
        h = self.handout
        disclaimer = f"<p><strong>{self.label('disclaimer')}:</strong> {inline(h.disclaimer)}</p>"
        if not self.layout.sources:
            yield f"<section>{disclaimer}</section>"
            return
        _, head = self.heading(2, self.labels["sources"])
        yield f'<section>{head}<ul class="sources">'
        for source in h.sources:
            text = f"<span{self._lang(source.language)}>{inline(source.title.rstrip('.'))}</span>"
            if source.publisher:
                text += f". {inline(source.publisher.rstrip('.'))}"
            if source.url:
                text += f'. <a class="shown" href="{esc(source.url)}">{esc(source.url)}</a>'
            yield f"<li>{text}</li>"
        yield "</ul>"
        yield f"{disclaimer}</section>"

    def footer(self) -> str:
        h, lab = self.handout, self.labels

        def when(key: str, date: datetime.date) -> str:
            shown = f'<time datetime="{date.isoformat()}">{esc(month_year(date, lab))}</time>'
            return self.fill(key, date=shown)

        if self.draft:
            parts = [f'<strong class="draft-mark">{self.label("draft")}</strong>']
        else:
            parts = [when("reviewed", h.reviewed), when("review_due", h.review_due)]
        parts.append(self.label("version", version=h.version))
        footer_line = self.layout.footer.disclaimer
        extra = f"<p{self._lang(self.layout.language)}>{inline(footer_line)}</p>" if footer_line else ""
        return f'<footer class="about"><p>{" · ".join(parts)}</p>{extra}</footer>'

    def document(self) -> str:
        h = self.handout
        help_title = h.get_help.heading or self.labels["get_help"]
        help_id = self.new_id("get-help")
        self.ids.add("key-message")
        parts: dict[str, Callable[[], Iterable[str]]] = {
            "about": lambda: self.section(h.about, "about"),
            "symptoms": lambda: self.symptoms(h.symptoms),
            "causes": lambda: self.section(h.causes, "causes"),
            "why_it_hurts": lambda: self.section(h.why_it_hurts, "why_it_hurts"),
            "treatment": lambda: self.section(h.treatment, "treatment"),
            "self_care": lambda: self.self_care(h.self_care),
            "exercises": lambda: self.exercises(h.exercises),
            "chart": lambda: self.chart(h.self_care),
            "video": lambda: self.handout_video(h.video) if h.video else (),
            "get_help": lambda: self.get_help(h.get_help, help_id, help_title),
            "notes": self.notes_and_contact,
            "sources": self.sources,
        }
        body: list[str] = list(self.title_block(help_id, help_title))
        for name in model.PRINT_ORDER:
            body += parts[name]()
        return self.wrapped(body, h.title, h.summary, h.keywords, self.footer())

    def wrapped(
        self, body: list[str], title: str, description: str, keywords: tuple[str, ...], footer: str
    ) -> str:
        """The whole page round the main content: head, styles, fonts, clinic header, footer."""
        layout = self.layout
        language = self.handout.language
        draft = f'<p class="draft" role="note">{self.label("draft")}</p>' if self.draft else ""
        page = [self.clinic_header(), "<main>", draft, *body, "</main>", footer]
        size = layout.fonts.size
        variables = (
            f"{_colour_vars(layout.colors)};--size:{PLAIN_REM * size / 14:.3f}rem;--print-size:{size:g}pt"
        )
        meta = [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="description" content="{esc(plain_text(description))}">',
            f'<meta name="generator" content="psoaspdf {esc(__version__)}">',
        ]
        if keywords:
            meta.append(f'<meta name="keywords" content="{esc(", ".join(keywords))}">')
        return "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{esc(language)}">',
                "<head>",
                *meta,
                f"<title>{esc(plain_text(title))}</title>",
                f"<style>\n{_font_faces(layout.fonts, ''.join(page))}\n:root{{{variables}}}\n"
                f"{_page_rule(self.layout, self.labels)}\n{STYLE}</style>",
                "</head>",
                "<body>",
                '<div class="page">',
                *page,
                "</div>",
                "</body>",
                "</html>",
                "",
            ]
        )


def render_html(
    handout: model.Handout, layout: model.Layout, personal: model.Personal | None = None
) -> bytes:
    """The handout as one self-contained, accessible HTML page (UTF-8 bytes)."""
    return Page(handout, layout, personal or model.Personal()).document().encode("utf-8")


class ProgramPage(Page):
    """A home-exercise program as one accessible HTML page: the PDF's content in reading order."""

    def __init__(
        self,
        title: str,
        exercises: list[model.Exercise],
        urgent: list[str],
        handout: model.Handout,
        layout: model.Layout,
        personal: model.Personal,
        language: str,
        footer: str | None,
        draft: bool = False,
    ) -> None:
        super().__init__(dataclasses.replace(handout, language=language), layout, personal)
        self.draft = draft
        self.title = title
        self.items = exercises
        self.urgent = urgent
        self.footer_line = footer

    def program(self) -> str:
        body: list[str] = [f"<h1>{inline(self.title)}</h1>"]
        body += self.people()
        if self.personal.note:
            body.append(f'<p class="note">{inline(self.personal.note)}</p>')
        ident, head = self.heading(2, self.labels["exercises"])
        body.append(f'<section aria-labelledby="{ident}">{head}')
        for number, exercise in enumerate(self.items, start=1):
            body += self.exercise(number, exercise)
        body.append("</section>")
        contact = self.layout.clinic.contact
        help_id, help_head = self.heading(2, self.labels["get_help"])
        body.append(f'<section class="help" aria-labelledby="{help_id}">{help_head}')
        body.append(f'<p class="lead">{self.label("program_stop")}</p>')
        phone = f" {esc(self.labels['at'])} {self._phone(contact.phone)}" if contact.phone else ""
        body.append(
            f"<p>{self.fill('program_questions', clinic=inline(self.layout.clinic.name), phone=phone)}</p>"
        )
        if self.urgent:
            emergency = self._phone(contact.emergency_number)
            body.append(f'<p class="lead">{self.fill("urgent", emergency=emergency)}</p>')
            body.append(self.bullets(tuple(self.urgent)))
        body.append("</section>")
        footer = (
            f'<footer class="about"><p>{inline(self.footer_line)}</p></footer>' if self.footer_line else ""
        )
        names = "; ".join(plain_text(e.name) for e in self.items)
        return self.wrapped(body, self.title, names, (), footer)


def render_program_html(
    title: str,
    exercises: list[model.Exercise],
    urgent: list[str],
    handout: model.Handout,
    layout: model.Layout,
    personal: model.Personal | None,
    language: str,
    footer: str | None,
    draft: bool = False,
) -> bytes:
    """A program as one self-contained, accessible HTML page (UTF-8 bytes); ``handout`` is the
    first the exercises come from (its figures' colours and fonts are the layout's); ``draft``
    when any of them is a draft."""
    page = ProgramPage(
        title, exercises, urgent, handout, layout, personal or model.Personal(), language, footer, draft
    )
    return page.program().encode("utf-8")
