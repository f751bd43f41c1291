"""Whether the engine's database answers."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from workflows.errors import Conflict
from workflows.persistence.database import UnitOfWork


def database_answers(config) -> bool:
    try:
        with UnitOfWork(config.sessions) as uow:
            uow.session.execute(text("SELECT 1"))
    except (SQLAlchemyError, Conflict):
        return False
    return True
