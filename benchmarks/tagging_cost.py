"""What tagging (PDF/UA-1: the structure tree, marked content, XMP) costs a handout PDF.

    python benchmarks/tagging_cost.py [--repeat 10] [--quick]

The same handout laid out tagged and untagged in this run: best-of-N time and file size, and the
ratio of each (target, issue 16: at most 1.15).
"""

from __future__ import annotations

import argparse
import time


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="one round, the short handout only (for CI)")
    args = parser.parse_args()

    from psoaspdf.handout import load_inputs
    from psoaspdf.render.document import render_pdf

    handouts = (
        ["constructive-rest"] if args.quick else ["iliopsoas-back-pain", "constructive-rest", "neck-pain"]
    )
    repeat = 1 if args.quick else args.repeat
    for name in handouts:
        inputs = load_inputs(name)
        tagged = render_pdf(inputs.handout, inputs.layout)
        plain = render_pdf(inputs.handout, inputs.layout, tagged=False)
        handout, layout = inputs.handout, inputs.layout
        t_tagged = best_of(lambda h=handout, lo=layout: render_pdf(h, lo), repeat)
        t_plain = best_of(lambda h=handout, lo=layout: render_pdf(h, lo, tagged=False), repeat)
        print(
            f"{name}: time {t_plain * 1000:.0f} → {t_tagged * 1000:.0f} ms ({t_tagged / t_plain:.2f}x),"
            f" size {len(plain) / 1024:.0f} → {len(tagged) / 1024:.0f} KiB ({len(tagged) / len(plain):.2f}x)"
        )


if __name__ == "__main__":
    main()
