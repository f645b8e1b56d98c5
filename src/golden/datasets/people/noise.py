"""Record corruption: keyboard typos, case noise, stray spaces and the values a source did
not capture."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import apply_to_rows, fill
from golden.datasets.people.sources import Profile

_QWERTY = (
    "q:wa w:qeas e:wrsd r:etdf t:ryfg y:tugh u:yihj i:uojk o:ipkl p:ol "
    "a:qwsz s:awedxz d:serfcx f:drtgvc g:ftyhbv h:gyujnb j:huikmn k:jiolm l:kop "
    "z:asx x:zsdc c:xdfv v:cfgb b:vghn n:bhjm m:njk "
    "0:9 1:2 2:13 3:24 4:35 5:46 6:57 7:68 8:79 9:80"
)
# Probabilities of leaving a value as is, or writing it in upper, lower or title case.
_CASE_NOISE_P = {
    "first_name": np.array([0.93, 0.02, 0.03, 0.02]),
    "surname": np.array([0.93, 0.02, 0.03, 0.02]),
    "street": np.array([0.93, 0.02, 0.03, 0.02]),
    "city": np.array([0.93, 0.02, 0.03, 0.02]),
    "postcode": np.array([0.97, 0.0, 0.03, 0.0]),
}


def with_typos(rng: np.random.Generator, column: pa.Array, p: np.ndarray) -> pa.Array:
    """One keyboard typo in each value with probability `p` (values of 3+ characters).

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> typed = with_typos(np.random.default_rng(0), pa.array(["Smith", "Li"]), np.ones(2))
    >>> typed[0].as_py() != "Smith", typed[1].as_py()
    (True, 'Li')
    """
    length = pc.utf8_length(column).fill_null(0).to_numpy()
    hit = (rng.random(len(column)) < p) & (length >= 3)
    return apply_to_rows(lambda v: _typo(rng, v), column, hit)


def _typo(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """Insert, delete, substitute or transpose one character (never the first) of each value.

    Works on the UTF-32 code points of the values as a 2-D array, moving
    characters with one gather per row.
    """
    text = np.asarray(values.to_numpy(zero_copy_only=False), dtype=str)
    n, width = text.size, text.dtype.itemsize // 4 + 1
    chars = np.zeros((n, width), dtype=np.uint32)
    chars[:, :-1] = text.view(np.uint32).reshape(n, width - 1)
    length = (chars != 0).sum(axis=1)
    insert, delete, substitute, transpose = rng.integers(4, size=n) == np.arange(4)[:, None]
    at = 1 + (rng.random(n) * (length - 1 - transpose)).astype(np.int64)
    col, pos = np.arange(width), at[:, None]
    source = (
        col + np.where(delete[:, None], col >= pos, 0) - np.where(insert[:, None], col > pos, 0)
    )
    source = np.where(transpose[:, None] & (col == pos), pos + 1, source)
    source = np.where(transpose[:, None] & (col == pos + 1), pos, source)
    typed = np.take_along_axis(chars, np.minimum(source, width - 1), axis=1)
    rows = np.flatnonzero(insert | substitute)
    near = chars[rows, at[rows] - insert[rows]]
    doubled = insert[rows] & (rng.random(rows.size) < 0.5)
    typed[rows, at[rows]] = np.where(doubled, near, _mistype(rng, near))
    return pa.array(typed.view(f"<U{width}").ravel())


def _mistype(rng: np.random.Generator, chars: np.ndarray) -> np.ndarray:
    """A neighbouring key on a QWERTY keyboard (a random letter for other characters)."""
    table, count = _keyboard()
    known = chars < table.shape[0]
    code = np.where(known, chars, 0)
    pick = (rng.random(chars.size) * np.maximum(count[code], 1)).astype(np.int64)
    random_letter = rng.integers(ord("a"), ord("z") + 1, size=chars.size).astype(np.uint32)
    return np.where(known & (count[code] > 0), table[code, pick], random_letter)


@cache
def _keyboard() -> tuple[np.ndarray, np.ndarray]:
    """Neighbouring keys of each ASCII character, padded, and how many there are."""
    table = np.zeros((128, 6), dtype=np.uint32)
    count = np.zeros(128, dtype=np.int64)
    for entry in _QWERTY.split():
        key, near = entry.split(":")
        for case in (str.lower, str.upper):
            table[ord(case(key)), : len(near)] = [ord(case(c)) for c in near]
            count[ord(case(key))] = len(near)
    return table, count


def with_case_noise(
    rng: np.random.Generator, columns: dict[str, pa.Array], all_caps: np.ndarray
) -> dict[str, pa.Array]:
    """Upper-case whole records of shouting systems; upper, lower or title-case a few values.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> columns = {name: pa.array(["Ann"]) for name in
    ...            ("first_name", "surname", "street", "city", "postcode", "email")}
    >>> with_case_noise(np.random.default_rng(0), columns, np.ones(1))["surname"].to_pylist()
    ['ANN']
    """
    caps = rng.random(all_caps.size) < all_caps
    noisy = dict(columns)
    noisy["email"] = apply_to_rows(pc.utf8_upper, noisy["email"], caps)
    for name, p in _CASE_NOISE_P.items():
        case = np.where(caps, 1, rng.choice(p.size, size=caps.size, p=p))
        column = apply_to_rows(pc.utf8_upper, noisy[name], case == 1)
        column = apply_to_rows(pc.utf8_lower, column, case == 2)
        noisy[name] = apply_to_rows(pc.utf8_title, column, case == 3)
    return noisy


def with_stray_spaces(
    rng: np.random.Generator, columns: dict[str, pa.Array]
) -> dict[str, pa.Array]:
    """Add a leading, trailing or doubled inner space to a few values.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> columns = {name: pa.array(["Mill Road"] * 1_000) for name in
    ...            ("first_name", "surname", "street", "city", "postcode")}
    >>> street = with_stray_spaces(np.random.default_rng(0), columns)["street"].to_pylist()
    >>> sorted({value for value in street if value != "Mill Road"})
    [' Mill Road', 'Mill  Road', 'Mill Road ']
    """
    noisy = dict(columns)
    for name in _CASE_NOISE_P:
        n = len(noisy[name])
        kind = np.where(rng.random(n) < 0.02, rng.integers(3, size=n), -1)
        column = apply_to_rows(lambda v: fill(" {v}", v=v), noisy[name], kind == 0)
        column = apply_to_rows(lambda v: fill("{v} ", v=v), column, kind == 1)
        noisy[name] = apply_to_rows(
            lambda v: pc.replace_substring(v, " ", "  ", max_replacements=1), column, kind == 2
        )
    return noisy


def with_missing(
    rng: np.random.Generator,
    columns: dict[str, pa.Array],
    profiles: list[Profile],
    source: np.ndarray,
) -> dict[str, pa.Array]:
    """Blank values each source did not capture; address fields tend to go missing together.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from golden.datasets.people.sources import PROFILES
    >>> columns = {"phone": pa.array(["01632 960000"]), "email": pa.array(["a@b.com"])}
    >>> rng, web = np.random.default_rng(0), [PROFILES["web"]]
    >>> blanked = with_missing(rng, columns, web, np.zeros(1, dtype=np.int64))
    >>> blanked["phone"].to_pylist(), blanked["email"].to_pylist()
    ([None], ['a@b.com'])
    """
    address = rng.random(source.size)
    blanked = {}
    for name, column in columns.items():
        p = np.array([profile.missing.get(name, 0.0) for profile in profiles])[source]
        u = address if name in ("street", "city", "postcode") else rng.random(source.size)
        blanked[name] = pc.if_else(pa.array(u < p), pa.scalar(None, pa.string()), column)
    return blanked
