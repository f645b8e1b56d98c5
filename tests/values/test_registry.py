"""The registry of normalisers: one declaration each, and Expr's methods match it."""

from __future__ import annotations

import inspect

import pytest

from golden.errors import ConfigError
from golden.values import Expr, addresses, col, contact, dates, numbers, phonetic, text
from golden.values.registry import NORMALISERS

#: Expr's public methods that are not steps.
NOT_STEPS = {"evaluate", "apply_steps", "apply_to_distinct", "apply_step"}


def _step_methods() -> dict[str, str]:
    """Each step method of ``Expr`` and the name of the step it adds."""
    out = {}
    for name, member in vars(Expr).items():
        if callable(member) and not name.startswith("_") and name not in NOT_STEPS:
            required = [p for p in inspect.signature(member).parameters.values()
                        if p.default is p.empty]
            arguments = [1] * (len(required) - 1)
            out[name] = getattr(col("x"), name)(*arguments).steps[-1][0]
    return out


def test_every_normaliser_has_an_expr_method() -> None:
    missing = set(NORMALISERS) - set(_step_methods().values())
    assert not missing, f"add an Expr method for {sorted(missing)}"


def test_every_step_method_names_one_normaliser() -> None:
    steps = list(_step_methods().values())
    assert not set(steps) - set(NORMALISERS)
    assert len(steps) == len(set(steps))


def test_each_normaliser_is_declared_once() -> None:
    declared = [n.name for module in (text, addresses, phonetic, contact, dates, numbers)
                for n in module.NORMALISERS]
    assert len(declared) == len(set(declared)) == len(NORMALISERS)


@pytest.mark.parametrize(("steps", "message"), [
    ((("soundx",),), r"step \('soundx',\) is unknown"),
    ((("first", 0),), r"first\(n\): got n=\(0,\), expected a whole number >= 1"),
    ((("last",),), r"last\(n\): got n=\(\), expected a whole number >= 1"),
    ((("lower", 2),), r"lower: got arguments \(2,\), expected none"),
    ((("phone", "abc"),), r"phone\(default_country_code\): got default_country_code="),
])
def test_steps_are_checked_against_the_registry(steps: tuple, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Expr("x", steps)


def test_arguments_the_registry_accepts_make_an_expression() -> None:
    assert Expr("x", (("phone",), ("phone", "+353"), ("first", 2))).label == (
        "first(phone(phone(x), +353), 2)")
