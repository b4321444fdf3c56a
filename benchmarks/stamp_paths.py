"""What one personalised copy costs on each path, in process, against a full layout in the same run.

    python benchmarks/stamp_paths.py [--copies 200] [--quick]

For a short handout (tests/data/minimal.yaml) and the long one (iliopsoas, 7 pages), each copy
made from a blank laid out once (as `psoaspdf batch` and the desk do):

- short:   a name and a short date;
- wide:    an ISO date, a full name and a clinician (the line laid out otherwise than the blank's);
- note:    the same and a two-line note (the notes box's lines drawn again on their page too);
- full:    the wide details and the note laid out in full;
- doses:   the same with the copy's own repeats for the first exercise (every copy a different
           number), drawn on the blank in its card (a change that adds a column is laid out in
           full, as "full" costs).

Each row: copies per second, and the ratio of the full layout's time to the path's (higher is
better). No peer outside psoaspdf is measured here (issue 17's Typst row is not yet built).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHORT = REPO / "tests" / "data" / "minimal.yaml"

NOTE = "Start gently with the stretch, and stop if your leg feels numb or weak. Call us on Monday."
NAMES = [
    "Quintero Vasquez",
    "Maria Gonzalez",
    "José Ruiz",
    "Ann Lee",
    "Bo Chen",
]  # fit one line beside the others


def per_copy(make: object, copies: int) -> float:
    """Seconds per copy, best of three rounds of ``copies``."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for n in range(copies):
            make(n)  # type: ignore[operator]
        best = min(best, (time.perf_counter() - start) / copies)
    return best


def measure(source: str, copies: int) -> dict[str, float]:
    """Seconds per copy on each path for one handout."""
    from psoaspdf import model
    from psoaspdf.handout import load_inputs, render_handout
    from psoaspdf.render.stamp import stamp_personal

    inputs = load_inputs(source)
    fields: dict[str, object] = {}
    base = render_handout(inputs, None, fields)

    def wide_details(n: int, note: str | None = None) -> model.Personal:
        return model.Personal(
            patient=NAMES[n % len(NAMES)], date="2026-12-04", clinician="Dr. J. Park, PT", note=note
        )

    def short(n: int) -> bytes | None:
        return stamp_personal(
            base, fields, model.Personal(patient=f"Ann {n}", date="4 Dec 26"), inputs.layout
        )

    def wide(n: int) -> bytes | None:
        return stamp_personal(base, fields, wide_details(n), inputs.layout)

    def note(n: int) -> bytes | None:
        return stamp_personal(base, fields, wide_details(n, NOTE), inputs.layout)

    def full(n: int) -> bytes:
        return render_handout(inputs, wide_details(n, NOTE))

    first = inputs.handout.exercises[0]

    unique = itertools.count()

    def doses(n: int) -> bytes:  # a dose no copy before had, drawn on the blank in its place
        dose = dataclasses.replace(first.dose, reps=2 + next(unique) % 1000)
        exercises = (dataclasses.replace(first, dose=dose), *inputs.handout.exercises[1:])
        made = stamp_personal(base, fields, wide_details(n, NOTE), inputs.layout, exercises)
        assert made is not None, "the dose was not drawn on the blank"
        return made

    assert short(0) is not None and all(wide(n) and note(n) for n in range(len(NAMES))), (
        "a path was not taken"
    )
    paths = (("short", short), ("wide", wide), ("note", note), ("full", full), ("doses", doses))
    return {name: per_copy(make, copies) for name, make in paths}


def report(
    measure: Callable[[str, int], dict[str, float]],
    default: int,
    compared: Callable[[dict[str, float], float], str],
    doc: str,
) -> None:
    """The command line of a per-copy benchmark: ``--copies`` and ``--quick``, then a line per
    handout and path with copies per second, milliseconds and ``compared`` (against its peer)."""
    parser = argparse.ArgumentParser(
        description=doc.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=default)
    parser.add_argument("--quick", action="store_true", help="a few copies of the short handout (for CI)")
    args = parser.parse_args()
    copies = 3 if args.quick else args.copies
    handouts = [str(SHORT)] if args.quick else [str(SHORT), "iliopsoas-back-pain"]
    print(f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    for source in handouts:
        times = measure(source, copies)
        width = max(len(name) for name in times)
        for name, seconds in times.items():
            print(
                f"{Path(source).stem:22} {name:{width}} {1 / seconds:7.1f} copies/s  {seconds * 1000:6.1f} ms"
                f"  ({compared(times, seconds)})"
            )


def main() -> None:
    report(measure, 200, lambda times, s: f"{times['full'] / s:4.1f}x the full layout's speed", __doc__ or "")


if __name__ == "__main__":
    main()
