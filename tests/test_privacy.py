"""Pseudonymised matching: keyed hashes, Bloom-filter encodings, and linking FEBRL4 on them."""

from __future__ import annotations

import base64
import warnings

import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.privacy import bloom_encode, dice, hmac_encode, pseudonymise

KEY = b"0123456789abcdef0123456789abcdef"


def test_keyed_hashes_match_equal_values_only_and_depend_on_the_key() -> None:
    values = pd.Series(["Ann.Lee@X.org", "ann.lee@x.org ", "ann@x.org", None], index=[5, 6, 7, 8])
    codes = hmac_encode(values, KEY)
    assert codes.index.tolist() == [5, 6, 7, 8]
    assert codes[5] == codes[6] != codes[7]
    assert codes[8] is None
    assert hmac_encode(values, b"another key of sixteen+ bytes")[5] != codes[5]
    assert "ann" not in "".join(codes.dropna())
    with pytest.raises(gd.ConfigError, match="key"):
        hmac_encode(values, b"short")
    with pytest.raises(gd.SchemaError, match="phone"):
        pseudonymise(pd.DataFrame({"email": values}), ["phone"], KEY)


def test_dice_of_bloom_filters_follows_name_similarity() -> None:
    frame = pd.DataFrame({"name": ["Katherine", "Katharine", "Catherine", "Mohammed", None]})
    clks = bloom_encode(frame, ["name"], KEY)
    same = dice(clks[[0]], clks[[0]])
    close = dice(clks[[0, 0]], clks[[1, 2]])
    far = dice(clks[[0]], clks[[3]])
    assert same.tolist() == [1.0]
    assert (close > 0.6).all() and (far < 0.4).all()
    assert clks[4] is None


def test_hardening_settings_change_the_encoding_as_documented() -> None:
    frame = pd.DataFrame({"name": ["Katherine"] * 2, "born": ["1970", "1981"]})
    salted = bloom_encode(frame, ["name"], KEY, salt="born")
    assert dice(salted[[0]], salted[[1]])[0] < 0.5  # same name, different salt
    plain = bloom_encode(frame.iloc[:1], ["name"], KEY)
    noisy = bloom_encode(frame.iloc[:1], ["name"], KEY, blip=0.05, random_state=1)
    assert 0.6 < dice(plain, noisy)[0] < 1.0
    folded = bloom_encode(frame.iloc[:1], ["name"], KEY, fold=True)
    assert len(base64.b64decode(folded[0])) == len(base64.b64decode(plain[0])) // 2
    assert dice(folded, folded)[0] == 1.0
    with pytest.raises(gd.ConfigError, match="the same settings"):
        dice(plain, folded)
    with pytest.raises(gd.ConfigError, match=r"(?s)bits.*blip"):
        bloom_encode(frame, ["name"], KEY, bits=100, blip=0.7)


def encoded(frame: pd.DataFrame) -> pd.DataFrame:
    """What a party would send: codes and CLKs, no plaintext."""
    return pd.DataFrame({
        "rec_id": frame["rec_id"],
        "name_clk": bloom_encode(frame, ["given_name", "surname"], KEY),
        "dob_clk": bloom_encode(frame, ["date_of_birth"], KEY),
        "address_clk": bloom_encode(frame, ["street_number", "address_1", "suburb"], KEY),
        "postcode": hmac_encode(frame["postcode"], KEY),
        "surname": hmac_encode(frame["surname"], KEY),
        "dob": hmac_encode(frame["date_of_birth"], KEY),
    })


def test_linking_febrl4_on_encodings_alone() -> None:
    a, b = gd.datasets.load_febrl4()
    linker = gd.Linker(
        [cmp.bloom_dice("name_clk"), cmp.bloom_dice("dob_clk"),
         cmp.bloom_dice("address_clk"), cmp.exact("postcode")],
        [gd.block_on("postcode"), gd.block_on("surname"), gd.block_on("dob")],
        link_type="link", unique_id="rec_id", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = linker.fit_predict({"a": encoded(a), "b": encoded(b)}, threshold=0.5)
    person = [pairs[f"unique_id_{side}"].str.extract(r"rec-(\d+)-")[0] for side in "lr"]
    correct = (person[0] == person[1]).to_numpy()
    precision, recall = correct.mean(), correct.sum() / len(a)
    assert precision > 0.95 and recall > 0.9, (precision, recall)
    assert gd.Linker.from_dict(linker.to_dict()).comparisons_[0].levels[1].label == "dice >= 0.9"
