import marshmallow as ma

from ..fields import DateTime
from ..smorest import Schema


class TaskSchema(Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    bpmn_id = ma.fields.String()
    instance_id = ma.fields.String()
    process_key = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    lane = ma.fields.String(allow_none=True)
    candidate_groups = ma.fields.List(ma.fields.String())
    assignee = ma.fields.String(allow_none=True)
    state = ma.fields.String(metadata={"description": "ready | suspended | completed | cancelled"})
    deadline = ma.fields.String(allow_none=True, metadata={"description": "the limit, e.g. 5WD, 3D, PT24H"})
    clock_started_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)
    remind_at = DateTime(allow_none=True)
    warn_at = DateTime(allow_none=True)
    level = ma.fields.String(
        metadata={"description": "normal | reminder (提醒) | warning (预警) | alarm (报警)"}
    )
    elapsed_share = ma.fields.Float(allow_none=True, metadata={"description": "share of the limit used"})
    calendar_incomplete = ma.fields.Boolean(
        metadata={
            "description": "the due date reaches a year without holiday data; recomputed when it is loaded"
        }
    )
    created_at = DateTime()
    completed_at = DateTime(allow_none=True)
    completed_by = ma.fields.String(allow_none=True)
    kind = ma.fields.String(
        metadata={"description": "user (a step of the diagram) | signer (an added signer's)"}
    )
    parent_task_id = ma.fields.String(allow_none=True, metadata={"description": "an added signer's: whose"})
    sign_position = ma.fields.String(allow_none=True, metadata={"description": "before | after | parallel"})
    owner = ma.fields.String(allow_none=True, metadata={"description": "who delegated the task (委派)"})
    delegation = ma.fields.String(allow_none=True, metadata={"description": "pending | resolved"})
    on_behalf_of = ma.fields.String(allow_none=True, metadata={"description": "the absent user (代理)"})
    held = ma.fields.String(
        allow_none=True, metadata={"description": "before_signers | after_signers: waits for added signers"}
    )
    allowed_operations = ma.fields.String(allow_none=True, metadata={"description": "the step's whitelist"})


class FormSchema(Schema):
    schema = ma.fields.Dict(allow_none=True, metadata={"description": "JSON Schema of the form"})
    ui_schema = ma.fields.Dict(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = ma.fields.Nested(FormSchema)
    data = ma.fields.Dict(metadata={"description": "the case data this task sees"})

    @ma.pre_dump
    def _from_detail(self, detail, **kwargs):
        task = {name: getattr(detail.task, name) for name in TaskSchema._declared_fields}
        form = {"schema": detail.form_schema, "ui_schema": detail.ui_schema}
        return {**task, "form": form, "data": detail.data}


class TaskQueryArgsSchema(Schema):
    process_key = ma.fields.String()
    business_key = ma.fields.String()
    due_before = DateTime()
    overdue = ma.fields.Boolean(metadata={"description": "only tasks past their due date"})
    level = ma.fields.String(validate=ma.validate.OneOf(["normal", "reminder", "warning", "alarm"]))


class TaskCompletionSchema(Schema):
    data = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class InstanceSummarySchema(Schema):
    id = ma.fields.String()
    status = ma.fields.String()
    active_tasks = ma.fields.List(ma.fields.Nested(TaskSchema))


class CompletionResultSchema(Schema):
    task = ma.fields.Nested(TaskSchema)
    instance = ma.fields.Nested(InstanceSummarySchema)
