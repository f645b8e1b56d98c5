"""Configurations of the scale benchmark (``run.py``) on golden's synthetic people.

golden has two variants (the scale child's ``--variant``):

* ``equivalent`` (``golden_people``): six independent comparisons, the closest match to
  what Splink is given, written out here so the two sides can be read next to each other;
* ``demo`` (``golden_demo_people``): golden's current demo configuration, imported from
  ``golden.demo``: surname, postcode, phone and e-mail compared jointly (which Splink's
  comparisons cannot express) and a surname + postcode blocking key without spaces. Not
  like for like with Splink; ``golden_matches_demo`` reports whether the two variants are
  the same.

Splink 5 (DuckDB): the same four blocking rules and the closest Splink comparisons, on
values normalised exactly as golden's expressions normalise them. Splink compares raw
columns, so the normalisation is one DuckDB ``CREATE TABLE ... AS SELECT`` run inside
Splink's timed region (``normalise_sql``); it also adds, per blocking rule, a flag that
is NULL for the records of a block larger than ``MAX_BLOCK_SIZE`` records, and each
Splink rule includes the flag column, so the equi-join drops exactly the blocks golden's
``block_on`` skips (``max_block_size=1000``, ``oversize="skip"``). The training rules are
guarded in the same way.

FEBRL3 / FEBRL4 reuse the accuracy benchmark's configurations (``_configs.py``); golden
runs its "Splink's training mirrored" variant there, the closer workload.
"""

from __future__ import annotations

from typing import Any

import _configs

MAX_BLOCK_SIZE = 1_000  # golden's default block_on(max_block_size=...)
RAW_TABLE = "people_raw"
CLEAN_TABLE = "people_clean"
GOLDEN_FEBRL_VARIANT = "golden_tr"
EQUIVALENT = "equivalent"  # golden's variants on people; the first is the default
DEMO = "demo"
GOLDEN_VARIANTS = (EQUIVALENT, DEMO)

# ---------------------------------------------------------------------------
# golden
# ---------------------------------------------------------------------------


def golden_people() -> _configs.GoldenConfig:
    """The configuration closest to Splink's: six independent comparisons."""
    import golden as gd
    from golden import comparisons as cmp

    comparisons = [
        cmp.name("first_name"),                       # clean(), term_frequency=True
        cmp.name("surname"),
        cmp.date_of_birth("dob"),                     # date_text()
        cmp.email("email"),                           # email(), user, domain
        cmp.exact(gd.col("phone").phone(), term_frequency=True, name="phone"),
        cmp.postcode("postcode"),                     # upper, no punctuation/spaces; TF
    ]
    blocking = [
        gd.block_on(gd.col("first_name").clean(), gd.col("dob").date()),
        gd.block_on(gd.col("surname").clean(), gd.col("postcode").clean()),
        gd.block_on(gd.col("email").email()),
        gd.block_on(gd.col("phone").phone()),
    ]
    training = [
        gd.block_on(gd.col("dob").date()),
        gd.block_on(gd.col("first_name").clean(), gd.col("surname").clean()),
    ]
    linker = gd.Linker(comparisons, blocking, training_blocking=training, random_state=0,
                       progress=False)
    return _configs.GoldenConfig(linker)


def golden_demo_people() -> _configs.GoldenConfig:
    """golden's current demo configuration (``golden.demo``), as the demo builds it."""
    import golden as gd
    from golden import demo

    linker = gd.Linker(list(demo.COMPARISONS), list(demo.BLOCKING),
                       training_blocking=list(demo.TRAINING), random_state=0, progress=False)
    return _configs.GoldenConfig(linker)


def golden_matches_demo() -> bool:
    """Whether :func:`golden_people` is still golden.demo's configuration."""
    from golden import demo

    linker = golden_people().linker
    return (list(linker.comparisons) == list(demo.COMPARISONS)
            and list(linker.blocking) == list(demo.BLOCKING)
            and list(linker.training_blocking) == list(demo.TRAINING))


def golden(dataset: str, variant: str = EQUIVALENT) -> _configs.GoldenConfig:
    """golden's configuration for ``dataset``; FEBRL has the ``equivalent`` variant only."""
    if dataset == "people":
        return {EQUIVALENT: golden_people, DEMO: golden_demo_people}[variant]()
    if variant != EQUIVALENT:
        raise ValueError(f"golden variant {variant!r} exists for people only")
    return _configs.GOLDEN[dataset](GOLDEN_FEBRL_VARIANT)


# ---------------------------------------------------------------------------
# Splink: normalisation in DuckDB SQL, mirroring golden.values (text and dates)
# ---------------------------------------------------------------------------

_WS = "[:space:]"  # the synthetic data holds ASCII spaces only; checked by --check-normalisation
_APOSTROPHES = "'`´‘’‛ʼ′"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _clean(column: str) -> str:
    """golden ``clean()``: strip accents, lower-case, delete apostrophes, other
    punctuation and whitespace runs to one space, trim; empty -> NULL."""
    return (
        "nullif(trim(regexp_replace(regexp_replace(lower(strip_accents("
        f"{column})), {_sql_text('[' + _APOSTROPHES + ']')}, '', 'g'), "
        f"'[[:punct:]{_WS}]+', ' ', 'g')), '')"
    )


def _postcode(column: str) -> str:
    """golden ``cmp.postcode``: upper-case, punctuation and spaces removed."""
    return (f"nullif(regexp_replace(regexp_replace(upper({column}), "
            f"{_sql_text('[' + _APOSTROPHES + ']')}, '', 'g'), '[[:punct:]{_WS}]+', '', 'g'), '')")


def _dob(column: str) -> str:
    """golden ``date_text()`` for ISO input: a valid date in 1850-2100 as YYYY-MM-DD."""
    parsed = f"try_strptime(trim({column}), '%Y-%m-%d')"
    return (f"CASE WHEN year({parsed}) BETWEEN 1850 AND 2100 "
            f"THEN strftime({parsed}, '%Y-%m-%d') END")


def normalise_sql(source: str = RAW_TABLE, target: str = CLEAN_TABLE,
                  max_block_size: int = MAX_BLOCK_SIZE) -> str:
    """One statement: ``target`` with golden-normalised columns and block-size flags.

    Columns: unique_id; first_name, surname (clean); dob (ISO text); email (canonical);
    phone (national digits); postcode (upper, no spaces); postcode_key (clean, for
    blocking); ok_* flags (1, or NULL in a block of more than ``max_block_size``).
    """
    limit = int(max_block_size)

    def ok(*keys: str) -> str:
        return (f"CASE WHEN count(*) OVER (PARTITION BY {', '.join(keys)}) <= {limit} "
                "THEN 1 END")

    return f"""
CREATE OR REPLACE TABLE {target} AS
WITH step1 AS (
    SELECT
        unique_id,
        {_clean('first_name')} AS first_name,
        {_clean('surname')} AS surname,
        {_dob('dob')} AS dob,
        {_postcode('postcode')} AS postcode,
        {_clean('postcode')} AS postcode_key,
        -- e-mail: trim, lower-case, must look like local@domain.tld
        lower(regexp_replace(email, '^[{_WS}]+|[{_WS}]+$', '', 'g')) AS e_text,
        -- phone: drop an extension and a "(0)", remember a leading "+", keep digits
        regexp_replace(regexp_replace(phone,
            '(?i)[{_WS}]*(?:ext(?:ension)?\\.?|x)[{_WS}]*[0-9]+[{_WS}]*$', ''),
            '\\([{_WS}]*0[{_WS}]*\\)', '', 'g') AS p_raw
    FROM {source}
), step2 AS (
    SELECT *,
        regexp_full_match(e_text, '[^@{_WS}]+@[^@{_WS}]+\\.[^@{_WS}]+') AS e_valid,
        regexp_replace(split_part(e_text, '@', 1), '\\+.*', '') AS e_local0,
        split_part(e_text, '@', 2) AS e_domain0,
        regexp_matches(p_raw, '^[{_WS}(]*\\+') AS p_plus,
        regexp_replace(p_raw, '[^0-9]', '', 'g') AS p_digits
    FROM step1
), step3 AS (
    SELECT *,
        e_domain0 IN ('gmail.com', 'googlemail.com') AS e_gmail,
        NOT p_plus AND starts_with(p_digits, '00') AS p_has00,
        NOT p_plus AND NOT starts_with(p_digits, '0') AND starts_with(p_digits, '44')
            AND length(p_digits) >= 11 AS p_bare_intl
    FROM step2
), step4 AS (
    SELECT *,
        p_plus OR p_has00 OR p_bare_intl AS p_intl,
        CASE WHEN p_has00 THEN substr(p_digits, 3) ELSE p_digits END AS p_body,
        CASE WHEN e_gmail THEN replace(e_local0, '.', '') ELSE e_local0 END AS e_local,
        CASE WHEN e_gmail THEN 'gmail.com' ELSE e_domain0 END AS e_domain
    FROM step3
), step5 AS (
    SELECT *,
        CASE
            WHEN p_intl AND starts_with(p_body, '44') THEN '0' || ltrim(substr(p_body, 3), '0')
            WHEN p_intl THEN '00' || p_body
            WHEN NOT starts_with(p_digits, '0') THEN '0' || p_digits
            ELSE p_digits
        END AS p_out
    FROM step4
), clean AS (
    SELECT
        unique_id, first_name, surname, dob, postcode, postcode_key,
        CASE WHEN e_valid AND e_local <> '' THEN e_local || '@' || e_domain END AS email,
        CASE WHEN length(p_out) < 7
                  OR length(p_out) - CASE WHEN starts_with(p_out, '00') THEN 2 ELSE 1 END > 15
             THEN NULL ELSE p_out END AS phone
    FROM step5
)
SELECT *,
    {ok('first_name', 'dob')} AS ok_first_name_dob,
    {ok('surname', 'postcode_key')} AS ok_surname_postcode,
    {ok('email')} AS ok_email,
    {ok('phone')} AS ok_phone,
    {ok('dob')} AS ok_dob,
    {ok('first_name', 'surname')} AS ok_first_name_surname
FROM clean
"""


NORMALISED_COLUMNS = ("first_name", "surname", "dob", "email", "phone", "postcode",
                      "postcode_key")


def golden_normalised(frame: Any) -> dict[str, Any]:
    """golden's own normalisation of the same columns (for ``--check-normalisation``)."""
    import golden as gd
    from golden.records import Records

    records = Records(frame, "unique_id", None)
    exprs = {
        "first_name": gd.col("first_name").clean(),
        "surname": gd.col("surname").clean(),
        "dob": gd.col("dob").date_text(),
        "email": gd.col("email").email(),
        "phone": gd.col("phone").phone(),
        "postcode": gd.col("postcode").upper().strip_punctuation().remove_spaces(),
        "postcode_key": gd.col("postcode").clean(),
    }
    return {name: records.values(expr) for name, expr in exprs.items()}


# ---------------------------------------------------------------------------
# Splink settings
# ---------------------------------------------------------------------------


def splink_people() -> _configs.SplinkConfig:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression, SettingsCreator, block_on

    def prefix(n: int) -> Any:
        return cll.ExactMatchLevel(ColumnExpression("postcode").substr(1, n)).configure(
            label_for_charts=f"first {n} equal")

    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
            prefix(4), prefix(3), prefix(2),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "dob", "ok_first_name_dob"),
            block_on("surname", "postcode_key", "ok_surname_postcode"),
            block_on("email", "ok_email"),
            block_on("phone", "ok_phone"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            postcode,
        ],
    )
    training = _configs.SplinkTraining(
        deterministic_rules=[block_on("first_name", "surname", "dob")],
        recall=0.7,
        u_max_pairs=1e6,
        u_seed=0,
        # Splink leaves out of a session the comparisons whose columns the rule reads
        em_rules=[block_on("dob", "ok_dob"),
                  block_on("first_name", "surname", "ok_first_name_surname")],
    )
    return _configs.SplinkConfig(settings, training)


def splink(dataset: str) -> _configs.SplinkConfig:
    if dataset == "people":
        return splink_people()
    return _configs.SPLINK[dataset]()
