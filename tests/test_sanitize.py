"""Tests of certpath.sanitize: terminal text and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certpath.sanitize import is_formula, spreadsheet_csv, terminal_text


@given(st.text())
def test_terminal_text_leaves_no_control_character(text: str) -> None:
    shown = terminal_text(text)
    for char in shown:
        code = ord(char)
        assert char in "\n\t" or not (code < 0x20 or 0x7F <= code <= 0x9F), repr(shown)
        assert not 0x202A <= code <= 0x202E and not 0x2066 <= code <= 0x2069
    assert "\n" not in terminal_text(text, one_line=True)


@pytest.mark.parametrize("text", ["Product Owner", "Gestion du backlog", "日本語", "a\tb\nc", ""])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert terminal_text(text) == text


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=6))
def test_spreadsheet_csv_only_marks_formulas(rows: list[list[str]]) -> None:
    rows = [["a", "b"], *rows]
    data = _csv(rows)
    safe = list(csv.reader(io.StringIO(spreadsheet_csv(data).decode(), newline="")))
    expected = [rows[0]] + [[("'" + c) if is_formula(c) else c for c in row] for row in rows[1:]]
    normalized = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in expected]
    assert [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in safe] == normalized
    if not any(is_formula(c) for row in rows[1:] for c in row):
        assert spreadsheet_csv(data) == data
