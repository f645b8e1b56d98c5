"""``golden init``: profile one file (dedupe) or two (link) and write a commented starting
configuration that ``golden dedupe --config`` / ``golden link --config`` run unedited.

Each column's type is recognised from its name and its values (names, dates, e-mail
addresses, phone numbers, postcodes, addresses, free text, codes, numbers), a ready-made
comparison is chosen for it, and columns that cannot tell records apart (another row id,
timestamps, nearly empty ones) are left out. Blocking rules are chosen from the pair counts
each would make (``golden profile``'s counting), cheapest first, within ``--max-pairs``.
Every choice is a comment in the file, with the evidence for it.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from golden.blocking import BlockOnAny, analyse_blocking, block_on, block_on_any
from golden.cli.profiling import find_unique_id, rule_pairs, toml_string
from golden.comparisons.library import MAX_JOINT_COLUMNS
from golden.config import linker_config
from golden.datasets import read_table
from golden.errors import ConfigError
from golden.values import Expr, col
from golden.values.numbers import amount

MAX_PAIRS = 20_000_000
MAX_RULES = 6  # blocking rules kept, cheapest first
MAX_TRAINING_RULES = 3
NEARLY_EMPTY = 0.1  # columns filled on fewer records than this are left out
SAMPLE = 2_000  # values read to recognise a column's type

# Patterns over a column's name: lower case, with every run of other characters one "_".
NAMES: list[tuple[str, str]] = [
    ("timestamp", r"(^|_)(timestamp|updated|created|modified|changed|loaded|inserted)(_|$)"
                  r"|_at$|(^|_)(last_)?(update|modified)_(date|time)$"),
    ("source", r"^(source|source_system|source_dataset|system|dataset|origin|file_name)$"),
    ("email", r"(^|_)e_?mail(s)?(_|$)|^mail$"),
    ("phone", r"phone|(^|_)(tel|telephone|mobile|cell|fax|landline)(_|$)"),
    ("postcode", r"post_?code|postal|(^|_)zip(_?code)?(_|$)|(^|_)plz(_|$)"),
    ("date_of_birth", r"(^|_)(dob|birth|birthdate|birthday|born|date_of_birth)(_|$)"),
    ("first_name", r"^(first|given|fore|christian)_?names?$|^forename|^f_?name$|^first$"
                   r"|^middle_?names?$"),
    ("surname", r"^(sur|last|family|maiden)_?names?$|^l_?name$|^last$"),
    ("street_number", r"^(street|house|building|door)_?(number|num|no|nr)$|^number$"),
    ("address", r"address|street|(^|_)(addr|road|line_?\d)(_|$)"),
    ("city", r"(^|_)(city|town|suburb|locality|municipality|village|place_name)(_|$)"),
    ("category", r"(^|_)(state|county|country|region|province|gender|sex|title_code)(_|$)"),
    ("identifier", r"(^|_)(ssn|soc_sec(_id)?|social_security|national_id|nin|passport|"
                   r"licen[cs]e|tax_id|nhs|vat|tin)(_|$)"),
    ("free_text", r"(^|_)(title|description|desc|product|abstract|summary|venue|"
                  r"affiliation|organi[sz]ation|company)(_|$)"),
    ("number", r"(^|_)(price|amount|cost|salary|income|total|value|weight|height|age)(_|$)"),
]
# Values: most of a sample must match for a column to be read as one of these.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d ()\-.]{7,22}$")
DATE = re.compile(r"^(\d{4}-\d\d-\d\d|\d\d?[/.]\d\d?[/.]\d{4}|\d{4}/\d\d/\d\d|"
                  r"(18|19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
NUMBER = re.compile(r"^[-+]?[$€£]?\d[\d,]*(\.\d+)?$")
# an amount as shops write it: "$1,027.50", "1.027,50 €", "69.71 GBP"
AMOUNT = re.compile(r"^[-+]?([$€£¥]|[A-Z]{3})?\s?\d[\d.,' ]*\s?([$€£¥]|[A-Za-z]{3})?$")
ID_TOKEN = re.compile(r"^[\w:.\-/#]+$")
MOST = 0.8


@dataclass
class Column:
    """One column's recognised type, the evidence for it, its comparison (a TOML table's
    lines, or none when left out) and its blocking key (an inline TOML key, or none)."""

    column: str
    kind: str
    evidence: str
    comparison: list[str] = field(default_factory=list)
    key: str | None = None
    expr: Expr | None = None
    words: bool = False  # block on any shared word (free text) instead of equality


def write_starting_config(inputs: Sequence[str | Path], out: str | Path, *,
                          unique_id: str | None = None, max_pairs: int = MAX_PAIRS,
                          force: bool = False) -> Path:
    """Profile ``inputs`` (one file to dedupe, two to link) and write the configuration to
    ``out``, which must not exist unless ``force``; every check before anything is written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "crm.csv").write_text("id,email\\n1,ann@x.com\\n2,bo@y.org\\n3,ann@x.com\\n")
    >>> out = write_starting_config([folder / "crm.csv"], folder / "golden.toml")
    >>> write_starting_config([folder / "crm.csv"], out)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: --out: '...golden.toml' already exists; pass --force to ...
    """
    out = Path(out)
    if out.is_dir():
        raise ConfigError(f"--out: {str(out)!r} is a folder; give the TOML file to write")
    if out.exists() and not force:
        raise ConfigError(f"--out: {str(out)!r} already exists; pass --force to replace it, "
                          "or give another file")
    if max_pairs < 1:
        raise ConfigError(f"--max-pairs: got {max_pairs}, expected a whole number >= 1")
    frames = [read_table(p, "input") for p in inputs]
    text = starting_config(frames, [Path(p).name for p in inputs], unique_id=unique_id,
                           max_pairs=max_pairs)
    out.write_text(text, encoding="utf-8")
    return out


def starting_config(frames: Sequence[pd.DataFrame], names: Sequence[str], *,
                    unique_id: str | None = None, max_pairs: int = MAX_PAIRS) -> str:
    """The commented TOML configuration for one frame (dedupe) or two (link); ``names`` are
    the files' names, for the comments.

    Raises
    ------
    ConfigError
        An empty file, no id column, or no column besides the id that could be compared.

    Examples
    --------
    >>> import golden as gd
    >>> people = gd.datasets.make_people(500, random_state=0)
    >>> text = starting_config([people.drop(columns=["person_id", "household_id"])],
    ...                        ["people.csv"])
    >>> print(text.split("\\n\\n")[2])
    # 'first_name': 100% filled, 237 distinct, looks like first names (its name)
    [[comparisons]]
    function = "name"
    column = "first_name"
    """
    for frame, name in zip(frames, names, strict=True):
        if frame.empty:
            raise ConfigError(f"input: {name} has no records; give a file with a header "
                              "and records")
    unique_id = unique_id or _common_id(frames, names)
    for frame, name in zip(frames, names, strict=True):
        if unique_id not in frame.columns:
            raise ConfigError(f"--unique-id: column {unique_id!r} is not in {name}; columns: "
                              f"{list(frame.columns)}")
    shared = [c for c in frames[0].columns if all(c in f.columns for f in frames)]
    records = pd.concat([f[shared] for f in frames], ignore_index=True)
    link = len(frames) == 2
    columns = [recognise(records[c], str(c)) for c in shared if c != unique_id]
    if not columns:
        raise ConfigError(f"input: {', '.join(names)} has no column besides the id column "
                          f"{unique_id!r}; give a file with the columns to match on")
    family = _family(columns)
    if family:  # the rest of the address lives with the household, as the family's place
        place = family[1].column
        for c in columns:
            if c.kind in ADDRESS_PARTS and c not in family:
                c.comparison = []
                c.evidence += (f"; part of the address, which the family comparison reads "
                               f"through {place!r} (a household's, not a person's)")
    compared = [c for c in columns if c.comparison]
    if not compared and not family:
        raise ConfigError(
            "input: no column could be compared; every column was left out: "
            + "; ".join(f"{c.column!r} ({c.evidence})" for c in columns))
    blocking, training = _choose_blocking(frames, columns, family, unique_id, link, max_pairs)
    if not blocking:
        raise ConfigError(f"input: no blocking rule finds pairs within --max-pairs "
                          f"{max_pairs:,}; raise --max-pairs, or write the rules by hand")
    cumulative = _cumulative(frames, blocking, unique_id, link)
    text = _render(names, unique_id, link, columns, family, blocking, cumulative, training,
                   max_pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker_config(tomllib.loads(text), where="golden init")  # it runs as written
    return text


def _common_id(frames: Sequence[pd.DataFrame], names: Sequence[str]) -> str:
    found = {name: find_unique_id(f) for f, name in zip(frames, names, strict=True)}
    if len(set(found.values())) > 1:
        raise ConfigError(f"--unique-id: the files' id columns differ ({found}); rename one, "
                          "or give --unique-id COLUMN present in both")
    return next(iter(found.values()))


# Recognising a column ---------------------------------------------------------------------


def recognise(values: pd.Series, column: str) -> Column:
    """A column's type from its name and values, with the evidence, the comparison and the
    blocking key.

    Examples
    --------
    >>> c = recognise(pd.Series(["ann@x.com", "bo@y.org", None]), "contact")
    >>> c.kind, c.evidence
    ('email', '67% filled, 2 distinct, looks like e-mail addresses')
    """
    filled = values.dropna().astype(str).str.strip()
    filled = filled[filled != ""]
    share, distinct = len(filled) / max(len(values), 1), int(filled.nunique())
    facts = f"{share:.0%} filled, {distinct:,} distinct"
    by_name = _name_kind(column)
    if share < NEARLY_EMPTY:
        return Column(column, "left out", f"{facts}: nearly empty")
    if distinct < 2:
        return Column(column, "left out", f"{facts}: one value on every record")
    if by_name == "timestamp":
        return Column(column, "left out", f"{facts}: a timestamp of the record (its name), "
                      "not a fact about the entity")
    if by_name == "source":
        return Column(column, "left out", f"{facts}: the record's source (its name), not a "
                      "fact about the entity")
    sample = filled.sample(min(SAMPLE, len(filled)), random_state=0)
    if by_name == "full_name" and not _person_names(sample):
        by_name = None  # a product's or a company's name: its values tell
    kind, why = by_name, "its name"
    if kind is None or kind in ("free_text", "number", "category"):
        kind, why = _value_kind(sample, distinct, len(filled), kind, why)
    if kind == "row_id":
        return Column(column, "left out", f"{facts}: a distinct value on every record, "
                      "another row id")
    if kind == "timestamp":
        return Column(column, "left out", f"{facts}: looks like timestamps (date and time) "
                      "of the record, not facts about the entity")
    if kind in ("first_name", "surname") and _words(sample) >= 1.8:
        kind = "full_name"
    return _choose(column, kind, f"{facts}, {_LOOKS[kind]} ({why})" if why != "its values"
                   else f"{facts}, {_LOOKS[kind]}", sample, distinct)


_LOOKS = {
    "email": "looks like e-mail addresses", "phone": "looks like phone numbers",
    "postcode": "looks like postcodes", "date_of_birth": "looks like dates of birth",
    "date": "looks like dates", "first_name": "looks like first names",
    "surname": "looks like surnames", "full_name": "looks like full names",
    "street_number": "looks like house numbers", "address": "looks like addresses",
    "city": "looks like towns", "category": "looks like a code or category",
    "identifier": "looks like an identifier number", "free_text": "looks like free text",
    "number": "looks like numbers", "text": "looks like short text",
}


def _name_kind(column: str) -> str | None:
    name = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", column).lower())
    name = name.strip("_")
    for kind, pattern in NAMES:
        if re.search(pattern, name):
            return kind
    if name in ("name", "full_name", "fullname", "person_name", "customer_name",
                "contact_name", "client_name", "patient_name"):
        return "full_name"
    return None


def _value_kind(sample: pd.Series, distinct: int, filled: int, hinted: str | None, why: str
                ) -> tuple[str, str]:
    """The type the values show (``hinted`` by the name: free text, number or category,
    kept when the values agree)."""
    def most(pattern: re.Pattern[str]) -> bool:
        return float(sample.str.match(pattern).mean()) >= MOST

    mean_words, mean_length = _words(sample), float(sample.str.len().mean())
    if most(EMAIL):
        return "email", "its values"
    if most(TIMESTAMP):
        return "timestamp", "its values"
    if most(DATE):
        return "date", "its values"
    if hinted == "number" and (most(NUMBER) or most(AMOUNT)):
        return "number", why
    if most(PHONE) and float(sample.str.count(r"\d").mean()) >= 9 and (
            float(sample.str.match(r"^(\+|0)").mean()) >= MOST
            or float(sample.str.contains(r"[ ()\-.]").mean()) >= MOST):
        return "phone", "its values"
    if distinct == filled and mean_words < 1.5 and most(ID_TOKEN):
        return "row_id", "its values"
    if most(NUMBER):
        numbers = pd.to_numeric(amount(sample), errors="coerce").dropna()
        integers = bool((numbers == numbers.round()).all())
        leading_zero = float(sample.str.match(r"^0\d").mean()) > 0.05
        if leading_zero or (integers and (distinct <= 50 or distinct >= 0.3 * filled)):
            return ("identifier" if integers and mean_length >= 6 and distinct >= 0.3 * filled
                    else "category"), "its values"
        return "number", "its values" if hinted != "number" else why
    if hinted == "free_text" or mean_words >= 3 or (mean_words >= 2 and mean_length >= 25):
        return "free_text", why if hinted == "free_text" else "its values"
    if hinted == "category" or distinct <= 50 or distinct < 0.05 * filled:
        return "category", why if hinted == "category" else "its values"
    return "text", "its values"


def _person_names(sample: pd.Series) -> bool:
    """Short values of one to four words of letters (no digits): people's names."""
    words = sample.str.split().str.len()
    return (float(words.between(1, 4).mean()) >= MOST
            and float(sample.str.contains(r"\d").mean()) < 0.05
            and float(sample.str.len().mean()) <= 30)


def _words(sample: pd.Series) -> float:
    return float(sample.str.split().str.len().mean()) if len(sample) else 0.0


def _choose(column: str, kind: str, evidence: str, sample: pd.Series, distinct: int) -> Column:
    """The comparison and blocking key for a recognised column."""
    c = toml_string(column)
    table = {
        "email": ['function = "email"', f"column = {c}"],
        "phone": ['function = "levenshtein"', f'column = {{ column = {c}, steps = ["phone"] }}',
                  "distances = [1]"],
        "postcode": ['function = "postcode"', f"column = {c}"],
        "date_of_birth": ['function = "date_of_birth"', f"column = {c}"],
        "date": ['function = "date"', f"column = {c}"],
        "first_name": ['function = "name"', f"column = {c}"],
        "surname": ['function = "name"', f"column = {c}"],
        "full_name": ['function = "jaro_winkler"', f"column = {c}", "thresholds = [0.92, 0.8]"],
        "street_number": ['function = "exact"', f"column = {c}"],
        "address": ['function = "jaro_winkler"', f"column = {c}", "thresholds = [0.9, 0.8]"],
        "city": ['function = "jaro_winkler"', f"column = {c}", "thresholds = [0.9]"],
        "identifier": ['function = "levenshtein"', f"column = {c}", "distances = [1, 2]"],
        "free_text": ['function = "free_text"', f"column = {c}"],
        "text": ['function = "jaro_winkler"', f"column = {c}", "thresholds = [0.92, 0.8]"],
    }.get(kind)
    if kind == "category":
        table = ['function = "exact"', f"column = {c}"]
        if distinct >= 20:
            table.append("term_frequency = true")
            evidence += "; rarer values weigh more (term_frequency)"
    elif kind == "number":
        marked = sample[sample.str.contains(r"[$€£,]|[A-Za-z]{3}")]
        written = len(marked) > 0.05 * len(sample)
        table = _number_table(f"{{ column = {c}, steps = [\"amount\"] }}" if written else c,
                              sample)
        if written:
            table.append(f"name = {toml_string(re.sub(r'[^0-9A-Za-z_]+', '_', column))}")
            evidence += (f"; {len(marked) / len(sample):.0%} of the values (such as "
                         f"{marked.iloc[0]!r}) are written with a currency or separators: "
                         "read as numbers (the amount step)")
    steps = {"email": ["email"], "phone": ["phone"], "postcode": ["clean", "remove_spaces"],
             "date_of_birth": ["date"], "date": ["date"]}.get(kind, ["clean"])
    expr = col(column)
    for step in steps:
        expr = getattr(expr, step)()
    key = f"{{ column = {c}, steps = [{', '.join(toml_string(s) for s in steps)}] }}"
    name = re.sub(r"\W+", "_", column).strip("_").lower()
    if not column.isidentifier() and table is not None:
        table.append(f"name = {toml_string(name or 'comparison')}")
    return Column(column, kind, evidence, table or [], key, expr, words=kind == "free_text")


def _number_table(column: str, sample: pd.Series) -> list[str]:
    numbers = pd.to_numeric(amount(sample), errors="coerce")
    numbers = numbers.dropna()
    integers = bool((numbers == numbers.round()).all())
    if integers and len(numbers) and float(numbers.max() - numbers.min()) <= 200:
        return ['function = "absolute_difference"', f"column = {column}", "thresholds = [1, 5]"]
    return ['function = "percentage_difference"', f"column = {column}",
            "thresholds = [0.1, 0.25]"]


# A household's columns, compared jointly ------------------------------------------------------


def _family(columns: list[Column]) -> list[Column]:
    """Surname, postcode (or address) and phone / e-mail, when all exist: relatives share
    them, so they are compared jointly (``cmp.joint``), as in golden's demo."""
    def first(*kinds: str) -> Column | None:
        return next((c for c in columns if c.kind in kinds), None)

    surname, place = first("surname"), first("postcode") or first("address")
    contacts = [c for c in (first("phone"), first("email")) if c is not None]
    if surname is None or place is None or not contacts:
        return []
    return [surname, place, *contacts][:MAX_JOINT_COLUMNS]


# Blocking ---------------------------------------------------------------------------------

BLOCKABLE = ("first_name", "surname", "full_name", "date_of_birth", "email", "phone",
             "postcode", "identifier", "address", "date", "free_text", "text")
COMBINABLE = (*BLOCKABLE, "city", "street_number", "category")
ADDRESS_PARTS = ("address", "city", "street_number")
PERSON_KINDS = ("first_name", "date_of_birth", "identifier", "full_name")  # not a household's


@dataclass(frozen=True)
class Rule:
    """A candidate blocking rule: its TOML table's lines, its columns, a label, its pair
    count and the rule itself."""

    lines: tuple[str, ...]
    columns: tuple[str, ...]
    label: str
    pairs: int
    rule: Any


def _choose_blocking(frames: Sequence[pd.DataFrame], columns: list[Column], family: list[Column],
                    unique_id: str, link: bool, max_pairs: int) -> tuple[list[Rule], list[Rule]]:
    """Rules for prediction (cheapest first, within ``max_pairs`` together, at most
    ``MAX_RULES``), and, with a family comparison, training rules on the person's own
    columns (sharing a surname, an address or a phone is also what relatives do)."""
    records: Any = list(frames) if link else frames[0]
    link_type = "link" if link else "dedupe"
    cap = max(1, max_pairs // 2)  # no one rule takes most of the budget

    def counted(keys: list[Column]) -> Rule:
        exprs = [k.expr for k in keys if k.expr is not None]
        lines: tuple[str, ...]
        if keys[0].words:
            rule: Any = block_on_any(exprs[0], sep=" ")
            lines = ('function = "block_on_any"', f"key = {keys[0].key}", 'sep = " "')
            label = f"any shared word of {keys[0].column}"
        else:
            rule = block_on(*exprs)
            lines = (f"keys = [{', '.join(str(k.key) for k in keys)}]",)
            label = " & ".join(k.column for k in keys)
        pairs = rule_pairs(records, rule, unique_id, link_type)
        return Rule(lines, tuple(k.column for k in keys), label, pairs, rule)

    usable = [c for c in columns if c.comparison and c.expr is not None]
    singles = [counted([c]) for c in usable if c.kind in BLOCKABLE]
    kept = [r for r in singles if 0 < r.pairs <= cap]
    coarse = [c for c in usable if c.kind in COMBINABLE and not c.words
              and c.column not in {r.columns[0] for r in kept}]
    combined = [counted([a, b]) for i, a in enumerate(coarse) for b in coarse[i + 1:]
                if a.kind in BLOCKABLE or b.kind in BLOCKABLE][:30]
    candidates = sorted(kept + [r for r in combined if 0 < r.pairs <= cap],
                        key=lambda r: r.pairs)
    chosen: list[Rule] = []
    total, by_words = 0, False
    for rule in candidates:
        words = isinstance(rule.rule, BlockOnAny)
        if len(chosen) < MAX_RULES and total + rule.pairs <= max_pairs and not (
                words and by_words):  # one text's words: more finds pairs for the wrong reason
            chosen.append(rule)
            total += rule.pairs
            by_words = by_words or words
    training: list[Rule] = []
    if family:
        person = {c.column for c in usable if c.kind in PERSON_KINDS}
        training = [r for r in singles if set(r.columns) <= person and r.pairs > 0
                    ][:MAX_TRAINING_RULES]
    return chosen, training


def _cumulative(frames: Sequence[pd.DataFrame], rules: list[Rule], unique_id: str,
                link: bool) -> list[int]:
    counts = analyse_blocking(list(frames) if link else frames[0], [r.rule for r in rules],
                              unique_id=unique_id, link_type="link" if link else "dedupe")
    return [int(n) for n in counts["cumulative_pairs"]]


# Writing ----------------------------------------------------------------------------------


def _render(names: Sequence[str], unique_id: str, link: bool, columns: list[Column],
            family: list[Column], blocking: list[Rule], cumulative: list[int],
            training: list[Rule], max_pairs: int) -> str:
    command = "link" if link else "dedupe"
    lines = [
        f"# Written by `golden init {' '.join(names)}`: a starting configuration, to run as it",
        "# is and then to improve. Run it with:",
        f"#   golden {command} {' '.join(names)} --config THIS_FILE --out results/",
        "# Each choice below says what it was based on. The format: docs/bench.md#configuration.",
        "",
        "threshold = 0.5",
        f"unique_id = {toml_string(unique_id)}   # a distinct value on every record",
    ]
    if link:
        lines.append('link_type = "link"   # two files: pairs across them only')
    lines += ["random_state = 0", ""]
    in_family = {c.column for c in family}
    for c in columns:
        if not c.comparison or c.column in in_family:
            continue
        lines += [*_comment(f"{c.column!r}: {c.evidence}"), "[[comparisons]]",
                  *c.comparison, ""]
    if family:
        lines += [line for c in family for line in _comment(f"{c.column!r}: {c.evidence}")]
        lines += [
            "# Relatives share a surname, an address, a phone and often an e-mail address:",
            "# compared jointly, so sharing them counts once, as much as it is worth.",
            "[[comparisons]]", 'function = "joint"', 'name = "family"', "columns = [",
            *(f"    {_joint_column(c)}," for c in family), "]", ""]
    left_out = [c for c in columns if not c.comparison]
    if left_out:
        lines.append("# Left out (not compared):")
        lines += [line for c in left_out
                  for line in _comment(f"{c.column!r}: {c.evidence}", "#   ", "#     ")]
        lines.append("")
    lines.append(f"# Blocking: the pairs each rule finds, cheapest first, within {max_pairs:,} "
                 "pairs in all (--max-pairs).")
    for i, rule in enumerate(blocking):
        total = f"; {cumulative[i]:,} with the rules above" if i else ""
        lines += [f"# {rule.label}: {rule.pairs:,} pairs{total}", "[[blocking]]",
                  *rule.lines, ""]
    if training:
        lines.append("# EM learns what a match looks like from pairs that share a person's own "
                     "column,")
        lines.append("# not a household's (surname, address, phone, e-mail).")
        for rule in training:
            lines += ["[[training_blocking]]", *rule.lines, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _comment(text: str, first: str = "# ", rest: str = "#   ") -> list[str]:
    """A comment wrapped at 99 characters."""
    return textwrap.wrap(text, 99, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False)


def _joint_column(c: Column) -> str:
    steps = {"postcode": '["upper", "strip_punctuation", "remove_spaces"]', "phone": '["phone"]',
             "email": '["email"]'}.get(c.kind)
    name = toml_string(c.column)
    return f"{{ column = {name}, steps = {steps} }}" if steps else name


__all__ = ["MAX_PAIRS", "recognise", "starting_config",
           "write_starting_config"]
