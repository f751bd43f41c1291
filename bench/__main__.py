"""Performance figures (not a test): `make bench`.

1. Completing a task with the bare engine (SpiffWorkflow: restore, run, serialize) against
   the same step through our use case (lock, restore, validate, run, save, worklist, audit,
   commit) on an SQLite file.
2. Worklist (inbox) latency with many open tasks.
3. The workbench pages' server-side render time with 2,000 open tasks (``bench/workbench.py``).
4. One condition and one script in the sandbox, with its time and memory limits.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow

from api import create_app
from api.database import db
from bench.workbench import report_pages
from tests.factories import one_task_process
from workflows import tasks
from workflows.deployments import deploy_definitions
from workflows.engine.parsing import parse_processes
from workflows.engine.sandbox import SandboxEnvironment, SandboxScriptEngine
from workflows.engine.serialization import dump_workflow, load_workflow
from workflows.instances import start_instance
from workflows.users import Actor

CLERK = Actor("bench-clerk", frozenset({"clerk"}))
DESIGNER = Actor("bench-designer", frozenset({"designer"}))


def timed(action, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    print(f"{label:<48} median {median:7.2f} ms   p95 {p95:7.2f} ms   ({len(samples)} runs)")
    return median


def bare_engine(runs: int) -> float:
    [process] = parse_processes({"simple.bpmn": one_task_process("bench")}, {})

    def complete_once():
        workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=SandboxScriptEngine())
        workflow.do_engine_steps()
        state = dump_workflow(workflow)
        workflow = load_workflow(state, process.spec, process.subprocess_specs, SandboxScriptEngine())
        task = workflow.get_next_task(state=16, manual=True)
        task.run()
        workflow.do_engine_steps()
        dump_workflow(workflow)

    return report("bare engine: restore, complete, serialize", timed(complete_once, runs))


def through_use_case(app, runs: int) -> float:
    config = app.extensions["engine_config"]
    with app.app_context():
        deploy_definitions(config, DESIGNER, [("bench.bpmn", one_task_process("bench"))])
        ids = []
        for _ in range(runs):
            view, _ = start_instance(config, CLERK, "bench", None, {})
            ids.append(view.active_tasks[0].id)
        pending = iter(ids)
        samples = timed(lambda: tasks.complete_task(config, CLERK, next(pending), {}), runs)
    return report("use case: complete_task (SQLite, one transaction)", samples)


def inbox(app, open_tasks: int, runs: int) -> None:
    config = app.extensions["engine_config"]
    with app.app_context():
        for _ in range(open_tasks):
            start_instance(config, CLERK, "bench", None, {})
        report(
            f"worklist, first page of {open_tasks} open tasks",
            timed(lambda: tasks.worklist(config, CLERK, {}, 1, 20), runs),
        )


def sandbox(runs: int) -> None:
    env = SandboxEnvironment()
    data = {f"v{n}": n for n in range(20)} | {"decision": "accept"}
    cases = {
        "sandbox: condition decision == 'accept'": lambda: env.evaluate("decision == 'accept'", data),
        "sandbox: script x = v1 + v2": lambda: env.execute("x = v1 + v2", dict(data)),
    }
    for label, action in cases.items():
        median = statistics.median(timed(action, runs)) * 1000
        print(f"{label:<48} median {median:7.1f} µs   ({runs} runs)")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}"})
    with app.app_context():
        db.create_all()
    bare = bare_engine(200)
    ours = through_use_case(app, 200)
    print(f"{'ratio use case / bare engine':<48} {ours / bare:7.2f}x")
    inbox(app, 2000, 50)
    sandbox(2000)
    folder = Path(tempfile.mkdtemp())
    pages = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'workbench.sqlite'}"})
    with pages.app_context():
        db.create_all()
    report_pages(pages, 2000, 30)


if __name__ == "__main__":
    main()
