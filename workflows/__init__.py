"""The engine: use cases over SpiffWorkflow, persistence, jobs, calendar.

Importing the package loads the modules that register job handlers, service operations
and audit subscribers (the portal outbox), so every entry point sees the same set.
"""

from . import application_restrictions, child_instances, portal_delivery, portal_outbox, timer_jobs  # noqa: F401
