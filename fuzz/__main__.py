"""Run a fuzz target: ``python -m fuzz TARGET [--minutes M] [--engine atheris|hypothesis]``.

Exits 0 when the time is up with nothing found, 1 when an input crashed or hung psoaspdf (its
bytes are saved in fuzz/crashes/), 2 on a usage error. ``--replay FILE...`` runs saved inputs
once each and prints what happens. See docs/fuzzing.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import importlib.util
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from .targets import TARGETS, Hang, Target, known_issue, time_limit

if TYPE_CHECKING:
    from collections.abc import Callable

FUZZ = Path(__file__).resolve().parent
CRASHES = FUZZ / "crashes"
CORPUS = FUZZ / "corpus"


def save_crash(target: Target, data: bytes, kind: str = "crash") -> Path:
    CRASHES.mkdir(exist_ok=True)
    path = CRASHES / f"{target.name}-{kind}-{hashlib.sha1(data).hexdigest()}"
    path.write_bytes(data)
    return path


def tolerating_known(target: Target) -> Callable[[bytes], None]:
    """The target's check, carrying on past the known bugs; the first input reaching each is
    saved as fuzz/crashes/TARGET-known-NAME-<sha1>, a reproducer for whoever fixes it."""
    seen: set[str] = set()

    def guarded(data: bytes) -> None:
        try:
            target.check(data)
        except Exception as exc:
            name = known_issue(exc)
            if name is None:
                raise
            if name not in seen:
                saved = save_crash(target, data, f"known-{name}")
                print(
                    f"known issue {name} reached (ignored with --allow-known); {saved}",
                    file=sys.stderr,
                    flush=True,
                )
            seen.add(name)

    return guarded


def replay(target: Target, files: list[Path], timeout: float) -> int:
    """Run each saved input once; print the outcome; 1 if any still fails."""
    failed = 0
    for file in files:
        try:
            with time_limit(timeout):
                target.check(file.read_bytes())
        except Exception:
            failed += 1
            print(f"{file}: FAILS", file=sys.stderr)
            traceback.print_exc()
        else:
            print(f"{file}: ok (accepted, or refused with a clear error)")
    return 1 if failed else 0


def run_hypothesis(target: Target, seconds: float, timeout: float) -> int:
    """Random, not coverage-guided: mutated seeds and raw bytes until the time is up."""
    from hypothesis import HealthCheck, given, settings

    from .mutate import fuzz_inputs

    end = time.monotonic() + seconds
    failing: list[tuple[bytes, str]] = []  # (input, "crash" or "timeout")
    runs = 0

    @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fuzz_inputs(target.seeds(), max_size=target.max_len // 4))
    def one(data: bytes) -> None:
        nonlocal runs
        if time.monotonic() > end and not failing:
            return
        runs += 1
        try:
            with time_limit(timeout):
                target.check(data)
        except Exception as exc:
            kind = "timeout" if isinstance(exc, Hang) else "crash"
            if not failing:  # the first failure is saved at once, in case shrinking is cut short
                saved = save_crash(target, data, kind)
                print(f"found a failing input; saved {saved}; shrinking it", file=sys.stderr)
            failing.append((data, kind))
            raise

    while time.monotonic() < end:
        try:
            one()
        except Exception:
            traceback.print_exc()
            smallest = save_crash(target, *failing[-1])
            print(
                f"\n{target.name}: FAILED after {runs} inputs; smallest reproducer: {smallest}",
                file=sys.stderr,
            )
            print(f"replay: python -m fuzz {target.name} --replay {smallest}", file=sys.stderr)
            return 1
        print(f"{target.name}: {runs} inputs, {max(0.0, end - time.monotonic()):.0f} s left", flush=True)
    print(f"{target.name}: {runs} inputs in {seconds:g} s, nothing found")
    return 0


def run_atheris(target: Target, seconds: float, timeout: float) -> int:
    """Coverage-guided with libFuzzer; never returns (libFuzzer exits the process)."""
    atheris = importlib.import_module("atheris")  # optional, untyped

    with atheris.instrument_imports(include=list(target.instrument)):
        for module in target.instrument:
            importlib.import_module(module)
        # the modules each target reaches, imported now so that they are instrumented
        for module in (
            "psoaspdf.api",
            "psoaspdf.validate",
            "psoaspdf.yamlsrc",
            "psoaspdf.booklet",
            "psoaspdf.batch",
            "psoaspdf.render.assets",
            "psoaspdf.render.document",
            "PIL.Image",
            "PIL.PngImagePlugin",
            "PIL.JpegImagePlugin",
            "svglib.svglib",
            "reportlab.graphics.renderPDF",
        ):
            if module.split(".")[0] in {m.split(".")[0] for m in target.instrument}:
                importlib.import_module(module)
    seeds = Path(tempfile.mkdtemp(prefix=f"psoaspdf-fuzz-seeds-{target.name}-"))
    for number, seed in enumerate(target.seeds()):
        (seeds / f"seed-{number}").write_bytes(seed)
    corpus = CORPUS / target.name
    corpus.mkdir(parents=True, exist_ok=True)
    CRASHES.mkdir(exist_ok=True)
    argv = [
        sys.argv[0],
        f"-max_total_time={max(1, round(seconds))}",
        f"-timeout={max(1, round(timeout))}",
        f"-artifact_prefix={CRASHES}/{target.name}-",
        f"-max_len={target.max_len}",
        "-rss_limit_mb=4096",
        "-print_final_stats=1",
        str(corpus),
        str(seeds),
    ]
    print(f"{target.name}: atheris for {seconds:g} s; crashes go to {CRASHES}/{target.name}-*", flush=True)
    atheris.Setup(argv, target.check)
    atheris.Fuzz()
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fuzz",
        description="Fuzz psoaspdf's loader or image checks; a crash is saved in fuzz/crashes/.",
        epilog="targets: " + "; ".join(f"{t.name}: {t.doc}" for t in TARGETS.values()),
    )
    parser.add_argument("target", choices=sorted(TARGETS))
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="how long to fuzz (default 5)")
    length.add_argument("--seconds", type=float, help="how long to fuzz, in seconds")
    parser.add_argument(
        "--engine",
        choices=["auto", "atheris", "hypothesis"],
        default="auto",
        help="atheris (coverage-guided, `pip install -e '.[fuzz]'`) or hypothesis; auto picks atheris if installed",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take (default 20)")
    parser.add_argument(
        "--allow-known", action="store_true", help="carry on past the known bugs listed in fuzz/targets.py"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep crashes/ and corpus/ in this folder instead of fuzz/"
    )
    parser.add_argument("--replay", type=Path, nargs="+", metavar="FILE", help="run saved inputs once each")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    if args.workdir:
        global CRASHES, CORPUS
        CRASHES, CORPUS = args.workdir / "crashes", args.workdir / "corpus"
    if args.allow_known:
        target = dataclasses.replace(target, check=tolerating_known(target))
    if args.replay:
        return replay(target, args.replay, args.timeout)
    seconds = (
        args.seconds if args.seconds is not None else 60 * (args.minutes if args.minutes is not None else 5)
    )
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "hypothesis"
    if engine == "atheris":
        return run_atheris(target, seconds, args.timeout)
    return run_hypothesis(target, seconds, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
