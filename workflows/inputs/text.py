"""Characters refused in names, keys and free text, wherever they come from (API, CSV, CLI).

Control characters (C0, DEL, C1) make names that look alike but differ, break logs and CSV
exports, and NUL cannot be stored in PostgreSQL at all; bidirectional embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069) make a name read differently from what it is (the
"Trojan Source" trick). Free text may keep tabs and line breaks.
"""

from __future__ import annotations

import re
import reprlib

_BIDI = "\u202a-\u202e\u2066-\u2069"
_IN_NAMES = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
_IS_BIDI = re.compile(f"[{_BIDI}]")
_EXCERPT_CHARS = 100
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _EXCERPT_CHARS


def refused_character(value: str, multiline: bool = False) -> str | None:
    """Why ``value`` is refused (the first offending character, as U+XXXX), or None."""
    found = (_IN_TEXT if multiline else _IN_NAMES).search(value)
    if found is None:
        return None
    char = found.group()
    kind = "a bidirectional control" if _IS_BIDI.match(char) else "a control character"
    return f"contains {kind} (U+{ord(char):04X}) at position {found.start()}"


def excerpt(value, limit: int = _EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``value`` (a string, or the repr of anything else),
    ending with an ellipsis when shortened: what an error message may quote of an input."""
    text = value if isinstance(value, str) else _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value) -> str:
    """An excerpt of ``value`` as ``repr`` writes it (strings in quotes)."""
    return repr(excerpt(value)) if isinstance(value, str) else excerpt(value)
