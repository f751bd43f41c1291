"""The database: the SQLAlchemy handle and unit of work, the models, the audit trail."""
