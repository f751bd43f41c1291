"""退回 and 撤回 in Chromium: the approver returns a review to the application step with a
reason, the clerk finds it back in the inbox, resubmits and withdraws it again."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from workflows.deployments import deploy_definitions
from workflows.instances import start_instance
from workflows.users import Actor

CLERK = Actor("clerk1", frozenset({"clerk"}))
DESIGNER = Actor("designer1", frozenset({"designer"}))
RETURN_LOOP = Path(__file__).resolve().parents[1] / "data" / "bpmn" / "return_loop.bpmn"


def test_an_approver_returns_a_review_and_the_clerk_withdraws_the_resubmission(staff, server):
    with server.app.app_context():
        deploy_definitions(server.config, DESIGNER, [("return_loop.bpmn", RETURN_LOOP.read_bytes())])
        start_instance(server.config, CLERK, "return_loop", "TH-1", {})
    clerk = staff("clerk1")
    clerk.open_task("TH-1", "填写申请")
    clerk.submit()

    approver = staff("approver1")
    approver.open_task("TH-1", "审核")
    form = approver.page.locator("form.return-form")
    expect(form.locator("select[name=target] option")).to_have_text(["填写申请 — clerk1"])
    form.locator("textarea[name=reason]").fill("申请材料不全，请补充营业执照")
    approver.shot("task-return")
    form.locator("button[name=_return]").click()
    approver.page.wait_for_url("**/ui/inbox**")
    expect(approver.page.locator("p.flash")).to_contain_text("已退回至TH-1的填写申请")

    clerk.goto("/ui/inbox")
    expect(clerk.page.locator("tbody tr", has_text="TH-1")).to_contain_text("填写申请")
    clerk.open_task("TH-1", "填写申请")
    clerk.submit()
    clerk.goto("/ui/done")
    row = clerk.page.locator("tbody tr", has_text="TH-1")
    row.locator("button[name=_withdraw]").click()
    expect(clerk.page.locator("p.flash")).to_contain_text("已撤回")
    expect(clerk.page.locator("form.task-form")).to_be_visible()
    clerk.page.locator("a", has_text="流程跟踪").first.click()
    history = clerk.page.locator("section", has_text="流转记录")
    returned = history.locator("tr", has_text="退回至填写申请：申请材料不全，请补充营业执照")
    expect(returned).to_contain_text("审核")
    clerk.shot("case-after-return")
