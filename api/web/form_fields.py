"""A task's form as fields to render: its JSON Schema and UI schema, the values, the errors.

Each field knows its input name (``missing_items.0``, ``team.1.name``), the JSON pointer
the engine's validation errors name (``/missing_items/0``), its label in the page's
language (the schema's Chinese ``title``; English from the UI schema's ``ui:i18n``), its
help (``description``), whether it is required or read-only, and its widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FILE_FORMATS = {"uri", "uri-reference", "file"}


@dataclass
class Field:
    name: str
    pointer: str
    title: str
    help: str | None
    widget: str
    schema: dict
    required: bool = False
    readonly: bool = False
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    rows: list[Field] = field(default_factory=list)
    error: str | None = None


@dataclass
class Labels:
    """Where labels come from: the UI schema and the page's language."""

    ui: dict
    lang: str

    def title(self, path: str, schema: dict, fallback: str) -> str:
        english = (self.ui.get("ui:i18n") or {}).get("en") or {}
        if self.lang == "en" and isinstance(english.get(path or "title"), str):
            return english[path or "title"]
        return schema.get("title") or fallback

    def enum_names(self, path: str, schema: dict) -> list[str]:
        english = ((self.ui.get("ui:i18n") or {}).get("en") or {}).get(f"{path}.enum")
        names = english if self.lang == "en" and english else schema.get("x-enumNames")
        values = schema.get("enum") or []
        if not isinstance(names, list) or len(names) != len(values):
            names = values
        return [str(n) for n in names]

    def hints(self, path: str) -> dict:
        node = self.ui
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}


def form_fields(schema: dict, ui_schema: dict | None, values: dict, lang: str) -> list[Field]:
    """The top-level fields of a form, in the UI schema's ``ui:order`` (then the schema's)."""
    return _object_fields(schema, values or {}, Labels(ui_schema or {}, lang), "", "", "")


def _object_fields(schema: dict, values: dict, labels: Labels, name: str, pointer: str, path: str):
    properties = schema.get("properties") or {}
    order = labels.hints(path).get("ui:order") if path else labels.ui.get("ui:order")
    names = [n for n in (order or []) if n in properties]
    names += [n for n in properties if n not in names]
    required = set(schema.get("required") or [])
    return [
        _field(
            properties[n],
            values.get(n) if isinstance(values, dict) else None,
            labels,
            f"{name}.{n}" if name else n,
            f"{pointer}/{_escape(n)}",
            f"{path}.{n}" if path else n,
            n in required,
        )
        for n in names
        if isinstance(properties[n], dict)
    ]


def _field(schema, value, labels: Labels, name, pointer, path, required) -> Field:
    hints = labels.hints(path)
    widget = _widget(schema, hints)
    readonly = bool(schema.get("readOnly") or hints.get("ui:readonly"))
    title = labels.title(path, schema, path.rsplit(".", 1)[-1])
    help_text = hints.get("ui:help") or schema.get("description")
    result = Field(name, pointer, title, help_text, widget, schema, required, readonly, value)
    if "enum" in schema:
        names = labels.enum_names(path, schema)
        result.options = [(_text(v), n) for v, n in zip(schema["enum"], names, strict=True)]
    if widget == "object":
        result.children = _object_fields(schema, value or {}, labels, name, pointer, path)
    elif widget in ("strings", "objects"):
        result.rows = _rows(schema, value, labels, name, pointer, path)
    return result


def _rows(schema, value, labels: Labels, name, pointer, path) -> list[Field]:
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    values = value if isinstance(value, list) else []
    return [
        _field(items, item, labels, f"{name}.{i}", f"{pointer}/{i}", path, False)
        for i, item in enumerate(values or [None])
    ]


def _widget(schema: dict, hints: dict) -> str:
    kind, chosen = schema.get("type"), hints.get("ui:widget")
    if kind == "object":
        return "object"
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return "objects" if items.get("type") == "object" else "strings"
    if "enum" in schema:
        return "radio" if chosen == "radio" else "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return kind
    if chosen in ("textarea", "file"):
        return chosen
    fmt = schema.get("format")
    if fmt in ("date", "date-time"):
        return "datetime" if fmt == "date-time" else "date"
    return "file" if fmt in FILE_FORMATS or schema.get("x-file") else "text"


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def attach_errors(fields: list[Field], errors: dict[str, str]) -> list[str]:
    """Put each error on the field its pointer names; returns the errors no field shows."""
    placed = set()
    for f in walk(fields):
        if f.pointer in errors:
            f.error = errors[f.pointer]
            placed.add(f.pointer)
    return [message for pointer, message in errors.items() if pointer not in placed]


def walk(fields: list[Field]):
    for f in fields:
        yield f
        yield from walk(f.children)
        yield from walk(f.rows)
