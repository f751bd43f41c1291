"""Time and memory limits of diagram code, and containment of what it raises.

Every script, condition and expression runs inside ``ScriptLimits.contain``:

- Time: the compiled code calls ``tick()`` at the top of every loop body, function, lambda,
  except and finally block, and every iteration goes through a ticking iterator, so Python
  code cannot run past its deadline. Once passed, every tick raises again, so a script that
  catches the error cannot go on. Work done by C code in one call (``10**10**10``) cannot be
  interrupted: ``script_operations`` refuses such results before computing them.
- Memory: the process's soft address-space limit (``RLIMIT_AS``) is set to the current size
  plus the limit while diagram code runs; an allocation past it fails with ``MemoryError``.
  Sizes that ``script_policy`` can see coming (``[0] * 10**10``) are refused in any case.
- Exits: ``SystemExit``, ``KeyboardInterrupt`` and other ``BaseException`` raised by diagram
  code become ``ScriptStopped``, an ordinary error. One raised by a signal handler (gunicorn's
  worker timeout and quick shutdown call ``sys.exit`` from one) is the host's, and goes on.

A limit hit raises ``ScriptLimitExceeded`` from inside the evaluation, so SpiffWorkflow wraps it
with the task, and the case goes to status ``error`` naming the element.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from dataclasses import dataclass

_STATM = "/proc/self/statm"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class ScriptStopped(Exception):
    """Diagram code was stopped: it hit a limit, or raised what scripts may not raise."""


class ScriptLimitExceeded(ScriptStopped):
    """Diagram code needed more time, memory or size than its limits allow."""


@dataclass(frozen=True)
class ScriptLimits:
    time_seconds: float = 2.0
    memory_mb: int = 256

    def contain(self, namespace: dict, action):
        """Run ``action(evaluation)`` under the limits; ``namespace`` holds the diagram's globals."""
        outer = getattr(_local, "current", None)
        evaluation = Evaluation(self, outer)
        _local.current = evaluation
        restore = _limit_address_space(self.memory_mb) if outer is None else None
        try:
            return action(evaluation)
        except MemoryError as exc:
            stopped = ScriptLimitExceeded(f"the script needed more than {self.memory_mb} MB")
            raise stopped.with_traceback(exc.__traceback__) from None
        except Exception:
            raise
        except BaseException as exc:
            if not _raised_in(exc, namespace):
                raise
            stopped = ScriptStopped(
                f"the script raised {type(exc).__name__}, which scripts may not raise "
                "(it would stop the service)"
            )
            raise stopped.with_traceback(exc.__traceback__) from None
        finally:
            _local.current = outer
            if restore is not None:
                resource.setrlimit(resource.RLIMIT_AS, restore)


_local = threading.local()


class Evaluation:
    """One evaluation's deadline (never later than the evaluation it runs inside)."""

    __slots__ = ("deadline", "limit")

    def __init__(self, limits: ScriptLimits, outer: Evaluation | None):
        self.deadline = time.monotonic() + limits.time_seconds
        self.limit = limits.time_seconds
        if outer is not None and outer.deadline < self.deadline:
            self.deadline, self.limit = outer.deadline, outer.limit

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise ScriptLimitExceeded(f"the script ran longer than its {self.limit:g} s limit")

    def iterate(self, iterable):
        """``_getiter_``: each item of a loop or comprehension ticks."""
        tick = self.tick
        for item in iterable:
            tick()
            yield item

    def handled(self) -> None:
        """At the top of every except block: limits and exits cannot be caught by diagram code."""
        error = sys.exc_info()[1]
        if isinstance(error, ScriptStopped | MemoryError) or not isinstance(error, Exception):
            raise error
        self.tick()


def current_evaluation() -> Evaluation:
    """The evaluation running in this thread (the innermost, when they nest)."""
    return _local.current


def _raised_in(exc: BaseException, namespace: dict) -> bool:
    """Whether the innermost frame of ``exc`` runs diagram code (not a signal handler)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals is namespace


def _limit_address_space(megabytes: int):
    """Set the soft ``RLIMIT_AS`` to the current size plus ``megabytes``; returns the limits to
    restore, or None when not set.

    Only in a single-threaded process (gunicorn's sync workers, the job worker): the limit is
    the whole process's, and another thread starting or allocating meanwhile would fail in
    its place (a thread that cannot start hangs whoever started it). With other threads (a
    threaded server, tests), the size guards of ``script_policy`` remain.
    """
    if not _STATM_READABLE or threading.active_count() != 1:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = _current_size() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY and soft <= ceiling:
        return None
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    return soft, hard


def _current_size() -> int:
    """The process's address-space size (``/proc/self/statm``, kept open: about 2 µs a read)."""
    global _statm
    if _statm is None or _statm[0] != os.getpid():
        _statm = (os.getpid(), os.open(_STATM, os.O_RDONLY | os.O_CLOEXEC))
    return int(os.pread(_statm[1], 64, 0).split()[0]) * _PAGE


_STATM_READABLE = os.path.exists(_STATM)
_statm: tuple[int, int] | None = None  # (pid, descriptor): reopened in a forked child
