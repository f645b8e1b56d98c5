"""``GoldenRecordBuilder``: one golden record per entity by survivorship rules, with
provenance, on any engine."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from golden._base.estimator import Estimator
from golden._base.spec import Functions, spec_from_dict
from golden.engines.choose import checked_engine
from golden.errors import ConfigError
from golden.survivorship.build import GoldenRecords
from golden.survivorship.plan import SurvivorshipPlan
from golden.survivorship.rules import MostFrequent, Rule

if TYPE_CHECKING:
    from golden.engines.protocol import Engine

MOST_FREQUENT = MostFrequent()
BUILDER_FORMAT = "golden.GoldenRecordBuilder"
BUILDER_VERSION = 1


class GoldenRecordBuilder(Estimator):
    """Build one golden record per entity by survivorship rules, with provenance.

    Parameters
    ----------
    rules : mapping of str to Rule, optional
        Rule per attribute or per group name; attributes without one use ``default``.
    default : Rule
        Rule for attributes and groups without their own; default most frequent.
    attributes : list of str, optional
        The columns to keep; default every column except the id, source, timestamp,
        suppression columns and ``entity_id``.
    groups : mapping of str to list of str, optional
        Coherent groups: attributes that must all come from one winning record, e.g.
        ``{"address": ["street", "city", "postcode"]}``; a group's rule is looked up by
        the group's name. A record is a candidate when it has any of the group's values.
        Values the winning record lacks are completed from one other record that agrees
        with it on every value both hold (provenance rule ``"<rule>, completed"``).
    unique_id : str
        Record id column.
    source : str, optional
        Source-system column, for provenance and ``golden.survivorship.source_priority``.
    timestamp : str, optional
        When each record was last updated: for provenance, ``most_recent()`` without a
        column, and as the final tie-break (most recent wins).
    suppress_records : str, optional
        Boolean column: true marks a record that no rule may use (e.g. opted out).
    suppress_values : mapping of str to str, optional
        Attribute (or group name) to a boolean column marking values that may not be
        used, e.g. ``{"email": "email_opt_out"}``.
    engine : LocalEngine, SparkEngine or None
        None (or ``golden.LocalEngine()``) builds in this process on pandas DataFrames; a
        ``golden.SparkEngine`` takes Spark DataFrames and returns both tables as Spark
        DataFrames, built on groups of whole entities.

    Examples
    --------
    >>> import pandas as pd
    >>> from golden import survivorship as sv
    >>> records = pd.DataFrame({
    ...     "unique_id": ["a", "b", "c"], "source": ["crm", "web", "web"],
    ...     "name": ["Ann Lee", "ann lee", "Bob Ray"],
    ...     "email": ["ann@x.org", "ann.lee@y.com", None],
    ...     "updated_at": ["2024-01-01", "2025-06-01", "2023-03-03"]})
    >>> clusters = pd.DataFrame({"unique_id": ["a", "b", "c"], "entity_id": [1, 1, 2]})
    >>> builder = GoldenRecordBuilder(
    ...     rules={"name": sv.source_priority(["crm"]), "email": sv.most_recent()},
    ...     source="source", timestamp="updated_at")
    >>> result = builder.build(records, clusters)
    >>> result.records
       entity_id  n_records     name          email
    0          1          2  Ann Lee  ann.lee@y.com
    1          2          1  Bob Ray            NaN
    >>> why = result.provenance_of(1)
    >>> why.loc["email", ["value", "unique_id", "source", "rule"]].to_dict("records")
    [{'value': 'ann.lee@y.com', 'unique_id': 'b', 'source': 'web', 'rule': 'most_recent'}]
    """

    def __init__(
        self,
        rules: Mapping[str, Rule] | None = None,
        default: Rule = MOST_FREQUENT,
        *,
        attributes: Sequence[str] | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        unique_id: str = "unique_id",
        source: str | None = None,
        timestamp: str | None = None,
        suppress_records: str | None = None,
        suppress_values: Mapping[str, str] | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.rules = rules
        self.default = default
        self.attributes = attributes
        self.groups = groups
        self.unique_id = unique_id
        self.source = source
        self.timestamp = timestamp
        self.suppress_records = suppress_records
        self.suppress_values = suppress_values
        self.engine = engine

    # Public ---------------------------------------------------------------------------

    def build(self, records: pd.DataFrame, clusters: pd.DataFrame, *,
              entity_id: str = "entity_id", pins: pd.DataFrame | None = None) -> GoldenRecords:
        """One golden record per entity of ``clusters`` (e.g. from ``Linker.cluster``).

        Parameters
        ----------
        records : DataFrame
            The records that were clustered, with every column the rules read.
        clusters : DataFrame
            Record id (``unique_id`` or the builder's ``unique_id`` column; plus
            ``source`` when ids repeat across sources) and ``entity_id``. Every record
            must have an entity: pass the records to ``Linker.cluster`` so unmatched
            ones become one-record entities.
        entity_id : str
            The entity column of ``clusters``.
        pins : DataFrame, optional
            Values chosen by a person, winning over every rule (``gd.load_pins`` reads a
            file): ``attribute``, ``value``, and either ``entity_id`` (for that entity)
            or ``unique_id`` (plus ``source`` when ids repeat across sources: for the
            entity holding that record, whatever its id), with optional ``by``, ``at``
            and ``reason``. Provenance rule ``"pinned by <by>: <reason>"``. Pins
            disagreeing on one entity: the latest ``at`` wins, else a ``ConfigError``
            naming both. Pinning some parts of a group takes the others from a record
            holding the pinned ones. A pandas DataFrame, also with a ``SparkEngine``.
            See ``golden.survivorship.pins``.

        Examples
        --------
        >>> import pandas as pd
        >>> records = pd.DataFrame({"unique_id": ["a", "b"],
        ...                         "email": ["ann@x.org", "ann@x.org"]})
        >>> clusters = pd.DataFrame({"unique_id": ["a", "b"], "entity_id": [1, 1]})
        >>> pins = pd.DataFrame({"unique_id": ["b"], "attribute": ["email"],
        ...                      "value": ["ann@new.org"], "by": ["ana"],
        ...                      "reason": ["customer phoned"]})
        >>> result = GoldenRecordBuilder().build(records, clusters, pins=pins)
        >>> result.records["email"].tolist()
        ['ann@new.org']
        >>> result.provenance[["unique_id", "rule", "support"]].values.tolist()
        [['b', 'pinned by ana: customer phoned', 0]]
        """
        engine = checked_engine(self.engine)
        plan = self._plan()
        if pins is None:  # engines that predate pins keep working
            return engine.golden_records(plan, records, clusters, entity_id)
        return engine.golden_records(plan, records, clusters, entity_id, pins)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-ready dict (versioned); see ``from_dict``."""
        params = self.get_params()
        del params["engine"]
        params["rules"] = {k: v.to_dict() for k, v in (self.rules or {}).items()}
        params["default"] = self.default.to_dict()
        params["groups"] = {k: list(v) for k, v in (self.groups or {}).items()}
        params["attributes"] = list(self.attributes) if self.attributes is not None else None
        params["suppress_values"] = dict(self.suppress_values or {})
        return {"format": BUILDER_FORMAT, "version": BUILDER_VERSION, "params": params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, functions: Functions = None
                  ) -> GoldenRecordBuilder:
        """Rebuild a builder from ``to_dict`` output (custom rules' functions from
        ``functions``: the functions, or a dict by ``module:qualname``; never imported).

        Examples
        --------
        >>> from golden import survivorship as sv
        >>> builder = GoldenRecordBuilder({"email": sv.all_values()}, timestamp="ts")
        >>> GoldenRecordBuilder.from_dict(builder.to_dict()).rules
        {'email': AllValues(normalise=None, order='frequency')}
        """
        if not isinstance(data, Mapping) or data.get("format") != BUILDER_FORMAT \
                or data.get("version") != BUILDER_VERSION:
            found = data if not isinstance(data, Mapping) else {
                k: data.get(k) for k in ("format", "version")}
            raise ConfigError(f"not a version-{BUILDER_VERSION} {BUILDER_FORMAT} "
                              f"configuration (got {str(found)[:100]})")
        keys = sorted(set(inspect.signature(cls).parameters) - {"engine"})
        params = data.get("params")
        if not isinstance(params, Mapping) or sorted(params) != keys \
                or not isinstance(params["rules"], Mapping):
            raise ConfigError(f"params: expected an object with the keys {keys} (rules an "
                              f"object of rules), got {str(params)[:100]}")
        params = dict(params)
        params["rules"] = {k: spec_from_dict(v, functions) for k, v in params["rules"].items()}
        params["default"] = spec_from_dict(params["default"], functions)
        builder = cls(**params)
        problems = builder._plan().parameter_problems()
        if problems:
            raise ConfigError(problems)
        return builder

    def _plan(self) -> SurvivorshipPlan:
        params = self.get_params()
        del params["engine"]
        return SurvivorshipPlan(**params)
