"""The sandbox's limits: diagram code cannot outrun them, catch them, or end the process."""

import resource
import signal
import sys
import threading
import time

import pytest

from workflows.engine.sandbox import SandboxEnvironment
from workflows.engine.script_limits import ScriptLimitExceeded, ScriptLimits, ScriptStopped


@pytest.fixture
def env():
    return SandboxEnvironment(limits=ScriptLimits(time_seconds=0.2, memory_mb=64))


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "script",
    [
        "while True:\n    pass",
        "try:\n    while True:\n        pass\nexcept Exception:\n    pass",
        "try:\n    while True:\n        pass\nexcept:\n    pass",
        "while True:\n    try:\n        while True:\n            pass\n    finally:\n        continue",
        "def f():\n    try:\n        while True:\n            pass\n    finally:\n        return 1\nx = f()",
        "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nx = f(100)",
        "x = [y for y in range(10**7) for z in range(10**7)]",
        "x = max(a * b for a in range(10**7) for b in range(10**7))",
        "x = sorted(map(lambda v: -v, range(10**7)))",
        "x = list(zip(range(10**7), range(10**7)))\ny = sum([[0]] * len(x), [])",
    ],
)
def test_diagram_code_cannot_run_past_its_time_limit(env, script):
    began = time.monotonic()
    with pytest.raises(ScriptLimitExceeded, match="longer than its 0.2 s limit"):
        env.execute(script, {})
    assert time.monotonic() - began < 3


@pytest.mark.parametrize(
    "expression",
    [
        "10**10**10",
        "pow(7, 10**10)",
        "pow(7, 10**9000, 10**9000 + 1)",
        "1 << 10**10",
        "3**70000 * 3**70000",
        "round(5, -10**7)",
        "[0] * 10**10",
        "10**10 * 'x'",
        "(1, 2) * 10**10",
        "range(10**10)",
    ],
)
def test_results_too_large_to_compute_are_refused_before_computing(env, expression):
    began = time.monotonic()
    with pytest.raises(ScriptLimitExceeded):
        env.evaluate(expression, {})
    assert time.monotonic() - began < 0.5


def test_inplace_operators_are_bounded_too(env):
    with pytest.raises(ScriptLimitExceeded):
        env.execute("x = [0]\nx *= 10**10", {})
    with pytest.raises(ScriptLimitExceeded):
        env.execute("x = 10\nx **= 10**10", {})


def test_a_script_past_its_memory_limit_stops_and_the_limit_is_lifted(env):
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(ScriptLimitExceeded, match="more than 64 MB"):
        env.execute("x = ' '.ljust(10**9)", {})
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    data = {}
    env.execute("x = ' '.ljust(10**6)", data)
    assert len(data["x"]) == 10**6
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_scripts_cannot_catch_a_memory_error(env):
    with pytest.raises(ScriptLimitExceeded, match="more than 64 MB"):
        env.execute("try:\n    x = ' '.ljust(10**9)\nexcept:\n    x = 'caught'", {})


@pytest.mark.parametrize(
    "script",
    [
        "raise SystemExit",
        "raise KeyboardInterrupt",
        "raise GeneratorExit",
        "raise BaseException()",
        "try:\n    raise SystemExit\nexcept:\n    pass",
    ],
)
def test_exits_raised_by_diagram_code_become_ordinary_errors(env, script):
    with pytest.raises(ScriptStopped, match="may not"):
        env.execute(script, {})


def test_data_left_too_large_to_store_is_refused(env):
    with pytest.raises(ScriptLimitExceeded, match="values"):
        env.execute("x = []\nfor i in range(64):\n    x = [x, x]", {})
    with pytest.raises(ScriptLimitExceeded, match="values"):
        env.execute("x = []\nx.append(x)", {})


@pytest.mark.timeout(30)
def test_an_exit_raised_by_a_signal_handler_still_ends_the_evaluation():
    """gunicorn's worker timeout and quick shutdown raise SystemExit from a signal handler."""
    env = SandboxEnvironment(limits=ScriptLimits(time_seconds=10))
    previous = signal.signal(signal.SIGALRM, lambda *_: sys.exit(1))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(SystemExit):
            env.execute("try:\n    while True:\n        pass\nexcept:\n    pass", {})
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_evaluation_inside_another_keeps_the_outer_deadline():
    limits = ScriptLimits(time_seconds=0.3)
    inner = SandboxEnvironment(limits=limits)
    outer = SandboxEnvironment({"inner": lambda: inner.evaluate("sum(range(10))", {})}, limits=limits)
    with pytest.raises(ScriptLimitExceeded):
        outer.execute("while True:\n    x = inner()", {})


@pytest.mark.timeout(30)
def test_limits_hold_in_threads_and_the_memory_limit_is_lifted_after_the_last(env):
    before = resource.getrlimit(resource.RLIMIT_AS)
    errors = []

    def spin():
        try:
            env.execute("while True:\n    pass", {})
        except ScriptLimitExceeded as exc:
            errors.append(exc)

    threads = [threading.Thread(target=spin) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(errors) == 3
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_ordinary_code_is_untouched(env):
    data = {"items": [3, 1, 2]}
    env.execute(
        "ordered = sorted(items)\nbiggest = max(items)\ntotal = sum(items)\npairs = list(enumerate(items))\n"
        "evens = list(filter(lambda v: v % 2 == 0, items))\nback = list(reversed(items))\n"
        "a, b = 1, 2\nfor i, v in pairs:\n    total += i\nfound = any(v > 2 for v in items)\n"
        "power = 2**64 // 4\nshift = (1 << 64) >> 3\nrep = 'ab' * 2\nscaled = 2.5 * 2\n"
        "rounded = round(2.567, 2)",
        data,
    )
    assert data["ordered"] == [1, 2, 3] and data["biggest"] == 3 and data["total"] == 9
    assert data["pairs"] == [(0, 3), (1, 1), (2, 2)] and data["evens"] == [2] and data["back"] == [2, 1, 3]
    assert (data["found"], data["power"], data["shift"]) == (True, 2**62, 2**61)
    assert (data["rep"], data["scaled"], data["rounded"]) == ("abab", 5.0, 2.57)
