"""The workbench in Chromium: a qualification approval from the clerk's inbox to the grant,
the supervisor's overdue list and dashboard, an administrator's retry, the English switch."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import expect

from workflows.deployments import deploy_definitions
from workflows.instances import start_instance
from workflows.jobs.executor import run_due_jobs
from workflows.users import Actor

from ..factories import application

CLERK = Actor("clerk1", frozenset({"clerk"}))
DESIGNER = Actor("designer1", frozenset({"designer"}))
SCRIPT_ERROR = Path(__file__).resolve().parents[1] / "data" / "bpmn" / "script_error.bpmn"


def _new_application(server, fields=("食品",)) -> str:
    case_no = f"TJ-{uuid.uuid4().hex[:8].upper()}"
    variables = application(fields=list(fields))
    variables["applicant"]["name"] = "天津市示范检测技术有限公司"
    with server.app.app_context():
        start_instance(server.config, CLERK, "qualification_approval", case_no, variables)
    return case_no


def _run_jobs(server):
    with server.app.app_context():
        run_due_jobs(server.config)


def _confirm_and_review(staff, server, case_no):
    for name in ("leader1", "expert1"):
        member = staff(name)
        member.open_task(case_no, "确认")
        member.choose("response", "accept")
        member.page.check("input[name=no_conflict_declared]")
        member.submit()
    _run_jobs(server)
    leader = staff("leader1")
    leader.open_task(case_no, "文件审查")
    leader.choose("recommendation", "on_site")
    leader.page.fill("textarea[name=opinion], input[name=opinion]", "文件审查通过")
    leader.submit()
    leader.open_task(case_no, "现场")
    leader.choose("mode", "on_site")
    leader.page.fill("input[name=review_date]", "2026-03-10")
    leader.submit()
    leader.open_task(case_no, "结论")
    leader.choose("conclusion", "conforms")
    leader.submit()
    _run_jobs(server)


def test_an_application_goes_from_the_clerks_inbox_to_the_grant(staff, server):
    case_no = _new_application(server)
    clerk = staff("clerk1")
    row = clerk.page.locator("tbody tr", has_text=case_no)
    expect(row).to_contain_text("天津市示范检测技术有限公司")
    expect(row.locator(".level")).to_have_text("正常")
    clerk.shot("inbox")

    clerk.open_task(case_no, "受理")
    clerk.choose("decision", "refuse")
    clerk.submit(expect_inbox=False)
    expect(clerk.page.locator("#reason-error")).to_have_text("此项为必填项。")
    clerk.shot("task-with-error")
    clerk.choose("decision", "accept")
    clerk.submit()
    _run_jobs(server)

    _confirm_and_review(staff, server, case_no)
    center = staff("center1")
    center.open_task(case_no, "技术评审")
    center.choose("conclusion", "conforms")
    center.submit()
    approver = staff("approver1")
    approver.open_task(case_no, "审批")
    approver.choose("decision", "grant")
    approver.shot("task-decision")
    approver.submit()

    clerk.goto("/ui/done")
    clerk.page.locator("tbody tr", has_text=case_no).locator("a").first.click()
    history = clerk.page.locator("section", has_text="流转记录")
    for step in ("受理", "文件审查", "技术评审", "审批"):
        expect(history).to_contain_text(step)
    expect(clerk.page.locator("#diagram")).to_have_attribute("data-process-key", "qualification_approval")
    clerk.shot("case")


def test_a_supervisor_sees_an_overdue_task_highlighted_and_the_dashboard(staff, server):
    case_no = _new_application(server)
    server.clock.advance(days=20)
    supervisor = staff("supervisor1")
    supervisor.goto("/ui/oversight")
    row = supervisor.page.locator("tr.row-alarm", has_text=case_no)
    expect(row.locator(".level")).to_have_text("报警")
    supervisor.shot("oversight")
    supervisor.goto("/ui/oversight/dashboard")
    expect(supervisor.page.locator(".chart svg").first).to_be_visible()
    supervisor.shot("dashboard")


def test_an_administrator_retries_a_case_in_error(staff, server):
    with server.app.app_context():
        deploy_definitions(server.config, DESIGNER, [("script_error.bpmn", SCRIPT_ERROR.read_bytes())])
        start_instance(server.config, CLERK, "script_error", "ERR-1", {"divisor": 0})
    clerk = staff("clerk1")
    clerk.open_task("ERR-1", "")
    clerk.submit()
    admin = staff("admin1")
    admin.goto("/ui/admin/incidents")
    row = admin.page.locator("tr", has_text="ERR-1")
    expect(row).to_contain_text("ZeroDivisionError")
    admin.shot("admin-incidents")
    row.locator("input[name=variables]").fill('{"divisor": 5}')
    row.locator("button").click()
    expect(admin.page.locator("p.flash")).to_contain_text("running")
    expect(admin.page.locator("tr", has_text="ERR-1")).to_have_count(0)


def test_the_english_switch_turns_the_inbox_into_english(staff, server):
    clerk = staff("clerk1")
    expect(clerk.page.locator("h1")).to_contain_text("待办")
    clerk.page.click("button[value=en]")
    expect(clerk.page.locator("h1")).to_contain_text("To do")
    expect(clerk.page.locator("nav.tabs")).to_contain_text("Started by me")
    clerk.shot("inbox-en")
    clerk.page.click("button[value=zh_CN]")
    expect(clerk.page.locator("h1")).to_contain_text("待办")
