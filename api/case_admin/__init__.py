"""Case administration over HTTP: repair and migrate cases, the case report, reminders (催办)
and copies (抄送), and the training clock."""

from .clock_routes import blp as clock_blp
from .reminder_routes import blp as reminder_blp
from .report_routes import blp as report_blp
from .routes import blp as repair_blp

BLUEPRINTS = (repair_blp, clock_blp, reminder_blp, report_blp)
