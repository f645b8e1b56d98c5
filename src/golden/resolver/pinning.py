"""A person's pinned values in the resolver: an attribute of an entity's golden record set by
hand, held until unpinned, each change in one transaction, audited.

A pin is held through one record of the entity: its oldest (the first to arrive, the
lowest row), so it follows that record through merges, splits and new versions, as a pin
through ``unique_id`` does in the batch pipeline (``golden.survivorship.pins``). A split
leaves the pin with the part holding that record; a merge keeps the pins of both entities
that agree, and of those that disagree, the latest's (``golden.resolver.recluster``).
Forgetting the record removes its pins (``golden.resolver.erasure``). The audit log
names the attribute, who and why, never the value (it may be personal data a later
erasure must remove).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from golden._base.cells import is_null
from golden.errors import ConfigError, SchemaError
from golden.resolver.codecs import decode_record, encode_value
from golden.resolver.held import HeldRecords
from golden.resolver.recluster import Reclusterer
from golden.resolver.store import Store

COLUMNS = ["pin_id", "entity_id", "unique_id", "attribute", "value", "by", "at", "reason"]


def checked_pin(entity_id: Any, attribute: Any, value: Any, by: Any, reason: Any,
                *, unpin: bool = False) -> tuple[int, str, dict[str, str]]:
    """The entity id, the attribute and the value as JSON text by attribute (a dict
    ``value`` gives a group's parts); a ``ConfigError`` naming every parameter that is
    wrong otherwise (``unpin``: no value to check).

    Examples
    --------
    >>> checked_pin(np.int64(7), "email", "ann@new.org", "ana", "phoned")
    (7, 'email', {'email': '"ann@new.org"'})
    >>> checked_pin(7, "address", {"city": "York", "postcode": "YO1 2BB"}, "ana", "moved")
    (7, 'address', {'city': '"York"', 'postcode': '"YO1 2BB"'})
    >>> checked_pin("7", "", None, "ana", "")
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: 4 problems:
      - entity_id: got '7', expected a whole number (an entity_id the resolver gave)
      - attribute: got '', expected the name of an attribute of the golden records
      - value: got None, expected text, a number, a date or a list (or a dict of a group's parts)
      - reason: got '', expected text (why it was pinned)
    """
    problems = []
    if isinstance(entity_id, bool | np.bool_) or not isinstance(entity_id, int | np.integer):
        problems.append(f"entity_id: got {entity_id!r}, expected a whole number (an "
                        "entity_id the resolver gave)")
    if not isinstance(attribute, str) or not attribute.strip():
        problems.append(f"attribute: got {attribute!r}, expected the name of an attribute "
                        "of the golden records")
    given = value if isinstance(value, dict) and value else {attribute: value}
    texts = {} if unpin else {str(k): _value_text(v) for k, v in given.items()}
    if any(text in ("", '""', "[]") for text in texts.values()):
        problems.append(f"value: got {value!r}, expected text, a number, a date or a list "
                        "(or a dict of a group's parts)")
    for name, given, what in (("by", by, "who pinned it"), ("reason", reason, "why it was "
                                                                          "pinned")):
        if not isinstance(given, str) or not given.strip():
            problems.append(f"{name}: got {given!r}, expected text ({what})")
    if problems:
        raise ConfigError(problems)
    return int(entity_id), attribute, texts


def _value_text(value: Any) -> str:
    """A value as JSON text, or "" when it is missing or JSON cannot hold it."""
    if not isinstance(value, list | tuple | np.ndarray) and is_null(value):
        return ""
    try:
        return json.dumps(encode_value(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return ""


class Pinner:
    """Pins and unpins values of entities' golden records over one store, and lists them.

    ``resolve_id`` gives the entity an id stands for now (following merges), or a
    ``SchemaError``.

    Examples
    --------
    >>> from golden.estimators.golden_records import GoldenRecordBuilder
    >>> store = Store(":memory:")
    >>> held = HeldRecords(store)
    >>> reclusterer = Reclusterer(store, held, GoldenRecordBuilder(), unique_id="unique_id",
    ...                           threshold=0.5, min_density=None)
    >>> with store.transaction(), held.decoding():
    ...     held.remember_columns(["unique_id", "email"])
    ...     store.insert_records([(1, "a", '{"unique_id": "a", "email": "a@x.org"}', 0, 0)])
    ...     _ = reclusterer.recluster({1}, {}, now=0.0)
    >>> pinner = Pinner(store, held, reclusterer, resolve_id=int)
    >>> pinner.pin(1, "email", "ann@new.org", by="ana", reason="phoned")
    [1]
    >>> pinner.table()[["pin_id", "entity_id", "unique_id", "value", "by"]].values.tolist()
    [[1, 1, 'a', 'ann@new.org', 'ana']]
    >>> pinner.unpin(1, "email", by="ana", reason="a mistake")
    [1]
    """

    def __init__(self, store: Store, held: HeldRecords, reclusterer: Reclusterer, *,
                 resolve_id: Callable[[int], int]) -> None:
        self.store, self.held, self.reclusterer = store, held, reclusterer
        self.resolve_id = resolve_id

    def pin(self, entity_id: Any, attribute: Any, value: Any, *, by: Any, reason: Any
            ) -> list[int]:
        """Pin an entity's ``attribute`` to ``value`` (replacing its pins of that attribute)
        and rebuild its golden record; the pins' ids. A group's parts are pinned
        together as a dict ``{part: value}``."""
        entity_id, attribute, texts = checked_pin(entity_id, attribute, value, by, reason)
        builder = getattr(self.reclusterer, "builder", None)
        if builder is None:
            raise ConfigError("pin: this resolver builds no golden records, so there is no "
                              "value to pin; create it with golden=GoldenRecordBuilder(...)")
        groups = {name: list(parts) for name, parts in (builder.groups or {}).items()}
        if isinstance(value, dict) != (attribute in groups) or (
                attribute in groups and not set(texts) <= set(groups[attribute])):
            raise ConfigError(
                f"value: {attribute!r} is a group: pin its parts as a dict of some of "
                f"{groups[attribute]} (or one part by its name)" if attribute in groups
                else f"value: a dict pins a group's parts; {attribute!r} is not a group of "
                f"the golden records (groups: {sorted(groups)})")
        with self.store.transaction(), self.held.decoding():
            now = time.time()
            entity, rows = self._rows(entity_id)
            replaced = [p for p, _, a, *_ in self.store.pins.of_rows(rows) if a in texts]
            self.store.pins.delete(replaced)
            anchor = rows[0]  # the entity's oldest record
            pin_ids = [self.store.pins.insert(anchor, part, text, by, now, reason)
                       for part, text in texts.items()]
            # an attribute the builder does not know, or a value its type cannot hold,
            # is refused here (ConfigError) and the transaction rolled back
            self.reclusterer.rebuild(entity, now)
            ((_, uid, _),) = self.store.record_ids([anchor])
            detail: dict[str, Any] = {"pin_ids": pin_ids, "attribute": attribute, "by": by,
                                      "reason": reason}
            if replaced:
                detail["replaced"] = replaced
            self.store.insert_audit([("value pinned", entity, uid, detail)], now)
        return pin_ids

    def unpin(self, entity_id: Any, attribute: Any, *, by: Any, reason: Any) -> list[int]:
        """Remove an entity's pins of ``attribute`` (of every part, for a group) and rebuild
        its golden record; the ids of the pins removed (a ``SchemaError`` naming the pinned
        attributes if none)."""
        entity_id, attribute, _ = checked_pin(entity_id, attribute, None, by, reason,
                                              unpin=True)
        with self.store.transaction(), self.held.decoding():
            now = time.time()
            entity, rows = self._rows(entity_id)
            held = self.store.pins.of_rows(rows)
            groups = getattr(self.reclusterer.builder, "groups", None) or {}
            parts = set(groups.get(attribute, [attribute]))
            removed = [pin for pin in held if pin[2] in parts]
            if not removed:
                pinned = sorted({pin[2] for pin in held})
                raise SchemaError(f"entity {entity} has no pin of {attribute!r} (its pinned "
                                  f"attributes: {pinned}); see resolver.pins(); nothing was "
                                  "changed")
            self.store.pins.delete([pin[0] for pin in removed])
            self.reclusterer.rebuild(entity, now)
            ids = {row: uid for row, uid, _ in self.store.record_ids(
                {pin[1] for pin in removed})}
            self.store.insert_audit([("value unpinned", entity, ids[pin[1]], {
                "pin_id": pin[0], "attribute": pin[2], "by": by, "reason": reason})
                for pin in removed], now)
        return [pin[0] for pin in removed]

    def table(self) -> pd.DataFrame:
        """Every pin held, oldest first: ``COLUMNS`` (``entity_id``: the entity holding
        its record now; ``at`` in UTC)."""
        rows = self.store.pins.table()
        frame = pd.DataFrame(rows, columns=COLUMNS).astype(
            {"pin_id": np.int64, "entity_id": np.int64, "unique_id": object,
             "attribute": object, "value": object, "by": object, "reason": object})
        frame["value"] = [decode_record(v) for v in frame["value"]]
        frame["at"] = pd.to_datetime(frame["at"].astype(np.float64), unit="s", utc=True)
        return frame

    def _rows(self, entity_id: int) -> tuple[int, list[int]]:
        """The entity an id stands for now and its rows, oldest first."""
        entity = self.resolve_id(entity_id)
        rows = sorted(row for row, _, _ in self.store.records_of_entity(entity))
        if not rows:  # an active entity holds records: only a damaged store
            raise SchemaError(f"entity_id {entity_id!r} holds no records; nothing was "
                              "changed")
        return entity, rows
