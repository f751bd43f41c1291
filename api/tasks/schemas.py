import marshmallow as ma

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
    due_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    completed_at = ma.fields.DateTime(allow_none=True)
    completed_by = ma.fields.String(allow_none=True)


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
    due_before = ma.fields.AwareDateTime(default_timezone=None)


class TaskCompletionSchema(Schema):
    data = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class InstanceSummarySchema(Schema):
    id = ma.fields.String()
    status = ma.fields.String()
    active_tasks = ma.fields.List(ma.fields.Nested(TaskSchema))


class CompletionResultSchema(Schema):
    task = ma.fields.Nested(TaskSchema)
    instance = ma.fields.Nested(InstanceSummarySchema)
