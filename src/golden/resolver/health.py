"""A store's health: SQLite's own check of the file, golden's invariants (every record in
one active entity, every active entity with records and a golden record, nothing kept of
records that are gone, no forgotten id held), and the checks of the settings and values a
store keeps beside its records (read when it is opened)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from golden._base.html import paragraph, section, table
from golden.resolver.codecs import Hasher
from golden.resolver.store import Store

RESTORE = "restore the store from a backup (it was changed outside golden, or damaged)"
FORGET = "forget it again (resolver.forget), then resolver.compact()"


@dataclass(frozen=True)
class StoreCheck:
    """What ``Resolver.check`` found.

    Attributes
    ----------
    problems : list of str
        Each problem found and what to do about it; empty when the store is sound.
    sqlite : str
        The SQLite check that ran: ``"quick_check"`` or ``"integrity_check"``.
    records : int
        How many records the store holds.
    """

    problems: list[str]
    sqlite: str
    records: int

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.problems

    def _repr_html_(self) -> str:
        """Whether the store is sound and each problem with what to do, as HTML for
        notebooks."""
        facts = ["ok" if self.ok else f"{len(self.problems):,} problems",
                 f"SQLite {self.sqlite}", f"{self.records:,} records"]
        parts = [paragraph(*facts)]
        if self.problems:
            rows = [[i, *split_remedy(p)] for i, p in enumerate(self.problems, 1)]
            parts.append(table(["#", "problem", "what to do"], rows, numeric={0}))
        return f'<div class="golden-store-check">{section("Store check", *parts)}</div>'


def split_remedy(problem: str) -> tuple[str, str]:
    """A problem of ``check_store`` split into what is wrong and what to do ("" if unknown).

    Examples
    --------
    >>> split_remedy(f"2 records in no active entity: {RESTORE}")[0]
    '2 records in no active entity'
    >>> split_remedy("something else")
    ('something else', '')
    """
    for remedy in (RESTORE, FORGET):
        if problem.endswith(remedy) and len(problem) > len(remedy):
            return problem[:-len(remedy)].rstrip(":; "), remedy
    return problem, ""


def check_store(store: Store, hasher: Hasher, *, full: bool) -> StoreCheck:
    """Check a store in one read snapshot (see ``Resolver.check``).

    Examples
    --------
    >>> store = Store(":memory:")
    >>> check_store(store, Hasher(b"k" * 32), full=False)
    StoreCheck(problems=[], sqlite='quick_check', records=0)
    >>> with store.transaction():  # a record in no entity, as a crash could not leave it
    ...     store.insert_records([(1, "a", "{}", 0.0, 0.0)])
    >>> print(*check_store(store, Hasher(b"k" * 32), full=True).problems)
    ... # doctest: +NORMALIZE_WHITESPACE
    1 records in no active entity: restore the store from a backup (it was changed outside
    golden, or damaged)
    """
    with store.snapshot():
        problems = [f"SQLite {'integrity_check' if full else 'quick_check'}: {line}; "
                    f"{RESTORE}" for line in store.integrity(full)]
        problems += [f"{count} {what}: {RESTORE}"
                     for what, count in store.invariant_counts().items() if count]
        if store.has_tombstones():
            by_hash = {hasher.text(uid): uid for uid in store.held_ids()}
            back = [by_hash[h] for h in store.tombstoned(list(by_hash))]
            problems += [f"record {uid!r} is held although it was forgotten: {FORGET}"
                         for uid in back]
        return StoreCheck(problems, "integrity_check" if full else "quick_check",
                          store.count_records())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


SETTINGS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "threshold": (lambda v: _number(v) and 0 < v <= 1, "a probability in (0, 1]"),
    "min_density": (lambda v: v is None or (_number(v) and 0 < v <= 1),
                    "None or a share in (0, 1]"),
    "identifiers": (lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(c, str) for k, c in v.items()),
        "a dict of identifier name to column"),
    "max_identifier_entities": (lambda v: _whole(v, 1), "a whole number >= 1"),
    **{flag: (lambda v: isinstance(v, bool), "true or false")
       for flag in ("live_terms", "tombstones", "secret_in_store")},
}


def setting_problems(settings: Mapping[str, Any]) -> list[str]:
    """What is wrong with a resolver's settings, one problem per setting (none if sound).

    Examples
    --------
    >>> setting_problems({"threshold": 2, "min_density": None, "identifiers": {},
    ...                   "max_identifier_entities": 3, "live_terms": True,
    ...                   "tombstones": True})
    ['threshold: got 2, expected a probability in (0, 1]', 'secret_in_store: missing, \
expected true or false']
    """
    return [f"{name}: got {settings[name]!r}, expected {what}" if name in settings
            else f"{name}: missing, expected {what}"
            for name, (sound, what) in SETTINGS.items()
            if name not in settings or not sound(settings[name])]


def stored_problems(store: Store, settings: Mapping[str, Any]) -> list[str]:
    """What is wrong with the settings and the other values a store keeps beside them."""
    problems = setting_problems(settings)
    secret = store.meta("secret")
    if settings.get("secret_in_store") and not (
            isinstance(secret, str) and len(secret) >= 32
            and all(c in "0123456789abcdef" for c in secret)):
        problems.append("secret: expected at least 16 bytes as hexadecimal text")
    columns = store.meta("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        problems.append(f"columns: got {columns!r}, expected a list of column names")
    if not _whole(store.meta("next_entity_id", 1), 1):
        problems.append(f"next_entity_id: got {store.meta('next_entity_id')!r}, expected a "
                        "whole number >= 1")
    return problems
