"""Errors and exit codes shared by every stage; no Click and no ReportLab here."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@enum.unique
class ExitCode(enum.IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    INVALID_INPUT = 1  # a handout, layout or image the user gave is wrong
    USAGE = 2  # the command line itself is wrong (Click's own code)
    INTERNAL = 3  # a bug in psoaspdf: please report it
    CANNOT_WRITE = 4  # the output could not be written (permissions, disk full)
    SOME_FAILED = 5  # a batch run finished, but some of its items failed (see its report)
    INTERRUPTED = 130  # stopped with Ctrl-C (128 + SIGINT, as shells report it); nothing was written


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, pointing at where it is."""

    path: str
    line: int | None
    col: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        prefix = f"{where}: "
        if self.field:
            prefix += f"{self.field}: "
        return prefix + self.message


class PsoasError(Exception):
    """Base class for every error psoaspdf reports to a user."""

    exit_code: ExitCode = ExitCode.INTERNAL


class InvalidInput(PsoasError):
    """One or more problems in the user's files; every problem is listed."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(PsoasError):
    """A handout or layout named on the command line does not exist."""

    exit_code = ExitCode.INVALID_INPUT


class FileExists(PsoasError):
    """The file to write exists and replacing it was not asked for."""

    exit_code = ExitCode.USAGE


class CannotWrite(PsoasError):
    """The output file could not be written; nothing at the path was changed."""

    exit_code = ExitCode.CANNOT_WRITE
