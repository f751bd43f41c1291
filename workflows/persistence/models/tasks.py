"""The worklist: one row per human task, with its candidate groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

OPEN_TASK_STATES = ("ready", "suspended")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_state", "assignee", "state"),
        Index("ix_tasks_instance_state", "instance_id", "state"),
        Index("ix_tasks_state_due_at", "state", "due_at"),
        Index("ix_tasks_state_warn_at", "state", "warn_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(255))
    form_hash: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(255))
    deadline: Mapped[str | None] = mapped_column(String(32))
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    calendar_incomplete: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(255))
    submitted_data: Mapped[dict | None] = mapped_column(JSONType)
    lock_version: Mapped[int] = mapped_column(default=1)
    # ``user``: a task of the diagram; ``signer``: an added signer's ad hoc task (加签), which
    # the engine does not know: it belongs to ``parent_task_id`` at ``sign_position``.
    kind: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    parent_task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    sign_position: Mapped[str | None] = mapped_column(String(16))
    # Delegation (委派), as Camunda's DelegationState: the owner delegated the task to the
    # assignee (``pending``); once the delegate answered it is back with the owner (``resolved``).
    owner: Mapped[str | None] = mapped_column(String(255))
    delegation: Mapped[str | None] = mapped_column(String(16))
    # The absent user the assignee works for (代理), while their substitution lasted.
    on_behalf_of: Mapped[str | None] = mapped_column(String(255))
    # Why an open task is not in the worklist: ``before_signers`` (added signers sign first),
    # ``after_signers`` (answered; the case moves on when the added signers are done).
    held: Mapped[str | None] = mapped_column(String(16))
    # The step's ``allowedOperations`` (comma-separated); None allows every operation.
    allowed_operations: Mapped[str | None] = mapped_column(String(255))

    candidates: Mapped[list[TaskCandidateGroup]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": lock_version}

    # Filled in for responses by ``with_oversight``; not stored.
    level = "normal"
    elapsed_share = None

    def with_oversight(self, now: datetime) -> Task:
        self.level, self.elapsed_share = self.oversight(now)
        return self

    @property
    def candidate_groups(self) -> list[str]:
        return sorted(c.group_name for c in self.candidates)

    def oversight(self, now: datetime) -> tuple[str, float | None]:
        """The oversight level (normal, reminder, warning, alarm) and elapsed share at ``now``."""
        if self.due_at is None or self.state not in OPEN_TASK_STATES:
            return "normal", None
        if now > self.due_at:
            level = "alarm"
        elif self.warn_at is not None and now >= self.warn_at:
            level = "warning"
        elif self.remind_at is not None and now >= self.remind_at:
            level = "reminder"
        else:
            level = "normal"
        share = (now - self.clock_started_at) / (self.due_at - self.clock_started_at)
        return level, round(max(0.0, share), 4)


class TaskCandidateGroup(Base):
    __tablename__ = "task_candidate_groups"
    __table_args__ = (Index("ix_task_candidate_groups_group_task", "group_name", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    group_name: Mapped[str] = mapped_column(String(64), primary_key=True)
