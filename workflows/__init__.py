"""The engine: use cases over SpiffWorkflow, persistence, jobs, calendar.

Importing the package loads the modules that register job handlers, service operations
and audit subscribers (the portal outbox), and installs how task data moves between tasks
(``task_data``), so every entry point sees the same set.
"""

from workflows.engine import task_data  # noqa: F401
from workflows.jobs import children as child_instances  # noqa: F401
from workflows.jobs import timers as timer_jobs  # noqa: F401
from workflows.portal import delivery as portal_delivery  # noqa: F401
from workflows.portal import outbox as portal_outbox  # noqa: F401
from workflows.registries import restrictions as application_restrictions  # noqa: F401

task_data.install()
