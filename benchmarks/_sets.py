"""Every dataset and configuration the accuracy benchmarks run: FEBRL, fake_1000 and the
dev sets (``_datasets``, ``_configs``), and golden's ``make_people(100_000,
random_state=0)`` from the scale benchmark's Parquet cache with the scale benchmark's
like-for-like configuration (``_scale_data``, ``_scale_configs``).
"""

from __future__ import annotations

from collections.abc import Callable

import _configs
import _datasets
import _scale_configs
import _scale_data
from _configs import GoldenConfig, SplinkConfig

PEOPLE = "people_100k"
PEOPLE_SIZE = 100_000
PEOPLE_SEED = 0


def load(name: str) -> _datasets.Dataset:
    """A dataset by name: one of ``_datasets.DATASETS``, or ``people_100k`` (its cache
    must exist: ``_scale_data.ensure_people`` writes it; truth is ``person_id``)."""
    if name == PEOPLE:
        return _scale_data.load(_scale_data.PEOPLE, PEOPLE_SIZE, PEOPLE_SEED)
    return _datasets.load(name)


def people_splink() -> SplinkConfig:
    """Splink's people configuration, on the normalised table the scale benchmark builds
    (``_scale_configs.normalise_sql``, with its block-size flags)."""
    import _scale_splink  # Splink's side only: the golden side never imports it

    config = _scale_configs.splink_people()
    config.register = lambda db_api, frames, names: [
        _scale_splink.register_normalised(db_api, frames[0], name=names[0])]
    return config


def people_golden(variant: str) -> GoldenConfig:
    """``_scale_configs.golden_people``'s comparisons and blocking: at golden's defaults
    (``golden``: its training passes dropped), or with Splink's recipe (``golden_tr``: its
    training passes, which mirror Splink's EM sessions, and Splink's deterministic rule
    and recall)."""
    import golden as gd

    params = _scale_configs.golden_people().linker.get_params()
    if variant == "golden_tr":
        params.update(deterministic_rules=[gd.block_on(gd.col("first_name").clean(),
                                                       gd.col("surname").clean(),
                                                       gd.col("dob").date())],
                      recall=0.7)
    else:
        params.update(training_blocking=None)
    return GoldenConfig(gd.Linker(**params))


DATASETS = (*_datasets.DATASETS, PEOPLE)
SPLINK: dict[str, Callable[[], SplinkConfig]] = {**_configs.SPLINK, PEOPLE: people_splink}
GOLDEN: dict[str, Callable[[str], GoldenConfig]] = {**_configs.GOLDEN, PEOPLE: people_golden}
