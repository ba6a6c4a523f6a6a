"""The regular expressions of the block path (``blocks.py``) and the helpers
that read their groups as the tokenizer reads the same text."""

from __future__ import annotations

import re

from .model import BTRANS, RTRANS, TRANS
from .tokenizer import tokenize_line

__all__ = ["BLOCK", "KINDS", "ROW_PATTERNS", "object_list", "rows_pattern", "short_ore", "unquoted"]

# The patterns are written for Python's backtracking engine: alternatives
# that exclude each other are atomic (``(?>...)``) and runs are possessive
# (``*+``, ``++``), so that nothing is saved to try again; an optional part is
# ``(?:X|)`` rather than ``(?:X)?``, which re compiles into a repeat that
# saves every group position so far.
#
# The content of a quoted string: a '"' only after a backslash (``\"`` is an
# escaped quote), and never a backslash just before the closing quote (that
# quote would be escaped). No tab (a warning) and no line end.
_CONTENT = r'[^"\\\t\n]*+(?:\\++(?:"|[^"\\\t\n])[^"\\\t\n]*+)*+'
# A text field: quoted, or a bare word without quote, brace or blank.
_FIELD = rf'(?>"{_CONTENT}"|[^\s"{{}}]++)'
# A row's text: its content when quoted without backslash (the common case,
# one group), else the field as written (the other group).
_TEXT = rf'(?>"([^"\\\t\n]*+)"|({_FIELD}))'
# One dimension-object pair of an object list.
_PAIR = r'(?>[0-9]++|"[0-9]++")[ \t]++(?>"[^"\\{}\t\n]*+"|[^\s"{}\\]++)'
_DATE = r'(?>""|([0-9]{8}))'
_END = r"[ \t\r\x1a]*+\n"  # what the careful path strips from a line's end
# A row, as one whole line after its indentation (see rows_pattern).
# Groups: kind, account (a bare word: one that is not a number gives the
# careful path's warning, see _general_rows), object list content, amount
# with two decimals, any other amount, date, text (two groups, see _TEXT),
# quantity, sign. At most 16 integer digits: a longer amount is checked
# against the store's bound by the careful path.
ROW = (
    r'#(TRANS|RTRANS|BTRANS)[ \t]++([^\s"{}\\]++)[ \t]++'
    rf"\{{[ \t]*+((?:{_PAIR})(?:[ \t]++{_PAIR})*+|)[ \t]*+\}}[ \t]++"
    r"(?>(-?[0-9]{1,16}\.[0-9]{2})|(-?[0-9]{1,16}(?:\.[0-9]|)))"
    rf'(?:[ \t]++{_DATE}(?:[ \t]++{_TEXT}(?:[ \t]++(?>""|(-?[0-9]++(?:\.[0-9]++|)))(?:[ \t]++({_FIELD})|)|)|)|)'
    rf"{_END}"
)
# A whole block: the #VER line (series, number, date, text, registration
# date, sign), "{", the row lines (group 7; each must then match ROW) up to
# the first line that starts with "}", and that line.
BLOCK = re.compile(
    rf"#VER[ \t]++({_FIELD})[ \t]++({_FIELD})[ \t]++([0-9]{{8}})"
    rf"(?:[ \t]++({_FIELD})(?:[ \t]++{_DATE}(?:[ \t]++({_FIELD})|)|)|){_END}"
    rf"[ \t]*+\{{{_END}"
    rf"((?:[ \t]*+#[RB]?TRANS[ \t][^\n]*+\n)*+)[ \t]*+\}}{_END}"
)
assert BLOCK.groups == 7
KINDS = {"TRANS": TRANS, "RTRANS": RTRANS, "BTRANS": BTRANS}


def unquoted(value: str) -> str:
    """A ``_FIELD`` as the tokenizer reads it."""
    if value[:1] != '"':
        return value
    value = value[1:-1]
    return value.replace('\\"', '"') if "\\" in value else value


def rows_pattern(indent: str) -> re.Pattern[str] | None:
    """The pattern of a block's rows, each a whole line that starts with
    ``indent`` (most exporters indent every row alike; a row indented
    otherwise does not match). The indentation is a literal prefix, which
    lets findall skip to the next row at once. One pattern per indentation
    met is compiled and kept, up to a bound: past it (a file indented in
    ever new ways) None, and the careful path reads the block."""
    pattern = ROW_PATTERNS.get(indent)
    if pattern is None and len(ROW_PATTERNS) < _MAX_ROW_PATTERNS:
        pattern = ROW_PATTERNS[indent] = re.compile("^" + re.escape(indent) + ROW, re.MULTILINE)
        assert pattern.groups == 10
    return pattern


ROW_PATTERNS: dict[str, re.Pattern[str]] = {}
_MAX_ROW_PATTERNS = 64
rows_pattern("")


def short_ore(amount: str) -> int:
    """An amount with one decimal or none (matched by ``ROW``) in öre."""
    return int(amount.replace(".", "")) * 10 if "." in amount else int(amount) * 100


def object_list(content: str) -> tuple[tuple[str, str], ...]:
    """An object list's content (matched by ``ROW``) as the tokenizer reads it."""
    objects = tokenize_line("#X {" + content + "}").fields[0]
    assert isinstance(objects, tuple)
    return objects
