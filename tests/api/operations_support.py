"""A small two-step process for the task operations' tests, with per-step properties."""

from __future__ import annotations

from ..factories import CaseDriver, bpmn_document, multipart


def _properties(properties: dict) -> str:
    if not properties:
        return ""
    inner = "".join(f'<camunda:property name="{k}" value="{v}" />' for k, v in properties.items())
    return (
        f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"
    )


def two_steps(review: dict | None = None, approve: dict | None = None, approve_assignee: str = "") -> bytes:
    """start -> review (clerk) -> approve (approver, or ``approve_assignee``) -> end."""
    assignee = f' camunda:assignee="{approve_assignee}"' if approve_assignee else ""
    review_extensions, approve_extensions = _properties(review or {}), _properties(approve or {})
    return bpmn_document(f"""
  <bpmn:process id="two_steps" name="审查与审批" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="审查" camunda:candidateGroups="clerk">
      {review_extensions}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="approve" />
    <bpmn:userTask id="approve" name="审批" camunda:candidateGroups="approver"{assignee}>
      {approve_extensions}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>""")


def deploy(client, auth, content: bytes, name: str = "two_steps.bpmn"):
    return client.post(
        "/api/v1/deployments", data=multipart([(name, content)]), headers=auth.headers("designer")
    )


class Operations(CaseDriver):
    """The case driver with the task operations."""

    def deploy_two_steps(self, **steps) -> None:
        response = deploy(self.client, self.auth, two_steps(**steps))
        assert response.status_code == 201, response.json

    def start_two_steps(self, group="clerk", **variables) -> str:
        return self.start("two_steps", {"note": "x", **variables}, group=group)["id"]

    def post(self, url: str, body: dict | None, user: str, group: str | None = None):
        return self.client.post(url, json=body, headers=self.auth.headers(group or _group(user), user))

    def open_tasks(self, instance_id: str) -> list[dict]:
        return self.instance(instance_id)["active_tasks"]

    def task_id(self, instance_id: str, bpmn_id: str, kind: str = "user") -> str:
        return next(
            t["id"] for t in self.open_tasks(instance_id) if t["bpmn_id"] == bpmn_id and t["kind"] == kind
        )

    def history(self, instance_id: str) -> list[dict]:
        response = self.client.get(
            f"/api/v1/process-instances/{instance_id}/history", headers=self.auth.headers("admin")
        )
        return response.json

    def actions(self, instance_id: str) -> list[str]:
        return [e["action"] for e in self.history(instance_id)]


def _group(user: str) -> str:
    return user.rstrip("0123456789")
