"""Public datasets with known truth, loaded the same way for every benchmark.

The data live outside the repository, in ``<repo root>/../shared/data`` (see its
README.md); set the environment variable ``GOLDEN_SHARED_DATA`` to read them from
somewhere else.

Every loader returns a :class:`Dataset`: the record frames to match (with no truth
column in them), the name of the unique-id column, and the truth as a pandas Series
indexed by unique id (equal labels = same real entity). Ids are strings everywhere, so
predictions from any tool can be compared with the truth after ``astype(str)``.

>>> ds = load("fake_1000")                                  # doctest: +SKIP
>>> ds.link_type, len(ds.frames[0]), ds.truth.index.name    # doctest: +SKIP
('dedupe', 1000, 'unique_id')
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "DATASETS",
    "Dataset",
    "data_dir",
    "fake_1000",
    "fake_1000_labels",
    "febrl",
    "febrl4",
    "load",
    "read_febrl",
]

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The shared data folder: ``$GOLDEN_SHARED_DATA`` or ``<repo root>/../shared/data``."""
    override = os.environ.get("GOLDEN_SHARED_DATA")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        raise FileNotFoundError(
            f"shared data folder not found at {path}; set GOLDEN_SHARED_DATA to the folder "
            "holding febrl/ and splink/"
        )
    return path


@dataclass(frozen=True)
class Dataset:
    """Records to match and their truth.

    Attributes
    ----------
    name : str
        Short name (``febrl3``, ``febrl4``, ``fake_1000``...).
    link_type : {"dedupe", "link"}
        Find duplicates within one frame, or links across the frames.
    frames : list of DataFrame
        One frame (dedupe) or one per source (link), without any truth column.
    unique_id : str
        Id column, unique across all frames (so truth needs no source).
    truth : Series
        Entity label per record, indexed by unique id (str).
    source : Series or None
        For link: source name per record (``a``, ``b``...), indexed by unique id.
    """

    name: str
    link_type: str
    frames: list[pd.DataFrame]
    unique_id: str
    truth: pd.Series
    source: pd.Series | None = None

    @property
    def n_records(self) -> int:
        return sum(len(frame) for frame in self.frames)

    @property
    def source_names(self) -> list[str]:
        """Names of the sources, in the order of ``frames``."""
        return [chr(ord("a") + i) for i in range(len(self.frames))]


# ---------------------------------------------------------------------------
# FEBRL
# ---------------------------------------------------------------------------


def read_febrl(file: str) -> pd.DataFrame:
    """One FEBRL csv (e.g. ``"dataset3.csv"``), all columns as text, values stripped."""
    frame = pd.read_csv(data_dir() / "febrl" / file, skipinitialspace=True, dtype=str)
    frame.columns = [column.strip() for column in frame.columns]
    return frame


def _febrl_truth(rec_id: pd.Series) -> pd.Series:
    """``rec-<N>-org`` / ``rec-<N>-dup-<k>`` -> ``N``, indexed by rec_id."""
    label = rec_id.str.extract(r"^rec-(\d+)-", expand=False)
    if label.isna().any():
        raise ValueError(f"unexpected FEBRL rec_id values: {rec_id[label.isna()].head(3).tolist()}")
    return pd.Series(label.to_numpy(), index=pd.Index(rec_id.to_numpy(), name="rec_id"),
                     name="entity")


def febrl(number: int) -> Dataset:
    """FEBRL dataset 1, 2 or 3 (dedupe); ``rec_id`` is the id, truth comes from it."""
    if number not in (1, 2, 3):
        raise ValueError(f"febrl: dataset {number} is not a dedupe set (use 1, 2 or 3)")
    frame = read_febrl(f"dataset{number}.csv")
    return Dataset(f"febrl{number}", "dedupe", [frame], "rec_id", _febrl_truth(frame["rec_id"]))


def febrl4() -> Dataset:
    """FEBRL 4a x 4b (link, 5,000 true links); rec_ids are distinct across the files."""
    frames = [read_febrl("dataset4a.csv"), read_febrl("dataset4b.csv")]
    ids = pd.concat([frame["rec_id"] for frame in frames], ignore_index=True)
    if ids.duplicated().any():
        raise ValueError("febrl4: rec_id values repeat across dataset4a and dataset4b")
    source = pd.Series(
        [name for name, frame in zip("ab", frames, strict=True) for _ in range(len(frame))],
        index=pd.Index(ids.to_numpy(), name="rec_id"), name="source")
    return Dataset("febrl4", "link", frames, "rec_id", _febrl_truth(ids), source)


# ---------------------------------------------------------------------------
# Splink's fake_1000
# ---------------------------------------------------------------------------


def fake_1000() -> Dataset:
    """Splink's fake_1000 (dedupe, 1,000 records); truth is its ``cluster`` column."""
    frame = pd.read_csv(data_dir() / "splink" / "fake_1000.csv", dtype=str)
    truth = pd.Series(frame["cluster"].to_numpy(),
                      index=pd.Index(frame["unique_id"].to_numpy(), name="unique_id"),
                      name="entity")
    return Dataset("fake_1000", "dedupe", [frame.drop(columns="cluster")], "unique_id", truth)


def fake_1000_labels() -> pd.DataFrame:
    """The 3,176 clerically labelled pairs of fake_1000: ``unique_id_l``, ``unique_id_r``
    (str) and ``clerical_match_score`` (1.0 / 0.0)."""
    labels = pd.read_csv(data_dir() / "splink" / "fake_1000_labels.csv",
                         dtype={"unique_id_l": str, "unique_id_r": str})
    return labels[["unique_id_l", "unique_id_r", "clerical_match_score"]]


DATASETS: dict[str, Callable[[], Dataset]] = {
    "febrl1": lambda: febrl(1),
    "febrl2": lambda: febrl(2),
    "febrl3": lambda: febrl(3),
    "febrl4": febrl4,
    "fake_1000": fake_1000,
}


def load(name: str) -> Dataset:
    """Load a dataset by name (a key of :data:`DATASETS`)."""
    try:
        return DATASETS[name]()
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}") from None
