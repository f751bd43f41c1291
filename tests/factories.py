"""Small builders for test data: valid credit codes, start variables, deployments."""

from __future__ import annotations

import io
import random
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def business_key(prefix: str = "CASE") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def credit_code(seed: int | None = None) -> str:
    """A unified social credit code with a correct GB 32100 check character."""
    rnd = random.Random(seed)
    body = "91" + "120000" + "".join(rnd.choice(_USCC_CHARS) for _ in range(9))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def application(procedure: str = "normal", **overrides) -> dict:
    variables = {
        "applicant": {"name": "天津市某检测技术有限公司", "credit_code": credit_code()},
        "application_type": "first",
        "procedure": procedure,
        "fields": ["食品", "环境监测"],
    }
    variables.update(overrides)
    return variables


def shipped_files() -> list[tuple[str, bytes]]:
    """Everything in bpmn/ and forms/, named as `flask deploy bpmn forms` names them."""
    files = []
    for folder in ("bpmn", "forms"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                files.append((path.relative_to(ROOT / folder).as_posix(), path.read_bytes()))
    return files


def data_file(relative: str) -> tuple[str, bytes]:
    path = DATA / relative
    return path.name, path.read_bytes()


def multipart(files: list[tuple[str, bytes]]) -> dict:
    return {"file": [(io.BytesIO(content), name) for name, content in files]}


class CaseDriver:
    """Walks a case through HTTP the way the clerks' browsers and the portal do."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth

    def start(self, key="qualification_approval", variables=None, group="clerk", **body):
        body = {"business_key": business_key(), "variables": variables or application(), **body}
        response = self.client.post(
            f"/api/v1/process-definitions/{key}/instances", json=body, headers=self.auth.headers(group)
        )
        assert response.status_code == 201, response.json
        return response.json

    def headers(self, instance_id: str, group: str) -> dict:
        """Staff act by group; an applicant is the account of the case's own institution."""
        if group != "applicant":
            return self.auth.headers(group)
        return self.auth.applicant(self.instance(instance_id)["variables"]["applicant"]["credit_code"])

    def task(self, instance_id: str, bpmn_id: str, group: str) -> dict:
        response = self.client.get("/api/v1/tasks?page_size=100", headers=self.headers(instance_id, group))
        assert response.status_code == 200, response.json
        matches = [t for t in response.json if t["instance_id"] == instance_id and t["bpmn_id"] == bpmn_id]
        assert matches, f"no {bpmn_id} task for {group}: {[t['bpmn_id'] for t in response.json]}"
        return matches[0]

    def complete(self, instance_id: str, bpmn_id: str, group: str, data: dict, status: int = 200):
        task = self.task(instance_id, bpmn_id, group)
        response = self.client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"data": data},
            headers=self.headers(instance_id, group),
        )
        assert response.status_code == status, response.json
        return response.json

    def instance(self, instance_id: str, group: str = "admin") -> dict:
        response = self.client.get(
            f"/api/v1/process-instances/{instance_id}", headers=self.auth.headers(group)
        )
        assert response.status_code == 200, response.json
        return response.json

    def active(self, instance_id: str) -> list[str]:
        return sorted(t["bpmn_id"] for t in self.instance(instance_id)["active_tasks"])

    def add_person(self, name: str, username: str, group: str, **body) -> dict:
        """A pool member whose staff account ``username`` exists (in ``group``)."""
        self.auth.token(group, username)
        response = self.client.post(
            "/api/v1/registries/people",
            json=person_body(name, username=username, **body),
            headers=self.auth.headers("admin"),
        )
        assert response.status_code == 201, response.json
        return response.json

    def reviewer_pool(self) -> None:
        """One team leader and one expert who together cover the usual application fields."""
        self.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
        self.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])

    def mine(self, instance_id: str, bpmn_id: str, group: str, user: str) -> dict:
        response = self.client.get("/api/v1/tasks?page_size=100", headers=self.auth.headers(group, user))
        matches = [t for t in response.json if t["instance_id"] == instance_id and t["bpmn_id"] == bpmn_id]
        assert matches, f"no {bpmn_id} task for {user}: {[t['bpmn_id'] for t in response.json]}"
        return matches[0]

    def complete_as(self, instance_id, bpmn_id, group, user, data, status=200):
        task = self.mine(instance_id, bpmn_id, group, user)
        response = self.client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"data": data},
            headers=self.auth.headers(group, user),
        )
        assert response.status_code == status, response.json
        return response.json

    def team_review(
        self, instance_id: str, conclusion: str = "conforms", findings: str | None = None
    ) -> None:
        """The drawn team confirms, reviews the documents and on site, and concludes."""
        self.complete_as(
            instance_id,
            "confirm_seat",
            "team_leader",
            "leader1",
            {"response": "accept", "no_conflict_declared": True},
        )
        self.complete_as(
            instance_id,
            "confirm_seat",
            "reviewer",
            "expert1",
            {"response": "accept", "no_conflict_declared": True},
        )
        self.complete_as(
            instance_id,
            "document_review",
            "team_leader",
            "leader1",
            {"recommendation": "on_site", "opinion": "文件审查通过"},
        )
        self.complete_as(
            instance_id,
            "on_site_review",
            "team_leader",
            "leader1",
            {"mode": "on_site", "review_date": "2026-03-10"},
        )
        result = {"conclusion": conclusion, **({"findings": findings} if findings else {})}
        self.complete_as(instance_id, "team_conclusion", "team_leader", "leader1", result)


_DEFINITIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="Definitions_test" targetNamespace="http://bpmn.io/schema/bpmn">\n{body}\n</bpmn:definitions>\n'
)


def bpmn_document(body: str) -> bytes:
    """Wrap process XML in a bpmn:definitions element with the usual namespaces."""
    return _DEFINITIONS.format(body=body).encode()


def one_task_process(key: str = "simple", task_name: str = "处理", starters: str = "clerk") -> bytes:
    """start -> user task `do_it` (candidate group clerk) -> end."""
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" name="{key}" isExecutable="true" camunda:candidateStarterGroups="{starters}">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="do_it" />
    <bpmn:userTask id="do_it" name="{task_name}" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f2" sourceRef="do_it" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def run_worker(app) -> int:
    """Run every due job once, as `flask jobs run` would, with the app's clock."""
    from workflows.jobs.executor import run_due_jobs

    with app.app_context():
        return run_due_jobs(app.extensions["engine_config"])


def person_body(name: str = "张评审", kind: str = "reviewer", **overrides) -> dict:
    """A person for the pools (POST /registries/people)."""
    body = {"name": name, "kind": kind, "fields": ["食品"], "district": "和平区"}
    body.update(overrides)
    return body


def institution_body(**overrides) -> dict:
    """An inspection target (POST /registries/institutions) with a fresh credit code."""
    body = {
        "name": "天津市某检测技术有限公司",
        "credit_code": credit_code(),
        "district": "和平区",
        "type": "testing_institution",
        "credit_class": "B",
    }
    body.update(overrides)
    return body


def check_item_body(**overrides) -> dict:
    body = {
        "code": f"CI-{uuid.uuid4().hex[:6]}",
        "name": "检验检测机构监督抽查",
        "proportion": 0.05,
        "target_type": "testing_institution",
        "legal_basis": "《检验检测机构监督管理办法》",
        "inspector_requirements": {"min_inspectors": 2, "fields": ["食品"]},
    }
    body.update(overrides)
    return body
