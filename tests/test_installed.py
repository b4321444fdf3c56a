"""The tests check what users install: the installed package, its built-in library, and a
package without import cycles."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

import psoaspdf
from psoaspdf.library import bundled_root

PACKAGE = Path(psoaspdf.__file__).resolve().parent


def _editable_source() -> Path | None:
    """The source folder of an editable install (pip install -e), or None for a real install."""
    text = importlib.metadata.distribution("psoaspdf").read_text("direct_url.json")
    info = json.loads(text) if text else {}
    if info.get("dir_info", {}).get("editable"):
        return Path(info["url"].removeprefix("file://"))
    return None


def test_the_tests_import_the_installed_package() -> None:
    """`import psoaspdf` is the copy pip installed, never the checkout's files by accident."""
    distribution = importlib.metadata.distribution("psoaspdf")
    source = _editable_source()
    if source is None:
        installed = Path(str(distribution.locate_file("psoaspdf/__init__.py"))).resolve()
        assert Path(psoaspdf.__file__).resolve() == installed
        assert not PACKAGE.is_relative_to((REPO / "src").resolve()), f"imported from the checkout: {PACKAGE}"
    else:  # pip install -e: the package is read from the source tree it was installed from
        assert (source / "src" / "psoaspdf").resolve() == PACKAGE
        assert os.environ.get("PSOASPDF_REQUIRE_INSTALLED") != "1", (
            "CI installs as the README says (pip install .), not editable"
        )
    assert psoaspdf.__version__ == distribution.version


def test_the_built_in_library_is_inside_the_installed_package() -> None:
    root = bundled_root()
    assert root == PACKAGE / "library"
    for folder in ("handouts", "layouts", "booklets", "forms", "schemas"):
        assert (root / folder).is_dir(), folder
    assert (root / "psoaspdf.toml").is_file()
    assert (root / "handouts" / "iliopsoas-back-pain.yaml").is_file()


def _imports(path: Path, module: str) -> set[str]:
    """Every psoaspdf module ``path`` imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("psoaspdf")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("psoaspdf"):
                continue
            found.add(target)
            for alias in node.names:  # `from . import api` imports the module psoaspdf.api
                found.add(f"{target}.{alias.name}")
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path, name) if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle (as a path that returns to its start), found by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "psoaspdf.api" in graph and "psoaspdf.handout" in graph
    # a package __init__ only holds the version; a parent package's import of its children is
    # not a dependency of theirs
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself can fail: a made-up graph with a circle through a function-level import."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_only_the_front_ends_use_the_facade() -> None:
    """api.py is what programs call (the command line and the web desk); the pipeline's stages
    never reach up into it."""
    graph = import_graph()
    users = sorted(name for name, targets in graph.items() if "psoaspdf.api" in targets)
    assert users == ["psoaspdf.cli", "psoaspdf.web.app"]


def test_no_developer_tool_is_shipped() -> None:
    """Generators that write docs into the repository live in tools/, not in what users install:
    no module of the package runs as a script of its own or looks for the repository."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert 'if __name__ == "__main__"' not in text, path
        assert "parent.parent" not in text, path  # the repository's root, seen from the package


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["render", "--help"], ["serve", "--help"]])
def test_version_and_help_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    """A clinician's first command answers at once: no ReportLab, pypdf, cryptography, Pillow,
    pdfium or web server is imported to print a version or a help text."""
    code = (
        "import sys\nfrom psoaspdf.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = {'reportlab', 'pypdf', 'cryptography', 'PIL', 'pypdfium2', 'svglib', 'starlette', 'uvicorn', 'jinja2'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


def test_the_same_pdf_with_or_without_reportlabs_accelerator(tmp_path: Path) -> None:
    """rl-accel (installed where it has wheels) only makes ReportLab faster: without it, the
    pure-Python code writes the very same bytes."""
    code = (
        "import sys\n"
        "if sys.argv[1] == 'off':\n    sys.modules['_rl_accel'] = None\n"
        "from psoaspdf.handout import load_inputs, render_handout\n"
        "import reportlab.lib.utils\n"
        "sys.stdout.buffer.write(render_handout(load_inputs('neck-pain')))\n"
    )
    on, off = (
        subprocess.run(
            [sys.executable, "-c", code, mode], capture_output=True, check=True, cwd=tmp_path
        ).stdout
        for mode in ("on", "off")
    )
    assert on.startswith(b"%PDF") and on == off


def test_rendering_one_handout_imports_no_pypdf_or_cryptography(tmp_path: Path) -> None:
    """A cold `psoaspdf render` lays out and writes one PDF: its check of the written file reads
    the page count without pypdf, whose import (with cryptography) was most of a cold start."""
    code = (
        "import sys\nfrom psoaspdf.cli import main\ntry:\n    main(['render', 'neck-pain', '-o', 'n.pdf'])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pypdf', 'cryptography'}), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF-")
