"""Rules about where things live, checked on the source of ``workflows/``: one module for
SpiffWorkflow's internals, one for group names and permission rules, one backoff function,
one constant per group of states, and functions short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

from workflows import access

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
COMPAT = WORKFLOWS / "engine" / "spiff_compat.py"
# SpiffWorkflow's hook methods: subclasses and the data rules override them and call the
# overridden one; that is its extension point, not a use of its internals.
HOOKS = {
    "_run_hook",
    "_update_hook",
    "_predict_hook",
    "_on_ready_hook",
    "_on_cancel",
    "_on_complete_hook",
    "_on_error_hook",
}
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


def _data_keys(tree: ast.AST) -> set[int]:
    """Strings used as keys of data (``record["applicant"]``, ``data.get("applicant")``,
    ``{"applicant": ...}``): variable names that happen to match a group, not groups."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            keys.add(id(node.slice))
        elif isinstance(node, ast.Dict):
            keys.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("get", "pop", "setdefault") and node.args:
                keys.add(id(node.args[0]))
    return keys


def test_only_the_access_module_names_groups():
    """Group names are constants of ``workflows/access.py``; the rest of ``workflows/`` uses
    them (and its permission rules) instead of writing a group's name."""
    found = []
    for path, tree in _sources(skip=WORKFLOWS / "access.py"):
        keys = _data_keys(tree)
        found += [
            f"{_where(path, node)} {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in access.GROUPS and id(node) not in keys
        ]
    assert found == []


def test_retry_delays_come_from_one_backoff_function():
    """Only ``workflows/jobs/backoff.py`` doubles a delay per attempt (``2 ** (n - 1)``)."""
    found = [
        _where(path, node)
        for path, tree in _sources(skip=WORKFLOWS / "jobs" / "backoff.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Pow)
        and isinstance(node.left, ast.Constant)
        and node.left.value == 2
        and not isinstance(node.right, ast.Constant)
    ]
    assert found == []


STATE_SETS = [
    {"completed", "cancelled"},  # CLOSED_STATUSES
    {"running", "suspended", "error"},  # ACTIVE_STATUSES
    {"ready", "suspended"},  # OPEN_TASK_STATES
]


def test_case_and_task_states_are_grouped_by_one_constant_each():
    """Closed and active case statuses and open task states are constants of the models."""
    found = [
        f"{_where(path, node)} {sorted(values)}"
        for path, tree in _sources()
        if WORKFLOWS / "persistence" / "models" not in path.parents
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple | ast.List | ast.Set)
        and all(isinstance(e, ast.Constant) for e in node.elts)
        and (values := {e.value for e in node.elts}) in STATE_SETS
    ]
    assert found == []


def test_functions_stay_within_forty_lines():
    """A function past ~40 formatted lines is split by meaning (STYLE.md)."""
    found = [
        f"{_where(path, node)} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for root in (WORKFLOWS, WORKFLOWS.parent / "api")
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 40
    ]
    assert found == []
