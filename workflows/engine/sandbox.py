"""The script sandbox: BPMN scripts and conditions run under RestrictedPython.

No imports, no file or network access, no attribute names starting with an
underscore (so no ``__class__``/``__subclasses__`` escapes); only whitelisted
builtins and the functions the engine offers (``now()``, the working-day
calendar, ...). Camunda-style ``${...}`` conditions are translated to Python.
Every evaluation runs within time and memory limits (``script_limits``), and
whatever it raises, the process goes on.
"""

from __future__ import annotations

import builtins
import json
import re
from functools import lru_cache
from types import ModuleType

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from workflows.engine.script_limits import ScriptLimits, ScriptStopped
from workflows.engine.script_policy import BOUNDED_BUILTINS, GUARDS, BoundedPolicy, check_storable

# Beyond RestrictedPython's safe builtins; range, pow, map, sum ... come bounded (script_policy).
_EXTRA_BUILTINS = {name: getattr(builtins, name) for name in ("dict", "list", "set", "frozenset", "tuple")}
_BUILTINS = {
    **{k: v for k, v in safe_builtins.items() if k not in {"__build_class__", "setattr", "delattr", "id"}},
    **_EXTRA_BUILTINS,
    **BOUNDED_BUILTINS,
}


class ScriptError(SyntaxError):
    """A script or condition could not be compiled (a syntax or sandbox-policy error)."""


@lru_cache(maxsize=2048)
def compile_expression(expression: str):
    result = compile_restricted_eval(translate_juel(expression), policy=BoundedPolicy)
    if result.errors:
        raise ScriptError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=2048)
def compile_script(script: str):
    result = compile_restricted_exec(script, policy=BoundedPolicy)
    if result.errors:
        raise ScriptError("; ".join(result.errors))
    return result.code


_JUEL = re.compile(r"^\s*\$\{(.*)\}\s*$", re.S)
_JUEL_TOKENS = [
    (re.compile(r"&&"), " and "),
    (re.compile(r"\|\|"), " or "),
    (re.compile(r"!(?!=)"), " not "),
    (re.compile(r"\btrue\b"), "True"),
    (re.compile(r"\bfalse\b"), "False"),
    (re.compile(r"\bnull\b"), "None"),
]


def translate_juel(expression: str) -> str:
    """``${approved && amount > 5}`` (Camunda Modeler's syntax) becomes Python."""
    match = _JUEL.match(expression)
    if not match:
        return expression.strip()
    body = match.group(1)
    for pattern, replacement in _JUEL_TOKENS:
        body = pattern.sub(replacement, body)
    return body.strip()


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions and runs scripts against task data, restricted."""

    def __init__(self, functions: dict | None = None, limits: ScriptLimits | None = None):
        super().__init__()
        self.functions = dict(functions or {})
        self.limits = limits or ScriptLimits()

    def _namespace(self, context: dict, external_context: dict | None) -> dict:
        namespace = {
            "__builtins__": _BUILTINS,
            "_getattr_": safer_getattr,
            "_getitem_": default_guarded_getitem,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_write_": full_write_guard,
            **GUARDS,
        }
        namespace.update(self.functions)
        namespace.update(external_context or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        namespace = self._namespace(context, external_context)
        return self.limits.contain(namespace, lambda evaluation: eval(code, _bind(namespace, evaluation)))

    def execute(self, script, context, external_context=None):
        clashes = set(self.functions) & set(context)
        if clashes:
            raise ValueError(f"task data overwrites built-in functions: {sorted(clashes)}")
        code = compile_script(script)
        namespace = self._namespace(context, external_context)
        reserved = set(self.functions) | set(external_context or {})

        def run(evaluation) -> dict:
            exec(code, _bind(namespace, evaluation))
            results = {
                key: value
                for key, value in namespace.items()
                if not key.startswith("_")
                and key not in reserved
                and not callable(value)
                and not isinstance(value, ModuleType)
            }
            check_storable(results)
            return results

        results = self.limits.contain(namespace, run)
        for key in list(context):
            if key not in namespace:
                del context[key]
        context.update(results)
        return True

    def call_service(self, context, **kwargs):
        raise NotImplementedError("service calls go through SandboxScriptEngine")


def _bind(namespace: dict, evaluation) -> dict:
    """The evaluation's deadline checks, under the names ``BoundedPolicy`` compiles in."""
    namespace["_tick_"] = evaluation.tick
    namespace["_getiter_"] = evaluation.iterate
    namespace["_handled_"] = evaluation.handled
    return namespace


class SandboxScriptEngine(PythonScriptEngine):
    """Spiff's script engine with the sandbox and a registry of service operations."""

    def __init__(
        self, functions: dict | None = None, services: dict | None = None, limits: ScriptLimits | None = None
    ):
        super().__init__(environment=SandboxEnvironment(functions, limits))
        self.services = dict(services or {})

    def validate(self, expression):
        compile_script(expression)

    def evaluate(self, task, expression, external_context=None):
        """Spiff's message names only the expression; a stopped one also says why."""
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as exc:
            if isinstance(exc.__context__, ScriptStopped):
                exc.add_note(str(exc.__context__))
            raise

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        operation = self.services.get(operation_name)
        if operation is None:
            raise ValueError(f"unknown service operation '{operation_name}'")
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        try:
            result = operation(task.data, **params)
        except Exception as exc:
            raise self.create_task_exec_exception(task, "", exc) from exc
        return json.dumps(result, default=str)
