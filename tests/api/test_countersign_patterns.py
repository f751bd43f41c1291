"""The countersign patterns in docs/patterns (会签, 或签, 依次, 比例) run through HTTP; each
signer's answer is kept in the case (``votes``) and in the history."""

import pytest

from ..factories import ROOT, CaseDriver, multipart

PATTERNS = ROOT / "docs" / "patterns"
SIGNERS = ["approver1", "approver2", "approver3"]


@pytest.fixture
def driver(client, auth):
    files = [(p.name, p.read_bytes()) for p in sorted(PATTERNS.iterdir()) if p.suffix in (".bpmn", ".json")]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    return CaseDriver(client, auth)


def _sign(driver, iid, user, agree, status=200):
    return driver.complete_as(
        iid, "sign", "approver", user, {"agree": agree, "opinion": "意见" + user}, status
    )


def _run(driver, key, answers: list[tuple[str, bool]]):
    iid = driver.start(key, {"signers": SIGNERS})["id"]
    for user, agree in answers:
        _sign(driver, iid, user, agree)
    return iid, driver.active(iid), driver.instance(iid)["variables"].get("votes")


def test_countersign_all_passes_when_everyone_agrees(driver):
    _iid, active, votes = _run(driver, "countersign_all", [(u, True) for u in SIGNERS])
    assert active == ["approved"]
    assert [v["signer"] for v in votes] == SIGNERS


def test_countersign_all_is_decided_by_the_first_refusal(driver):
    iid, active, votes = _run(driver, "countersign_all", [("approver2", False)])
    assert active == ["rejected"]
    assert votes == [{"signer": "approver2", "agree": False, "opinion": "意见approver2"}]
    cancelled = [
        t
        for t in driver.client.get("/api/v1/tasks", headers=driver.auth.headers("approver", "approver1")).json
    ]
    assert cancelled == []


@pytest.mark.parametrize(("agree", "outcome"), [(True, "approved"), (False, "rejected")])
def test_countersign_any_is_decided_by_the_first_answer_and_the_other_tasks_are_cancelled(
    driver, agree, outcome
):
    _iid, active, votes = _run(driver, "countersign_any", [("approver3", agree)])
    assert active == [outcome]
    assert [v["signer"] for v in votes] == ["approver3"]


def test_countersign_sequential_asks_one_signer_after_another_in_order(driver):
    iid = driver.start("countersign_sequential", {"signers": SIGNERS})["id"]
    for user in SIGNERS:
        assert [t["assignee"] for t in driver.instance(iid)["active_tasks"]] == [user]
        _sign(driver, iid, user, True)
    assert driver.active(iid) == ["approved"]


def test_countersign_sequential_stops_at_a_refusal(driver):
    _iid, active, votes = _run(driver, "countersign_sequential", [("approver1", True), ("approver2", False)])
    assert active == ["rejected"]
    assert [(v["signer"], v["agree"]) for v in votes] == [("approver1", True), ("approver2", False)]


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ([("approver1", True), ("approver2", True)], "approved"),
        ([("approver1", True), ("approver2", False), ("approver3", True)], "approved"),
        ([("approver1", False), ("approver2", False)], "rejected"),
        ([("approver1", True), ("approver2", False), ("approver3", False)], "rejected"),
    ],
)
def test_countersign_ratio_passes_with_two_thirds_agreeing(driver, answers, outcome):
    _iid, active, votes = _run(driver, "countersign_ratio", answers)
    assert active == [outcome]
    assert len(votes) == len(answers)


def test_each_signers_answer_is_in_the_history(driver):
    iid, _active, _votes = _run(driver, "countersign_all", [(u, True) for u in SIGNERS])
    history = driver.client.get(
        f"/api/v1/process-instances/{iid}/history", headers=driver.auth.headers("admin")
    ).json
    signed = [(e["actor"], e["details"]["data"]["agree"]) for e in history if e["action"] == "task_completed"]
    assert signed == [(u, True) for u in SIGNERS]
