"""How diagram code is compiled and which operations it may call, so it stays within its limits.

``BoundedPolicy`` extends RestrictedPython's policy: it calls ``_tick_()`` at the top of every
``while`` body, function, lambda and ``finally`` block, ``_handled_()`` at the top of every
``except`` block, and routes ``**``, ``*`` and ``<<`` through guards. Loops and comprehensions
tick through ``_getiter_``. C code that one call could keep busy for minutes (a huge power,
``[0] * 10**10``, ``sum`` of a long list of lists) is refused before it starts, or ticks.
"""

from __future__ import annotations

import ast
import builtins
import math
import operator

from RestrictedPython import RestrictingNodeTransformer

from workflows.engine.script_limits import ScriptLimitExceeded, current_evaluation
from workflows.inputs.json_rules import INT64_MAX, INT64_MIN

# Largest integer a script may compute (about 30,000 decimal digits), items in a sequence or
# range, and values in the data a script leaves (what the serializer would have to write).
MAX_INT_BITS = 100_000
MAX_ITEMS = 10_000_000
MAX_VALUES = 1_000_000
MAX_DEPTH = 100
# Three-argument pow: exponent bits times modulus bits (about one second of work).
_MAX_MODULAR_WORK = 2**26
_SEQUENCES = (str, bytes, bytearray, list, tuple)
_CONTAINERS = (dict, list, tuple, set, frozenset)


def _call(name: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _statement(name: str, like: ast.AST) -> ast.stmt:
    return ast.fix_missing_locations(ast.copy_location(ast.Expr(_call(name)), like))


class BoundedPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus deadline checks and guarded arithmetic."""

    _GUARDED = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_"}

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _statement("_tick_", node))
        return node

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _statement("_tick_", node))
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = ast.copy_location(ast.BoolOp(op=ast.Or(), values=[_call("_tick_"), node.body]), node.body)
        ast.fix_missing_locations(node.body)
        return node

    def visit_ExceptHandler(self, node):
        node = super().visit_ExceptHandler(node)
        node.body.insert(0, _statement("_handled_", node))
        return node

    def visit_Try(self, node):
        node = super().visit_Try(node)
        if node.finalbody:
            node.finalbody.insert(0, _statement("_tick_", node.finalbody[0]))
        return node

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        guard = self._GUARDED.get(type(node.op))
        if guard is None:
            return node
        return ast.fix_missing_locations(ast.copy_location(_call(guard, node.left, node.right), node))


def _too_large_int(bits: float) -> ScriptLimitExceeded:
    return ScriptLimitExceeded(
        f"the result would have about {int(bits * 0.30103):,} digits; "
        f"scripts may compute numbers of up to {int(MAX_INT_BITS * 0.30103):,} digits"
    )


def _check_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise ScriptLimitExceeded(
            f"the result would have {count:,} items; scripts may build up to {MAX_ITEMS:,}"
        )


def guarded_pow(base, exponent, modulus=None):
    if modulus is not None:
        if isinstance(exponent, int) and isinstance(modulus, int):
            if exponent.bit_length() * max(modulus.bit_length(), 64) > _MAX_MODULAR_WORK:
                raise _too_large_int(max(exponent.bit_length(), modulus.bit_length()))
        return pow(base, exponent, modulus)
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_INT_BITS:
            raise _too_large_int(bits)
    return base**exponent


def guarded_mul(left, right):
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_large_int(left.bit_length() + right.bit_length())
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_items(len(left) * right)
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        _check_items(len(right) * left)
    return left * right


def guarded_lshift(left, right):
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right > MAX_INT_BITS:
        raise _too_large_int(left.bit_length() + right)
    return left << right


def guarded_range(*args):
    result = range(*args)
    try:
        _check_items(len(result))
    except OverflowError:
        _check_items(MAX_ITEMS + 1)
    return result


def guarded_round(number, ndigits=None):
    if isinstance(number, int) and isinstance(ndigits, int) and -ndigits * 3.33 > MAX_INT_BITS:
        raise _too_large_int(-ndigits * 3.33)
    return round(number, ndigits)


_INPLACE = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": guarded_mul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": guarded_pow,
    "<<=": guarded_lshift,
    ">>=": operator.irshift,
    "|=": operator.ior,
    "&=": operator.iand,
    "^=": operator.ixor,
}


def guarded_inplace(op: str, target, value):
    return _INPLACE[op](target, value)


def _ticking(iterable):
    return current_evaluation().iterate(iterable)


def _consumer(function):
    """``sum``, ``min``, ``max`` ... whose single iterable argument ticks per item."""

    def consume(*args, **kwargs):
        if len(args) == 1:
            args = (_ticking(args[0]),)
        elif function is builtins.sum and args:
            args = (_ticking(args[0]), *args[1:])
        return function(*args, **kwargs)

    consume.__name__ = function.__name__
    return consume


def _map(function, *iterables):
    return map(function, *map(_ticking, iterables))


def _filter(function, iterable):
    return filter(function, _ticking(iterable))


def _zip(*iterables, strict=False):
    return zip(*map(_ticking, iterables), strict=strict)


def _enumerate(iterable, start=0):
    return enumerate(_ticking(iterable), start)


def _reversed(sequence):
    return _ticking(reversed(sequence))


BOUNDED_BUILTINS = {
    "range": guarded_range,
    "pow": guarded_pow,
    "round": guarded_round,
    "map": _map,
    "filter": _filter,
    "zip": _zip,
    "enumerate": _enumerate,
    "reversed": _reversed,
    **{f.__name__: _consumer(f) for f in (sum, min, max, any, all, sorted)},
}
GUARDS = {
    "_pow_": guarded_pow,
    "_mul_": guarded_mul,
    "_lshift_": guarded_lshift,
    "_inplacevar_": guarded_inplace,
}


def check_storable(data: dict) -> None:
    """The data a script leaves must be storable: no structure containing itself, repeated
    into millions of values, or nested past ``MAX_DEPTH`` (the serializer would never end), and
    no integer past the signed 64-bit range that variables hold (the API takes no larger one)."""
    count = len(data)
    _check_integers(data.items())
    stack = [(value, 1) for value in data.values() if isinstance(value, _CONTAINERS)]
    while stack:
        value, depth = stack.pop()
        items = value.values() if isinstance(value, dict) else value
        count += len(items)
        if count > MAX_VALUES or depth > MAX_DEPTH:
            raise ScriptLimitExceeded(
                f"the script's data holds more than {MAX_VALUES:,} values or is nested more than "
                f"{MAX_DEPTH} levels deep (a list or dict inside itself, or repeated inside itself)"
            )
        _check_integers(enumerate(items) if not isinstance(value, dict) else value.items())
        stack.extend((item, depth + 1) for item in items if isinstance(item, _CONTAINERS))


def _check_integers(items) -> None:
    for key, value in items:
        if type(value) is int and not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(
                f"the script leaves an integer of {value.bit_length()} bits in {key!r}, past the "
                "signed 64-bit range variables hold: keep such a number as text, e.g. str(n)"
            )
