"""Refuse hostile XML before any parser that could act on it sees it.

Translation files come from outside. defusedxml parses the prolog (the document type
declaration is the only place entities can be declared) and raises on any entity declaration
or external reference; we turn that into one line that names where it is.
"""

from __future__ import annotations

import io
import re

from repairtool.source import InputError

_ENTITY = re.compile(rb"<!ENTITY\b")
#: The prolog ends where the root element starts; look no further than this for a DTD.
_HEAD = 1 << 20


def check_xml(data: bytes | io.BufferedIOBase, name: str = "") -> None:
    """Raise :class:`InputError` if the XML declares entities or references external ones."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    head = data[:_HEAD] if isinstance(data, bytes) else data.read(_HEAD)
    if b"<!DOCTYPE" not in head and b"<!ENTITY" not in head:
        return
    stream = io.BytesIO(head)
    try:
        for _event, _elem in DET.iterparse(stream, events=("start",), forbid_dtd=False,
                                            forbid_entities=True, forbid_external=True):
            break  # the root element started: the prolog was clean
    except DefusedXmlException as exc:
        m = _ENTITY.search(head)
        line = head.count(b"\n", 0, m.start()) + 1 if m else 1
        decl = head[m.start():head.find(b">", m.start()) + 1] if m else b""
        if b"SYSTEM" in decl or b"PUBLIC" in decl or "External" in type(exc).__name__:
            what = "external entity declaration refused (it could read files or the network)"
        else:
            what = "entity declaration refused (entity expansion is not allowed)"
        raise InputError(f"line {line}: XML {what}") from None
    except Exception:
        return
