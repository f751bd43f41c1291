"""Server-side render time of the workbench pages with many open tasks (issue: < 100 ms each).

A clerk and a supervisor log in through the login form, as a browser would; every page is
fetched through the WSGI app (no network), so the figure is the server's own time: routing,
session, use cases, queries and templates.
"""

from __future__ import annotations

import re
import statistics
import time

from tests.factories import shipped_files
from workflows.deployments import deploy_definitions
from workflows.instances import start_instance
from workflows.users import Actor, create_user_token, set_password

CLERK = Actor("bench-clerk", frozenset({"clerk"}))
DESIGNER = Actor("bench-designer", frozenset({"designer"}))
BUDGET_MS = 100
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_START = {
    "applicant": {"name": "天津市示范检测技术有限公司", "credit_code": "91120000RX1QQ6UY22"},
    "application_type": "first",
    "procedure": "normal",
    "fields": ["食品"],
}


def seed(app, open_tasks: int) -> str:
    """Deploy the shipped flows and start ``open_tasks`` applications; returns one case id."""
    config = app.extensions["engine_config"]
    with app.app_context():
        deploy_definitions(config, DESIGNER, shipped_files())
        for name, group in (("bench-clerk", "clerk"), ("bench-supervisor", "supervisor")):
            create_user_token(config, name, [group])
            set_password(config, name, "bench-password")
        for n in range(open_tasks):
            view, _ = start_instance(config, CLERK, "qualification_approval", f"BENCH-{n:05d}", dict(_START))
    return view.id


def logged_in(app, name: str):
    client = app.test_client()
    token = _CSRF.search(client.get("/ui/login").get_data(as_text=True)).group(1)
    form = {"username": name, "password": "bench-password", "csrf_token": token}
    response = client.post("/ui/login", data=form)
    assert response.status_code == 302, response.status_code
    return client


def page_times(client, path: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def report_pages(app, open_tasks: int, runs: int) -> None:
    case_id = seed(app, open_tasks)
    clerk, supervisor = logged_in(app, "bench-clerk"), logged_in(app, "bench-supervisor")
    first_task = re.search(r'href="/ui/tasks/([0-9a-f-]{36})"', clerk.get("/ui/inbox").get_data(as_text=True))
    deep = re.search(r'href="(/ui/inbox\?[^"]*after=[^"]+)"', clerk.get("/ui/inbox").get_data(as_text=True))
    pages = [
        (clerk, "/ui/inbox"),
        (clerk, deep.group(1).replace("&amp;", "&") if deep else "/ui/inbox"),
        (clerk, "/ui/inbox?q=BENCH-01999"),
        (clerk, f"/ui/tasks/{first_task.group(1)}"),
        (clerk, f"/ui/cases/{case_id}"),
        (clerk, "/ui/done"),
        (clerk, "/ui/mine"),
        (clerk, "/ui/notifications"),
        (supervisor, "/ui/oversight"),
        (supervisor, "/ui/oversight/dashboard"),
    ]
    print(f"workbench pages with {open_tasks} open tasks (budget {BUDGET_MS} ms, server side):")
    for client, path in pages:
        samples = page_times(client, path, runs)
        median, p95 = statistics.median(samples), sorted(samples)[int(len(samples) * 0.95) - 1]
        verdict = "ok" if p95 < BUDGET_MS else "OVER BUDGET"
        print(f"  {path[:46]:<46} median {median:7.2f} ms   p95 {p95:7.2f} ms   {verdict}")
