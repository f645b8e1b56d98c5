"""The incremental resolver: records in, stable entities and golden records out, persisted.

Each ``add`` scores the batch against the records held (``golden.resolver.matcher``), stores
the pairs at or above the threshold, re-clusters only the connected components the batch
touched (with the batch pipeline's own clustering), carries entity ids across
(``golden.clustering.entity_ids``) and rebuilds those entities' golden records, all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from golden._base.graphs import component_of_each_node
from golden._base.pairs import group_starts
from golden.clustering import components as _clustering
from golden.clustering.entity_ids import IdChanges, carry_ids
from golden.errors import ConfigError, SchemaError
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.estimators.linker import Linker
from golden.resolver.matcher import (
    Matcher,
    Prepared,
    check_identifiers,
    decode_prepared,
    encode_prepared,
    identifier_values,
)
from golden.resolver.store import (
    Hasher,
    Store,
    decode_many,
    decode_record,
    encode_groups,
    encode_record,
    encode_records,
    frame_of,
    is_null,
    value_problem,
)

STORE_FORMAT = "golden-resolver"
STORE_VERSION = 1
HOLDER_QUERY_KEYS = 200  # keys per holders query (3 parameters and one compound term each)


@dataclass
class Added:
    """What ``Resolver.add`` did.

    Attributes
    ----------
    records : DataFrame
        One row per accepted record: ``unique_id``, ``entity_id`` and ``action``
        (``"new entity"``, ``"joined"``, ``"updated"`` or ``"unchanged"``).
    rejected : DataFrame
        ``position`` in the batch, ``unique_id`` (when readable) and ``reason``.
    events : DataFrame
        Entity events: ``event`` (``created``, ``merged``, ``split``, ``retired``),
        ``entity_id`` and ``other_id`` (the surviving id of a merge, the new id of a split).
    warnings : list of str
        Oversized block keys skipped and identifiers found to be generic.
    """

    records: pd.DataFrame
    rejected: pd.DataFrame
    events: pd.DataFrame
    warnings: list[str]


class Resolver:
    """Resolve records as they arrive, with stable entity ids, golden records and erasure.

    Parameters
    ----------
    path : str or Path
        The SQLite file holding everything (created when missing).
    linker : Linker
        A fitted ``Linker`` whose blocking rules are ``block_on`` / ``block_on_any``.
        Omit it to reopen a store with the model it was created with.
    golden : GoldenRecordBuilder, optional
        Survivorship rules; default the builder's defaults with the Linker's id column.
    threshold : float
        Match probability at or above which two records are linked.
    min_density : float or None
        Clustering's chaining guard, as in ``cluster_pairs``.
    identifiers : list or dict, optional
        Strong identifier columns (customer number, e-mail, device or cookie id…), values or
        lists: records sharing a value are linked whatever the model says.
    max_identifier_entities : int
        An identifier value held by more people than this (counted as groups of its
        records the model does not link) stops linking and is reported as generic.
    term_frequencies : DataFrame, optional
        Records whose value counts are frozen as the term frequencies. By default the
        counts follow the records held.
    secret : bytes, optional
        Key for the hashes of block keys, identifiers, tombstones and forgotten ids. By
        default a random key is made and kept in the store; pass your own (e.g. from a
        secrets manager) to keep it out of the file, and pass it on every reopening.
    tombstones : bool
        Remember forgotten record ids (as keyed hashes) and refuse them if they come back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import golden as gd
    >>> from golden.demo import BLOCKING, COMPARISONS, TRAINING
    >>> people = gd.datasets.make_people(2_000, random_state=0)
    >>> linker = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
    ...                    random_state=0).fit(people)
    >>> resolver = gd.Resolver(pathlib.Path(tempfile.mkdtemp()) / "customers.db", linker)
    >>> first = resolver.add(people.iloc[:1_500])
    >>> later = resolver.add(people.iloc[1_500:])
    >>> sorted(set(later.records["action"]))
    ['joined', 'new entity']
    >>> entity = int(later.records["entity_id"].iloc[0])
    >>> resolver.golden(entity)["entity_id"] == entity
    True
    >>> resolver.close()
    """

    def __init__(
        self,
        path: str | Path,
        linker: Linker | None = None,
        *,
        golden: GoldenRecordBuilder | None = None,
        threshold: float = 0.5,
        min_density: float | None = _clustering.DEFAULT_MIN_DENSITY,
        identifiers: Sequence[str] | Mapping[str, str] | None = None,
        max_identifier_entities: int = 3,
        term_frequencies: pd.DataFrame | None = None,
        secret: bytes | None = None,
        tombstones: bool = True,
    ) -> None:
        self.path = Path(path)
        self.store = Store(self.path)
        try:
            settings = self.store.meta("settings")
            if settings is None:
                if linker is None:
                    raise ConfigError(f"{self.path} holds no resolver yet: pass a fitted "
                                      "Linker to create one")
                settings = self._create(linker, golden, threshold, min_density, identifiers,
                                        max_identifier_entities, term_frequencies, secret,
                                        tombstones)
            elif linker is not None and linker.to_dict() != self.store.meta("model"):
                raise ConfigError(f"{self.path} was created with another model; open it with "
                                  "Resolver(path) alone, or use a new file")
            self._load(settings, secret)
        except BaseException:
            self.store.close()
            raise

    # Creation and reopening -----------------------------------------------------------

    def _create(self, linker: Linker, golden: GoldenRecordBuilder | None, threshold: float,
                min_density: float | None, identifiers: Any, max_identifier_entities: int,
                term_frequencies: pd.DataFrame | None, secret: bytes | None,
                tombstones: bool) -> dict[str, Any]:
        problems = []
        if not isinstance(linker, Linker) or not hasattr(linker, "m_"):
            problems.append("linker: expected a fitted golden.Linker")
        if not isinstance(threshold, int | float) or not 0 < threshold <= 1:
            problems.append(f"threshold: got {threshold!r}, expected a probability in (0, 1]")
        if isinstance(linker, Linker) and linker.link_type == "link":
            problems.append("linker: link_type='link' cannot grow one record at a time; fit "
                            "with link_type='link_and_dedupe' or 'dedupe'")
        if not isinstance(max_identifier_entities, int) or max_identifier_entities < 1:
            problems.append(f"max_identifier_entities: got {max_identifier_entities!r}, "
                            "expected a whole number >= 1")
        if secret is not None and (not isinstance(secret, bytes) or len(secret) < 16):
            problems.append("secret: expected at least 16 bytes")
        if problems:
            raise ConfigError(problems)
        identifiers = check_identifiers(identifiers)
        builder = golden or GoldenRecordBuilder(unique_id=linker.unique_id)
        if builder.unique_id != linker.unique_id:
            raise ConfigError(f"golden: the builder's unique_id {builder.unique_id!r} differs "
                              f"from the Linker's {linker.unique_id!r}")
        settings = {"format": STORE_FORMAT, "version": STORE_VERSION, "threshold": threshold,
                    "min_density": min_density, "identifiers": identifiers,
                    "max_identifier_entities": max_identifier_entities,
                    "live_terms": term_frequencies is None, "tombstones": tombstones,
                    "secret_in_store": secret is None}
        with self.store.transaction():
            self.store.set_meta("model", linker.to_dict())
            self.store.set_meta("golden", builder.to_dict())
            if secret is None:
                self.store.set_meta("secret", os.urandom(32).hex())
            self.store.set_meta("settings", settings)
            if term_frequencies is not None:
                self._load(settings, secret)
                self.matcher.count_terms(self.matcher.records(term_frequencies), 1)
        return settings

    def _load(self, settings: dict[str, Any], secret: bytes | None) -> None:
        if settings.get("format") != STORE_FORMAT or settings.get("version") != STORE_VERSION:
            raise ConfigError(f"{self.path} is not a golden resolver store of version "
                              f"{STORE_VERSION}")
        if settings["secret_in_store"]:
            secret = bytes.fromhex(self.store.meta("secret"))
        elif secret is None:
            raise ConfigError(f"{self.path} was created with your own secret: pass it again "
                              "with secret=...")
        self.settings = settings
        self.linker = Linker.from_dict(self.store.meta("model"))
        self.builder = GoldenRecordBuilder.from_dict(self.store.meta("golden"))
        self.hasher = Hasher(secret)
        self.matcher = Matcher(self.linker, self.store, self.hasher, settings["identifiers"],
                               settings["live_terms"])
        self.unique_id = self.linker.unique_id
        self._decoded: dict[int, dict[str, Any]] = {}

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Adding ----------------------------------------------------------------------------

    def add(self, records: pd.DataFrame | Mapping[str, Any] | Iterable[Mapping[str, Any]]
            ) -> Added:
        """Add new records, or new versions of held ones (same unique id), in one
        transaction; return each record's entity and what changed.

        Bad records (no id, a repeated id, a value that is not text, a number, a date or a
        list, a forgotten id) are rejected with a reason; the rest of the batch proceeds.
        """
        frame = _as_frame(records)
        encoded, rejected = self._validate(frame)
        with self.store.transaction(), self._decoding():
            now = time.time()
            self._remember_columns(frame.columns)
            held = {uid: (row, entity, data, added) for row, uid, entity, data, added in
                    self.store.select_in("SELECT row_id, unique_id, entity_id, data, added_at "
                                         "FROM records WHERE unique_id IN ({})", list(encoded))}
            changed = {uid: data for uid, data in encoded.items()
                       if uid not in held or held[uid][2] != data}
            replaced = [held[uid][0] for uid in changed if uid in held]
            previous = {held[uid][0]: held[uid][1] for uid in changed if uid in held}
            self._remove_rows(replaced)
            new_rows = self._insert(changed, held, now)
            warnings, unlinked = self._link(new_rows)
            changes, entity_of = self._recluster(set(new_rows) | set(replaced) | unlinked,
                                                 previous, now)
            row_of = {uid: held[uid][0] for uid in held} | dict(zip(changed, new_rows,
                                                                      strict=True))
            # an unchanged record keeps its entity unless this batch re-clustered it
            entity = {uid: entity_of[row_of[uid]] if row_of[uid] in entity_of
                      else held[uid][1] for uid in encoded}
            self._audit([("record updated" if uid in held else "record added", entity[uid],
                          uid, {}) for uid in changed], now)
        return Added(self._outcome(entity, changed, held, changes), rejected,
                     _events(changes), warnings)

    @contextmanager
    def _decoding(self) -> Iterator[None]:
        """Decoded records are kept for the length of one transaction."""
        self._decoded = {}
        try:
            yield
        finally:
            self._decoded = {}

    def _remember_columns(self, columns: Iterable[str]) -> None:
        known = self.store.meta("columns", [])
        more = [str(c) for c in columns if str(c) not in known]
        if more:
            self.store.set_meta("columns", known + more)

    def _validate(self, frame: pd.DataFrame) -> tuple[dict[Any, str], pd.DataFrame]:
        uid = self.unique_id
        ids = frame[uid].tolist() if uid in frame.columns else [None] * len(frame)
        reasons = [_id_problem(uid, value) for value in ids]
        ids = [_plain(v) if r is None else v for v, r in zip(ids, reasons, strict=True)]
        tombstoned = self._tombstoned([v for v, r in zip(ids, reasons, strict=True) if r is None])
        seen: set[Any] = set()
        for position, value in enumerate(ids):
            if reasons[position] is not None:
                continue
            if value in seen:
                reasons[position] = f"{uid} {value!r} appears more than once in this batch"
            elif value in tombstoned:
                reasons[position] = f"{uid} {value!r} was forgotten on request and may not return"
            seen.add(value)
        for column, values in frame.items():
            if values.dtype != object:
                continue  # typed columns hold only storable values
            for position, value in enumerate(values.tolist()):
                problem = value_problem(value)
                if problem is not None:
                    reasons[position] = "; ".join(
                        filter(None, [reasons[position], f"{column!r} {problem}"]))
        accepted = [i for i, r in enumerate(reasons) if r is None]
        kept = frame.iloc[accepted].copy()
        if len(kept):
            kept[uid] = pd.Series([ids[i] for i in accepted], index=kept.index, dtype=object)
        encoded = dict(zip([ids[i] for i in accepted], encode_records(kept), strict=True))
        rejected = pd.DataFrame(
            [(i, None if is_null(ids[i]) or isinstance(ids[i], list) else ids[i], r)
             for i, r in enumerate(reasons) if r is not None],
            columns=["position", "unique_id", "reason"])
        return encoded, rejected

    def _tombstoned(self, ids: list[Any]) -> set[Any]:
        """The ids (of those given) that were forgotten."""
        if not self.settings["tombstones"] or self.store.db.execute(
                "SELECT 1 FROM tombstones LIMIT 1").fetchone() is None:
            return set()
        hashes = {self.hasher.text(v): v for v in ids}
        return {hashes[h] for (h,) in self.store.select_in(
            "SELECT hash FROM tombstones WHERE hash IN ({})", list(hashes))}

    def _insert(self, changed: dict[Any, str], held: dict[Any, tuple[int, int, str, float]],
                now: float) -> list[int]:
        """Store changed records (a new version keeps its row id and first arrival time)."""
        (last,) = self.store.db.execute("SELECT max(row_id) FROM records").fetchone()
        fresh = itertools.count((last or 0) + 1)  # as SQLite numbers rows: past the largest
        rows = [held[uid][0] if uid in held else next(fresh) for uid in changed]
        self.store.db.executemany("INSERT INTO records VALUES (?, ?, -1, ?, ?, ?)", [
            (row, uid, data, held[uid][3] if uid in held else now, now)
            for row, (uid, data) in zip(rows, changed.items(), strict=True)])
        return rows

    def _remove_rows(self, rows: list[int]) -> None:
        """Delete records with their keys, pairs and term counts (entities are re-clustered
        by the caller)."""
        if not rows:
            return
        if self.settings["live_terms"]:
            old = self._frame(rows)
            self.matcher.count_terms(self.matcher.records(old), -1)
        for row in rows:  # a new version may take the same row id
            self._decoded.pop(row, None)
        for table, where in (("keys", "row_id IN ({})"), ("prepared", "row_id IN ({})"),
                             ("edges", "a IN ({})"),
                             ("edges", "b IN ({})"), ("identity_edges", "a IN ({})"),
                             ("identity_edges", "b IN ({})"), ("records", "row_id IN ({})")):
            self.store.execute_in(f"DELETE FROM {table} WHERE {where}", rows)

    def _link(self, rows: list[int]) -> tuple[list[str], set[int]]:
        """Keys, term counts, scored pairs and identity links of freshly inserted rows;
        the warnings, and the held rows whose identity links were withdrawn."""
        if not rows:
            return [], set()
        frame = self._frame(rows)
        data = self.matcher.records(frame)
        row_ids = frame.index.to_numpy()
        if self.settings["live_terms"]:
            self.matcher.count_terms(data, 1)
        self.store.db.executemany("INSERT OR REPLACE INTO prepared VALUES (?, ?)", zip(
            row_ids.tolist(), map(encode_prepared, self.matcher.prepare(data)), strict=True))
        keys = self.matcher.block_keys(data, row_ids)
        held, sizes = self.matcher.held_keys(keys)
        self.store.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)",
                                  keys[["kind", "key", "row_id"]].to_numpy().tolist())
        pairs, skipped = self.matcher.candidate_pairs(keys, held, sizes)
        warnings = [f"block key shared by too many records, skipped: {s}" for s in skipped]
        self._score_pairs(pairs)
        generic, unlinked = self._identity_links(keys, self._identifier_texts(data.frame))
        return warnings + generic, unlinked

    def _identifier_texts(self, frame: pd.DataFrame) -> dict[tuple[int, int], str]:
        """The plaintext of the batch's identifier hashes (for warnings, never stored)."""
        texts = {}
        for number, column in enumerate(self.settings["identifiers"].values()):
            for value in set(identifier_values(frame, column)[1]):
                texts[(-1 - number, self.hasher.integer(value))] = value
        return texts

    def _score_pairs(self, pairs: pd.DataFrame) -> None:
        if pairs.empty:
            return
        rows = np.unique(np.r_[pairs["a"].to_numpy(), pairs["b"].to_numpy()])
        data = Prepared(self.matcher.inputs, self._prepared(rows.tolist()))
        position = pd.Series(np.arange(len(rows)), index=rows)
        left = position[pairs["a"].to_numpy()].to_numpy()
        right = position[pairs["b"].to_numpy()].to_numpy()
        # every pair is compared: the resolver refuses link_type="link"
        weight, _, _, _ = self.matcher.score(data, left, right)
        prob = self.matcher.probability(weight)
        linked = prob >= self.settings["threshold"]
        a, b = pairs["a"].to_numpy()[linked], pairs["b"].to_numpy()[linked]
        self.store.db.executemany(
            "INSERT OR REPLACE INTO edges VALUES (?, ?, ?)",
            zip(a.tolist(), b.tolist(), prob[linked].tolist(), strict=True))

    def _prepared(self, rows: list[int]) -> list[list[Any]]:
        """The held records' prepared comparison inputs, in the given order (computed and
        kept for records stored before they were prepared)."""
        held = self.store.select_in("SELECT row_id, inputs FROM prepared WHERE row_id IN ({})",
                                    rows)
        found = dict(zip([row for row, _ in held], decode_prepared([t for _, t in held]),
                         strict=True))
        missing = [r for r in rows if r not in found]
        if missing:
            data = self.matcher.records(self._frame(missing))
            found.update(zip(missing, self.matcher.prepare(data), strict=True))
            if self.store.db.in_transaction:
                self.store.db.executemany("INSERT INTO prepared VALUES (?, ?)", [
                    (r, encode_prepared(found[r])) for r in missing])
        return [found[r] for r in rows]

    def _identity_links(self, keys: pd.DataFrame, texts: dict[tuple[int, int], str]
                        ) -> tuple[list[str], set[int]]:
        """Link records sharing an identifier value, unless the value is generic; a value
        found generic withdraws its links. The warnings, and the rows it had linked."""
        warnings, unlinked = [], set()
        names = list(self.settings["identifiers"])
        for (kind, key), _ in keys[keys["kind"] < 0].groupby(["kind", "key"]):
            kind, key = int(kind), int(key)
            if self.store.db.execute("SELECT 1 FROM generic_identifiers WHERE kind = ? AND "
                                     "key = ?", (kind, key)).fetchone():
                continue
            holders = [r for (r,) in self.store.db.execute(
                "SELECT row_id FROM keys WHERE kind = ? AND key = ? ORDER BY row_id",
                (kind, key))]
            if len(holders) < 2:
                continue
            people = self._model_groups(holders)
            if people > self.settings["max_identifier_entities"]:
                self.store.db.execute("INSERT INTO generic_identifiers VALUES (?, ?, ?, ?)",
                                      (kind, key, people, time.time()))
                self.store.db.execute("DELETE FROM identity_edges WHERE kind = ? AND key = ?",
                                      (kind, key))
                unlinked.update(holders)
                warnings.append(
                    f"identifier {names[-1 - kind]!r}: {texts.get((kind, key))!r} is held by "
                    f"{len(holders)} records of {people} different people, so it stopped "
                    "linking them (generic)")
                continue
            self.store.db.executemany(
                "INSERT OR IGNORE INTO identity_edges VALUES (?, ?, ?, ?)",
                [(a, b, kind, key) for i, a in enumerate(holders) for b in holders[i + 1:]])
        return warnings, unlinked

    def _model_groups(self, rows: list[int]) -> int:
        """How many groups the model's own links make of these records."""
        edges = self.store.select_in("SELECT a, b FROM edges WHERE a IN ({})", rows)
        inside = set(rows)
        position = {r: i for i, r in enumerate(rows)}
        kept = [(position[a], position[b]) for a, b in edges if b in inside]
        left = np.array([a for a, _ in kept], dtype=np.int64)
        right = np.array([b for _, b in kept], dtype=np.int64)
        return int(component_of_each_node(left, right, len(rows)).max(initial=-1) + 1)

    # Clustering ------------------------------------------------------------------------

    def _recluster(self, touched: set[int], previous: dict[int, int], now: float
                   ) -> tuple[IdChanges, dict[int, int]]:
        """Re-cluster the components holding ``touched`` rows (and their old entities);
        carry ids; rebuild golden records. The changes, and the entity of each row
        re-clustered."""
        old_entities = set(previous.values())
        old_entities |= {e for (e,) in self.store.select_in(
            "SELECT entity_id FROM records WHERE row_id IN ({}) AND entity_id >= 0",
            list(touched))}
        seed = set(touched) | {r for (r,) in self.store.select_in(
            "SELECT row_id FROM records WHERE entity_id IN ({})", list(old_entities))}
        component, edges = self._component(seed)
        info = self.store.select_in(
            "SELECT row_id, unique_id, entity_id FROM records WHERE row_id IN ({})",
            sorted(component))
        info.sort()
        rows = [r for r, _, _ in info]
        ids = pd.Series([u for _, u, _ in info])
        before = np.array([e for _, _, e in info], dtype=np.int64)
        labels = self._clusters(rows, ids, edges)
        changes = carry_ids(labels, before, self.store.next_entity_ids)
        gone = sorted(old_entities - set(changes.ids.tolist()) - {m for m, _ in changes.merged})
        changes.retired = gone
        self._record_entities(rows, before, changes, now)
        self._rebuild_golden(rows, ids, changes)
        return changes, dict(zip(rows, changes.ids.tolist(), strict=True))

    def _component(self, seed: set[int]) -> tuple[set[int], list[tuple[int, int, float]]]:
        """The rows linked to ``seed`` by scored or identity edges, and those edges
        ``(a, b, probability)`` (identity edges at 1.0)."""
        seen, frontier = set(seed), list(seed)
        edges: list[tuple[int, int, float]] = []
        while frontier:
            level: list[tuple[int, int, float]] = []
            for end in ("a", "b"):
                level += self.store.select_in(
                    f"SELECT a, b, probability FROM edges WHERE {end} IN ({{}})", frontier)
                level += [(a, b, 1.0) for a, b in self.store.select_in(
                    f"SELECT DISTINCT a, b FROM identity_edges WHERE {end} IN ({{}})",
                    frontier)]
            edges += level
            found = {a for a, _, _ in level} | {b for _, b, _ in level}
            frontier = list(found - seen)
            seen |= found
        return seen, edges

    def _clusters(self, rows: list[int], ids: pd.Series, edges: list[tuple[int, int, float]]
                  ) -> np.ndarray:
        if not rows:
            return np.zeros(0, dtype=np.int64)
        position = pd.Series(np.arange(len(rows)), index=rows)
        frame = pd.DataFrame(edges, columns=["a", "b", "match_probability"])
        frame = frame.groupby(["a", "b"], as_index=False)["match_probability"].max()
        pairs = pd.DataFrame({
            "unique_id_l": ids.to_numpy()[position[frame["a"]].to_numpy()],
            "unique_id_r": ids.to_numpy()[position[frame["b"]].to_numpy()],
            "match_probability": frame["match_probability"].to_numpy(dtype=np.float64)})
        clusters = _clustering.cluster_pairs(
            pairs, pd.DataFrame({"unique_id": ids}), threshold=self.settings["threshold"],
            min_density=self.settings["min_density"], warn_size=None)
        label = clusters.set_index("unique_id")["entity_id"]
        return label[ids].to_numpy(dtype=np.int64)

    def _record_entities(self, rows: list[int], before: np.ndarray, changes: IdChanges,
                         now: float) -> None:
        db = self.store.db
        moved = [(int(e), r) for r, e, b in zip(rows, changes.ids, before, strict=True)
                 if e != b]
        db.executemany("UPDATE records SET entity_id = ? WHERE row_id = ?", moved)
        db.executemany("INSERT INTO entities VALUES (?, 'active', NULL, ?, ?)",
                       [(e, now, now) for e in changes.given])
        db.executemany("UPDATE entities SET status = 'merged', merged_into = ?, "
                       "updated_at = ? WHERE entity_id = ?",
                       [(into, now, old) for old, into in changes.merged])
        db.executemany("UPDATE entities SET status = 'retired', updated_at = ? "
                       "WHERE entity_id = ?", [(now, e) for e in changes.retired])
        events: list[tuple[str, int, dict[str, Any]]] = (
            [("entity created", e, {}) for e in changes.created]
            + [("entity merged", old, {"into": into}) for old, into in changes.merged]
            + [("entity split", old, {"new": new}) for old, new in changes.split]
            + [("entity retired", e, {}) for e in changes.retired])
        self._audit([(event, entity, None, detail) for event, entity, detail in events], now)

    def _rebuild_golden(self, rows: list[int], ids: pd.Series, changes: IdChanges) -> None:
        entity = changes.ids
        self.store.execute_in("DELETE FROM golden WHERE entity_id IN ({})",
                              changes.retired + [old for old, _ in changes.merged])
        if not rows:
            return
        frame = self._frame(rows).reset_index(drop=True)
        clusters = pd.DataFrame({self.unique_id: ids, "entity_id": entity})
        built = self.builder.build(frame, clusters)
        lineage = built.provenance.sort_values("entity_id", kind="stable")
        owners = lineage["entity_id"].to_numpy()
        starts = group_starts(owners)[0].tolist()
        provenance = dict(zip(owners[starts].tolist(), encode_groups(
            lineage.drop(columns="entity_id").reset_index(drop=True), starts),
            strict=True))
        records = built.records
        stored = [(int(e), record, provenance.get(e, "[]")) for e, record in zip(
            records["entity_id"].tolist(), encode_records(records.drop(columns="entity_id")),
            strict=True)]
        self.store.db.executemany("INSERT OR REPLACE INTO golden VALUES (?, ?, ?)", stored)
        # an entity the rules built no record for keeps none
        self.store.execute_in("DELETE FROM golden WHERE entity_id IN ({})",
                              sorted(set(entity.tolist()) - {e for e, _, _ in stored}))

    # Audit -------------------------------------------------------------------------------

    def _audit(self, events: list[tuple[str, int | None, Any, dict[str, Any]]], now: float
               ) -> None:
        self.store.db.executemany(
            "INSERT INTO audit (at, event, entity_id, unique_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(now, event, entity, uid, encode_record(detail) if detail else "{}")
             for event, entity, uid, detail in events])

    def _outcome(self, entity: dict[Any, int], changed: dict[Any, str],
                 held: dict[Any, Any], changes: IdChanges) -> pd.DataFrame:
        """Each accepted record's entity and what happened to it."""
        created = set(changes.created)
        actions = []
        for uid in entity:
            if uid not in changed:
                actions.append("unchanged")
            elif uid in held:
                actions.append("updated")
            else:
                actions.append("new entity" if entity[uid] in created else "joined")
        return pd.DataFrame({"unique_id": list(entity),
                             "entity_id": list(entity.values()), "action": actions})

    # Matching --------------------------------------------------------------------------

    def match(self, record: pd.DataFrame | Mapping[str, Any], *,
              threshold: float | None = None) -> pd.DataFrame:
        """The entities a record would join, best first, without changing anything.

        Returns one row per candidate entity: ``entity_id``, ``match_probability`` and
        ``match_weight`` of its best-matching record, that record's ``unique_id``, the
        ``identifier`` that ties them (if any), and ``mw_<comparison>``: the weight each
        comparison added (the explanation). ``threshold`` keeps candidates at or above it.
        """
        probe = self._probe(record)
        holders = self._holders(self.matcher.keys_of_one(probe))
        candidates = sorted({row for (kind, _), rows in holders.items() if kind >= 0
                             for row in rows})
        tied = self._identifier_hits(holders)
        rows = sorted(set(candidates) | set(tied))
        info = {row: (uid, entity) for row, uid, entity in self.store.select_in(
            "SELECT row_id, unique_id, entity_id FROM records WHERE row_id IN ({})", rows)}
        scores = dict(zip(candidates, self._probe_scores(probe, candidates), strict=True))
        unscored = (np.nan, np.nan, [np.nan] * len(self.matcher.comparisons))
        found = [(info[row][1], *scores.get(row, unscored), info[row][0], tied.get(row), row)
                 for row in rows]
        found = [(e, 1.0 if tie else p, w, parts, uid, tie, row)
                 for e, p, w, parts, uid, tie, row in found
                 if threshold is None or (1.0 if tie else p) >= threshold]
        # best first: probability, then weight (unscored last), then the earlier record;
        # each entity by its best record
        found.sort(key=lambda f: (-f[1], -f[2] if f[2] == f[2] else np.inf, f[6]))
        best, seen = [], set()
        for candidate in found:
            if candidate[0] not in seen:
                seen.add(candidate[0])
                best.append(candidate)
        return _match_frame(best, self._match_columns)

    @functools.cached_property
    def _match_columns(self) -> pd.Index:
        """``match``'s columns, made once (an index of text costs more to infer each time)."""
        return pd.Index(["entity_id", "match_probability", "match_weight", "unique_id",
                         "identifier", *[f"mw_{c.name}" for c in self.matcher.comparisons]])

    def _holders(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
        """Held rows sharing each of the probe's keys, read in one query; none for a block
        key whose block, with the probe, would pass its rule's limit (no more rows than the
        limit are read to know)."""
        limits = [self.matcher.block_limits[kind] if kind >= 0 else np.inf for kind, _ in keys]
        found: dict[int, list[int]] = {i: [] for i in range(len(keys))}
        for start in range(0, len(keys), HOLDER_QUERY_KEYS):
            stop = min(start + HOLDER_QUERY_KEYS, len(keys))
            sql = " UNION ALL ".join(
                f"SELECT {i}, row_id FROM (SELECT row_id FROM keys WHERE kind = ? AND key = ? "
                "LIMIT ?)" for i in range(start, stop))
            args = [value for i in range(start, stop) for value in
                    (*keys[i], -1 if limits[i] == np.inf else int(limits[i]))]
            for i, row in self.store.db.execute(sql, args):
                found[i].append(row)
        return {key: [] if len(found[i]) + 1 > limits[i] else found[i]
                for i, key in enumerate(keys)}

    def _probe(self, record: pd.DataFrame | Mapping[str, Any]) -> dict[str, Any]:
        """One record to match, read as a stored record reads back (JSON round trip)."""
        if isinstance(record, pd.DataFrame):
            if len(record) != 1:
                raise ConfigError(f"match: expected one record, got {len(record)}; call it "
                                  "per record")
            record = record.iloc[0].to_dict()
        elif not isinstance(record, Mapping):
            raise ConfigError(f"match: got {type(record).__name__}, expected a dict or a "
                              "one-row DataFrame")
        bad = [f"{c!r} {p}" for c, v in record.items() if (p := value_problem(v)) is not None]
        if bad:
            raise SchemaError(f"match: the record cannot be read: {'; '.join(bad)}")
        return decode_record(encode_record(dict(record)))

    def _probe_scores(self, probe: dict[str, Any], rows: list[int]
                      ) -> list[tuple[float, float, list[float]]]:
        """Match probability, weight and per-comparison weights of the probe against each
        held row."""
        if not rows:
            return []
        data = Prepared(self.matcher.inputs,
                        [self.matcher.prepare_one(probe), *self._prepared(rows)])
        weight, parts, _, _ = self.matcher.score(
            data, np.zeros(len(rows), dtype=np.int64), np.arange(1, len(rows) + 1))
        return list(zip(self.matcher.probability(weight).tolist(), weight.tolist(),
                        parts.tolist(), strict=True))

    def _identifier_hits(self, holders: Mapping[tuple[int, int], list[int]]
                         ) -> dict[int, str]:
        """Held rows tied to the probe by an identifier that is not generic, and which."""
        names = list(self.settings["identifiers"])
        hits: dict[int, str] = {}
        for (kind, key), rows in sorted(holders.items(), reverse=True):
            if kind >= 0 or not rows or self.store.db.execute(
                    "SELECT 1 FROM generic_identifiers WHERE kind = ? AND key = ?",
                    (kind, key)).fetchone():
                continue
            for row in rows:
                hits.setdefault(row, names[-1 - kind])
        return hits

    # Forgetting --------------------------------------------------------------------------

    def forget(self, unique_id: Any, *, reason: str = "erasure request") -> pd.DataFrame:
        """Erase a record everywhere: its values, keys, pairs and term counts; its entity's
        golden record is rebuilt from what remains (or removed). The audit log keeps a
        keyed hash of the id, the time and ``reason``; with tombstones the id may not come
        back. Call ``compact()`` afterwards to purge the freed pages from the file.

        Returns the entity events (as ``Added.events``).
        """
        return self._forget("unique_id = ?", (_plain(unique_id),), reason,
                            f"{self.unique_id} {unique_id!r} is not held")

    def forget_entity(self, entity_id: int, *, reason: str = "erasure request"
                      ) -> pd.DataFrame:
        """Erase every record of an entity (see ``forget``)."""
        current = self.resolve_id(entity_id)
        return self._forget("entity_id = ?", (current,), reason,
                            f"entity_id {entity_id!r} holds no records")

    def _forget(self, where: str, args: tuple[Any, ...], reason: str, missing: str
                ) -> pd.DataFrame:
        if not isinstance(reason, str):
            raise ConfigError(f"reason: got {reason!r}, expected text")
        with self.store.transaction(), self._decoding():
            now = time.time()
            found = self.store.db.execute(
                f"SELECT row_id, unique_id, entity_id FROM records WHERE {where}",
                args).fetchall()
            if not found:
                raise SchemaError(missing)
            rows = [r for r, _, _ in found]
            self._remove_rows(rows)
            changes, _ = self._recluster(set(rows), {r: e for r, _, e in found}, now)
            for _, uid, entity in found:
                hashed = self.hasher.text(uid)
                self.store.db.execute("UPDATE audit SET unique_id = ? WHERE unique_id = ?",
                                      (hashed, uid))
                if self.settings["tombstones"]:
                    self.store.db.execute("INSERT OR IGNORE INTO tombstones VALUES (?, ?)",
                                          (hashed, now))
                self._audit([("record forgotten", entity, hashed, {"reason": reason})], now)
        return _events(changes)

    def compact(self) -> None:
        """Purge deleted content: checkpoint the write-ahead log and rebuild the file."""
        self.store.compact()

    # Transparency ------------------------------------------------------------------------

    def report(self, entity_id: int) -> dict[str, Any]:
        """Everything held on an entity, ready for ``json.dumps`` (a subject access
        request): its records with when they arrived, the golden record with provenance,
        the consent and suppression flags, the sources, and the entity's history."""
        current = self.resolve_id(entity_id)
        rows = self.store.db.execute(
            "SELECT unique_id, data, added_at, updated_at FROM records WHERE entity_id = ? "
            "ORDER BY row_id", (current,)).fetchall()
        records = [{"unique_id": uid, "added_at": _iso(added), "updated_at": _iso(updated),
                    "values": values} for (uid, _, added, updated), values in
                   zip(rows, decode_many([data for _, data, _, _ in rows]), strict=True)]
        flags = [c for c in [self.builder.suppress_records,
                             *(self.builder.suppress_values or {}).values()] if c]
        source = self.builder.source or self.linker.source
        history = self.history(current)
        return _json_ready({
            "entity_id": current,
            "requested_id": int(entity_id),
            "records": records,
            "golden_record": self.golden(current),
            "provenance": self.provenance(current).to_dict("records"),
            "consent": [{"unique_id": r["unique_id"],
                         **{f: r["values"].get(f) for f in flags}} for r in records],
            "sources": sorted({str(r["values"][source]) for r in records
                               if source and source in r["values"]}),
            "history": [{"at": at.isoformat(), "event": event, "entity_id": e,
                         "detail": detail} for at, event, e, _, detail in
                        history.itertuples(index=False)],
        })

    def generic_identifiers(self) -> pd.DataFrame:
        """Identifier values that stopped linking: ``identifier``, ``n_entities``,
        ``flagged_at`` (values are held only as keyed hashes: ``key``)."""
        rows = self.store.db.execute(
            "SELECT kind, key, n_entities, flagged_at FROM generic_identifiers ORDER BY "
            "flagged_at").fetchall()
        names = list(self.settings["identifiers"])
        return pd.DataFrame({
            "identifier": [names[-1 - k] for k, _, _, _ in rows],
            "key": [key for _, key, _, _ in rows],
            "n_entities": [n for _, _, n, _ in rows],
            "flagged_at": pd.to_datetime([t for *_, t in rows], unit="s", utc=True)})

    # Reading -------------------------------------------------------------------------------

    def _frame(self, rows: list[int]) -> pd.DataFrame:
        """Held records by row id, in the given order (decoded once per transaction)."""
        missing = [r for r in rows if r not in self._decoded]
        held = self.store.select_in("SELECT row_id, data FROM records WHERE row_id IN ({})",
                                    missing)
        self._decoded.update(zip([row for row, _ in held], decode_many([d for _, d in held]),
                                 strict=True))
        frame = pd.DataFrame.from_records([self._decoded[r] for r in rows])
        frame.index = pd.Index(rows, name="row_id", dtype=np.int64)
        return self._columns_of(frame)

    def _columns_of(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Every column ever added, in the order first seen (missing values as nulls)."""
        return frame.reindex(columns=self.store.meta("columns", []))

    def resolve_id(self, entity_id: int) -> int:
        """The entity an id stands for now, following merges."""
        seen = set()
        current = entity_id
        while True:
            row = self.store.db.execute(
                "SELECT status, merged_into FROM entities WHERE entity_id = ?",
                (int(current),)).fetchone()
            if row is None:
                raise SchemaError(f"entity_id {entity_id!r} was never given by this resolver")
            status, into = row
            if status == "merged" and into not in seen:
                seen.add(current)
                current = into
                continue
            if status != "active":
                raise SchemaError(f"entity_id {entity_id!r} is {status}: it has no records "
                                  "any more")
            return int(current)

    def entity(self, entity_id: int) -> pd.DataFrame:
        """The records of an entity (an old id is followed to the entity it merged into)."""
        current = self.resolve_id(entity_id)
        rows = self.store.db.execute(
            "SELECT row_id, data FROM records WHERE entity_id = ? ORDER BY row_id",
            (current,)).fetchall()
        return self._columns_of(frame_of(rows)).reset_index(drop=True)

    def golden(self, entity_id: int) -> dict[str, Any]:
        """The golden record of an entity, as a dict."""
        current = self.resolve_id(entity_id)
        row = self.store.db.execute("SELECT record FROM golden WHERE entity_id = ?",
                                    (current,)).fetchone()
        return {"entity_id": current, **decode_record(row[0])}

    def provenance(self, entity_id: int) -> pd.DataFrame:
        """Where each golden value of an entity came from, one row per value."""
        current = self.resolve_id(entity_id)
        row = self.store.db.execute("SELECT provenance FROM golden WHERE entity_id = ?",
                                    (current,)).fetchone()
        return pd.DataFrame(decode_record(row[0]))

    def history(self, entity_id: int) -> pd.DataFrame:
        """The audit events of an entity and of every id that merged into it."""
        ids = {int(entity_id)}
        while True:
            more = {e for (e,) in self.store.select_in(
                "SELECT entity_id FROM entities WHERE merged_into IN ({})", list(ids))}
            if more <= ids:
                break
            ids |= more
        rows = self.store.select_in(
            "SELECT at, event, entity_id, unique_id, detail FROM audit WHERE entity_id IN "
            "({}) ORDER BY seq", sorted(ids))
        frame = pd.DataFrame(rows, columns=["at", "event", "entity_id", "unique_id", "detail"])
        frame["at"] = pd.to_datetime(frame["at"], unit="s", utc=True)
        frame["detail"] = decode_many(frame["detail"].tolist())
        return frame

    def __len__(self) -> int:
        return int(self.store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])


def _as_frame(records: Any) -> pd.DataFrame:
    if isinstance(records, pd.DataFrame):
        return records
    if isinstance(records, Mapping):
        return pd.DataFrame([records])
    if isinstance(records, Iterable) and not isinstance(records, str | bytes):
        items = list(records)
        if all(isinstance(r, Mapping) for r in items):
            return pd.DataFrame(items)
    raise ConfigError(f"records: got {type(records).__name__}, expected a DataFrame, a dict "
                      "(one record) or a list of dicts")


def _id_problem(column: str, value: Any) -> str | None:
    if isinstance(value, bool | np.bool_):
        return f"{column} {value!r} is a boolean; expected text or a whole number"
    if isinstance(value, str | int | np.integer):
        return None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return f"no {column} (every record needs one)"
        if float(value).is_integer():
            return None
    if value is None or value is pd.NA:
        return f"no {column} (every record needs one)"
    return f"{column} {value!r} is a {type(value).__name__}; expected text or a whole number"


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def _iso(seconds: float) -> str:
    return pd.Timestamp(seconds, unit="s", tz="UTC").isoformat()


def _json_ready(value: Any) -> Any:
    """Plain JSON types: timestamps and dates as ISO text, numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_ready(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return None if is_null(value) else value


def _match_frame(best: list[tuple[Any, ...]], columns: pd.Index) -> pd.DataFrame:
    """``match``'s result from its candidates ``(entity, probability, weight, parts,
    unique_id, identifier, row)``: plain arrays, one frame construction, ids as objects."""
    index = pd.RangeIndex(len(best))
    parts = np.array([f[3] for f in best], dtype=np.float64)
    weights = parts.reshape(len(best), len(columns) - 5)  # one column per comparison
    arrays = [np.array([f[0] for f in best], dtype=np.int64),
              np.array([f[1] for f in best], dtype=np.float64),
              np.array([f[2] for f in best], dtype=np.float64),
              _objects([f[4] for f in best], index), _objects([f[5] for f in best], index),
              *weights.T]
    # numbered, then named: names of text given as keys are inferred anew, at some cost
    frame = pd.DataFrame(dict(enumerate(arrays)), index=index, copy=False)
    frame.columns = columns
    return frame


def _objects(values: list[Any], index: pd.RangeIndex) -> pd.Series:
    """Values as an object column (not inferred as text, which costs more for a few)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return pd.Series(array, index=index, dtype=object, copy=False)


def _events(changes: IdChanges) -> pd.DataFrame:
    rows = ([("created", e, None) for e in changes.created]
            + [("merged", old, into) for old, into in changes.merged]
            + [("split", old, new) for old, new in changes.split]
            + [("retired", e, None) for e in changes.retired])
    return pd.DataFrame(rows, columns=["event", "entity_id", "other_id"]).astype(
        {"other_id": "Int64"})
