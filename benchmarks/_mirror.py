"""One configuration, both tools: the dev sets' specs (``_configs.py``) built as a golden
``Linker`` and as Splink 5 settings and training.

A spec names, per column, the kind of comparison (``Compare``) and the blocking rules
(``eq``: equal keys; ``words``: any shared word), once. golden gets its ready-made
comparisons and its own normalisers (``col(...).clean()``, ``.phone()``); Splink gets the
closest comparison of its library on columns derived in pandas the same way (Splink
compares columns as they are):

===============  ================================  ==========================================
kind             golden                            Splink 5
===============  ================================  ==========================================
name             ``cmp.name`` (TF)                 ``NameComparison`` on ``<c>__clean`` (TF)
exact            ``cmp.exact``                     ``ExactMatch``
jaro_winkler     ``cmp.jaro_winkler(clean)``       ``JaroWinklerAtThresholds([0.92, 0.8])``
jaccard          ``cmp.jaccard(clean)``            custom: exact, then word-set Jaccard ≥ 0.9,
                                                   ≥ 0.6 (Splink's ``JaccardAtThresholds`` is
                                                   DuckDB's character-set Jaccard)
free_text        ``cmp.free_text(clean)``          as jaccard: Splink has no similarity that
                                                   weighs words by rarity
abs_diff         ``cmp.absolute_difference``       custom: exact, ``AbsoluteDifferenceLevel``
pct_diff         ``cmp.percentage_difference``     custom: exact, ``PercentageDifferenceLevel``
date             ``cmp.date``                      ``AbsoluteDateDifferenceAtThresholds``
                                                   (31, 366, 3,653 days)
dob              ``cmp.date_of_birth``             ``DateOfBirthComparison``
shared           ``cmp.shared_values``             ``ArrayIntersectAtSizes([2, 1])``
distance         ``cmp.distance_km``               ``DistanceInKMAtThresholds([0.1, 1, 10])``
===============  ================================  ==========================================

Blocking is equivalent pair for pair: golden's ``block_on`` and ``block_on_any`` skip a
block of more than ``MAX_BLOCK_SIZE`` records (their default); Splink's equality rules
include a flag column that is NULL inside such a block, and its word lists leave such
words out. Splink reads the derived columns, so it leaves out of an EM session the
comparisons of the columns its rule reads, as golden does; for ``words`` rules Splink's
rule reads ``<c>__tokens``, not the compared column, so Splink does not leave it out.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

MAX_BLOCK_SIZE = 1_000  # golden's default block_on / block_on_any max_block_size
STEPS = ("clean", "phone")
KINDS = ("name", "exact", "jaro_winkler", "jaccard", "free_text", "abs_diff", "pct_diff",
         "date", "dob", "shared", "distance")
LINK_TYPES = {"dedupe": "dedupe_only", "link": "link_only"}


# ---------------------------------------------------------------------------
# the spec
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A column, optionally normalised by one golden step (``clean``, ``phone``)."""

    column: str
    step: str | None = None

    @classmethod
    def parse(cls, text: str) -> Key:
        """``"surname"`` or ``"surname:clean"``."""
        column, _, step = text.partition(":")
        if step and step not in STEPS:
            raise ValueError(f"key {text!r}: step must be one of {STEPS}")
        return cls(column, step or None)

    @property
    def splink_column(self) -> str:
        return f"{self.column}__{self.step}" if self.step else self.column

    def golden(self) -> Any:
        import golden as gd

        return getattr(gd.col(self.column), self.step)() if self.step else self.column


@dataclass(frozen=True)
class Rule:
    """Records agree on every key (``eq``), or share a word of one column (``words``)."""

    keys: tuple[Key, ...]
    words: bool = False


def eq(*keys: str) -> Rule:
    """Equality of every key (``"column"`` or ``"column:step"``)."""
    return Rule(tuple(Key.parse(k) for k in keys))


def words(column: str) -> Rule:
    """Any shared word of ``column`` (golden's ``block_on_any(col.clean(), sep=" ")``)."""
    return Rule((Key(column),), words=True)


@dataclass(frozen=True)
class Compare:
    """One comparison: its kind (see the module table), its column(s) and options."""

    kind: str
    columns: tuple[str, ...]
    thresholds: tuple[float, ...] = ()
    sep: str | None = None
    term_frequency: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"comparison kind {self.kind!r}: expected one of {KINDS}")

    @property
    def key(self) -> Key:
        return Key.parse(self.columns[0])


def compare(kind: str, *columns: str, thresholds: tuple[float, ...] = (),
            sep: str | None = None, term_frequency: bool = False) -> Compare:
    """A :class:`Compare` (``columns``: one, or latitude and longitude for ``distance``)."""
    return Compare(kind, columns, thresholds, sep, term_frequency)


@dataclass(frozen=True)
class Spec:
    """A dev set's configuration, for both tools.

    ``prepare`` is the user's own preparation of each frame (parsing numbers and dates),
    given to both tools; the training fields are Splink's recipe (λ from deterministic
    rules and their recall, then one EM session per rule), which golden's defaults do
    not use and its ``golden_tr`` variant mirrors.
    """

    link_type: str
    unique_id: str
    comparisons: tuple[Compare, ...]
    blocking: tuple[Rule, ...]
    deterministic: tuple[Rule, ...]
    em: tuple[Rule, ...]
    recall: float = 0.8
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None


# ---------------------------------------------------------------------------
# golden
# ---------------------------------------------------------------------------


def golden_linker(spec: Spec, variant: str) -> Any:
    """golden's ``Linker`` at its defaults (``golden``), or with Splink's training recipe
    mirrored (``golden_tr``)."""
    import golden as gd

    training: dict[str, Any] = {}
    if variant == "golden_tr":
        training = {"deterministic_rules": [_golden_rule(r) for r in spec.deterministic],
                    "recall": spec.recall,
                    "training_blocking": [_golden_rule(r) for r in spec.em]}
    return gd.Linker(
        comparisons=[_golden_comparison(c) for c in spec.comparisons],
        blocking=[_golden_rule(r) for r in spec.blocking],
        link_type=spec.link_type, unique_id=spec.unique_id, random_state=0, progress=False,
        **training)


def _golden_rule(rule: Rule) -> Any:
    import golden as gd

    if rule.words:
        return gd.block_on_any(gd.col(rule.keys[0].column).clean(), sep=" ")
    return gd.block_on(*(key.golden() for key in rule.keys))


def _golden_comparison(c: Compare) -> Any:
    import golden as gd
    from golden import comparisons as cmp

    column = c.key.column
    clean = gd.col(column).clean()
    build: dict[str, Callable[[], Any]] = {
        "name": lambda: cmp.name(column),
        "exact": lambda: cmp.exact(c.key.golden(), term_frequency=c.term_frequency,
                                   name=column),
        "jaro_winkler": lambda: cmp.jaro_winkler(clean, name=column),
        "jaccard": lambda: cmp.jaccard(clean, name=column),
        "free_text": lambda: cmp.free_text(clean, name=column),
        "abs_diff": lambda: cmp.absolute_difference(column, c.thresholds),
        "pct_diff": lambda: cmp.percentage_difference(column, c.thresholds),
        "date": lambda: cmp.date(column),
        "dob": lambda: cmp.date_of_birth(column),
        "shared": lambda: cmp.shared_values(column, sep=c.sep),
        "distance": lambda: cmp.distance_km(*c.columns, name="_".join(c.columns)),
    }
    return build[c.kind]()


# ---------------------------------------------------------------------------
# Splink
# ---------------------------------------------------------------------------


def splink_settings(spec: Spec) -> Any:
    """Splink's ``SettingsCreator``: the same blocking rules, the closest comparisons."""
    from splink import SettingsCreator

    return SettingsCreator(
        unique_id_column_name=spec.unique_id,
        link_type=LINK_TYPES[spec.link_type],
        blocking_rules_to_generate_predictions=[_splink_rule(r) for r in spec.blocking],
        comparisons=[_splink_comparison(c) for c in spec.comparisons],
        # golden's pairs hold no compared values either; read back as pandas objects (word
        # lists) they would take most of Splink's memory at millions of pairs
        retain_matching_columns=False,
    )


def splink_training(spec: Spec) -> dict[str, Any]:
    """Keyword arguments of ``_configs.SplinkTraining`` for the spec's recipe."""
    return {"deterministic_rules": [_splink_rule(r) for r in spec.deterministic],
            "recall": spec.recall, "u_max_pairs": 1e6, "u_seed": 0,
            "em_rules": [_splink_rule(r) for r in spec.em]}


def _splink_rule(rule: Rule) -> Any:
    from splink import block_on

    if rule.words:
        tokens = _tokens_column(rule.keys[0].column)
        return f"list_has_any(l.{tokens}, r.{tokens})"
    return block_on(*(key.splink_column for key in rule.keys), _flag_column(rule))


def _splink_comparison(c: Compare) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    column, clean = c.key.splink_column, f"{c.key.column}__clean"
    if c.kind == "name":
        return cl.NameComparison(clean).configure(term_frequency_adjustments=True)
    if c.kind == "exact":
        return cl.ExactMatch(column).configure(term_frequency_adjustments=c.term_frequency)
    if c.kind == "jaro_winkler":
        return cl.JaroWinklerAtThresholds(clean, [0.92, 0.8])
    if c.kind in ("jaccard", "free_text"):
        return _custom(column, cll.NullLevel(clean), cll.ExactMatchLevel(clean),
                       *(_word_jaccard(c.key.column, t) for t in (0.9, 0.6)))
    if c.kind in ("abs_diff", "pct_diff"):
        level = (cll.AbsoluteDifferenceLevel if c.kind == "abs_diff"
                 else cll.PercentageDifferenceLevel)
        return _custom(column, cll.NullLevel(column), cll.ExactMatchLevel(column),
                       *(level(column, t) for t in c.thresholds))
    if c.kind == "date":
        return cl.AbsoluteDateDifferenceAtThresholds(
            column, input_is_string=True, metrics=["day", "day", "day"],
            thresholds=[31, 366, 3653], datetime_format="%Y-%m-%d")
    if c.kind == "dob":
        return cl.DateOfBirthComparison(column, input_is_string=True,
                                        datetime_format="%Y-%m-%d")
    if c.kind == "shared":
        return cl.ArrayIntersectAtSizes(_list_column(column), [2, 1])
    return cl.DistanceInKMAtThresholds(*c.columns, km_thresholds=[0.1, 1, 10])


def _custom(name: str, *levels: Any) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(comparison_levels=[*levels, cll.ElseLevel()],
                               output_column_name=name)


def _word_jaccard(column: str, threshold: float) -> Any:
    import splink.comparison_level_library as cll

    left, right = f"{_words_column(column)}_l", f"{_words_column(column)}_r"
    sql = (f"len(list_intersect({left}, {right})) / "
           f"len(list_distinct(list_concat({left}, {right}))) >= {threshold}")
    return cll.CustomLevel(sql, label_for_charts=f"word Jaccard >= {threshold}")


def _flag_column(rule: Rule) -> str:
    return "ok__" + "__".join(key.splink_column for key in rule.keys)


def _tokens_column(column: str) -> str:
    return f"{column}__tokens"


def _words_column(column: str) -> str:
    return f"{column}__words"


def _list_column(column: str) -> str:
    return f"{column}__list"


# ---------------------------------------------------------------------------
# Splink's derived columns, in pandas
# ---------------------------------------------------------------------------


def splink_prepare(spec: Spec) -> Callable[[list[pd.DataFrame]], list[pd.DataFrame]]:
    """The frames Splink gets: the user's ``prepare``, then the derived columns its
    settings read (normalised keys, word lists, block-size flags), and nothing else."""

    def prepare(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
        if spec.prepare is not None:
            frames = [spec.prepare(frame) for frame in frames]
        both = pd.concat(frames, keys=range(len(frames)), names=["frame", "row"])
        columns = {spec.unique_id: both[spec.unique_id]}
        for c in spec.comparisons:
            columns.update(_comparison_columns(c, both))
        for rule in dict.fromkeys((*spec.blocking, *spec.deterministic, *spec.em)):
            columns.update(_rule_columns(rule, both))
        out = pd.DataFrame(columns)
        return [out.xs(k, level="frame").reset_index(drop=True) for k in range(len(frames))]

    return prepare


def _column(both: pd.DataFrame, column: str) -> pd.Series:
    """A column of the stacked frames (null where a frame lacks it)."""
    return both[column] if column in both else pd.Series(pd.NA, index=both.index, dtype="str")


def _key_values(key: Key, both: pd.DataFrame) -> pd.Series:
    raw = _column(both, key.column)
    if key.step == "clean":
        return clean_text(raw)
    if key.step == "phone":
        digits = raw.astype("str").str.replace(r"[^0-9]", "", regex=True)
        return digits.where(digits.str.len() > 0)
    return raw


def _comparison_columns(c: Compare, both: pd.DataFrame) -> dict[str, pd.Series]:
    if c.kind == "distance":
        return {column: _column(both, column) for column in c.columns}
    raw = _column(both, c.key.column)
    out = {c.key.column: raw, c.key.splink_column: _key_values(c.key, both)}
    if c.kind in ("name", "jaro_winkler", "jaccard", "free_text"):
        out[f"{c.key.column}__clean"] = clean_text(raw)
    if c.kind in ("jaccard", "free_text"):
        split = clean_text(raw).str.split(" ")
        out[_words_column(c.key.column)] = _as_lists(split)
    if c.kind == "shared":
        out[_list_column(c.key.column)] = _as_lists(raw.str.split(c.sep, regex=False))
    return out


def _rule_columns(rule: Rule, both: pd.DataFrame) -> dict[str, pd.Series]:
    if rule.words:
        column = rule.keys[0].column
        return {_tokens_column(column): _word_tokens(_column(both, column))}
    keys = {key.splink_column: _key_values(key, both) for key in rule.keys}
    frame = pd.DataFrame(keys)
    present = frame[frame.notna().all(axis=1)]
    size = present.groupby(list(keys))[next(iter(keys))].transform("size")
    flag = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    flag[size.index[size.to_numpy() <= MAX_BLOCK_SIZE]] = 1
    return {**keys, _flag_column(rule): flag}


def _word_tokens(raw: pd.Series) -> pd.Series:
    """golden's ``block_on_any(col.clean(), sep=" ")`` keys: the text split on spaces, each
    piece cleaned; words of more than ``MAX_BLOCK_SIZE`` records left out."""
    pieces = raw.reset_index(drop=True).astype("str").str.split(" ", regex=False).explode()
    pieces = clean_text(pieces).dropna()
    pairs = pd.DataFrame({"row": pieces.index, "word": pieces.to_numpy()}).drop_duplicates()
    records = pairs["word"].map(pairs["word"].value_counts())
    kept = pairs[records.to_numpy() <= MAX_BLOCK_SIZE]
    lists = kept.groupby("row")["word"].agg(list).reindex(range(len(raw)))
    return _as_lists(pd.Series(lists.to_numpy(), index=raw.index))


def _as_lists(values: pd.Series) -> pd.Series:
    """Lists of distinct non-empty strings (null when none), as an Arrow list column."""
    def distinct(items: Any) -> list[str] | None:
        if not isinstance(items, list):
            return None
        kept = list(dict.fromkeys(i for i in items if isinstance(i, str) and i))
        return kept or None

    return pd.Series([distinct(v) for v in values], index=values.index,
                     dtype=pd.ArrowDtype(pa.list_(pa.string())))


# golden's clean() (golden.values.text), restated here because a Splink process never
# imports golden: accents stripped (a few letters mapped first), lower-case, apostrophes
# and zero-width characters deleted, other punctuation and whitespace runs to one space,
# trimmed, empty to null.
_APOSTROPHES = "'`´‘’‛ʼ′"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_PUNCTUATION = ("".join(c for c in string.punctuation if c not in _APOSTROPHES)
                + "‐‑‒–—―‖“”„‟«»‹›¡¿·•…§¶†‡″‴、。，．：；！？"
                + "（）［］｛｝【】「」『』〈〉《》¦¨¯¸°±×÷¬")
_SPECIAL = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                          "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                          "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h",
                          "Ħ": "H"})
_DELETE = str.maketrans("", "", _APOSTROPHES + _ZERO_WIDTH)
_TO_SPACE = str.maketrans(_PUNCTUATION, " " * len(_PUNCTUATION))


def _clean_one(value: str) -> str | None:
    value = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    value = " ".join(value.translate(_DELETE).translate(_TO_SPACE).split())
    return value or None


def clean_text(values: pd.Series) -> pd.Series:
    """golden's ``clean()`` in plain Python, once per distinct value.

    >>> clean_text(pd.Series(["  Zoë  O'BRIEN-Smith. ", "?!", None])).tolist()
    ['zoe obrien smith', nan, nan]
    """
    codes, uniques = pd.factorize(values.astype("str"))
    cleaned = [_clean_one(u) for u in uniques]
    return pd.Series([cleaned[c] if c >= 0 else None for c in codes], index=values.index,
                     dtype="str")
