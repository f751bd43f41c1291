"""Helpers of the return (退回) and withdraw (撤回) tests: deploy a test diagram, act on a task
through HTTP, read the open tasks, the timer jobs and the history of a case."""

from __future__ import annotations

from sqlalchemy import select

from api.database import db
from workflows.persistence.models import Job

from ..factories import CaseDriver, data_file, multipart


class ReturnDriver(CaseDriver):
    def deploy(self, *names: str) -> None:
        files = multipart([data_file(f"bpmn/{n}") for n in names])
        response = self.client.post("/api/v1/deployments", data=files, headers=self.auth.headers("designer"))
        assert response.status_code == 201, response.json

    def open_tasks(self, instance_id: str) -> list[dict]:
        return self.instance(instance_id)["active_tasks"]

    def targets(self, task_id: str, group: str, user: str | None = None, status: int = 200):
        response = self.client.get(
            f"/api/v1/tasks/{task_id}/return-targets", headers=self.auth.headers(group, user)
        )
        assert response.status_code == status, response.json
        return response.json

    def return_to(self, task_id, target, group, user=None, reason="材料不全，请补充", status=200):
        response = self.client.post(
            f"/api/v1/tasks/{task_id}/return",
            json={"target": target, "reason": reason},
            headers=self.auth.headers(group, user),
        )
        assert response.status_code == status, response.json
        return response.json

    def withdraw(self, task_id, group, user=None, status=200):
        response = self.client.post(
            f"/api/v1/tasks/{task_id}/withdraw", json={}, headers=self.auth.headers(group, user)
        )
        assert response.status_code == status, response.json
        return response.json

    def task_detail(self, task_id: str, group: str, user: str | None = None) -> dict:
        response = self.client.get(f"/api/v1/tasks/{task_id}", headers=self.auth.headers(group, user))
        assert response.status_code == 200, response.json
        return response.json

    def history(self, instance_id: str) -> list[dict]:
        response = self.client.get(
            f"/api/v1/process-instances/{instance_id}/history", headers=self.auth.headers("admin")
        )
        assert response.status_code == 200, response.json
        return response.json

    def timer_jobs(self, app, instance_id: str) -> list[tuple[str, object]]:
        """(element, due) of the case's timer jobs."""
        with app.app_context():
            jobs = db.session.scalars(select(Job).where(Job.instance_id == instance_id, Job.kind == "timer"))
            return sorted((j.payload["element_id"], j.due_at) for j in jobs)
