"""The psoaspdf command line: parse options, call psoaspdf.api, map errors to exit codes."""

from __future__ import annotations

import os
import typing
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from . import __version__, api, model
from .errors import ExitCode, InvalidInput, PsoasError

F = TypeVar("F", bound=Callable[..., Any])


def choice(vocabulary: Any) -> click.Choice[str]:
    """A Click choice from one of the model's fixed vocabularies (a Literal), declared once there."""
    return click.Choice(typing.get_args(vocabulary), case_sensitive=False)


PAPERS = choice(model.Paper)


def root_option(command: F) -> F:
    """--root: the library root that bounds what files may name (see docs/library.md)."""
    return click.option(
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar="PSOASPDF_ROOT",
        help="Library root: files may name files anywhere under it, nothing outside "
        "(default: the nearest folder up with a psoaspdf.toml, else the current folder).",
    )(command)


def copy_options(command: F) -> F:
    """What one printed copy looks like and whom it is for: paper, patient, clinician, date,
    note, large print or ink saving (render and program)."""
    options = [
        click.option("--paper", type=PAPERS, help="Paper size, overriding the layout's."),
        click.option(
            "--patient", help="Patient's name, printed on the page only (never stored in metadata)."
        ),
        click.option("--clinician", help="Clinician's name, printed on the page."),
        click.option(
            "--date", "date_", metavar="DATE", help="Date printed on the page, as you want it shown."
        ),
        click.option("--note", help="A note for the patient, printed on the page only."),
        click.option(
            "--large-print", "profile", flag_value="large-print", help="Body text at 18 pt or more."
        ),
        click.option(
            "--ink-saving",
            "profile",
            flag_value="ink-saving",
            help="Black and grey line work, no filled bands.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class Failed(click.ClickException):
    """A user's mistake or a write that failed, shown the way Click shows its own errors."""

    def __init__(self, error: PsoasError) -> None:
        super().__init__(str(error))
        self.error = error

    @property
    def exit_code(self) -> int:  # the error's own code, not Click's default 1
        return int(self.error.exit_code)

    @exit_code.setter
    def exit_code(self, value: int) -> None:
        raise AttributeError("the exit code is the error's")

    def show(self, file: IO[Any] | None = None) -> None:
        if isinstance(self.error, InvalidInput):
            for problem in self.error.problems:
                click.echo(f"error: {problem}", err=True)
            count = len(self.error.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
        else:
            click.echo(f"error: {self.error}", err=True)


class PsoasGroup(click.Group):
    """Turns our errors into messages and exit codes; a real bug still says so plainly."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PsoasError as error:
            raise Failed(error) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (`psoaspdf exercises | head`): not a bug
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # so the interpreter's last flush at exit does not fail again
            ctx.exit(ExitCode.OK)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was written.", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception as error:  # a bug: say so, point at the issue tracker, no traceback
            click.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in psoaspdf. Run again with PSOASPDF_DEBUG=1 for details and report it.",
                err=True,
            )
            if os.environ.get("PSOASPDF_DEBUG"):
                raise
            ctx.exit(ExitCode.INTERNAL)


@click.group(cls=PsoasGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="psoaspdf")
def main() -> None:
    """Printable, clinic-branded patient handouts from plain YAML.

    \b
    Example:
      psoaspdf render iliopsoas-back-pain -l riverbend --patient "Ana Diaz"
    """


@main.command()
@click.argument("handout")
@click.option("-l", "--layout", help="Layout file or built-in layout id (default: built-in layout).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: <handout id>.pdf, or .html with --format html).",
)
@click.option(
    "--format",
    "fmt",
    type=choice(model.Format),
    default="pdf",
    show_default=True,
    help="PDF to print, or the accessible HTML twin: one self-contained page for screen readers.",
)
@copy_options
@click.option("--no-chart", is_flag=True, help="Leave out the 7-day tick chart.")
@click.option("--no-sources", is_flag=True, help="Leave out the list of sources (the disclaimer stays).")
@root_option
def render(
    handout: str,
    layout: str | None,
    output: Path | None,
    paper: model.Paper | None,
    patient: str | None,
    clinician: str | None,
    date_: str | None,
    profile: model.Profile | None,
    fmt: model.Format,
    no_chart: bool,
    no_sources: bool,
    note: str | None,
    root: Path | None,
) -> None:
    """Render HANDOUT (a YAML file or a built-in handout id) to a PDF or an HTML page.

    \b
    Examples:
      psoaspdf render iliopsoas-back-pain
      psoaspdf render my-handout.yaml -l riverbend -o out.pdf --paper a4
      psoaspdf render iliopsoas-back-pain --format html
    """
    personal = model.Personal(patient=patient, clinician=clinician, date=date_, note=note)
    leave_out: list[model.OptionalPart] = []
    if no_chart:
        leave_out.append("chart")
    if no_sources:
        leave_out.append("sources")
    written = api.render_to_file(handout, output, layout, paper, personal, profile, fmt, root, leave_out)
    click.echo(f"wrote {written}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table to read, or JSON for other programs.",
)
@root_option
def exercises(paths: tuple[Path, ...], fmt: str, root: Path | None) -> None:
    """List the exercise library: every exercise of the handouts in PATHS (files or folders), or of
    the library (your handouts/ folder, then the built-in handouts) when none are given.

    Each has an id, <handout id>/<exercise id>, to name it in a program.

    \b
    Examples:
      psoaspdf exercises
      psoaspdf exercises my-handouts/ --format json
    """
    import json

    rows, problems = api.list_exercises(list(paths), root)
    for problem in problems:
        click.echo(f"warning: skipped: {problem}", err=True)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    columns = [
        ("id", "ID"),
        ("title", "TITLE"),
        ("handout_title", "HANDOUT"),
        ("region", "REGION"),
        ("figure", "FIGURE"),
    ]
    widths = {key: max([len(head), *(len(r[key]) for r in rows)]) for key, head in columns}
    click.echo("  ".join(head.ljust(widths[key]) for key, head in columns).rstrip())
    for row in rows:
        click.echo("  ".join(row[key].ljust(widths[key]) for key, _ in columns).rstrip())


@main.command()
@click.argument("exercise", nargs=-1, required=True)
@click.option(
    "-l", "--layout", help="Layout file or built-in layout id (default: the program file's, else built in)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: <program file name>.pdf, or program.pdf; .html with --format html).",
)
@click.option(
    "--format",
    "fmt",
    type=choice(model.Format),
    default="pdf",
    show_default=True,
    help="PDF to print, or the accessible HTML twin.",
)
@copy_options
@root_option
def program(
    exercise: tuple[str, ...],
    layout: str | None,
    output: Path | None,
    fmt: model.Format,
    paper: model.Paper | None,
    patient: str | None,
    clinician: str | None,
    date_: str | None,
    note: str | None,
    profile: model.Profile | None,
    root: Path | None,
) -> None:
    """Print a home-exercise program: the exercises named (ids from 'psoaspdf exercises'), each
    with any dose change after an @, or one program file (or id).

    A dose change is ID@key=value,...: sets=N, reps=N, hold=SECONDS, minutes=N,
    times=N/day or times=N/week, each-side (or each-side=no).

    \b
    Examples:
      psoaspdf program iliopsoas-back-pain/bridge iliopsoas-back-pain/bird-dog --patient "Ana Diaz"
      psoaspdf program iliopsoas-back-pain/bridge@sets=2,reps=10,hold=5,times=2/day
      psoaspdf program back-core-four -l riverbend -o ana.pdf
    """
    personal = model.Personal(patient=patient, clinician=clinician, date=date_, note=note)
    written = api.program_to_file(list(exercise), output, layout, paper, personal, profile, fmt, root)
    click.echo(f"wrote {written}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@root_option
def validate(paths: tuple[Path, ...], root: Path | None) -> None:
    """Check handout, layout, booklet and manifest files (or folders of them); list every problem.

    Prints one line per problem as file:line:col: field: message and exits 0
    only when every file is valid. A booklet or manifest is checked with
    everything it names.

    \b
    Example:
      psoaspdf validate handouts/ layouts/riverbend.yaml
    """
    count, problems = api.validate_paths(list(paths), root)
    if problems:
        raise InvalidInput(problems)
    if count == 0:
        raise click.UsageError("no .yaml files found in the paths given")
    click.echo(f"{count} file{'s' if count != 1 else ''} valid")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-l", "--layout", help="Layout file or built-in layout id (default: built-in layout).")
@click.option(
    "--grade",
    type=click.FloatRange(1, 18),
    default=8,
    show_default=True,
    help="Highest reading grade a section may have (Flesch-Kincaid; for Spanish, the matching Fernández-Huerta score).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Readable table, or JSON for other programs.",
)
@click.option("--strict", is_flag=True, help="Exit with code 1 when there is any warning.")
@click.option(
    "--worksheet",
    type=click.Path(path_type=Path),
    help="Also write a PEMAT-P reviewer worksheet PDF (one handout only).",
)
@click.option("--large-print", "profile", flag_value="large-print", help="Check as printed in large print.")
@click.option(
    "--allow-drafts",
    is_flag=True,
    help="Drafts are expected: a handout with 'status: draft' is noted, not warned about.",
)
@root_option
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    layout: str | None,
    grade: float,
    fmt: typing.Literal["table", "json"],
    strict: bool,
    worksheet: Path | None,
    profile: model.Profile | None,
    allow_drafts: bool,
    root: Path | None,
) -> None:
    """Check handouts and programs for plain language: reading grade, long sentences, medical
    words, PEMAT-P.

    PATHS are handout or program files, folders (the handouts and programs in
    them) or ids. Exits 0 unless one is invalid or cannot be printed, or, with
    --strict, any warning was found (exit code 1). See docs/check.md.

    \b
    Examples:
      psoaspdf check iliopsoas-back-pain
      psoaspdf check handouts/ -l riverbend --grade 6 --strict
      psoaspdf check back-core-four
      psoaspdf check my-handout.yaml --format json > report.json
    """
    reports, problems = api.check_handouts(list(paths), layout, grade, profile, root, allow_drafts)
    if not reports and not problems:
        raise click.UsageError("no handout or program files found in the paths given")
    if worksheet:
        if len(reports) != 1:
            raise click.UsageError("--worksheet needs exactly one handout")
        api.write_worksheet(reports[0], worksheet)
    click.echo(api.check_text(reports, fmt, problems))
    if problems:
        raise InvalidInput(problems)
    if any(r.count("error") for r in reports) or (strict and any(r.count("warning") for r in reports)):
        ctx.exit(ExitCode.INVALID_INPUT)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than this machine's needs a token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0: any free one, printed).",
)
@click.option("-l", "--layout", default="", help="The layout the desk starts with (an id in the library).")
@click.option(
    "--token",
    envvar="PSOASPDF_TOKEN",
    help="A secret every request must carry (16 characters or more); needed for another --host."
    " Better set in PSOASPDF_TOKEN than typed here.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Processes that lay documents out.",
)
@click.option(
    "--queue",
    type=click.IntRange(0, 1000),
    default=4,
    show_default=True,
    help="Requests that may wait for a worker before the desk answers 503.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(1, 600),
    default=20,
    show_default=True,
    help="Seconds one document may take.",
)
@root_option
def serve(
    host: str,
    port: int,
    layout: str,
    token: str | None,
    workers: int,
    queue: int,
    time_limit: float,
    root: Path | None,
) -> None:
    """Start the clinic desk: a web page to find, personalise, preview and print handouts, and
    an HTTP API (described at /docs and /openapi.json). Needs the web extra.

    Nothing personal is stored or logged. Stop it with Ctrl-C.

    \b
    Examples:
      pip install "psoaspdf[web]"
      psoaspdf serve                        # then open http://127.0.0.1:8000/
      PSOASPDF_TOKEN=$(openssl rand -hex 16) psoaspdf serve --host 0.0.0.0
    """
    from .web import serve as run_server

    run_server(host, port, root, layout, token or None, workers, queue, time_limit)


@main.command(name="list")
def list_() -> None:
    """List the built-in handouts, booklets, programs and layouts with their titles.

    \b
    Example:
      psoaspdf list
    """
    listings = api.list_bundled()
    for kind in ("handout", "booklet", "program", "layout"):
        click.echo(f"{kind}s:")
        for item in (x for x in listings if x.kind == kind):
            click.echo(f"  {item.name:<24} {item.title}")


@main.command()
@click.argument("handout")
@click.option("-l", "--layout", help="Layout file or built-in layout id.")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the PNG files.",
)
@click.option("--paper", type=PAPERS, help="Paper size, overriding the layout's.")
@click.option(
    "--dpi", type=click.IntRange(20, 300), default=80, show_default=True, help="Resolution of the pictures."
)
@root_option
def preview(
    handout: str, layout: str | None, output_dir: Path, paper: model.Paper | None, dpi: int, root: Path | None
) -> None:
    """Write a PNG picture of every page of HANDOUT, for a quick look.

    \b
    Example:
      psoaspdf preview iliopsoas-back-pain -o pages/ --dpi 100
    """
    for path in api.preview(handout, output_dir, layout, paper, dpi, root=root):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("items", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="PDF to write (default: <booklet file name>.pdf, or booklet.pdf).",
)
@click.option("-l", "--layout", help="Layout file or built-in id (overrides the booklet file's).")
@click.option("--title", help="Cover title, for a booklet made from ITEMS on the command line.")
@click.option(
    "--language",
    type=click.Choice(["en", "es"]),
    help="Language of the cover and contents, for a booklet made from ITEMS (default: the first"
    " handout's). Each handout keeps its own language's words.",
)
@click.option("--patient", help="Patient's name on the cover (never stored in metadata).")
@click.option("--clinician", help="Clinician's name on the cover.")
@click.option("--date", "date_", metavar="DATE", help="Date on the cover.")
@click.option("--impose", type=choice(model.Imposition), help="Arrange pages on sheets for printing.")
@click.option("--marks", is_flag=True, help="With --impose: add fold and crop marks.")
@root_option
def booklet(
    items: tuple[str, ...],
    output: Path | None,
    layout: str | None,
    title: str | None,
    language: str | None,
    patient: str | None,
    clinician: str | None,
    date_: str | None,
    impose: model.Imposition | None,
    marks: bool,
    root: Path | None,
) -> None:
    """Build a booklet: a cover, contents, handouts and the clinic's own PDFs in one file.

    ITEMS is one booklet file or built-in booklet id (see docs/booklet-format.md),
    or handout files or ids and PDF files, in order.

    \b
    Examples:
      psoaspdf booklet low-back-care -o low-back.pdf
      psoaspdf booklet booklets/knee-care.yaml --impose saddle-stitch --marks
      psoaspdf booklet -l riverbend -o pack.pdf iliopsoas-back-pain welcome.pdf
    """
    if marks and not impose:
        raise click.UsageError("--marks needs --impose")
    personal = (
        model.Personal(patient=patient, clinician=clinician, date=date_)
        if patient or clinician or date_
        else None
    )
    target = api.booklet_to_file(list(items), output, layout, title, personal, impose, marks, root, language)
    click.echo(f"wrote {target}")


@main.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), help="Processes to use (default: every core).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (overrides the manifest's).",
)
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
@click.option("--dry-run", is_flag=True, help="Say what would be built; write nothing.")
@click.option("--paper", type=PAPERS, help="Paper size for every PDF.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where items run.",
)
@click.option(
    "--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a local Dask cluster)."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress output; only problems and the summary.")
@root_option
@click.pass_context
def batch(
    ctx: click.Context,
    manifest: Path,
    jobs: int | None,
    out: Path | None,
    force: bool,
    dry_run: bool,
    paper: model.Paper | None,
    executor: str,
    scheduler: str | None,
    quiet: bool,
    root: Path | None,
) -> None:
    """Build every PDF a manifest names: clinics x handouts and booklets, and patients' copies.

    Only what changed since the last run is rebuilt; an interrupted run picks up where it
    stopped. One bad item never stops the others; the run exits with code 5 if any failed, and
    OUT/report.json lists every item (patients by id only).

    \b
    Example:
      psoaspdf batch examples/clinic-batch/manifest.yaml --out /srv/handouts
    """
    from . import batch as batches
    from .progress import progress_printer

    runner = (
        batches.dask_executor(scheduler)
        if executor == "dask"
        else batches.local_executor(jobs or batches.default_jobs())
    )
    progress = None if quiet else progress_printer()
    summary = api.run_batch(manifest, runner, out, paper, force, dry_run, progress, root)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            # a row's reason already starts with its file:line
            shown = (
                outcome.reason
                if outcome.reason.startswith(outcome.key)
                else f"{outcome.key}: {outcome.reason}"
            )
            click.echo(f"failed: {shown}", err=True)
        elif outcome.status == "would-build":
            click.echo(f"would build: {outcome.key} ({outcome.reason})")
    first = (
        ("would build", summary.count("would-build"))
        if summary.dry_run
        else ("written", summary.count("written"))
    )
    rows = [first, ("up to date", summary.count("skipped")), ("failed", summary.count("failed"))]
    click.echo("\n".join(f"  {label:<11} {count:>7}" for label, count in rows))
    if summary.dry_run:
        click.echo("dry run: nothing was written")
    else:
        rate = summary.count("written") / summary.seconds if summary.seconds else 0.0
        click.echo(f"  {'time':<11} {summary.seconds:>6.1f}s  ({rate:.1f} written per second)")
        click.echo(f"report: {summary.output / batches.REPORT_FILE}")
    if summary.count("failed"):
        ctx.exit(ExitCode.SOME_FAILED)


@main.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File (for a pose) or folder (for a handout) to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    help="Picture format (default: from -o, else png).",
)
@click.option("-l", "--layout", help="Layout whose colours to use.")
@root_option
def illustration(
    source: str, output: Path | None, fmt: str | None, layout: str | None, root: Path | None
) -> None:
    """Draw the figure of a pose file, or every pose figure of a handout, on its own.

    SOURCE is a YAML file holding one pose (base, joints, props, highlight,
    start), or a handout file or built-in handout id. See docs/poses.md.

    \b
    Examples:
      psoaspdf illustration my-pose.yaml -o my-pose.svg
      psoaspdf illustration iliopsoas-back-pain -o figures/ --format png
    """
    for path in api.draw_illustrations(source, output, fmt, layout, root):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("kind", type=click.Choice(["handout", "layout", "booklet", "manifest", "program"]))
def schema(kind: str) -> None:
    """Print the JSON Schema for handout, layout, booklet, manifest or program files (for editors).

    \b
    Example:
      psoaspdf schema handout > handout.schema.json
    """
    import json

    from .schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@main.command()
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: NAME.yaml).",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def new(name: str, output: Path | None, force: bool) -> None:
    """Write a commented starter handout called NAME to fill in.

    \b
    Example:
      psoaspdf new knee-pain
    """
    try:
        target = api.new_handout(name, output, force)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    click.echo(f"wrote {target}; fill it in, then run: psoaspdf validate {target}")
