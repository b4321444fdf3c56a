"""The clinic desk under load: `psoaspdf serve` as a real process, measured over real sockets.

    python benchmarks/serve_suite.py [--requests 1000] [--clients 4] [--quick]

Figures, each also as a ratio against bare ReportLab measured in the same run (the same words as
plain paragraphs: the least a document can cost on this machine today):

1. time to first byte of a personalised handout PDF, warm: median and 95th percentile;
2. the same for a personalised 4-exercise program, and for a handout with a note (stamped too
   since 2026-12-05: the note written on the notes box's lines);
3. requests per second with 2 workers, `--clients` at a time (a bounded local load test: every
   client waits for its answer before asking again);
4. peak resident memory of the server and its workers after `--requests` requests.

The targets (issue 15): median time to first byte at most 100 ms warm on one core.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HANDOUT = {"handout": "iliopsoas-back-pain", "patient": "Ana Diaz", "clinician": "Dr Lee", "date": "5 Dec"}
NOTE = {**HANDOUT, "note": "Start with one set a day."}  # a note means a full layout: no stamping
PROGRAM = {
    "exercises": [
        "iliopsoas-back-pain/bridge",
        "neck-pain/chin-tuck",
        "sitting-breaks/sit-to-stand",
        "iliopsoas-back-pain/bird-dog",
    ],
    "patient": "Ana Diaz",
}


def start(folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], int, Path]:
    log = folder / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "psoaspdf",
                "serve",
                "--port",
                "0",
                "--workers",
                str(workers),
                "--queue",
                "64",
            ],
            cwd=folder,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", text)
        if found and "psoaspdf.serve: ready" in text:
            return process, int(found.group(1)), log
        if process.poll() is not None:
            raise SystemExit(f"the server stopped:\n{text}")
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def first_byte(port: int, body: dict[str, object]) -> float:
    """Seconds from sending the request to the first byte of the answer; the answer is read whole."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    data = json.dumps(body).encode()
    started = time.perf_counter()
    connection.request("POST", "/api/render", body=data, headers={"Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read(1)
    seconds = time.perf_counter() - started
    rest = answer.read()
    connection.close()
    if answer.status != 200 or len(rest) < 1000:
        raise SystemExit(f"status {answer.status}: {rest[:300]!r}")
    return seconds


def baseline_seconds(repeat: int = 20) -> float:
    """Bare ReportLab: the handout's words as plain paragraphs, best of ``repeat``."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from psoaspdf import api
    from psoaspdf.render.document import text_fields

    words = [text for _, text in text_fields(api.load_inputs("iliopsoas-back-pain").handout)]
    style = getSampleStyleSheet()["BodyText"]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, invariant=1).build(
            [Paragraph(t.replace("&", "&amp;").replace("<", "&lt;"), style) for t in words]
        )
        times.append(time.perf_counter() - started)
    return min(times)


def peak_rss(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process and its children, in bytes."""
    import psutil

    total = 0
    parent = psutil.Process(pid)
    for process in [parent, *parent.children(recursive=True)]:
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                found = re.search(r"VmHWM:\s+(\d+) kB", status.read())
            total += int(found.group(1)) * 1024 if found else process.memory_info().rss
        except (OSError, psutil.Error):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="a few requests: every step runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.warm, args.samples = 8, 1, 2

    repeat = 2 if args.quick else 20
    base = baseline_seconds(repeat)
    print(f"bare ReportLab, the handout's words: {base * 1000:.1f} ms (best of {repeat})")
    with tempfile.TemporaryDirectory() as folder:
        process, port, _ = start(Path(folder), workers=2)
        try:
            cases = (
                ("personalised handout", HANDOUT),
                ("4-exercise program", PROGRAM),
                ("handout with a note", NOTE),
            )
            for name, body in cases:
                for _ in range(args.warm):
                    first_byte(port, body)
                times = sorted(first_byte(port, body) for _ in range(args.samples))
                median = statistics.median(times)
                p95 = times[max(0, math.ceil(len(times) * 0.95) - 1)]
                verdict = "meets" if median <= 0.100 else "misses"
                print(
                    f"time to first byte, {name}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
                    f" = {median / base:.1f}x bare ReportLab ({verdict} the 100 ms target)"
                )
            mix = [HANDOUT if n % 2 else PROGRAM for n in range(args.requests)]
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(lambda body: first_byte(port, body), mix))
            elapsed = time.perf_counter() - started
            rate = args.requests / elapsed
            print(
                f"{args.requests} requests, {args.clients} clients, 2 workers: {rate:.1f} requests/s"
                f" ({rate * base:.2f} x the bare ReportLab rate of one core)"
            )
            rss = peak_rss(process.pid)
            print(
                f"peak resident memory after {args.requests + 2 * (args.warm + args.samples)} requests: {rss / 2**20:.0f} MiB (server and 2 workers)"
            )
        finally:
            process.terminate()
            process.wait(30)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
