"""Transfer (转办) and an added signer (加签) in Chromium: the clerk hands the acceptance to a
colleague, who asks the approver to sign first, then accepts."""

from __future__ import annotations

from playwright.sync_api import expect

from workflows.users import create_user_token, set_password

from .test_workbench import _new_application


def _second_clerk(server) -> None:
    with server.app.app_context():
        create_user_token(server.config, "clerk2", ["clerk"])
        set_password(server.config, "clerk2", "demo-clerk2")


def test_a_clerk_transfers_a_task_and_the_receiver_adds_a_signer_before_accepting(staff, server):
    case_no = _new_application(server)
    _second_clerk(server)
    clerk = staff("clerk1")
    page = clerk.open_task(case_no, "受理")
    page.click("details.operation summary:has-text('转办')")
    page.fill("form[action$='/transfer'] input[name=to]", "clerk2")
    page.fill("form[action$='/transfer'] input[name=reason]", "调整分工")
    page.click("button[name=transfer]")
    page.wait_for_url("**/ui/inbox**")
    expect(page.locator("p.flash")).to_contain_text("已转办给 clerk2")
    expect(page.locator("tbody tr", has_text=case_no)).to_have_count(0)

    colleague = staff("clerk2")
    page = colleague.open_task(case_no, "受理")
    page.click("details.operation summary:has-text('加签')")
    page.fill("form[action$='/signers'] input[name=users]", "approver1")
    page.select_option("form[action$='/signers'] select[name=position]", "before")
    page.click("button[name=add_signers]")
    expect(page.locator("p.flash")).to_contain_text("已加签：approver1")
    expect(page.locator("p.note", has_text="等待加签人先行签署")).to_be_visible()
    expect(page.locator("ul.signers")).to_contain_text("approver1")
    expect(page.locator("button[name=_complete]")).to_have_count(0)
    colleague.shot("task-with-added-signer")

    approver = staff("approver1")
    page = approver.open_task(case_no, "受理")
    expect(page.locator("p.note", has_text="您被加签")).to_be_visible()
    page.check("input[name=agree]")
    page.fill("textarea[name=opinion], input[name=opinion]", "材料齐全，同意受理")
    approver.submit()

    page = colleague.open_task(case_no, "受理")
    colleague.choose("decision", "accept")
    colleague.submit()

    colleague.goto("/ui/done")
    colleague.page.locator("tbody tr", has_text=case_no).locator("a").first.click()
    trail = colleague.page.locator("section", has_text="操作日志")
    for action in ("task_transferred", "signers_added", "signer_signed", "task_completed"):
        expect(trail).to_contain_text(action)
    colleague.shot("case-after-transfer-and-signer")
