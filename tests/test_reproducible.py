"""Same inputs, same bytes: in one process, across processes, and with SOURCE_DATE_EPOCH."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from conftest import BUNDLED_ID, DATA, Rendered, render_bytes

import psoaspdf
from psoaspdf.library import bundled_dir


def test_two_renders_in_one_process_are_identical(bundled_pdf: Rendered) -> None:
    again = render_bytes(BUNDLED_ID)
    assert again == bundled_pdf.data


def test_two_renders_with_a_layout_are_identical(riverbend_pdf: Rendered) -> None:
    assert render_bytes(BUNDLED_ID, "riverbend") == riverbend_pdf.data


def cli_render(handout: Path, out: Path, hash_seed: str, epoch: str | None = None) -> None:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    env["PYTHONHASHSEED"] = hash_seed  # set and dict order must not leak into the bytes
    # run the same psoaspdf these tests import, whichever way it is installed
    package_root = str(Path(psoaspdf.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "psoaspdf", "render", str(handout), "-l", "riverbend", "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=out.parent, timeout=120)
    assert result.returncode == 0, result.stderr


def test_two_separate_cli_runs_write_identical_files(tmp_path: Path) -> None:
    handout = bundled_dir("handouts") / f"{BUNDLED_ID}.yaml"
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    cli_render(handout, first, "1")
    cli_render(handout, second, "2")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"%PDF-")


def test_source_date_epoch_is_honoured_and_output_stays_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    first = render_bytes(DATA / "minimal.yaml")
    second = render_bytes(DATA / "minimal.yaml")
    assert first == second
    meta = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20231114221320")
    assert meta["/ModDate"].startswith("D:20231114221320")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = render_bytes(DATA / "minimal.yaml")
    assert later != first  # the date is the only thing that moved
    later_meta = pypdf.PdfReader(io.BytesIO(later)).metadata
    assert later_meta is not None
    assert later_meta["/CreationDate"].startswith("D:20270115080000")


def test_source_date_epoch_across_processes(tmp_path: Path) -> None:
    handout = DATA / "minimal.yaml"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    cli_render(handout, first, "3", epoch="1700000000")
    cli_render(handout, second, "4", epoch="1700000000")
    assert first.read_bytes() == second.read_bytes()
