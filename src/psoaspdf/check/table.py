"""The reports as plain text for a terminal."""

from __future__ import annotations

from .readability import MIN_GRADED_WORDS, dale_chall_band, inflesz_band
from .report import Report

_MARK = {True: "[x]", False: "[ ]", None: "[-]"}


def table(reports: list[Report]) -> str:
    """The reports as plain text for a terminal: grades, PEMAT-P items, then the findings."""
    out: list[str] = []
    for r in reports:
        out.append(f"{r.file}  ({r.handout_id}, {r.kind + ', ' if r.kind != 'handout' else ''}{r.language})")
        if r.target_ease is not None:
            out += _ease_table(r)
        else:
            out += _grade_table(r)
        if r.kind == "program":
            out.append("  PEMAT-P: not rated for a program sheet (check the handouts it draws on)")
        else:
            parts = []
            for domain in ("understandability", "actionability"):
                met, judged = r.pemat_score(domain)
                parts.append(f"{domain} {met} of {judged}")
            out.append(
                f"  PEMAT-P items psoaspdf can judge: {', '.join(parts)} met"
                " (the others need a person: --worksheet)"
            )
            for p in r.pemat:
                if p.number is not None:
                    note = f" - {p.note}" if p.note else ""
                    out.append(f"    {_MARK[p.met]} {p.number:>2}. {p.item}{note}")
            out.append("  psoaspdf's own items (not PEMAT-P):")
            for p in r.pemat:
                if p.number is None:
                    note = f" - {p.note}" if p.note else ""
                    out.append(f"    {_MARK[p.met]} {p.item}{note}")
        out.append(
            f"  Layout: {r.layout.name}: body {r.layout.body_size:g} pt,"
            f" lowest text contrast {r.layout.lowest_contrast:.1f}:1"
        )
        for li in r.layout.items:
            out.append(f"    {_MARK[li.met]} {li.item}{f' - {li.note}' if li.note else ''}")
        counts = ", ".join(
            f"{r.count(s)} {s}{'s' if r.count(s) != 1 else ''}" for s in ("error", "warning", "info")
        )
        out.append(f"  Findings: {counts}")
        for f in r.findings:
            out.append(f"    {f.severity:<7} {f}")
        out.append("")
    return "\n".join(out).rstrip("\n")


def _grade_table(r: Report) -> list[str]:
    out = [
        f"  Reading grade (target: {r.target_grade:g} or lower)",
        f"    {'section':<14} {'FK grade':>8} {'SMOG':>6} {'Dale-Chall':>11} {'sentences':>10} {'words':>6}",
    ]
    for s in (*r.sections, r.overall):
        flag = ""
        if s.section != "overall" and s.too_hard(r.target_grade):
            flag = " !" if s.words >= MIN_GRADED_WORDS else " (too short to judge)"
        out.append(
            f"    {s.section:<14} {s.fk_grade or 0:>8.1f} {s.smog or 0:>6.1f} {s.dale_chall or 0:>11.1f}"
            f" {s.sentences:>10} {s.words:>6}{flag}"
        )
    if r.overall.dale_chall is not None:
        band = dale_chall_band(r.overall.dale_chall)
        out.append(f"    Dale-Chall (unfamiliar words): {r.overall.dale_chall:g} overall, {band}")
    return out


def _ease_table(r: Report) -> list[str]:
    out = [
        f"  Reading ease, Fernández-Huerta (target: {r.target_ease:g} or more, for grade {r.target_grade:g});"
        " INFLESZ for comparison",
        f"    {'section':<14} {'F-Huerta':>8} {'INFLESZ':>8} {'':<15} {'sentences':>10} {'words':>6}",
    ]
    for s in (*r.sections, r.overall):
        flag = ""
        if s.section != "overall" and s.too_hard(r.target_grade):
            flag = " !" if s.words >= MIN_GRADED_WORDS else " (too short to judge)"
        ease, inflesz = s.fernandez_huerta or 0.0, s.inflesz or 0.0
        out.append(
            f"    {s.section:<14} {ease:>8.1f} {inflesz:>8.1f} {inflesz_band(inflesz):<15}"
            f" {s.sentences:>10} {s.words:>6}{flag}"
        )
    return out
