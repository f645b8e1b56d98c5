"""What a normaliser is: one declaration holding all that golden knows of it.

A ``Normaliser`` names a step of ``col(...)`` expressions and holds its vectorised kernel
(Series to Series), its per-value form for a handful of values (a factory that takes the
step's arguments and returns a function of one string), the arguments it takes, and
flags. Each subject module (``text``, ``phonetic``, ``contact``, ``dates``,
``addresses``) declares its normalisers next to their kernels; ``registry`` gathers them.

Examples
--------
>>> import pandas as pd
>>> shout = Normaliser("shout", lambda s: s.str.upper(), plain(str.upper))
>>> shout.vectorised(pd.Series(["hi"])).tolist(), shout.per_value()("hi")
(['HI'], 'HI')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: A per-value form: one non-null text value in, its normalised text (None for null) out.
PerValue = Callable[[str], "str | None"]
#: A vectorised kernel: a Series in, a Series of the same length and index out.
Vectorised = Callable[..., pd.Series]


class Decline(Exception):
    """A per-value form cannot be sure of a value: the vectorised kernel decides."""


def plain(form: PerValue) -> Callable[[], PerValue]:
    """The per-value factory of a normaliser that takes no arguments.

    Examples
    --------
    >>> plain(str.lower)()("AB")
    'ab'
    """
    return lambda: form


@dataclass(frozen=True)
class Argument:
    """An argument of a normaliser step: its name, and the values it accepts.

    Examples
    --------
    >>> n = Argument("n", lambda value: isinstance(value, int) and value >= 1,
    ...              "a whole number >= 1")
    >>> n.accepts(3), n.accepts(0)
    (True, False)
    """

    name: str
    accepts: Callable[[Any], bool]
    expected: str
    required: bool = True


@dataclass(frozen=True)
class Normaliser:
    """One normaliser, declared once.

    Parameters
    ----------
    name : str
        The step name in expressions (``("soundex",)``) and in ``per_value.run``.
    vectorised : callable
        The kernel: ``vectorised(series, *arguments)``.
    per_value : callable, optional
        ``per_value(*arguments)`` gives a function of one string (None: no such form).
        A form raises ``Decline`` for a value it cannot be sure of.
    arguments : tuple of Argument
        The step's arguments, in order.
    unparseable_dates : str, optional
        For a normaliser that reads dates: what becomes of values that are not dates
        (said in the warning about them).
    after : mapping of str to callable
        Cheaper kernels for values that the named step (taking no arguments) made.
    check : callable, optional
        ``check(*arguments)`` says what is wrong with arguments that are each accepted but
        do not go together (None: nothing).
    unreadable : callable, optional
        For a normaliser that reads values of a format (phone numbers): ``unreadable(
        *arguments)`` says what becomes of values it cannot read, and what to do about
        them, in the ``DataWarning`` that counts them (None: no warning).

    Examples
    --------
    >>> from golden.values.registry import NORMALISERS
    >>> NORMALISERS["first"].problem((0,))
    'first(n): got n=(0,), expected a whole number >= 1'
    """

    name: str
    vectorised: Vectorised
    per_value: Callable[..., PerValue] | None = None
    arguments: tuple[Argument, ...] = ()
    unparseable_dates: str | None = None
    after: Mapping[str, Vectorised] = field(default_factory=dict)
    check: Callable[..., str | None] | None = None
    unreadable: Callable[..., tuple[str, str]] | None = None

    @property
    def reads_dates(self) -> bool:
        """Whether the normaliser parses its input as dates."""
        return self.unparseable_dates is not None

    def problem(self, args: tuple[Any, ...]) -> str | None:
        """What is wrong with ``args`` as this step's arguments (None: nothing)."""
        required = sum(argument.required for argument in self.arguments)
        given = self.arguments[:len(args)]
        if required <= len(args) <= len(self.arguments) and all(
                argument.accepts(value) for argument, value in zip(given, args, strict=True)):
            problem = None if self.check is None else self.check(*args)
            return None if problem is None else f"{self.name}: {problem}"
        if not self.arguments:
            return f"{self.name}: got arguments {args!r}, expected none"
        names = ", ".join(argument.name for argument in self.arguments)
        expected = "; ".join(argument.expected for argument in self.arguments)
        return f"{self.name}({names}): got {names}={args!r}, expected {expected}"

    def shortcut(self, args: tuple[Any, ...], previous: tuple[Any, ...] | None
                 ) -> Vectorised | None:
        """A cheaper kernel for values made by the step ``previous``, if there is one."""
        if args or previous is None or len(previous) != 1:
            return None
        return self.after.get(previous[0])
