"""A task's answer replaces the earlier value of each variable it names: lists, objects, nested."""

import pytest

from ..factories import CaseDriver, data_file, multipart, run_worker


@pytest.fixture
def case(client, auth):
    files = [data_file(f"bpmn/{name}.bpmn") for name in ("answer_rounds", "parallel_answers", "loop_answers")]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    return CaseDriver(client, auth)


def task_data(client, task: dict, headers: dict) -> dict:
    response = client.get(f"/api/v1/tasks/{task['id']}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]


def test_a_second_supplement_notice_replaces_the_first_list(portal, app, client, auth):
    case = CaseDriver(client, auth)
    case_no = portal.submit()["case_no"]
    found = client.get(f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("admin"))
    iid = found.json[0]["id"]
    notice = {"decision": "supplement", "missing_items": ["A1", "A2"]}
    case.complete(iid, "accept_application", "clerk", notice)
    case.complete(iid, "submit_supplements", "applicant", {"materials": [{"name": "A1"}]})
    again = {"decision": "supplement", "missing_items": ["B1"], "repeat_reason": "补正材料中的授权书无签字"}
    case.complete(iid, "accept_application", "clerk", again)

    assert case.instance(iid)["variables"]["missing_items"] == ["B1"]
    supplements = case.task(iid, "submit_supplements", "applicant")
    code = case.instance(iid)["variables"]["applicant"]["credit_code"]
    assert task_data(client, supplements, auth.applicant(code))["missing_items"] == ["B1"]
    run_worker(app)
    events = portal.get("/api/v1/portal/events?after=0").json["events"]
    requested = [e["payload"] for e in events if e["type"] == "supplements_requested"]
    assert requested == [{"missing_items": ["A1", "A2"]}, {"missing_items": ["B1"]}]


def test_lists_of_objects_and_nested_objects_are_replaced_whole(client, auth, case):
    iid = case.start("answer_rounds", variables={})["id"]
    first = {
        "rows": [{"name": "a", "qty": 1}, {"name": "b", "qty": 2}],
        "profile": {"address": {"city": "天津", "street": "南京路"}, "tags": ["t1", "t2"]},
        "again": True,
    }
    case.complete(iid, "edit", "clerk", first)
    second = {"rows": [{"name": "c"}], "profile": {"address": {"city": "北京"}}, "again": False}
    case.complete(iid, "edit", "clerk", second)

    variables = case.instance(iid)["variables"]
    assert variables["rows"] == [{"name": "c"}]
    assert variables["profile"] == {"address": {"city": "北京"}}
    shown = task_data(client, case.task(iid, "review", "clerk"), auth.headers("clerk"))
    assert (shown["rows"], shown["profile"]) == (second["rows"], second["profile"])


def test_variables_an_answer_does_not_name_are_kept(client, auth, case):
    iid = case.start("answer_rounds", variables={"keep": {"a": [1, 2]}})["id"]
    case.complete(iid, "edit", "clerk", {"rows": [], "again": False})
    assert case.instance(iid)["variables"]["keep"] == {"a": [1, 2]}


@pytest.mark.parametrize("order", [("edit_items", "edit_note"), ("edit_note", "edit_items")])
def test_a_join_keeps_what_each_branch_answered(client, auth, case, order):
    start = {"items": ["A1", "A2"], "note": {"text": "原说明", "by": "clerk1"}}
    iid = case.start("parallel_answers", variables=start)["id"]
    answers = {"edit_items": {"items": ["B1"]}, "edit_note": {"note": {"text": "新说明"}}}
    for bpmn_id in order:
        case.complete(iid, bpmn_id, "clerk", answers[bpmn_id])

    shown = task_data(client, case.task(iid, "check", "clerk"), auth.headers("clerk"))
    assert (shown["items"], shown["note"]) == (["B1"], {"text": "新说明"})
    variables = case.instance(iid)["variables"]
    assert (variables["items"], variables["note"]) == (["B1"], {"text": "新说明"})


def test_a_loop_iteration_s_answer_replaces_the_previous_iteration_s(client, auth, case):
    iid = case.start("loop_answers", variables={})["id"]
    case.complete(iid, "revise", "clerk", {"items": [{"name": "a", "qty": 1}, {"name": "b"}], "done": False})
    shown = task_data(client, case.task(iid, "revise", "clerk"), auth.headers("clerk"))
    assert shown["items"] == [{"name": "a", "qty": 1}, {"name": "b"}]
    case.complete(iid, "revise", "clerk", {"items": [{"name": "c"}], "done": True})

    assert task_data(client, case.task(iid, "check", "clerk"), auth.headers("clerk"))["items"] == [
        {"name": "c"}
    ]


def test_a_join_in_a_second_round_keeps_what_happened_since_the_first(client, auth, case):
    iid = case.start("parallel_answers", variables={"items": ["A1", "A2"], "note": {"text": "原说明"}})["id"]
    case.complete(iid, "edit_items", "clerk", {"items": ["B1"]})
    case.complete(iid, "edit_note", "clerk", {"note": {"text": "新说明"}})
    case.complete(iid, "check", "clerk", {"again": True, "items": ["X1"]})
    case.complete(iid, "edit_note", "clerk", {"note": {"text": "第二轮"}})
    case.complete(iid, "edit_items", "clerk", {"items_checked": True})

    shown = task_data(client, case.task(iid, "check", "clerk"), auth.headers("clerk"))
    assert (shown["items"], shown["note"], shown["items_checked"]) == (["X1"], {"text": "第二轮"}, True)
