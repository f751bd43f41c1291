"""Rules about where things live in ``workflows/``, checked on the source: one module for
SpiffWorkflow's internals, one for group names and permission rules."""

from __future__ import annotations

import ast
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
COMPAT = WORKFLOWS / "engine" / "spiff_compat.py"
# SpiffWorkflow's hook methods: subclasses and the data rules override them and call the
# overridden one; that is its extension point, not a use of its internals.
HOOKS = {"_run_hook", "_update_hook", "_predict_hook", "_on_ready_hook", "_on_cancel", "_on_complete_hook"}
# Underscore names that are public API (namedtuples).
PUBLIC = {"_replace", "_asdict", "_fields", "_make"}


def _sources(skip: Path | None = None):
    for path in sorted(WORKFLOWS.rglob("*.py")):
        if path != skip:
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(WORKFLOWS.parent)}:{node.lineno}"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC | HOOKS


def _owner(node: ast.Attribute) -> str | None:
    return node.value.id if isinstance(node.value, ast.Name) else None


def test_only_the_compat_module_touches_spiffworkflow_internals():
    """Underscore attributes of other objects, and a task's ``internal_data``, are used only
    through ``workflows/engine/spiff_compat.py``."""
    found = [
        f"{_where(path, node)} .{node.attr}"
        for path, tree in _sources(skip=COMPAT)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and (node.attr == "internal_data" or (_is_private(node.attr) and _owner(node) not in ("self", "cls")))
    ]
    assert found == []
