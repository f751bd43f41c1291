"""The script sandbox refuses escapes and runs ordinary scripts and conditions."""

import pytest

from workflows.engine.sandbox import SandboxEnvironment, ScriptError, translate_juel


@pytest.fixture
def env():
    return SandboxEnvironment({"double": lambda x: 2 * x})


def test_scripts_read_and_write_task_data(env):
    data = {"a": 1, "items": [1, 2]}
    env.execute("b = double(a)\nitems.append(3)\ntotal = sum(items)\nd = {'k': 1}\nd['j'] = 2", data)
    assert data == {"a": 1, "items": [1, 2, 3], "b": 2, "total": 6, "d": {"k": 1, "j": 2}}


def test_deleting_a_variable_removes_it(env):
    data = {"a": 1, "b": 2}
    env.execute("del b", data)
    assert data == {"a": 1}


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from os import path",
        "x = ().__class__.__bases__",
        "x = open('/etc/passwd').read()",
        "x = getattr(1, '__class__')",
        "x = eval('1')",
        "x = __import__('os')",
        "x = '{0.__class__}'.format(1)",
        "class A: pass",
    ],
)
def test_escapes_are_refused(env, script):
    with pytest.raises((ScriptError, ImportError, NameError, NotImplementedError, SyntaxError)):
        env.execute(script, {})


def test_functions_cannot_be_overwritten_by_data(env):
    with pytest.raises(ValueError, match="double"):
        env.execute("x = 1", {"double": 3})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${approved && level != 'high'}", "approved  and  level != 'high'"),
        ("${!approved || x == null}", "not approved  or  x == None"),
        ("${flag == true}", "flag == True"),
        ("decision == 'accept'", "decision == 'accept'"),
    ],
)
def test_camunda_expressions_become_python(expression, expected):
    assert translate_juel(expression) == expected


def test_conditions_evaluate_against_data(env):
    assert env.evaluate("${a > 1 && !b}", {"a": 2, "b": False}) is True
    assert env.evaluate("decision in ('x', 'y')", {"decision": "y"}) is True
