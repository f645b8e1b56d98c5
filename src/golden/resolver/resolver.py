"""The incremental resolver: records in, stable entities and golden records out, persisted.

``Resolver`` is the facade over one store (``golden.resolver.store``). Each ``add``
(``golden.resolver.ingest``) scores the batch against the records held
(``golden.resolver.matcher``), stores the pairs at or above the threshold, re-clusters only
the connected components the batch touched with the batch pipeline's own clustering, carries
entity ids across and rebuilds those entities' golden records
(``golden.resolver.recluster``), all in one transaction. ``link`` and ``unlink`` record a
person's decisions, honoured by every later re-clustering (``golden.resolver.decisions``);
``forget`` erases (``golden.resolver.erasure``); the reads and the subject access report are
in ``golden.resolver.reads``.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd

from golden._base.spec import Functions, function_table, spec_functions
from golden.clustering.components import DEFAULT_MIN_DENSITY
from golden.clustering.decisions import MATCH, NON_MATCH
from golden.errors import ConfigError, GoldenError, StoreError
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.estimators.linker import Linker
from golden.resolver.codecs import Hasher
from golden.resolver.decisions import Decider
from golden.resolver.erasure import Eraser
from golden.resolver.health import StoreCheck, check_store, setting_problems, stored_problems
from golden.resolver.held import HeldRecords
from golden.resolver.ingest import Ingest
from golden.resolver.matcher import Matcher, check_identifiers
from golden.resolver.pinning import Pinner
from golden.resolver.reads import Reader
from golden.resolver.recluster import Reclusterer, events_frame
from golden.resolver.reresolve import Reresolver, frozen_term_sources, model_problems
from golden.resolver.review import Reviewer
from golden.resolver.store import Store, sqlite_errors
from golden.resolver.validation import plain_id

STORE_FORMAT = "golden-resolver"
# 2: decisions (a table a store of version 1 gains empty when opened); 3: the pairs scored
# just below the threshold, for review (a table older stores gain empty); 4: pins (likewise)
STORE_VERSION = 4
MIGRATES = (1, 2, 3)  # the older versions this golden brings up to STORE_VERSION when opening


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
        Entity events: ``event`` (``created``, ``merged``, ``split``, ``retired``, ``pin
        conflict``), ``entity_id`` and ``other_id`` (the surviving id of a merge, the new id
        of a split, the ``pin_id`` of a pin a merge overrode: ``history`` says which).
    warnings : list of str
        Oversized block keys skipped and identifiers found to be generic.
    """

    records: pd.DataFrame
    rejected: pd.DataFrame
    events: pd.DataFrame
    warnings: list[str]


P = ParamSpec("P")
T = TypeVar("T")


def _public(method: Callable[Concatenate[Resolver, P], T]
            ) -> Callable[Concatenate[Resolver, P], T]:
    """A Resolver method used only from the thread that opened the Resolver (its
    connection's open transaction is not another thread's to see), with SQLite's errors
    said as ``StoreError``, and so any other failure on a store ``check`` finds damaged
    (a file edited or damaged where SQLite cannot see it: a number, an id)."""
    translated = sqlite_errors(method)

    @functools.wraps(method)
    def checked(self: Resolver, *args: P.args, **kwargs: P.kwargs) -> T:
        if threading.get_ident() != self.owner:
            raise ConfigError(
                f"{self.path}: this Resolver was opened in another thread; open one Resolver "
                "per thread (they share the file safely: one writes at a time, readers "
                "never see an unfinished batch)")
        try:
            return translated(self, *args, **kwargs)
        except GoldenError:
            raise
        except Exception as exc:
            damage = self._damage()
            if damage is None:
                raise
            raise StoreError(f"{self.path}: the store is damaged ({damage}); nothing was "
                             "changed") from exc

    return checked


def _with_moves(events: pd.DataFrame, before: Any, changes: Any) -> pd.DataFrame:
    """``events`` and a ``"moved"`` row per pair of entities (from, to) that records went
    between, where neither a merge nor a split says so."""
    told = {*changes.merged, *changes.split}
    moves = sorted({(int(b), int(a)) for b, a in zip(before, changes.ids, strict=True)
                    if b != a and b >= 0} - told)
    if not moves:
        return events
    moved = pd.DataFrame([("moved", b, a) for b, a in moves], columns=events.columns)
    return pd.concat([events, moved.astype({"other_id": "Int64"})], ignore_index=True)


class Resolver:
    """Resolve records as they arrive, with stable entity ids, golden records and erasure.

    A Resolver is used from the thread that opened it; open one per thread or process
    (they share the file safely: one writes at a time, readers never see a partial batch).

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
    functions : list or dict, optional
        The functions of custom comparison levels or survivorship rules, to reopen a store
        whose model or rules use them (the functions, or a dict by ``module:qualname``).
        The store names them; it never imports them. The ones of ``linker`` and ``golden``
        are known already.

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
    >>> report = resolver.check()  # SQLite's quick_check and golden's invariants
    >>> report.ok, report.sqlite, report.records
    (True, 'quick_check', 2000)

    A person's decisions: two records the model keeps apart are linked, and undone.

    >>> entities = resolver.entities()
    >>> entities.columns.tolist()  # and 'source', when the model or the rules name one
    ['unique_id', 'entity_id']
    >>> a, b = entities.drop_duplicates("entity_id")["unique_id"].iloc[:2]
    >>> events = resolver.link(a, b, reason="same customer (phoned)", by="ana")
    >>> events[["event", "other_id"]].values.tolist() == [["merged", resolver.resolve_id(
    ...     events["entity_id"].iloc[0])]]
    True
    >>> resolver.decisions()[["decision_id", "kind", "by"]].values.tolist()
    [[1, 'match', 'ana']]
    >>> sorted(resolver.undo(1, by="ana")["event"])
    ['split']
    >>> resolver.close()
    """

    @sqlite_errors
    def __init__(
        self,
        path: str | Path,
        linker: Linker | None = None,
        *,
        golden: GoldenRecordBuilder | None = None,
        threshold: float = 0.5,
        min_density: float | None = DEFAULT_MIN_DENSITY,
        identifiers: Sequence[str] | Mapping[str, str] | None = None,
        max_identifier_entities: int = 3,
        term_frequencies: pd.DataFrame | None = None,
        secret: bytes | None = None,
        tombstones: bool = True,
        functions: Functions = None,
    ) -> None:
        self.path = Path(path)
        self.owner = threading.get_ident()
        given = [getattr(linker, "comparisons", None), getattr(golden, "rules", None),
                 getattr(golden, "default", None)]
        self.functions = {**spec_functions(given), **function_table(functions)}
        self.store = Store(self.path)
        try:
            settings = self.store.meta("settings")
            if settings is None and self.store.meta("model") is None:
                if linker is None:
                    raise ConfigError(f"{self.path} holds no resolver yet: pass a fitted "
                                      "Linker to create one")
                settings = self._create(linker, golden, threshold, min_density, identifiers,
                                        max_identifier_entities, term_frequencies, secret,
                                        tombstones)
            elif linker is not None and linker.to_dict() != self.store.meta("model"):
                raise ConfigError(f"{self.path} holds another model; open it with "
                                  "Resolver(path) alone (resolver.reresolve(linker) puts a "
                                  "new model in), or use a new file")
            self._load(self._migrated(settings), secret)
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
        if isinstance(linker, Linker) and linker.link_type == "link":
            problems.append("linker: link_type='link' cannot grow one record at a time; fit "
                            "with link_type='link_and_dedupe' or 'dedupe'")
        if secret is not None and (not isinstance(secret, bytes) or len(secret) < 16):
            problems.append("secret: expected at least 16 bytes")
        try:
            identifiers = check_identifiers(identifiers)
        except ConfigError as error:
            problems.extend(error.problems)
        settings = {"format": STORE_FORMAT, "version": STORE_VERSION, "threshold": threshold,
                    "min_density": min_density, "identifiers": identifiers,
                    "max_identifier_entities": max_identifier_entities,
                    "live_terms": term_frequencies is None, "tombstones": tombstones,
                    "secret_in_store": secret is None}
        problems += setting_problems(settings)
        if problems:
            raise ConfigError(problems)
        builder = golden or GoldenRecordBuilder(unique_id=linker.unique_id)
        if builder.unique_id != linker.unique_id:
            raise ConfigError(f"golden: the builder's unique_id {builder.unique_id!r} differs "
                              f"from the Linker's {linker.unique_id!r}")
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

    def _migrated(self, settings: Any) -> Any:
        """The settings of a store of an older version, brought up to ``STORE_VERSION``
        (in one transaction, audited); any other settings as they are. Version 2 added the
        decisions table, 3 the pairs near the threshold (``near_edges``) and 4 the pins,
        which opening the store has created, empty."""
        def older(settings: Any) -> bool:
            return isinstance(settings, dict) and settings.get("format") == STORE_FORMAT \
                and type(settings.get("version")) is int and settings["version"] in MIGRATES

        if not older(settings):
            return settings
        with self.store.transaction():
            settings = self.store.meta("settings")  # another process may have done it
            if older(settings):
                old = settings["version"]
                settings = {**settings, "version": STORE_VERSION}
                self.store.set_meta("settings", settings)
                self.store.insert_audit([("store migrated", None, None,
                                          {"from": old, "to": STORE_VERSION})], time.time())
        return settings

    def _load(self, settings: Any, secret: bytes | None) -> None:
        if not isinstance(settings, dict) or settings.get("format") != STORE_FORMAT:
            raise ConfigError(f"{self.path} is not a golden resolver store (its settings "
                              "are missing or of another format)")
        version = settings.get("version")
        if version != STORE_VERSION:
            newer = isinstance(version, int) and not isinstance(version, bool) \
                and version > STORE_VERSION
            raise ConfigError(
                f"{self.path} is a golden resolver store of version {version!r}, written by a "
                "newer golden: upgrade golden-records to open it" if newer else
                f"{self.path} is not a golden resolver store of a version this golden reads "
                f"(version {version!r}; it reads {STORE_VERSION} and brings "
                f"{', '.join(map(str, MIGRATES))} up to it)")
        problems = stored_problems(self.store, settings)
        if problems:
            raise StoreError(f"{self.path}: the store's settings are damaged "
                             f"({'; '.join(problems)}); restore it from a backup")
        if settings["secret_in_store"]:
            secret = bytes.fromhex(self.store.meta("secret"))
        elif secret is None:
            raise ConfigError(f"{self.path} was created with your own secret: pass it again "
                              "with secret=...")
        self.settings = settings
        self.linker = Linker.from_dict(self.store.meta("model"), functions=self.functions,
                                       source=f"{self.path} (its stored model)")
        try:
            self.builder = GoldenRecordBuilder.from_dict(self.store.meta("golden"),
                                                         functions=self.functions)
        except ConfigError as error:
            raise ConfigError([f"{self.path} (its stored rules): {p}"
                               for p in error.problems]) from error
        self.hasher = Hasher(secret)
        self._wire()

    def _wire(self) -> None:
        """The parts that carry out the calls, over the settings and the model held."""
        settings = self.settings
        held = HeldRecords(self.store)
        self.matcher = Matcher(self.linker, self.store, self.hasher, settings["identifiers"],
                               settings["live_terms"], held)
        self.unique_id = self.linker.unique_id
        reclusterer = self._reclusterer(held)
        self._ingest = Ingest(self.store, held, self.matcher, reclusterer, self.hasher,
                              settings)
        self._eraser = Eraser(self.store, held, self._ingest, reclusterer, self.hasher,
                              tombstones=settings["tombstones"])
        self._reader = Reader(self.store, held, self.builder, source=self.linker.source,
                              identifiers=list(settings["identifiers"]))
        self._decider = Decider(self.store, held, reclusterer, unique_id=self.unique_id)
        self._pinner = Pinner(self.store, held, reclusterer, resolve_id=self._reader.resolve_id)
        self._reviewer = Reviewer(self.store, held, self.matcher,
                                  threshold=settings["threshold"])

    def _reclusterer(self, held: HeldRecords) -> Reclusterer:
        return Reclusterer(self.store, held, self.builder, unique_id=self.unique_id,
                           threshold=self.settings["threshold"],
                           min_density=self.settings["min_density"])

    def _damage(self) -> str | None:
        """The first problem ``check`` finds, if any (after a call failed)."""
        try:
            problems = check_store(self.store, self.hasher, full=False).problems
        except Exception:  # too damaged to be checked is damaged
            return "it cannot be checked"
        return problems[0] if problems else None

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Adding and matching ---------------------------------------------------------------

    @_public
    def add(self, records: pd.DataFrame | Mapping[str, Any] | Iterable[Mapping[str, Any]]
            ) -> Added:
        """Add new records, or new versions of held ones (same unique id), in one
        transaction; return each record's entity and what changed.

        Bad records (no id, a repeated id, a value that is not text, a number, a date or a
        list, a forgotten id) are rejected with a reason; the rest of the batch proceeds.
        """
        return Added(*self._ingest.add(records))

    @_public
    def match(self, record: pd.DataFrame | Mapping[str, Any], *,
              threshold: float | None = None) -> pd.DataFrame:
        """The entities a record would join, best first, without changing anything.

        Returns one row per candidate entity: ``entity_id``, ``match_probability`` and
        ``match_weight`` of its best-matching record, that record's ``unique_id``, the
        ``identifier`` that ties them (if any), and ``mw_<comparison>``: the weight each
        comparison added (the explanation). ``threshold`` keeps candidates at or above it.
        """
        return self.matcher.match(record, threshold)

    # A person's decisions ------------------------------------------------------------------

    @_public
    def link(self, a: Any, b: Any, *, reason: str, by: str) -> pd.DataFrame:
        """Decide that records ``a`` and ``b`` (unique ids) are one entity: their entities
        join now, and stay joined on every later ``add``, whatever the scores say.

        One transaction, in the audit log of both records (``history``). A link that
        would chain decided links across a decided ``unlink`` is refused with a
        ``ConfigError`` naming the decisions in the way, and nothing changes; linking a
        pair again changes nothing. Returns the entity events (as ``Added.events``): a merge
        keeps the older id. ``undo`` takes it back. (Example: the class's.)
        """
        return self._decider.decide(MATCH, a, b, by=by, reason=reason)

    @_public
    def unlink(self, a: Any, b: Any, *, reason: str, by: str) -> pd.DataFrame:
        """Decide that records ``a`` and ``b`` (unique ids) are never one entity: they are
        apart now and stay apart on every later ``add``, even when later records bridge
        them (the weakest path between them is cut, as in ``cluster_pairs``).

        One transaction, audited. Refused with a ``ConfigError`` naming them when decided
        links join the two, and nothing changes. Returns the entity events: a split gives
        the part with most of the entity's records its id. (Example: the class's.)
        """
        return self._decider.decide(NON_MATCH, a, b, by=by, reason=reason)

    @_public
    def undo(self, decision_id: int, *, by: str | None = None, reason: str | None = None
             ) -> pd.DataFrame:
        """Take a decision back (its ``decision_id`` from ``decisions()``) and cluster its
        records again as the scores and the other decisions say; ``by`` and ``reason`` go
        to the audit log. Returns the entity events. (Example: the class's.)"""
        return self._decider.undo(decision_id, by=by, reason=reason)

    @_public
    def decisions(self) -> pd.DataFrame:
        """The decisions held, oldest first: ``decision_id``, ``kind`` (``"match"`` for a
        link, ``"non_match"`` for an unlink), ``unique_id_l``, ``unique_id_r``, ``by``,
        ``at`` (UTC) and ``reason``. Renamed ``kind`` to ``decision``, it is a decisions
        table for ``Linker.cluster(decisions=...)``. (Example: the class's.)"""
        return self._decider.table()

    @_public
    def pin(self, entity_id: int, attribute: str, value: Any, *, reason: str, by: str
            ) -> list[int]:
        """Pin an attribute of an entity's golden record to ``value`` (a group's parts: a
        dict): it holds (provenance ``"pinned by <by>: <reason>"``) on every later ``add``
        until ``unpin``, replacing the entity's earlier pin of it. Held through the entity's
        oldest record, it follows that record: a merge keeps both entities' pins where they
        agree, else the latest (a ``"pin conflict"`` event); forgetting the record removes
        it. One transaction, audited; the pins' ids. Unknown entity: ``SchemaError``;
        unknown attribute or value not of its type: ``ConfigError``; nothing changes."""
        return self._pinner.pin(entity_id, attribute, value, by=by, reason=reason)

    @_public
    def unpin(self, entity_id: int, attribute: str, *, reason: str, by: str) -> list[int]:
        """Remove an entity's pins of ``attribute`` (the rules choose again), in one
        transaction, audited; the ids of the pins removed."""
        return self._pinner.unpin(entity_id, attribute, by=by, reason=reason)

    @_public
    def pins(self) -> pd.DataFrame:
        """The pins held, oldest first: ``pin_id``, ``entity_id`` (now), ``unique_id`` (the
        record it is held through), ``attribute``, ``value``, ``by``, ``at`` (UTC), ``reason``."""
        return self._pinner.table()

    @_public
    def entities(self) -> pd.DataFrame:
        """Every record's entity: ``unique_id``, ``source`` (when the model or the
        golden-record rules name a source column) and ``entity_id``, in the order the
        records arrived. (Example: the class's.)"""
        return self._reader.entities()

    @_public
    def review(self, n: int = 20) -> pd.DataFrame:
        """The ``n`` undecided items a person should look at first, nearest the threshold
        (in log-odds) first; nothing is written.

        Each row is a pair of records: ``kind`` (``"entity held by one weak link"``: the
        weakest link of an entity's maximum spanning tree, within a few bits above the
        threshold, without which it splits; ``"pair near the threshold"``: any other pair,
        linked or kept apart), ``unique_id_l``, ``unique_id_r``, ``entity_id_l``,
        ``entity_id_r``, ``match_probability`` and ``match_weight`` (scored now), ``why``
        (a short text) and ``mw_<comparison>``: the weight each comparison adds (the
        explanation, as ``match`` gives it). Pairs decided with ``link`` / ``unlink`` are
        left out. It reads the pairs the store keeps (those at or above the threshold and
        those within 6 bits below it), so it costs a read of them, not a scoring of the
        store.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import golden as gd
        >>> from golden.demo import BLOCKING, COMPARISONS, TRAINING
        >>> people = gd.datasets.make_people(1_000, random_state=2)
        >>> linker = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
        ...                    random_state=0).fit(people)
        >>> resolver = gd.Resolver(pathlib.Path(tempfile.mkdtemp()) / "c.db", linker)
        >>> _ = resolver.add(people)
        >>> queue = resolver.review(5)
        >>> queue.columns[:5].tolist()
        ['kind', 'unique_id_l', 'unique_id_r', 'entity_id_l', 'entity_id_r']
        >>> queue.columns[5:8].tolist()
        ['match_probability', 'match_weight', 'why']
        >>> top = queue.iloc[0]
        >>> _ = resolver.unlink(top["unique_id_l"], top["unique_id_r"], reason="checked",
        ...                     by="ana")
        >>> bool(((resolver.review(5)["unique_id_l"] == top["unique_id_l"])
        ...       & (resolver.review(5)["unique_id_r"] == top["unique_id_r"])).any())
        False
        >>> resolver.close()
        """
        return self._reviewer.queue(n)

    @_public
    def reresolve(self, linker: Linker, *, term_frequencies: pd.DataFrame | None = None,
                  by: str | None = None, reason: str | None = None) -> pd.DataFrame:
        """Score and cluster every record held again under a new or retrained model, in one
        transaction, and keep it as the store's model.

        ``linker`` is a fitted ``Linker`` (its comparisons and blocking may differ from the
        store's). Every record's comparison inputs, block keys and pairs are made again
        with it (and the term counts, when they follow the records held), every entity is
        clustered again honouring every decision, entity ids are carried across as on
        ``add`` (a merge keeps the older id, a split gives the larger part the id), and the
        golden records of the entities that changed are rebuilt. Identity links, generic
        identifiers, decisions and the audit log stay; the audit log gains a
        ``"re-resolved under a new model"`` event (with ``by`` and ``reason`` when given).

        A model reading columns the held records lack, or another ``unique_id``, is refused
        with a ``ConfigError`` naming them, and nothing changes. A store whose term
        frequencies were frozen (``term_frequencies=`` at creation) keeps them for the
        comparisons whose values were counted; pass ``term_frequencies=records`` to count
        others (the counts stay frozen, now over those records).

        Returns the entity events (as ``Added.events``), and ``"moved"`` for records that
        went from one surviving entity (``entity_id``) to another (``other_id``), one row
        per pair of entities.

        Examples
        --------
        >>> import pathlib, tempfile, warnings
        >>> import golden as gd
        >>> from golden.demo import BLOCKING, COMPARISONS, TRAINING
        >>> people = gd.datasets.make_people(1_000, random_state=2)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     old = gd.Linker(COMPARISONS, BLOCKING[:1], training_blocking=TRAINING,
        ...                     random_state=0).fit(people)
        ...     new = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
        ...                     random_state=1).fit(people)
        >>> resolver = gd.Resolver(pathlib.Path(tempfile.mkdtemp()) / "c.db", old)
        >>> _ = resolver.add(people)
        >>> events = resolver.reresolve(new, by="ana", reason="blocking on contacts too")
        >>> sorted(set(events["event"]) - {"merged", "split", "moved"})
        []
        >>> resolver.history(int(resolver.entities()["entity_id"].iloc[0]))["event"].size > 0
        True
        >>> resolver.check().ok
        True
        >>> resolver.close()
        """
        for name, value in (("by", by), ("reason", reason)):
            if value is not None and not isinstance(value, str):
                raise ConfigError(f"{name}: got {value!r}, expected text or None")
        if term_frequencies is not None and not isinstance(term_frequencies, pd.DataFrame):
            raise ConfigError(f"term_frequencies: got {type(term_frequencies).__name__}, "
                              "expected a DataFrame of records or None")
        functions = {**self.functions, **spec_functions([getattr(linker, "comparisons",
                                                                 None)])}
        with self.store.transaction():
            now = time.time()
            problems = model_problems(linker, self.unique_id, self.store.meta("columns", []),
                                      self.store.count_records() > 0)
            if problems:
                raise ConfigError(problems)
            model = linker.to_dict()
            new = Linker.from_dict(model, functions=functions, source="linker")
            frozen = None
            if not self.settings["live_terms"] and term_frequencies is None:
                frozen, uncounted = frozen_term_sources(self.linker, new)
                if uncounted:
                    raise ConfigError(
                        f"term_frequencies: the store's term frequencies are frozen and the "
                        f"new model's {uncounted} were never counted; pass "
                        "term_frequencies=records to count them")
            settings = {**self.settings, "live_terms": self.settings["live_terms"]
                        and term_frequencies is None}
            held = HeldRecords(self.store)
            with held.decoding():
                matcher = Matcher(new, self.store, self.hasher, settings["identifiers"],
                                  settings["live_terms"], held)
                reclusterer = self._reclusterer(held)
                changes, before, summary = Reresolver(self.store, held, settings).run(
                    matcher, reclusterer, term_frequencies=term_frequencies,
                    frozen_sources=frozen, now=now)
            self.store.set_meta("model", model)
            self.store.set_meta("settings", settings)
            detail = {**summary, **{k: v for k, v in (("by", by), ("reason", reason))
                                    if v is not None}}
            self.store.insert_audit([("re-resolved under a new model", None, None, detail)],
                                    now)
        self.settings, self.linker, self.functions = settings, new, functions
        self._wire()
        return _with_moves(events_frame(changes, reclusterer.overridden), before, changes)

    # Forgetting --------------------------------------------------------------------------

    @_public
    def forget(self, unique_id: Any, *, reason: str = "erasure request") -> pd.DataFrame:
        """Erase a record everywhere: its values, keys, pairs, term counts and decisions;
        its entity's golden record is rebuilt from what remains (or removed). The audit log keeps a
        keyed hash of the id, the time and ``reason``; with tombstones the id may not come
        back. Call ``compact()`` afterwards to purge the freed pages from the file.

        Returns the entity events (as ``Added.events``).
        """
        find = functools.partial(self.store.records_with_id, plain_id(unique_id))
        return self._eraser.forget(find, reason, f"{self.unique_id} {unique_id!r} is not held")

    @_public
    def forget_entity(self, entity_id: int, *, reason: str = "erasure request"
                      ) -> pd.DataFrame:
        """Erase every record of an entity (see ``forget``)."""
        find = functools.partial(self.store.records_of_entity, self.resolve_id(entity_id))
        return self._eraser.forget(find, reason, f"entity_id {entity_id!r} holds no records")

    @_public
    def check(self, *, full: bool = False) -> StoreCheck:
        """Check the store: SQLite's ``PRAGMA quick_check`` of the file (``full=True``:
        ``integrity_check``, slower, which also checks that every index matches its
        table), and golden's invariants: every record in one active entity, every active
        entity with records and a golden record, nothing kept of records that are gone,
        every decision between two held records and honoured by their entities, no
        forgotten id held. Each problem found comes with what to do.

        It reads one snapshot, so writers go on meanwhile, and it reads the whole file:
        its time grows with the store. Opening a store does not run it (opening stays
        fast); run it after a crash, a copy or a restore, or on a schedule. A file too
        damaged to be read raises ``StoreError``. (Example: the class's.)
        """
        return check_store(self.store, self.hasher, full=full)

    @_public
    def compact(self) -> None:
        """Purge deleted content: checkpoint the write-ahead log and rebuild the file."""
        self.store.compact()

    # Transparency and reading --------------------------------------------------------------

    @_public
    def report(self, entity_id: int) -> dict[str, Any]:
        """Everything held on an entity, ready for ``json.dumps`` (a subject access
        request): its records with when they arrived, the golden record with provenance,
        the consent and suppression flags, the sources, and the entity's history."""
        return self._reader.report(entity_id)

    @_public
    def generic_identifiers(self) -> pd.DataFrame:
        """Identifier values that stopped linking: ``identifier``, ``n_entities``,
        ``flagged_at`` (values are held only as keyed hashes: ``key``)."""
        return self._reader.generic_identifiers()

    @_public
    def resolve_id(self, entity_id: int) -> int:
        """The entity an id stands for now, following merges."""
        return self._reader.resolve_id(entity_id)

    @_public
    def entity(self, entity_id: int) -> pd.DataFrame:
        """The records of an entity (an old id is followed to the entity it merged into)."""
        return self._reader.entity(entity_id)

    @_public
    def golden(self, entity_id: int) -> dict[str, Any]:
        """The golden record of an entity, as a dict."""
        return self._reader.golden(entity_id)

    @_public
    def provenance(self, entity_id: int) -> pd.DataFrame:
        """Where each golden value of an entity came from, one row per value."""
        return self._reader.provenance(entity_id)

    @_public
    def history(self, entity_id: int) -> pd.DataFrame:
        """The audit events of an entity and of every id that merged into it."""
        return self._reader.history(entity_id)

    @_public
    def __len__(self) -> int:
        return self.store.count_records()
