"""A submitted HTML form read back into the JSON document its schema describes.

Inputs are named by path (``missing_items.0``, ``team.1.name``). Empty inputs are left
out, so the engine's validation reports a missing required value as missing; a number
that does not parse is passed on as typed, and the engine says it is not a number. Read-only
fields keep the value the task showed. The "add row" and "remove row" buttons of arrays
(``_add``, ``_remove``) change the rows without submitting.
"""

from __future__ import annotations

import re

_LOCAL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


def read_form(schema: dict, form, shown: dict, keep_empty_rows: bool = False) -> dict:
    """The values of ``form`` (a MultiDict) for the object ``schema``; ``shown`` gives read-only
    values. ``keep_empty_rows`` keeps blank array rows (a form shown again to be edited)."""
    return _Reader(form, keep_empty_rows).object(schema, "", shown or {})


class _Reader:
    def __init__(self, form, keep_empty_rows: bool):
        self.form, self.keep_empty_rows = form, keep_empty_rows

    def object(self, schema: dict, prefix: str, shown) -> dict:
        data = {}
        shown = shown if isinstance(shown, dict) else {}
        for name, prop in (schema.get("properties") or {}).items():
            if not isinstance(prop, dict):
                continue
            if prop.get("readOnly"):
                value = shown.get(name)
            else:
                value = self.value(prop, f"{prefix}{name}", shown.get(name))
            if value is not None:
                data[name] = value
        return data

    def value(self, schema: dict, key: str, shown):
        kind = schema.get("type")
        if kind == "object":
            return self.object(schema, f"{key}.", shown) or None
        if kind == "array":
            return self.array(schema, key)
        if kind == "boolean":
            return self.form.get(key) in ("true", "on", "1")
        raw = self.form.get(key)
        if raw is None or raw.strip() == "":
            return None
        return _scalar(schema, raw.strip())

    def array(self, schema: dict, key: str):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        rows = []
        for index in row_indexes(self.form, key):
            value = self.value(items, f"{key}.{index}", None)
            if value not in (None, {}, "") or self.keep_empty_rows:
                rows.append(value)
        return rows or None


def _scalar(schema: dict, raw: str):
    kind = schema.get("type")
    for option in schema.get("enum") or []:
        if str(option) == raw and not isinstance(option, bool):
            return option
    if kind in ("number", "integer"):
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if kind == "integer" and number.is_integer() else number
    if schema.get("format") == "date-time" and _LOCAL_DATE_TIME.match(raw):
        return (raw if raw.count(":") == 2 else raw + ":00") + "+08:00"
    return raw


def row_indexes(form, key: str) -> list[int]:
    """The row numbers submitted for the array ``key``, in order."""
    pattern = re.compile(rf"^{re.escape(key)}\.(\d+)(\.|$)")
    found = {int(m.group(1)) for name in form.keys() if (m := pattern.match(name))}
    return sorted(found)


def edit_rows(data: dict, form) -> dict:
    """Apply an "add row" (``_add=path``) or "remove row" (``_remove=path.index``) button to ``data``."""
    if form.get("_add"):
        rows = _rows_at(data, form["_add"])
        if rows is not None:
            rows.append(None)
    if form.get("_remove"):
        path, _, index = form["_remove"].rpartition(".")
        rows = _rows_at(data, path)
        if rows is not None and index.isdigit() and int(index) < len(rows):
            del rows[int(index)]
    return data


def _rows_at(data: dict, path: str):
    """The list at a dotted path of ``data``, created when missing (None: the path is not a list)."""
    node, parts = data, path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) and part.isdigit() else node.get(part)
        if not isinstance(node, dict | list):
            return None
    if not isinstance(node, dict):
        return None
    rows = node.setdefault(parts[-1], [])
    return rows if isinstance(rows, list) else None
