"""The one place that plugs the feature packages into the engine.

The engine and the persistence layer expose registries (job handlers, service operations,
audit subscribers, form keyword checks) and know nothing of draws, registries or the portal;
``register()`` fills those registries. The entry points call it once: the app factory (for the
web nodes and the ``flask jobs run`` worker it serves) and the engine's own tests. It is
idempotent, so calling it again (a test building many apps) changes nothing. A host that
manages the database itself takes the tables and engine set-up from here too (``METADATA``,
``ENGINE_OPTIONS``, ``configure_engine``).
"""

from __future__ import annotations

from workflows import retention, tasks
from workflows.draws.operations import registry_operations
from workflows.engine import forms, projection, runtime, services, task_data
from workflows.jobs import children, timers
from workflows.jobs.executor import register_handler
from workflows.operations import assignment, auto_approval, signers, substitutes
from workflows.persistence import audit
from workflows.persistence.database import ENGINE_OPTIONS as ENGINE_OPTIONS
from workflows.persistence.database import Base
from workflows.persistence.database import configure_engine as configure_engine
from workflows.portal import delivery, outbox
from workflows.registries.form_references import check_registry_keywords
from workflows.registries.restrictions import restriction_operations

# What a host needs to manage the database itself: the tables, engine options, per-connection set-up.
METADATA = Base.metadata
JOB_HANDLERS = {
    "timer": timers.fire_timer,
    "start_timer": timers.start_from_timer,
    "child_completed": children.report_to_parent,
    outbox.DELIVERY_JOB: delivery.deliver_case_events,
    retention.PURGE_JOB: retention.purge,
}
SERVICE_OPERATIONS = (registry_operations, children.child_operations, restriction_operations)
AUDIT_SUBSCRIBERS = (outbox.on_audit_event,)
FORM_CHECKS = (check_registry_keywords,)
# The task operations: substitutes first (automatic approval looks at the absent user), then
# what completing means for delegated tasks and tasks with added signers.
NEW_TASK_HOOKS = (substitutes.substitute_new_task, auto_approval.note_new_task)
AFTER_SAVE_HOOKS = (auto_approval.approve_automatically,)
COMPLETION_HOOKS = (assignment.answer_delegated, signers.hold_for_signers)
AD_HOC_COMPLETIONS = {signers.SIGNER: signers.complete_signer_in}


def register() -> None:
    """Install every handler, operation, subscriber and check, and how task data moves."""
    task_data.install()
    for kind, handler in JOB_HANDLERS.items():
        register_handler(kind, handler)
    for provider in SERVICE_OPERATIONS:
        services.provides(provider)
    for subscriber in AUDIT_SUBSCRIBERS:
        audit.subscribe(subscriber)
    for check in FORM_CHECKS:
        if check not in forms.SCHEMA_CHECKS:
            forms.SCHEMA_CHECKS.append(check)
    _install(projection.NEW_TASK_HOOKS, NEW_TASK_HOOKS)
    _install(runtime.AFTER_SAVE_HOOKS, AFTER_SAVE_HOOKS)
    _install(tasks.COMPLETION_HOOKS, COMPLETION_HOOKS)
    tasks.AD_HOC_COMPLETIONS.update(AD_HOC_COMPLETIONS)


def _install(registry: list, hooks) -> None:
    for hook in hooks:
        if hook not in registry:
            registry.append(hook)
