"""The engine: use cases over SpiffWorkflow, persistence, jobs, calendar.

Importing the package loads the modules that register job handlers and service
operations, so every entry point (app, worker, tests) sees the same set.
"""

from . import child_instances, timer_jobs  # noqa: F401
