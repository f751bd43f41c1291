"""Whether the engine's database answers."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from workflows.persistence.database import db


def database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    finally:
        db.session.rollback()
    return True
