"""The studio and the case page's diagram in Chromium: a designer edits a step's label, meets
the server's validation error on the tasks of a lane that lost its group, fixes it and deploys
version 2 while a running case stays on version 1; the comparison marks the changed step.
The case page's diagram marks finished and current steps and tells who did one."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from workflows.instances import get_instance, start_instance
from workflows.users import Actor

from ..factories import application
from .conftest import ARTIFACTS

CLERK = Actor("clerk1", frozenset({"clerk"}))
KEY = "qualification_approval"


def _start_case(server) -> tuple[str, str]:
    case_no = f"TJ-{uuid.uuid4().hex[:8].upper()}"
    with server.app.app_context():
        view, _ = start_instance(server.config, CLERK, KEY, case_no, application())
    return view.id, case_no


def _select(page, element_id: str):
    """Click an element of the modeler's canvas (on the element itself, whatever crosses it)."""
    page.locator(f".studio-canvas g.djs-element[data-element-id='{element_id}']").dispatch_event("click")
    expect(page.locator("#bio-properties-panel-id")).to_have_value(element_id)


def _rename(page, element_id: str, name: str):
    _select(page, element_id)
    field = page.locator("#bio-properties-panel-name")
    field.fill(name)
    field.press("Tab")
    page.wait_for_timeout(400)  # the panel writes the name after a short pause


def _watch_console(page) -> list[str]:
    """The page's console errors (a blocked script or style would show here)."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url} {message.text} {message.location}")
            if message.type == "error"
            else None
        ),
    )
    return errors


def _shot(page, name: str):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_designer_edits_validates_deploys_and_compares(staff, server):
    case_id, case_no = _start_case(server)
    designer = staff("designer1")
    errors = _watch_console(designer.page)
    page = designer.goto("/ui/studio")
    row = page.locator(f"#process-{KEY} tr[data-version='1']")
    expect(row.locator(".running")).not_to_have_text("0")
    _shot(page, "studio-versions")
    row.get_by_role("link", name="在建模器中打开").click()
    expect(page.locator(".studio-canvas.modeler-ready")).to_be_visible()

    form = page.locator("details.form-editor-item", has_text="accept_application.schema.json")
    form.locator("summary").click()
    expect(form.locator(".form-preview")).to_contain_text("受理决定")
    form.locator("textarea[name=schema]").fill(
        '{"type": "object", "properties": {"x": {"type": "string", "title": "新字段"}}}'
    )
    expect(form.locator(".form-preview")).to_contain_text("新字段")
    _shot(page, "studio-form-preview")
    form.locator("textarea[name=schema]").fill(form.locator("textarea[name=schema]").input_value())
    page.reload()
    expect(page.locator(".studio-canvas.modeler-ready")).to_be_visible()

    _rename(page, "accept_application", "受理审查（窗口）")
    _rename(page, "Lane_clerk", "窗口受理")
    page.click("#validate")
    problem = page.locator("#problems li.problem-error")
    expect(problem).to_contain_text("窗口受理")
    element = problem.get_attribute("data-element")
    expect(
        page.locator(f".studio-canvas g.djs-element.problem-error[data-element-id='{element}']")
    ).to_have_count(1)
    expect(page.locator(".problem-badge")).to_have_count(1)
    _shot(page, "studio-validation-error")

    _rename(page, "Lane_clerk", "窗口受理 (clerk)")
    page.click("#validate")
    expect(page.locator("#studio-status")).to_have_class("studio-status ok")
    expect(page.locator(".studio-canvas .problem-error")).to_have_count(0)
    page.click("#deploy")
    expect(page.locator("#deployed")).to_contain_text("已部署为版本 2")
    _shot(page, "studio-deployed")

    page = designer.goto("/ui/studio")
    expect(page.locator(f"#process-{KEY} tr[data-version='2']")).to_be_visible()
    expect(page.locator(f"#process-{KEY} tr[data-version='1'] .running")).not_to_have_text("0")
    with server.app.app_context():
        assert get_instance(server.config, CLERK, case_id).definition_version == 1

    page.locator(f"#process-{KEY} tr[data-version='2']").get_by_role("link", name="与 v1 比较").click()
    expect(page.locator("#diff-new.diff-ready")).to_be_visible()
    expect(
        page.locator("#diff-new g.djs-element.diff-changed[data-element-id='accept_application']")
    ).to_have_count(1)
    expect(
        page.locator("#diff-old g.djs-element.diff-changed[data-element-id='accept_application']")
    ).to_have_count(1)
    expect(page.locator("#affected tbody")).to_contain_text(case_no)
    _shot(page, "studio-diff")
    assert errors == [], "\n".join(errors)


def test_case_page_diagram_marks_finished_and_current_steps(staff, server):
    case_id, case_no = _start_case(server)
    clerk = staff("clerk1")
    errors = _watch_console(clerk.page)
    clerk.open_task(case_no, "受理")
    clerk.choose("decision", "accept")
    clerk.submit()
    page = clerk.goto(f"/ui/cases/{case_id}")
    expect(page.locator("#diagram.diagram-ready")).to_be_visible()
    expect(
        page.locator("#diagram g.djs-element.step-done[data-element-id='accept_application']")
    ).to_have_count(1)
    expect(page.locator("#diagram g.djs-element.step-current")).not_to_have_count(0)
    page.locator("#diagram g.djs-element[data-element-id='accept_application']").dispatch_event("click")
    expect(page.locator("#diagram-step")).to_contain_text("clerk1")
    _shot(page, "case-diagram")
    page.locator(".diagram-card").screenshot(path=str(ARTIFACTS / "case-diagram-detail.png"))
    assert errors == [], "\n".join(errors)
