"""The engine: use cases over SpiffWorkflow, persistence, jobs, calendar.

Importing the package loads the modules that register job handlers, service operations
and audit subscribers (the portal outbox), and installs how task data moves between tasks
(``task_data``), so every entry point sees the same set.
"""

from . import application_restrictions, child_instances, portal_delivery, portal_outbox, task_data, timer_jobs  # noqa: F401

task_data.install()
