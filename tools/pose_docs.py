"""The pictures and tables in docs/poses.md, drawn from the installed psoaspdf (a developer tool).

``python -m tools.pose_docs --docs`` (from the repository) refreshes docs/poses.md and redraws
docs/poses/*.png; a test fails while they are stale.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import re
from collections.abc import Sequence
from pathlib import Path

from psoaspdf import model
from psoaspdf.pose import BASES, joint_range
from psoaspdf.render.figure import figure_file

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "poses.md"
PICTURES = ROOT / "docs" / "poses"
DOC_SIZE = (240.0, 170.0)  # points; drawn at DOC_DPI
DOC_DPI = 120.0
HIGHLIGHT_POSES: dict[model.Muscle, model.Pose] = {
    "iliopsoas": model.Pose(
        base="half-kneeling", joints=model.Joints(left_hip=-10), highlight=("iliopsoas",)
    ),
    "glutes": model.Pose(base="standing", highlight=("glutes",)),
    "abdominals": model.Pose(base="standing", highlight=("abdominals",)),
    "hamstrings": model.Pose(base="standing", highlight=("hamstrings",)),
    "lower-back": model.Pose(base="standing", highlight=("lower-back",)),
    "quadriceps": model.Pose(base="standing", highlight=("quadriceps",)),
    "calf": model.Pose(base="standing", highlight=("calf",)),
    "neck": model.Pose(base="sitting", highlight=("neck",)),
    "upper-back": model.Pose(base="sitting", highlight=("upper-back",)),
    "shoulder": model.Pose(base="sitting", highlight=("shoulder",)),
}
_EXAMPLE = re.compile(r"!\[[^\]]*\]\(poses/([\w.-]+\.png)\)\s*```yaml\n(.*?)```", re.S)
_GENERATED = re.compile(r"(<!-- poses:(\w+) -->\n).*?(<!-- /poses -->)", re.S)


def doc_examples(text: str) -> list[tuple[str, str]]:
    """(picture file name, YAML) for every YAML block in poses.md right after a picture."""
    return [(m.group(1), m.group(2)) for m in _EXAMPLE.finditer(text)]


def example_pose(yaml_text: str, where: str = str(DOCS)) -> model.Pose:
    """The pose in an example ``illustration:`` snippet, validated as a handout's would be."""
    from psoaspdf.validate import from_node
    from psoaspdf.yamlsrc import load_text

    node = load_text(yaml_text, where)
    illustration = from_node(node, _IllustrationSnippet, where, DOCS.parent).illustration
    if illustration.pose is None:
        raise ValueError(f"{where}: the example has no pose")
    return illustration.pose


@dataclasses.dataclass(frozen=True, kw_only=True)
class _IllustrationSnippet:
    """An example as written in the docs: just the ``illustration:`` key of an exercise."""

    illustration: model.Illustration = model.spec("The illustration.")


def doc_pictures() -> dict[str, model.Pose]:
    """Every picture in docs/poses/: each base position, each highlight, each example."""
    pictures: dict[str, model.Pose] = {f"base-{b}.png": model.Pose(base=b) for b in BASES}
    pictures.update({f"highlight-{m}.png": pose for m, pose in HIGHLIGHT_POSES.items()})
    for name, body in doc_examples(DOCS.read_text(encoding="utf-8")):
        pictures[name] = example_pose(body)
    return pictures


def _number(value: float) -> str:
    return f"{value:g}"


def joints_markdown() -> str:
    """The table of joints, their meaning and ranges, from the model."""
    rows = ["| joint | what a larger number means | range |", "|---|---|---|"]
    for f in dataclasses.fields(model.Joints):
        low, high = joint_range(f.name)
        rows.append(f"| `{f.name}` | {f.metadata['doc']} | {_number(low)} to {_number(high)} |")
    return "\n".join(rows) + "\n"


def bases_markdown() -> str:
    """The table of base positions with their pictures and angles, from the base tables."""
    rows = ["| base | picture | angles (others are 0) |", "|---|---|---|"]
    for name, base in BASES.items():
        angles = ", ".join(f"{j}\u00a0{_number(v)}" for j, v in base.angles.items() if v) or "all 0"
        picture = f'<img src="poses/base-{name}.png" width="220" alt="{base.doc}">'
        rows.append(f"| `{name}`<br>{base.doc} | {picture} | {angles} |")
    return "\n".join(rows) + "\n"


def refreshed_docs(text: str) -> str:
    """poses.md with its generated tables brought up to date."""
    tables = {"joints": joints_markdown, "bases": bases_markdown}
    return _GENERATED.sub(lambda m: m.group(1) + "\n" + tables[m.group(2)]() + "\n" + m.group(3), text)


def _small_png(png: bytes) -> bytes:
    """Line art needs few colours: a palette PNG is a fraction of the size."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.convert("RGB").quantize(colors=48).save(out, format="PNG", optimize=True)
        return out.getvalue()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.pose_docs", description=__doc__)
    parser.add_argument(
        "--docs", action="store_true", help="refresh docs/poses.md and redraw docs/poses/*.png"
    )
    args = parser.parse_args(argv)
    if not args.docs:
        parser.print_help()
        return
    DOCS.write_text(refreshed_docs(DOCS.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"refreshed {DOCS.relative_to(ROOT)}")
    PICTURES.mkdir(exist_ok=True)
    for name, pose in doc_pictures().items():
        png = figure_file(pose, "png", *DOC_SIZE, dpi=DOC_DPI)
        (PICTURES / name).write_bytes(_small_png(png))
        print(f"wrote {(PICTURES / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
