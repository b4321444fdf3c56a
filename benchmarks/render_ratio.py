"""How much slower and hungrier a psoaspdf render is than bare ReportLab, measured in one run.

    python benchmarks/render_ratio.py [--repeat 20] [--quick]

The baseline lays out the same words as plain paragraphs with ReportLab alone (no styles, images,
tables or fonts of ours), so the ratio shows what our pipeline costs on top of ReportLab on this
machine, today. Ratios, not seconds, are what we compare between changes. Also reports the start-up
cost of the CLI module (imports are lazy: ReportLab loads only when a command needs it).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(repeat: int = 20) -> tuple[float, float, int, int, float]:
    """(baseline seconds, psoaspdf seconds, baseline peak bytes, psoaspdf peak bytes, HTML twin
    seconds) for one render."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from psoaspdf import api
    from psoaspdf.htmlpage import render_html
    from psoaspdf.render.document import render_pdf, text_fields

    inputs = api.load_inputs("iliopsoas-back-pain")
    words = [text for _, text in text_fields(inputs.handout)]
    style = getSampleStyleSheet()["BodyText"]

    def baseline() -> bytes:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, invariant=1)
        doc.build([Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style) for text in words])
        return buffer.getvalue()

    def ours() -> bytes:
        return render_pdf(inputs.handout, inputs.layout)

    def html() -> bytes:
        return render_html(inputs.handout, inputs.layout)

    ours()  # warm caches (fonts, parsed SVGs) the way a batch run would
    baseline()
    html()
    t_base, t_ours = best_of(baseline, repeat), best_of(ours, repeat)
    return t_base, t_ours, peak_memory(baseline), peak_memory(ours), best_of(html, repeat)


def repeats(description: str) -> tuple[int, bool]:
    """How many times to time each thing, from the command line: --repeat N (20), or once with
    --quick (CI: every step runs, no timing worth reading); and whether --quick was given."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--quick", action="store_true", help="one round of everything, no timing worth reading (CI)"
    )
    args = parser.parse_args()
    return (1 if args.quick else int(args.repeat)), bool(args.quick)


def main() -> None:
    repeat, quick = repeats(__doc__.splitlines()[0])
    t_base, t_ours, m_base, m_ours, t_html = measure(repeat)
    startup = [
        float(
            subprocess.run(
                [sys.executable, "-X", "importtime", "-c", "import psoaspdf.cli"],
                capture_output=True,
                text=True,
                check=True,
            )
            .stderr.strip()
            .splitlines()[-1]
            .split("|")[1]
        )
        for _ in range(1 if quick else 5)
    ]
    print(
        f"render time   baseline {t_base * 1000:7.1f} ms   psoaspdf {t_ours * 1000:7.1f} ms   ratio {t_ours / t_base:5.2f}"
    )
    print(
        f"peak memory   baseline {m_base / 1e6:7.1f} MB   psoaspdf {m_ours / 1e6:7.1f} MB   ratio {m_ours / m_base:5.2f}"
    )
    print(
        f"HTML twin     baseline {t_base * 1000:7.1f} ms   psoaspdf {t_html * 1000:7.1f} ms   ratio {t_html / t_base:5.2f}"
    )
    print(
        f"CLI import    {statistics.median(startup) / 1000:.1f} ms (median of {len(startup)}; cumulative time of 'import psoaspdf.cli')"
    )


if __name__ == "__main__":
    main()
