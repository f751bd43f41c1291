"""The project's marshmallow fields: names and text without hidden characters, integers a
database column can hold, and date-times in the API's one convention.

Every schema uses these instead of marshmallow's ``String`` (for names and free text),
``DateTime`` and ``Date``; the base ``Schema`` bounds every ``Integer`` on its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma

from workflows.clock import format_moment, outside_supported_range
from workflows.inputs.text import refused_character

# Every integer column is INTEGER: signed 32-bit on PostgreSQL (SQLite holds 64 bits).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT32 = ma.validate.Range(min=INT32_MIN, max=INT32_MAX)


class Name(ma.fields.String):
    """A name, key, code or any other one-line value: no control or bidirectional characters."""

    multiline = False

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = refused_character(text, self.multiline)
        if problem:
            raise ma.ValidationError(problem)
        return text


class Text(Name):
    """Free text (opinions, notes, reasons): line breaks and tabs allowed, other controls not."""

    multiline = True


class DateTime(ma.fields.AwareDateTime):
    """An RFC 3339 moment: read with its offset and within the supported range, written in
    Beijing time (``+08:00``, ``workflows.clock.format_moment``)."""

    default_error_messages = {
        "invalid_awareness": "Not an RFC 3339 date-time with its offset, e.g. 2026-12-01T09:00:00+08:00."
    }

    def __init__(self, **kwargs):
        super().__init__(default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return format_moment(value if value.tzinfo else value.replace(tzinfo=UTC))

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        _check_range(moment)
        return moment


class Date(ma.fields.Date):
    """A calendar date (``YYYY-MM-DD``) within the supported range."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        _check_range(day)
        return day


def _check_range(value) -> None:
    problem = outside_supported_range(value)
    if problem:
        raise ma.ValidationError(problem)
