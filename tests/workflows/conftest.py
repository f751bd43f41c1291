"""Fixtures of the engine tier: the use cases called directly, without Flask.

The engine gets what every entry point gives it: an ``EngineConfig`` with the test's clock and
a session factory over the test's own database (a copy of the schema template, see
``tests/databases.py``), and the handlers ``wiring.register()`` installs. ``Engine`` runs each
use case as a new request would, in a new session, so every step reads the case back from the
database the previous step committed (SpiffWorkflow's own tests round-trip the serializer the
same way); an object kept from an earlier step is detached and cannot be read lazily.

Nothing here, nor in the tests of this folder, imports ``api`` or Flask
(``test_engine_tier.py`` checks).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workflows import wiring
from workflows.config import EngineConfig
from workflows.deployments import deploy_definitions
from workflows.instances import get_instance, start_instance
from workflows.persistence.database import UnitOfWork, session_factory
from workflows.persistence.models import AuditEvent
from workflows.tasks import worklist
from workflows.users import Actor

from ..factories import business_key


def actor(group: str, name: str | None = None) -> Actor:
    """A staff member of ``group``, ``clerk1`` in ``clerk`` unless named."""
    return Actor(name or f"{group}1", frozenset({group}))


ADMIN = actor("admin")
DESIGNER = actor("designer")


class Engine:
    """The use cases, one step at a time, each in a fresh session."""

    def __init__(self, config: EngineConfig):
        self.config = config

    def __call__(self, use_case, *args, **kwargs):
        """Run ``use_case(config, *args, **kwargs)`` as a new request would."""
        self.config.sessions.remove()
        return use_case(self.config, *args, **kwargs)

    def deploy(self, files: list[tuple[str, bytes]]) -> dict:
        """{key: version} of the processes deployed from ``files``."""
        return {p.key: p.version for p in self(deploy_definitions, DESIGNER, files)}

    def start(self, key: str, variables: dict, by: Actor) -> str:
        view, created = self(start_instance, by, key, business_key(), variables)
        assert created
        return view.id

    def instance(self, instance_id: str):
        return self(get_instance, ADMIN, instance_id)

    def active(self, instance_id: str) -> list[str]:
        return sorted(t.bpmn_id for t in self.instance(instance_id).active_tasks)

    def task_id(self, instance_id: str, bpmn_id: str, of: Actor) -> str:
        """The id of the ready task ``bpmn_id`` of the case in the worklist of ``of``."""
        tasks, _ = self(worklist, of, {}, 1, 100)
        ids = [t.id for t in tasks if t.instance_id == instance_id and t.bpmn_id == bpmn_id]
        assert ids, f"no {bpmn_id} task for {of.name}: {[t.bpmn_id for t in tasks]}"
        return ids[0]

    def history(self, instance_id: str | None = None) -> list[str]:
        """The actions of the audit trail, oldest first (of one case, or all)."""
        self.config.sessions.remove()
        with UnitOfWork(self.config.sessions) as uow:
            stmt = select(AuditEvent.action).order_by(AuditEvent.id)
            if instance_id is not None:
                stmt = stmt.where(AuditEvent.instance_id == instance_id)
            return list(uow.session.scalars(stmt))


@pytest.fixture
def sessions(database_url):
    sessions = session_factory(database_url)
    yield sessions
    sessions.remove()
    sessions.session_factory.kw["bind"].dispose()


@pytest.fixture
def config(clock, sessions) -> EngineConfig:
    wiring.register()
    return EngineConfig(clock=clock, sessions=sessions)


@pytest.fixture
def engine(config) -> Engine:
    return Engine(config)
