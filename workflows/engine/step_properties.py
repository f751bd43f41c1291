"""The per-step properties of the approval operations, as a designer writes them on a user
task (``camunda:property`` or ``spiffworkflow:property``):

- ``allowedOperations``: the operations people may use on the step, comma-separated, e.g.
  ``claim,complete,return,transfer`` (a statutory step that may not be transferred or
  delegated leaves those out). Without it every operation is allowed.
- ``autoApprove``: when the step completes by itself, with the reason recorded, comma-separated:
  ``initiator`` (the person who would do it started the case), ``same_as_previous`` (they
  approved the step before), ``no_approver`` (nobody active can do it).
"""

from __future__ import annotations

ALLOWED_OPERATIONS = "allowedOperations"
AUTO_APPROVE = "autoApprove"
OPERATIONS = (
    "claim",
    "release",
    "complete",
    "return",
    "withdraw",
    "transfer",
    "delegate",
    "add_signer",
    "remove_signer",
    "comment",
)
AUTO_APPROVE_RULES = ("initiator", "same_as_previous", "no_approver")


def names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def unknown_names(value: str | None, known: tuple[str, ...]) -> list[str]:
    return [name for name in names(value) if name not in known]
