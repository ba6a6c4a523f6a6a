"""Split one SIE record line into its label and fields (FORMAT.md §4).

A field is one of

* a **bare word**: a run of characters up to the next space or tab; a
  backslash or ``"`` inside it is literal (``1820\\A012``, ``Leverant"rsskulder``);
* a **quoted string** ``"..."``: ``\\"`` stands for ``"``, and that is the only
  escape, so a backslash not followed by ``"`` is literal. A ``"`` that is not
  followed by a space, a tab or the end of the line (or ``}`` inside an object
  list) does not close the string; it is kept as a character with a warning
  (SoftOne XE writes ö as ``"``: ``"F"rutbetalda hyreskostnad"``). A string
  that is not closed runs to the end of the line, with a warning;
* an **object list** ``{dim obj dim obj ...}`` of bare or quoted tokens,
  returned as a tuple of ``(dimension, object)`` string pairs. An odd number
  of tokens is an error; a list that is not closed runs to the end of the
  line, with a warning.

Spaces and tabs, one or more, separate fields; whitespace around the record
is ignored. The label (``#TRANS``) is returned as written.

The tokenizer is per line and does no per-character regular-expression work.
Three paths give the same result (a test checks this on every corpus line):

1. a line without ``"`` and ``{`` is cut with ``str.split``;
2. a line whose quoted strings and object lists are well-formed (one
   ``re.fullmatch`` decides) is cut by splitting on ``"`` (``_simple``);
3. anything else (escapes, quotes inside words, unclosed strings or lists)
   goes through the careful scanner ``_scan``, which also gives the warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from .errors import SieError, SieMessage, where

ObjectList = tuple[tuple[str, str], ...]
Field = Union[str, ObjectList]

_EMPTY_LIST: ObjectList = ()
_LIST_BARE = re.compile(r"[^ \t}]+")
_SEPARATORS = " \t"
# One token with the separators before it, in the common well-formed shapes:
# a bare word, a quoted string without backslash or inner quote that ends at a
# separator or the end of the line, or an object list without quotes. Anything
# else is left to the careful scanner (_read_quoted, _read_object_list).
_FAST_TOKEN = re.compile(
    r'[ \t]*(?:(?P<b>[^ \t"{][^ \t]*)|"(?P<q>[^"\\]*)"(?=[ \t]|$)|\{(?P<l>[^"{}]*)\})'
)
# A "simple" line is a label and fields separated by spaces or tabs, where
# every field is a bare word without quote, brace or exotic whitespace, a
# quoted string without backslash or inner quote, or an object list of such
# words and strings. Such a line can be cut with str.split alone (see
# _simple); anything else goes to the careful scanner (_scan).
_SIMPLE_ATOM = r'(?:[^\s"{}]+|"[^"\\]*")'
_SIMPLE_LIST = rf"\{{[ \t]*(?:{_SIMPLE_ATOM}(?:[ \t]+{_SIMPLE_ATOM})*[ \t]*)?\}}"
_SIMPLE_FIELD = rf"(?:{_SIMPLE_ATOM}|{_SIMPLE_LIST})"
_SIMPLE_LINE = re.compile(rf"{_SIMPLE_FIELD}(?:[ \t]+{_SIMPLE_FIELD})*")


@dataclass(slots=True)
class SieLine:
    """One tokenized record.

    ``fields`` excludes the label. ``quoted`` holds the indexes (into
    ``fields``) of the fields that were written as quoted strings, which lets
    the reader tell ``Bolaget AB`` (two bare words) from ``"Bolaget AB"``.
    ``warnings`` are the tolerated irregularities found on the line.
    """

    label: str
    fields: list[Field]
    quoted: tuple[int, ...] = ()
    warnings: list[SieMessage] = field(default_factory=list)


def tokenize_line(text: str, line: int = 0) -> SieLine:
    """Tokenize one record line; ``line`` is only used in messages.

    An empty (or all-blank) line gives label ``""`` and no fields. The first
    token is the label whatever it looks like; the reader decides whether it
    is a valid ``#LABEL``.
    """
    s = text.strip(" \t\r\n")
    if '"' not in s and "{" not in s:
        parts = s.replace("\t", " ").split(" ")
        if "" in parts:
            parts = [p for p in parts if p]
        if not parts:
            return SieLine("", [])
        return SieLine(parts[0], parts[1:])  # type: ignore[arg-type]
    if _SIMPLE_LINE.fullmatch(s) is not None:
        return _simple(s, line)
    return _scan(s, line)


def _simple(s: str, line: int) -> SieLine:
    """Tokenize a line known to match ``_SIMPLE_LINE`` (the common case).

    Splitting on ``"`` alternates unquoted stretches (even indexes) and the
    contents of quoted strings (odd indexes). Unquoted stretches hold bare
    words and object lists, cut with ``str.split``; an object list whose
    tokens are quoted continues over the following pieces up to the ``}``
    in an unquoted stretch (a quoted token may itself contain ``}``).
    """
    tokens: list[Field] = []
    quoted: list[int] = []
    parts = s.split('"')
    k = 0
    while k < len(parts):
        segment = parts[k]
        if k & 1:
            quoted.append(len(tokens))
            tokens.append(segment)
            k += 1
            continue
        pos = 0
        while True:
            start = segment.find("{", pos)
            if start < 0:
                tokens.extend(segment[pos:].split())
                break
            tokens.extend(segment[pos:start].split())
            end = segment.find("}", start)
            if end >= 0:
                items = segment[start + 1 : end].split()
            else:
                items = segment[start + 1 :].split()
                while True:  # quoted tokens inside the list
                    items.append(parts[k + 1])
                    k += 2
                    segment = parts[k]
                    end = segment.find("}")
                    if end >= 0:
                        items.extend(segment[:end].split())
                        break
                    items.extend(segment.split())
            tokens.append(_pairs(items, line) if items else _EMPTY_LIST)
            pos = end + 1
        k += 1
    if not tokens or not isinstance(tokens[0], str) or 0 in quoted:
        return _scan(s, line)  # no plain label first: let the scanner decide
    return SieLine(tokens[0], tokens[1:], tuple(q - 1 for q in quoted))


def _scan(s: str, line: int) -> SieLine:
    """Tokenize any line, character-exactly per FORMAT.md §4, with warnings."""
    s = s.strip(" \t\r\n")
    tokens: list[Field] = []
    quoted: list[int] = []
    warnings: list[SieMessage] = []
    n = len(s)
    i = 0
    fast = _FAST_TOKEN.match
    while i < n:
        m = fast(s, i)
        if m is not None:
            kind = m.lastgroup
            if kind == "b":
                tokens.append(m.group("b"))
            elif kind == "q":
                quoted.append(len(tokens))
                tokens.append(m.group("q"))
            else:  # "l": an object list without quotes inside
                content = m.group("l").replace("\t", " ").split(" ")
                items = [t for t in content if t]
                tokens.append(_pairs(items, line) if items else _EMPTY_LIST)
            i = m.end()
            continue
        # The careful path: escapes, quotes inside words or lists, unclosed
        # strings and lists.
        while s[i] == " " or s[i] == "\t":
            i += 1
        if s[i] == '"':
            value, i = _read_quoted(s, i + 1, False, line, warnings)
            quoted.append(len(tokens))
            tokens.append(value)
        else:  # "{"
            value_list, i = _read_object_list(s, i + 1, line, warnings)
            tokens.append(value_list)
    if not tokens:
        return SieLine("", [])
    label = tokens[0]
    if not isinstance(label, str):
        label = ""
    # Indexes in ``quoted`` count the label; shift them to index ``fields``.
    return SieLine(
        label,
        tokens[1:],
        tuple(q - 1 for q in quoted if q > 0),
        warnings,
    )


def _read_quoted(
    s: str, i: int, in_list: bool, line: int, warnings: list[SieMessage]
) -> tuple[str, int]:
    """Read a quoted string whose content starts at ``i``.

    Returns the unescaped content and the index just after the closing quote
    (or ``len(s)`` when the string is not closed).
    """
    n = len(s)
    parts: list[str] = []
    start = i
    while True:
        j = s.find('"', i)
        if j < 0:
            parts.append(s[start:])
            warnings.append(
                SieMessage(
                    line,
                    "unterminated_quote",
                    f"{where(line)}en text inom citattecken avslutas inte; "
                    "den har lästs till radens slut.",
                )
            )
            return "".join(parts), n
        if j > start and s[j - 1] == "\\":
            parts.append(s[start : j - 1])
            parts.append('"')
            start = i = j + 1
            continue
        after = j + 1
        if after >= n or s[after] in _SEPARATORS or (in_list and s[after] == "}"):
            parts.append(s[start:j])
            return "".join(parts), after
        # A quote in the middle of a word: keep it as a character.
        warnings.append(
            SieMessage(
                line,
                "stray_quote",
                f"{where(line)}ett citattecken mitt i en text har lästs som ett "
                "vanligt tecken. Kontrollera texten.",
            )
        )
        i = after


def _read_object_list(
    s: str, i: int, line: int, warnings: list[SieMessage]
) -> tuple[ObjectList, int]:
    """Read an object list whose content starts at ``i`` (after ``{``)."""
    n = len(s)
    items: list[str] = []
    while True:
        while i < n and s[i] in _SEPARATORS:
            i += 1
        if i >= n:
            warnings.append(
                SieMessage(
                    line,
                    "unterminated_object_list",
                    f"{where(line)}objektlistan saknar avslutande \"}}\"; "
                    "den har lästs till radens slut.",
                )
            )
            break
        c = s[i]
        if c == "}":
            i += 1
            break
        if c == '"':
            value, i = _read_quoted(s, i + 1, True, line, warnings)
        else:
            m = _LIST_BARE.match(s, i)
            assert m is not None
            value = m.group()
            i = m.end()
        items.append(value)
    return (_pairs(items, line) if items else _EMPTY_LIST), i


def _pairs(items: list[str], line: int) -> ObjectList:
    if len(items) % 2:
        raise SieError(
            line,
            "odd_object_list",
            f"{where(line)}objektlistan {{{' '.join(items)}}} har ett udda antal "
            "värden; den ska bestå av par av dimension och objekt, "
            'till exempel {1 "100"}.',
        )
    it = iter(items)
    return tuple(zip(it, it))
