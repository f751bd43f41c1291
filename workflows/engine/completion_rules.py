"""Completion rules: answers a task's form allows but the state of the case forbids.

A user task's property ``validation`` (its field in ``validationField``), or one property
``validation:<field>`` per rule, holds a sandboxed Python expression. It sees the case data
with the submitted answer on top, every field of the task's form defined (the submitted
value, else None), and returns None when the answer is acceptable, else the message for
the person completing the task. A refused answer is invalid input at the rule's field;
nothing of the case changes.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from workflows.errors import FieldError, InvalidInput

log = logging.getLogger(__name__)
RULE = "validation"
RULE_FIELD = "validationField"


@dataclass(frozen=True)
class Rule:
    name: str
    expression: str
    pointer: str


def task_rules(properties: dict) -> list[Rule]:
    """The rules a task's properties declare, each with the JSON pointer of its field."""
    rules = []
    for name, expression in properties.items():
        if name == RULE:
            rules.append(Rule(name, expression or "", field_pointer(properties.get(RULE_FIELD))))
        elif name.startswith(RULE + ":"):
            rules.append(Rule(name, expression or "", field_pointer(name.partition(":")[2])))
    return rules


def field_pointer(field: str | None) -> str:
    """``repeat_reason`` or ``/applicant/name`` as a pointer into the answer ("" for all of it)."""
    field = (field or "").strip().strip("/")
    return "/" + field if field else ""


def check_answer(engine, spiff_task, schema: dict | None, answer: dict, prefix: str = "") -> None:
    """Raise ``InvalidInput`` when a completion rule of the task refuses ``answer``."""
    meta = (getattr(spiff_task.task_spec, "extensions", None) or {}).get("meta") or {}
    rules = task_rules(meta.get("properties") or {})
    if not rules:
        return
    context = copy.deepcopy(spiff_task.data)
    context.update(dict.fromkeys((schema or {}).get("properties") or {}))
    context.update(copy.deepcopy(answer))
    element = spiff_task.task_spec.bpmn_id
    errors = []
    for rule in rules:
        message = _verdict(engine, rule, context, element)
        if message:
            errors.append(FieldError(prefix + rule.pointer, message))
    if errors:
        raise InvalidInput("; ".join(dict.fromkeys(e.message for e in errors)), errors)


def _verdict(engine, rule: Rule, context: dict, element: str) -> str | None:
    try:
        result = engine.environment.evaluate(rule.expression, context)
    except Exception as exc:
        log.warning("completion rule %s of %s failed: %r", rule.name, element, exc)
        raise _defect(rule, element, f"{type(exc).__name__}: {exc}") from exc
    if result is None or result is False or result == "":
        return None
    if isinstance(result, str):
        return result
    raise _defect(rule, element, f"it returned {result!r}, not a message or None")


def _defect(rule: Rule, element: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"任务 '{element}' 的校验规则无法判断该答复，请联系流程设计人员 / the validation rule "
        f"'{rule.name}' of task '{element}' cannot judge the answer ({why}); the diagram needs correcting",
        element=element,
    )
