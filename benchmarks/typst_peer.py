"""Personalised copies: psoaspdf against Typst (PyPI `typst`, a reused compiler) in the same run.

    pip install typst      # a benchmark-only peer; psoaspdf does not use it
    python benchmarks/typst_peer.py [--copies 300] [--quick]

For a short handout (tests/data/minimal.yaml) and the long one (iliopsoas, 7 pages), the same
words are laid out by Typst from a document generated here from the same validated model:
title, name line, main message, every section and list, each exercise with its figure (the same
drawing, as SVG), steps, dose and cautions, the help box, the notes box and the sources, in
Atkinson Hyperlegible at the layout's body size on the same paper and margins. Each copy differs
in its name, ISO date and clinician, and one copy in three has a two-line note (issue 17's mix).

- psoaspdf: a copy made from the blank laid out once (`stamp_personal`, as `psoaspdf batch` and
  the desk make them), falling back to a full layout whenever it cannot, as they do;
- psoaspdf, doses: the same, each copy also with its own repeats for one exercise (drawn on
  the blank in their place, as batch runs and the desk do; laid out in full when they cannot be);
- psoaspdf, other columns: each copy also with a dose that adds a column to one card (Hold or
  Sets), drawn on the blank with its cells rewritten in the structure tree;
- psoaspdf, full: every copy laid out in full;
- Typst: `Compiler.compile(sys_inputs=...)` with the details, the compiler and its fonts reused.

Printed: copies per second, and psoaspdf's time per copy over Typst's (<= 1.0: psoaspdf is as fast
or faster). Not equal between the two: Typst's pages are laid out by its own rules (line breaks,
page breaks and the look differ a little), and Typst lays out every copy from its source.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from stamp_paths import NOTE, per_copy, report  # the benchmarks' folder is on the path when run

NAMES = ["Quintero Vasquez", "Maria Gonzalez", "José Ruiz", "Ann Lee", "Bo Chen", "Alexandra Whitfield"]


def details(n: int) -> dict[str, str]:
    day = 1 + n % 28
    return {
        "name": NAMES[n % len(NAMES)],
        "date": f"2026-12-{day:02d}",
        "clinician": "Dr. J. Park, PT",
        "note": NOTE if n % 3 == 0 else "",
    }


def quoted(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def content(text: str) -> str:
    """Typst content holding ``text`` literally (``**bold**`` as psoaspdf prints it, in bold)."""
    from psoaspdf.render.inline import plain_text

    return "[#" + quoted(plain_text(text)) + "]"


def typst_source(inputs: Any, folder: Path) -> str:
    """A Typst document with the handout's words, figures and dose, and the copy's details read
    from ``sys.inputs``."""
    from reportlab.graphics import renderSVG

    from psoaspdf.render.figure import figure_drawing, layout_colors
    from psoaspdf.render.fonts import load_fonts
    from psoaspdf.render.styles import make_styles
    from psoaspdf.wording import dose_cells, labels

    handout, layout = inputs.handout, inputs.layout
    words = labels(handout.language)
    styles = make_styles(layout, load_fonts(layout.fonts))
    width_pt, height_pt = styles.page_size
    size = layout.fonts.size
    out = [
        f"#set page(width: {width_pt}pt, height: {height_pt}pt, margin: {styles.margin}pt,",
        f"  header: [#text(size: {size * 0.8}pt)[{layout.clinic.name}] #h(1fr) #text(size: {size * 0.8}pt)[{content(handout.title)[1:-1]}]],",
        f"  footer: [#text(size: {size * 0.8}pt)[{layout.clinic.name}] #h(1fr) #context text(size: {size * 0.8}pt)[Page #counter(page).display() of #counter(page).final().first()]])",
        f'#set text(font: "Atkinson Hyperlegible", size: {size}pt, lang: "{handout.language[:2]}")',
        f"#set par(leading: {size * 0.35}pt)",
        '#let field(key) = sys.inputs.at(key, default: "")',
        f'#text(size: {styles.title.fontSize}pt, weight: "bold")[{content(handout.title)[1:-1]}]',
    ]
    if handout.subtitle:
        out.append(f"\n#text(size: {styles.subtitle.fontSize}pt)[{content(handout.subtitle)[1:-1]}]")
    out.append(
        "\n#grid(columns: (auto, 1fr, auto, 1fr, auto, 1fr), gutter: 6pt,"
        f' [*{words["patient"]}*], [#field("name")], [*{words["date"]}*], [#field("date")],'
        f' [*{words["clinician"]}*], [#field("clinician")])'
    )
    out.append(
        f'\n#block(fill: rgb("#eef4fa"), inset: 12pt, width: 100%)[*{words["key_message"]}* \\ '
        f"{content(handout.key_message)[1:-1]}]"
    )
    out.append(f"\n{content(handout.summary)[1:-1]}")

    def bullets(items: Any) -> None:
        for item in items:
            out.append(f"- {content(item)[1:-1]}")

    def section(value: Any, key: str) -> None:
        if value is None:
            return
        out.append(f"\n== {content(value.heading or words[key])[1:-1]}")
        if value.intro:
            out.append(content(value.intro)[1:-1])
        bullets(value.items)

    sym = handout.symptoms
    out.append(f"\n== {content(sym.heading or words['symptoms'])[1:-1]}")
    if sym.intro:
        out.append(content(sym.intro)[1:-1])
    for group in sym.groups:
        if group.heading:
            out.append(f"\n*{content(group.heading)[1:-1]}*")
        bullets(group.items)
    section(handout.causes, "causes")
    section(handout.why_it_hurts, "why_it_hurts")
    section(getattr(handout, "treatment", None), "treatment")
    care = handout.self_care
    out.append(f"\n== {content(care.heading or words['self_care'])[1:-1]}")
    if care.intro:
        out.append(content(care.intro)[1:-1])
    for item in care.items:
        often = f" #h(1fr) _{content(item.how_often)[1:-1]}_" if item.how_often else ""
        out.append(f"- #box(stroke: 1pt, width: 12pt, height: 12pt) {content(item.text)[1:-1]}{often}")
    colors = layout_colors(layout)
    for n, exercise in enumerate(handout.exercises):
        out.append("\n#block(breakable: false, stroke: 0.75pt + luma(200), inset: 10pt, width: 100%)[")
        out.append(f"=== {content(exercise.name)[1:-1]}")
        if exercise.purpose:
            out.append(content(exercise.purpose)[1:-1])
        picture = ""
        if exercise.illustration is not None and exercise.illustration.pose is not None:
            drawing = figure_drawing(
                exercise.illustration.pose, 150, 110, font_name=styles.fonts.regular, **colors
            )
            (folder / f"figure{n}.svg").write_text(renderSVG.drawToString(drawing), encoding="utf-8")
            picture = f'#image("figure{n}.svg", width: 150pt)'
        steps = "".join(f"+ {content(step)[1:-1]}\n" for step in exercise.steps)
        out.append(f"#grid(columns: (160pt, 1fr), gutter: 10pt, [{picture}], [\n{steps}])")
        cells = dose_cells(exercise.dose, words)
        out.append(
            f"#table(columns: {len(cells)}, stroke: none, "
            + ", ".join(f"[*{content(label)[1:-1]}*]" for label, _ in cells)
            + ", "
            + ", ".join(f"[{content(value)[1:-1]}]" for _, value in cells)
            + ")"
        )
        for caution in exercise.cautions:
            out.append(f"\n⚠ {content(caution)[1:-1]}")
        out.append("]")
    help_ = handout.get_help
    out.append('\n#block(stroke: 2pt + rgb("#a00"), inset: 12pt, width: 100%, breakable: false)[')
    out.append(f"== {content(help_.heading or words['get_help'])[1:-1]}")
    for key, items in (("urgent", help_.urgent), ("today", help_.today), ("call_clinic", help_.call_clinic)):
        if items:
            out.append(f"\n*{content(words.get(key, key))[1:-1]}*")
            bullets(items)
    out.append("]")
    out.append(f"\n=== {content(words['notes'])[1:-1]}")
    # the note on three ruled lines, 26 pt apart, as psoaspdf writes it
    rule = "#line(length: 100%, stroke: 0.75pt + luma(180))"
    out.append(
        f'#block(width: 60%)[#set par(leading: {26 - size * 0.75}pt); #field("note")'
        f" #place(top, dy: 20pt)[{rule}] #place(top, dy: 46pt)[{rule}] #place(top, dy: 72pt)[{rule}] #v(60pt)]"
    )
    out.append(f"\n== {content(words['sources'])[1:-1]}")
    for source in handout.sources:
        text = ". ".join(p for p in (source.title, source.publisher, str(source.url or "")) if p)
        out.append(f"- {content(text)[1:-1]}")
    out.append(f"\n{content(handout.disclaimer)[1:-1]}")
    return "\n".join(out) + "\n"


def measure(source: str, copies: int) -> dict[str, float]:
    import typst

    from psoaspdf import model
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.render.fonts import atkinson_files
    from psoaspdf.render.stamp import stamp_personal

    inputs = load_inputs(source)
    fields: dict[str, object] = {}
    blank = render_handout(inputs, None, fields)
    folder = Path(tempfile.mkdtemp(prefix="typst-peer-"))
    (folder / "handout.typ").write_text(typst_source(inputs, folder), encoding="utf-8")
    fonts = str(atkinson_files()["regular"].parent)
    compiler = typst.Compiler(str(folder / "handout.typ"), font_paths=[fonts], ignore_system_fonts=True)

    def personal(n: int) -> model.Personal:
        d = details(n)
        return model.Personal(
            patient=d["name"], date=d["date"], clinician=d["clinician"], note=d["note"] or None
        )

    def ours(n: int) -> bytes:
        made = stamp_personal(blank, fields, personal(n), inputs.layout)
        return made if made is not None else render_handout(inputs, personal(n))

    def full(n: int) -> bytes:
        return render_handout(inputs, personal(n))

    first = next(i for i, e in enumerate(inputs.handout.exercises) if e.dose.reps)

    def dosed(n: int) -> bytes:  # the copy's own repeats for one exercise, drawn on the blank
        exercises = list(inputs.handout.exercises)
        exercises[first] = dataclasses.replace(
            exercises[first], dose=dataclasses.replace(exercises[first].dose, reps=2 + n % 18)
        )
        made = stamp_personal(blank, fields, personal(n), inputs.layout, exercises)
        if made is not None:
            return made
        own = dataclasses.replace(inputs.handout, exercises=tuple(exercises))
        return render_handout(dataclasses.replace(inputs, handout=own), personal(n))

    # a dose that adds a column (Hold where the card has none, or Sets): drawn on the blank too,
    # its cells rewritten in the structure tree
    extra = "hold_seconds" if not inputs.handout.exercises[first].dose.hold_seconds else "sets"
    if getattr(inputs.handout.exercises[first].dose, extra):
        extra = "sets" if extra == "hold_seconds" else "hold_seconds"

    def with_column(n: int) -> list[model.Exercise]:
        exercises = list(inputs.handout.exercises)
        exercises[first] = dataclasses.replace(
            exercises[first], dose=dataclasses.replace(exercises[first].dose, **{extra: 2 + n % 8})
        )
        return exercises

    def recolumned(n: int) -> bytes:
        exercises = with_column(n)
        made = stamp_personal(blank, fields, personal(n), inputs.layout, exercises)
        if made is not None:
            return made
        own = dataclasses.replace(inputs.handout, exercises=tuple(exercises))
        return render_handout(dataclasses.replace(inputs, handout=own), personal(n))

    def theirs(n: int) -> bytes:
        return bytes(compiler.compile(sys_inputs=details(n)))

    # a name line too long for one line beside the others (Alexandra Whitfield, an ISO date and
    # the clinician) is laid out in full, as in a real run: one copy in six here
    taken = sum(stamp_personal(blank, fields, personal(n), inputs.layout) is not None for n in range(6))
    assert taken >= 5, f"only {taken} of 6 copies took the stamp path"
    assert b"%PDF" in theirs(0)[:8]
    assert stamp_personal(blank, fields, personal(0), inputs.layout, with_column(0)) is not None, (
        "a dose with another column should be drawn on the blank"
    )
    return {
        "psoaspdf": per_copy(ours, copies),
        "psoaspdf, doses": per_copy(dosed, copies),
        "psoaspdf, other columns": per_copy(recolumned, copies),
        "psoaspdf, full": per_copy(full, max(1, copies // 5)),
        "Typst": per_copy(theirs, copies),
    }


def main() -> None:
    report(measure, 300, lambda times, s: f"ratio to Typst {s / times['Typst']:.2f}", __doc__ or "")


if __name__ == "__main__":
    main()
