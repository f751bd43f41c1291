"""Use cases on the audit trail as a whole: verifying its hash chain."""

from __future__ import annotations

from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork


def verify_audit_chain(config) -> dict:
    """Check every link of the audit chain: ``{"ok", "count", "broken"}`` (see ``audit.verify_chain``)."""
    with UnitOfWork(config.sessions) as uow:
        return audit.verify_chain(uow.session)
