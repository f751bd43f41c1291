import csv
import io

import marshmallow as ma
from flask import Response

from workflows import reports

from .. import runtime
from ..smorest import Blueprint, Schema

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Reports")
CSV_COLUMNS = ("process_key", "process_name", "status", "step", "step_name", "level", "cases")


class ReportArgsSchema(Schema):
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "csv"]))
    process_key = ma.fields.String(validate=ma.validate.Length(max=255))


class CaseReportRowSchema(Schema):
    process_key = ma.fields.String()
    process_name = ma.fields.String()
    status = ma.fields.String()
    step = ma.fields.String(allow_none=True, metadata={"description": "BPMN id of an open task"})
    step_name = ma.fields.String(allow_none=True)
    level = ma.fields.String(allow_none=True, metadata={"description": "normal, reminder, warning, alarm"})
    cases = ma.fields.Integer()


@blp.route("/cases")
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, CaseReportRowSchema(many=True), content_type="application/json")
@blp.alt_response(
    200, description="format=csv: the same rows as CSV (UTF-8 with BOM)", content_type="text/csv"
)
@blp.problems(403, 422)
def case_report(args):
    """Cases by process, status, current step and oversight level, as JSON or CSV."""
    rows = reports.case_report(runtime.config(), runtime.actor(), args.get("process_key"))
    if args["format"] == "json":
        return rows
    return Response(
        report_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="case-report.csv"'},
    )


def report_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in CSV_COLUMNS])
    # The byte order mark makes Excel read the file as UTF-8 (Chinese names and steps).
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
