"""Pseudonymised matching: link records between parties that may not share raw data.

* ``hmac_encode`` / ``pseudonymise``: a keyed hash (HMAC-SHA256) of each normalised
  value. Equal values give equal codes, so ``block_on`` and ``comparisons.exact`` work on
  them unchanged; without the key the codes can neither be reversed nor recomputed from
  guessed values.
* ``bloom_encode``: a cryptographic long-term key (CLK) per record: the character
  q-grams of one or several fields hashed, with the key, into one Bloom filter.
  Similar values share most q-grams, so the Dice coefficient of two filters
  (``comparisons.bloom_dice``) approximates their similarity.

Bloom-filter encodings leak the frequency of q-grams and can be attacked; the settings
that harden them (more hash functions per rare field, record-level salting, BLIP noise,
XOR folding) and the attacks are described in ``docs/how-to/pseudonymised-matching.md``.
Every party must use the same key and settings.

Examples
--------
>>> import pandas as pd
>>> key = b"a secret shared by both parties, 32+ bytes long"
>>> names = pd.Series(["Anne Smith", "anne  smith", "Ann Smyth", None])
>>> codes = hmac_encode(names, key)
>>> codes[0] == codes[1], codes[0] == codes[2], codes.isna().tolist()[-1]
(True, False, True)
>>> clks = bloom_encode(pd.DataFrame({"name": names}), ["name"], key)
>>> dice(clks[:1].tolist() * 2, clks[1:3].tolist()).round(2).tolist()
[1.0, 0.7]
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from golden.comparisons.bloom import dice
from golden.errors import ConfigError, SchemaError
from golden.values import clean_text

__all__ = ["bloom_encode", "dice", "hmac_encode", "pseudonymise"]

MIN_KEY_BYTES = 16


def hmac_encode(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 (hex) of each value after ``clean_text`` (case, accents, punctuation and
    spacing ignored); nulls stay null. Computed once per distinct value.

    Parameters
    ----------
    values : Series
        Identifiers or other values to code.
    key : bytes
        The secret key, at least 16 bytes, shared by every party that must match.
    """
    _check_key(key)
    text = clean_text(pd.Series(values).reset_index(drop=True))
    codes, uniques = pd.factorize(text)
    coded = np.array([hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()
                      for v in uniques], dtype=object)
    out = pd.Series(np.where(codes >= 0, coded[np.maximum(codes, 0)] if len(coded) else None,
                             None), dtype=object, name=getattr(values, "name", None))
    return out.set_axis(pd.Series(values).index)


def pseudonymise(records: pd.DataFrame, columns: Sequence[str], key: bytes) -> pd.DataFrame:
    """A copy of ``records`` with ``columns`` replaced by their ``hmac_encode`` codes.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": [1], "email": ["Ann@X.org"]})
    >>> pseudonymise(frame, ["email"], b"k" * 32)["email"].str.len().tolist()
    [64]
    """
    _check_columns(records, columns)
    out = records.copy()
    for column in columns:
        out[column] = hmac_encode(records[column], key)
    return out


def bloom_encode(
    records: pd.DataFrame,
    fields: Sequence[str] | Mapping[str, int],
    key: bytes,
    *,
    bits: int = 1024,
    q: int = 2,
    salt: str | None = None,
    blip: float = 0.0,
    fold: bool = False,
    random_state: int | None = None,
) -> pd.Series:
    """One Bloom-filter encoding (CLK) per record, as base64 text.

    Parameters
    ----------
    records : DataFrame
        The records to encode.
    fields : list of str, or dict of column to hash count
        The columns whose q-grams go into the filter, and how many bit positions each
        q-gram sets (default 10 per field). Give rare, identifying fields fewer
        positions than common ones to even out the bit frequencies.
    key : bytes
        Secret key, at least 16 bytes. Each q-gram's positions are drawn from
        HMAC-SHA256(key, field, salt, q-gram) ("random hashing"), not double hashing,
        whose structure known attacks exploit.
    bits : int
        Filter length, a multiple of 8.
    q : int
        q-gram length; values are padded with ``_`` so first and last letters count.
    salt : str, optional
        A column whose value is mixed into every hash of the record (e.g. year of birth):
        the same name encodes differently for different salts, which defeats
        frequency-alignment attacks, but records whose salt values differ never match.
    blip : float
        Probability of flipping each bit (randomised response, "BLIP"); adds noise that
        lowers both accuracy and attack success. Needs ``random_state`` to be repeatable.
    fold : bool
        XOR the filter's two halves together (halves the length, hides bit patterns).
    random_state : int, optional
        Seed for ``blip``.

    Returns
    -------
    Series
        Base64 text per record (null when every field is null); compare with
        ``comparisons.bloom_dice``.
    """
    _check_key(key)
    counts = dict.fromkeys(fields, 10) if not isinstance(fields, Mapping) else dict(fields)
    problems = []
    if not counts:
        problems.append("fields: give at least one column")
    problems += [f"fields: {c!r} hash count {k!r} must be a whole number from 1 to 32"
                 for c, k in counts.items() if not isinstance(k, int) or not 1 <= k <= 32]
    if not isinstance(bits, int) or bits < 64 or bits % 16:
        problems.append(f"bits: got {bits!r}, expected a multiple of 16, at least 64")
    if not isinstance(q, int) or q < 1:
        problems.append(f"q: got {q!r}, expected a whole number >= 1")
    if not isinstance(blip, int | float) or not 0 <= blip < 0.5:
        problems.append(f"blip: got {blip!r}, expected a probability in [0, 0.5)")
    if problems:
        raise ConfigError(problems)
    _check_columns(records, [*counts, *([salt] if salt else [])])
    n = len(records)
    salts = (clean_text(records[salt].reset_index(drop=True)).fillna("")
             if salt else pd.Series([""] * n))
    filled = np.zeros((n, bits), dtype=bool)
    any_value = np.zeros(n, dtype=bool)
    for column, k in counts.items():
        text = clean_text(records[column].reset_index(drop=True))
        any_value |= text.notna().to_numpy()
        pairs = pd.DataFrame({"text": text, "salt": salts}).dropna()
        codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
        positions = [_positions(key, column, s, t, q, k, bits) for t, s in distinct]
        for row, code in zip(pairs.index.to_numpy(), codes, strict=True):
            filled[row, positions[code]] = True
    if blip:
        rng = np.random.default_rng(random_state)
        filled ^= rng.random(filled.shape) < blip
    if fold:
        filled = filled[:, : bits // 2] ^ filled[:, bits // 2:]
    packed = np.packbits(filled, axis=1)
    encoded = [base64.b64encode(row.tobytes()).decode() if has else None
               for row, has in zip(packed, any_value, strict=True)]
    return pd.Series(encoded, index=records.index, dtype=object, name="clk")


def _positions(key: bytes, field: str, salt: str, text: str, q: int, k: int, bits: int
               ) -> np.ndarray:
    """Bit positions of every q-gram of ``text``: k per q-gram, from a keyed hash."""
    padded = "_" * (q - 1) + text + "_" * (q - 1)
    grams = {padded[i:i + q] for i in range(max(len(padded) - q + 1, 1))}
    out = []
    for gram in grams:
        digest = b""
        counter = 0
        while len(digest) < 4 * k:
            message = f"{field}\x1f{salt}\x1f{gram}\x1f{counter}".encode()
            digest += hmac.new(key, message, hashlib.sha256).digest()
            counter += 1
        out.append(np.frombuffer(digest[: 4 * k], dtype=">u4") % bits)
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def _check_key(key: object) -> None:
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"key: expected at least {MIN_KEY_BYTES} bytes of secret (e.g. "
                          "os.urandom(32), shared with the other party out of band)")


def _check_columns(records: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in records.columns]
    if missing:
        raise SchemaError(f"columns {missing} are missing; columns present: "
                          f"{list(records.columns)}")
