"""Refuse hostile XML before any parser that could act on it sees it.

Translation files come from outside. The prolog (everything before the root element) is
run through expat with handlers that refuse, wherever they stand in it:

- a document type declaration with an external subset (``SYSTEM`` / ``PUBLIC``): it could
  make a validating reader fetch a file or a URL;
- any entity declaration (internal ones expand, "billion laughs"; external ones read files);
- a reference to an external entity.

Expat reads the prolog to its end however long it is (a megabyte comment or a padded
DTD cannot push a declaration out of sight, as a window of bytes could), and stops at the
start of the root element, so a large file costs only its prolog. A prolog expat cannot
parse (an unknown ``encoding=``, a malformed DTD) is refused too: what cannot be checked is
not read. Text that was already decoded is given as ``str``: expat then reads it as UTF-8
whatever its ``encoding=`` declaration says, exactly as the format readers see it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from repairtool.source import InputError

#: Bytes fed to expat at a time when reading a stream.
_BLOCK = 1 << 16


@dataclass(frozen=True)
class Root:
    """The root element of a checked document: its name and attributes."""

    name: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, line: int, what: str) -> None:
        super().__init__(what)
        self.line, self.what = line, what


class _RootStarted(Exception):
    def __init__(self, root: Root) -> None:
        super().__init__(root.name)
        self.root = root


_EXTERNAL = "external entity declaration refused (it could read files or the network)"
_INTERNAL = "entity declaration refused (entity expansion is not allowed)"
_EXTERNAL_DTD = "external DTD refused (it could read files or the network)"


def _parser() -> Any:
    p = expat.ParserCreate()
    # Parameter entities (%name;) and the external subset go through the handlers below.
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_ALWAYS)

    def doctype(_name: str, system_id: str | None, public_id: str | None, _internal: int
                ) -> None:
        if system_id or public_id:
            raise _Refused(p.CurrentLineNumber, _EXTERNAL_DTD)

    def entity(_name: str, _is_param: int, _value: str | None, _base: str | None,
               system_id: str | None, public_id: str | None, _notation: str | None) -> None:
        raise _Refused(p.CurrentLineNumber,
                       _EXTERNAL if system_id or public_id else _INTERNAL)

    def external_ref(*_args: Any) -> int:
        raise _Refused(p.CurrentLineNumber, _EXTERNAL)

    def start(name: str, attrs: dict[str, str]) -> None:
        raise _RootStarted(Root(name, dict(attrs)))

    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = entity
    p.UnparsedEntityDeclHandler = lambda *a: entity(a[0], 0, None, a[1], a[2], a[3], a[4])
    p.ExternalEntityRefHandler = external_ref
    p.StartElementHandler = start
    return p


def check_xml(data: bytes | str | io.BufferedIOBase, name: str = "") -> Root:
    """The root element, or :class:`InputError` if the prolog declares entities, has an
    external DTD, references an external entity, or cannot be parsed.

    ``data`` is the raw bytes (expat honours the BOM and the ``encoding=`` declaration), a
    binary stream (read block by block up to the root element), or decoded text.
    """
    p = _parser()
    try:
        if isinstance(data, (bytes, str)):
            # In blocks: the root element usually starts early, and the rest (a whole
            # file) is then never converted or looked at.
            for i in range(0, len(data), _BLOCK):
                p.Parse(data[i:i + _BLOCK], False)
            p.Parse(data[:0], True)
        else:
            while block := data.read(_BLOCK):
                p.Parse(block, False)
            p.Parse(b"", True)
    except _RootStarted as stop:
        return stop.root
    except _Refused as exc:
        raise InputError(f"line {exc.line}: XML {exc.what}") from None
    except expat.ExpatError as exc:
        raise InputError(f"line {exc.lineno}: malformed XML: "
                         f"{expat.ErrorString(exc.code)}") from None
    except (LookupError, UnicodeError) as exc:  # an encoding= that names no codec
        raise InputError(f"XML encoding declaration refused: {exc}") from None
    except RecursionError:
        raise InputError("malformed XML: nested too deeply") from None
    raise InputError("malformed XML: no root element")
