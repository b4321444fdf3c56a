"""The batch benchmarks of issue 5, printed as one table in one run.

    python benchmarks/batch_suite.py [--items 1000] [--quick]

1. one handout rendered in-process vs bare ReportLab with the same words, fonts and cached
   figures (`bare_peer.py`; ratio, and per page);
2. N personalised 3-page handouts through `psoaspdf batch` on every core: per second, and the
   ratio against `psoaspdf render` once per handout in a shell loop (timed on a sample);
3. `psoaspdf render` as a whole process, cold, and a bare ReportLab script's cold run;
4. a 50-handout booklet: time and size, against its 50 parts rendered alone in the same run;
5. peak memory of a batch of 100 vs N items.
Targets are printed beside each figure; record results in benchmarks/RESULTS.md, met or not.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHORT = REPO / "tests" / "data" / "minimal.yaml"  # a short handout: three pages, no pictures


def cli(*args: str, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "psoaspdf", *args], check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


def manifest(folder: Path, items: int) -> Path:
    # the handout beside the manifest: a manifest may name only files under its library root
    (folder / SHORT.name).write_bytes(SHORT.read_bytes())
    rows = [f"P{i:05d},Test Person {i},Dr Example,2026-11-25,,{SHORT.name},," for i in range(items)]
    (folder / "patients.csv").write_text(
        "patient_id,name,clinician,date,language,item,doses,note\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    path = folder / "manifest.yaml"
    path.write_text("clinics: [riverbend]\npatients: patients.csv\n", encoding="utf-8")
    return path


BARE = """
import json, sys
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
words, regular, bold, out = json.loads(open(sys.argv[1], encoding="utf-8").read())
pdfmetrics.registerFont(TTFont("Body", regular))
pdfmetrics.registerFont(TTFont("Bold", bold))
style = getSampleStyleSheet()["BodyText"].clone("b", fontName="Body", fontSize=14, leading=19)
heading = style.clone("h", fontName="Bold", fontSize=19, leading=24)
doc = SimpleDocTemplate(out, invariant=1)
doc.build([Paragraph(t.replace("&", "&amp;").replace("<", "&lt;"), heading if h else style) for h, t in words])
"""


def bare_cold(folder: Path) -> float:
    """A bare ReportLab script's whole run: the short handout's words as paragraphs in the same
    embedded fonts (titles, headings and names in the bold), read from a file, written to a PDF
    (no psoaspdf imported)."""
    import json

    from psoaspdf.handout import load_inputs
    from psoaspdf.render.document import text_fields
    from psoaspdf.render.fonts import atkinson_files

    words = [
        (field.endswith(("title", "heading", "name")), text)
        for field, text in text_fields(load_inputs(str(SHORT)).handout)
    ]
    files = atkinson_files()
    data = folder / "bare.json"
    data.write_text(json.dumps([words, str(files["regular"]), str(files["bold"]), str(folder / "bare.pdf")]))
    script = folder / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, str(script), str(data)], check=True, capture_output=True)
    return time.perf_counter() - start


def peak_child_kb(items: int, folder: Path) -> int:
    """Peak resident memory (KB) of any process of a batch run of ``items`` items."""
    code = (
        "import resource, subprocess, sys;"
        f"subprocess.run([sys.executable, '-m', 'psoaspdf', 'batch', {str(manifest(folder, items))!r}, '-q'], check=True);"
        "print(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: every step runs, no figure worth reading (CI)"
    )
    args = parser.parse_args()
    if args.quick:
        args.items = 12
    sample, booklet_items, small_items = (2, 3, 4) if args.quick else (10, 50, 100)
    rows: list[tuple[str, str, str]] = []

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bare_peer import measure

    # the peer: the same words, fonts and (cached) figures, laid out by ReportLab alone
    t_base, t_ours, p_base, p_ours = measure("iliopsoas-back-pain", 1 if args.quick else 10)
    rows.append(
        (
            "1. one handout vs bare ReportLab (bare_peer.py)",
            f"{t_ours * 1000:.0f} ms vs {t_base * 1000:.0f} ms = {t_ours / t_base:.2f}x; "
            f"per page {t_ours / p_ours / (t_base / p_base):.2f}x",
            "<= 1.2x",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = manifest(folder, args.items)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "psoaspdf", "batch", str(path), "-q"], check=True, capture_output=True
        )
        batch_seconds = time.perf_counter() - start
        per_second = args.items / batch_seconds
        loop = (
            sum(
                cli(
                    "render",
                    str(SHORT),
                    "-l",
                    "riverbend",
                    "--patient",
                    f"P {i}",
                    "-o",
                    str(folder / f"x{i}.pdf"),
                )
                for i in range(sample)
            )
            / sample
        )
        rows.append(
            (
                f"2. {args.items} personalised handouts, batch",
                f"{per_second:.0f}/s; {loop * per_second:.1f}x a shell loop",
                ">= 200/s; >= 20x",
            )
        )
        cold = min(
            cli("render", str(SHORT), "-o", str(folder / "cold.pdf")) for _ in range(1 if args.quick else 3)
        )
        bare = min(bare_cold(folder) for _ in range(1 if args.quick else 3))
        rows.append(
            (
                "3. psoaspdf render, whole process",
                f"{cold:.2f} s; {cold / bare:.2f}x a bare ReportLab script's cold run ({bare:.2f} s)",
                "<= 0.4 s; <= 1.15x",
            )
        )

        from psoaspdf import api
        from psoaspdf.booklet import build_booklet, quick_booklet

        items = [str(SHORT)] * booklet_items
        start = time.perf_counter()
        booklet = build_booklet(quick_booklet(items, "riverbend", "Fifty"))
        booklet_seconds = time.perf_counter() - start
        start = time.perf_counter()
        parts = [
            api.render_handout(api.load_inputs(item, "riverbend")) for item in items
        ]  # each read and laid out
        parts_seconds = time.perf_counter() - start
        alone = sum(len(part) for part in parts)
        rows.append(
            (
                f"4. {booklet_items}-handout booklet",
                f"{booklet_seconds:.2f} s = {booklet_seconds / parts_seconds:.2f}x its parts laid out alone"
                f" ({parts_seconds:.2f} s); {len(booklet) / alone:.2f}x their size",
                "<= 2 s, <= 1.1x; <= 0.35x",
            )
        )

        small = peak_child_kb(small_items, Path(tempfile.mkdtemp(dir=tmp)))
        large = peak_child_kb(args.items, Path(tempfile.mkdtemp(dir=tmp)))
        rows.append(
            (
                f"5. peak memory, {small_items} vs {args.items} items",
                f"{small / 1024:.0f} MB vs {large / 1024:.0f} MB (+{(large / small - 1) * 100:.0f} %)",
                "< 10 % growth",
            )
        )

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    )
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<48}  target {target}")


if __name__ == "__main__":
    main()
