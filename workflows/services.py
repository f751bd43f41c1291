"""Operations that BPMN service tasks may call, bound to the current transaction."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .clock import BUREAU_TZ
from .models import Sequence


def next_sequence_value(session, name: str) -> int:
    """Advance the named counter atomically and return its new value."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Sequence)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=["name"], set_={"value": Sequence.value + 1})
        .returning(Sequence.value)
    )
    return session.execute(stmt).scalar_one()


def service_operations(config, uow) -> dict:
    """The operations by name; each takes the task data and the task's parameters."""

    def issue_certificate_no(data, **params):
        """Certificate number (证书编号): year, region code, six-digit sequence."""
        year = config.clock.now().astimezone(BUREAU_TZ).year
        sequence = next_sequence_value(uow.session, f"certificate:{year}")
        return f"{year}{config.certificate_region_code}{sequence:06d}"

    return {"issue_certificate_no": issue_certificate_no}
