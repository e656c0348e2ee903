"""One record of a corpus: parsing a JSONL line, and editing one field of it in place.

Editing splices the new value into the original line, so every other byte of the record
(key order, spacing, escapes, other fields) stays as it was.
"""

from __future__ import annotations

import json
import re
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]

#: How much of a bad record is kept in errors.jsonl.
RAW_KEEP = 2000


class BadRecord(Exception):
    """A record that is not a JSON object with a string in the text field."""


def parse(line: bytes, text_field: str) -> tuple[dict[str, Any], str]:
    """The record on ``line`` and its text; :class:`BadRecord` says why it cannot be used."""
    try:
        obj = json.loads(line)
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    except ValueError as exc:
        raise BadRecord(f"invalid JSON: {exc}") from None
    except RecursionError:  # the decoder recurses once per level of nesting
        raise BadRecord("invalid JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise BadRecord(f"not a JSON object but {_json_type(obj)}")
    if text_field not in obj:
        raise BadRecord(f"no field {text_field!r}")
    text = obj[text_field]
    if not isinstance(text, str):
        raise BadRecord(f"field {text_field!r} is {_json_type(text)}, not a string")
    return obj, text


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def raw_excerpt(line: bytes) -> str:
    """The start of a bad line as text, for errors.jsonl."""
    return line[:RAW_KEEP].decode("utf-8", "replace").rstrip("\r\n")


def value_span(s: str, key: str) -> tuple[int, int] | None:
    """Offsets in ``s`` of the JSON value of top-level ``key`` (the last one if repeated)."""
    i = _WS.match(s, 1 if s.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
    if s[i:i + 1] != "{":
        return None
    i += 1
    span = None
    while True:
        i = _WS.match(s, i).end()  # type: ignore[union-attr]
        if s[i:i + 1] == "}":
            return span
        name, i = _scanstring(s, i + 1)
        i = _WS.match(s, i).end()  # type: ignore[union-attr]
        i = _WS.match(s, i + 1).end()  # type: ignore[union-attr]  # past the colon
        _, j = _DECODER.raw_decode(s, i)
        if name == key:
            span = (i, j)
        i = _WS.match(s, j).end()  # type: ignore[union-attr]
        if s[i:i + 1] != ",":
            return span
        i += 1


def replace_field(line: bytes, key: str, value: str) -> bytes:
    """``line`` with the string value of ``key`` replaced by ``value``, all else untouched."""
    s = line.decode("utf-8")
    span = value_span(s, key)
    if span is None:  # pragma: no cover - parse() accepted the line, so the key is there
        raise BadRecord(f"no field {key!r}")
    old = s[span[0]:span[1]]
    ascii_only = "\\u" in old and old.isascii()
    try:
        token = json.dumps(value, ensure_ascii=ascii_only)
        token.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: only escapes can carry them
        token = json.dumps(value, ensure_ascii=True)
    return (s[:span[0]] + token + s[span[1]:]).encode("utf-8")


def add_field(line: bytes, key: str, value: Any) -> bytes:
    """``line`` with ``"key": value`` added as the last field of its object."""
    body = line.rstrip(b"\r\n")
    ending = line[len(body):] or b"\n"
    stripped = body.rstrip()
    if not stripped.endswith(b"}"):  # pragma: no cover - parse() accepted it as an object
        raise BadRecord("not a JSON object")
    inner = stripped[:-1].rstrip()
    sep = b"" if inner.endswith(b"{") else b", "
    item = json.dumps({key: value}, ensure_ascii=False)[1:-1].encode("utf-8", "backslashreplace")
    return inner + sep + item + b"}" + ending
