"""The estimator contract, shared by every estimator of the public API."""

from __future__ import annotations

import inspect

import pytest

import golden as gd
from golden import comparisons as cmp
from golden import survivorship as sv

ESTIMATORS = [
    gd.Linker([cmp.name("surname")], gd.block_on("dob")),
    gd.GoldenRecordBuilder({"email": sv.all_values()}, timestamp="updated_at"),
    gd.HouseholdGrouper(phone=None, threshold=0.7),
]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_init_stores_parameters_unchanged(estimator) -> None:
    params = estimator.get_params()
    assert list(params) == [p for p in inspect.signature(type(estimator)).parameters]
    again = type(estimator)(**params)
    assert again.get_params() == params
    assert repr(again) == repr(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_set_params_rejects_unknown_names(estimator) -> None:
    with pytest.raises(gd.ConfigError, match="unknown parameter"):
        type(estimator)(**estimator.get_params()).set_params(thresold=0.5)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_no_learned_state_before_fitting(estimator) -> None:
    assert not [name for name in vars(estimator) if name.endswith("_")]
