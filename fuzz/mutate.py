"""Hypothesis strategies for fuzz inputs: arbitrary bytes, and seed files mutated YAML-aware.

Used by the hypothesis engine of ``python -m fuzz`` and by tests/test_properties.py, so the
normal test suite and a long fuzzing run mutate inputs the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

# Pieces that mean something to YAML, to our validator or to ReportLab's paragraph markup.
TOKENS: tuple[bytes, ...] = (
    b"&a ",
    b"*a",
    b"!!python/object/apply:os.system ",
    b"!!str ",
    b"!!binary ",
    b"!custom ",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"? ",
    b", ",
    b"\t",
    b"\n",
    b"\r",
    b"#",
    b"'",
    b'"',
    b"|\n",
    b">-\n",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n",
    b"<<: ",
    b"~",
    b"null",
    b"",
    b"yes",
    b"NO",
    b"12:30",
    b"0x1F",
    b"1e9",
    b".inf",
    b"-.nan",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\\0",
    b"\\x07",
    b"\\uD800",
    b"\\U0010FFFF",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\xe2\x80\xae",
    b"[" * 60,
    b"{a: " * 60,
    b"- " * 60,
    b"<img src='/etc/passwd'/>",
    b"<a href='javascript:alert(1)'>x</a>",
    b"<b>",
    b"</para>",
    b"&amp;",
    b"&#0;",
    b"**",
    b"*",
    b"..",
    b"../../../../etc/passwd",
    b"/etc/passwd",
    b"/dev/zero",
    b"https://",
    b"http://",
    b"file:///etc/passwd",
    b"9" * 30,
    b"-1",
    b"0",
    b"2026-02-30",
    b"9999-12-31",
    b"#000000",
    b"#FFFFFF",
    b"a" * 5000,
    "\u6f22\u5b57 \U0001f600 \u05d0 \u0301".encode(),
)

MUTATIONS = (
    "delete",
    "insert",
    "replace",
    "token",
    "flip",
    "truncate",
    "line-dup",
    "line-drop",
    "line-swap",
    "indent",
)


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes]) -> bytes:
    """One of ``seeds`` after one to eight random edits (bytes, tokens and whole lines)."""
    data = bytearray(draw(st.sampled_from(list(seeds))))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(MUTATIONS))
        size = len(data)
        at = draw(st.integers(0, size))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "replace" and size:
            data[min(at, size - 1)] = draw(st.integers(0, 255))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "flip" and size:
            data[min(at, size - 1)] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op.startswith(("line", "indent")):
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "line-dup":
                lines.insert(j, lines[i])
            elif op == "line-drop":
                del lines[i]
            elif op == "line-swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                shift = draw(st.integers(-4, 4))
                lines[i] = b" " * shift + lines[i] if shift >= 0 else lines[i][-shift:]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def fuzz_inputs(seeds: Sequence[bytes], max_size: int = 4096) -> st.SearchStrategy[bytes]:
    """Mostly mutated seeds (they reach deep into the validator), sometimes raw bytes."""
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), st.binary(max_size=max_size))
