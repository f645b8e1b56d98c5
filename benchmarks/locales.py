"""Spanish customers against British ones: golden's demo configuration on
``make_people(locale="en")`` and ``make_people(locale="es")``, and what each name and phone
level adds on the Spanish records.

    python benchmarks/locales.py --size 100k

The demo's comparisons and blocking (``golden.demo``; ``linker(None)`` is exactly them),
with phones read for the data's country (``phone(region="GB")`` /
``phone(region="ES")``: Spanish numbers come with and without +34). Ablations take one thing
away at a time on the Spanish records: a level of ``cmp.name`` (familiar form, compound name
shortened, same in Latin letters), the first surname as the family's surname key (the whole
surname instead), and the phone region (the national rule instead). Pairwise precision,
recall and F1 at p >= 0.5 and B-cubed F1 of the clusters at 0.5, against ``person_id``; one
run each (accuracy does not vary between runs). No reference library reads Spanish familiar
forms or two surnames, so there is no ratio. Markdown to stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import warnings

import golden as gd
from golden import comparisons as cmp
from golden import demo
from golden.comparisons import Alias, CompoundShortened, Transliterated
from golden.evaluate import cluster_metrics, pairwise_metrics

SIZES = {"20k": 20_000, "100k": 100_000, "1m": 1_000_000}
REGION = {"en": "GB", "es": "ES"}
LEVELS = {"familiar form": Alias, "compound name shortened": CompoundShortened,
          "same in Latin letters": Transliterated}


def linker(region: str | None, *, without_level: type | None = None,
           first_surname: bool = True) -> gd.Linker:
    """The demo's configuration, its phones read for ``region`` (None: the national
    rule), optionally without one ``name`` level or with the whole surname as the family's."""
    phone = gd.col("phone").phone(region=region) if region else gd.col("phone").phone()
    surname = gd.col("surname").first_surname() if first_surname else gd.col("surname").clean()
    first = cmp.name("first_name")
    if without_level is not None:
        first = dataclasses.replace(first, levels=tuple(
            level for level in first.levels if not isinstance(level, without_level)))
    comparisons = [first, cmp.date_of_birth("dob"), cmp.joint("family", [
        surname, gd.col("postcode").upper().strip_punctuation().remove_spaces(), phone,
        gd.col("email").email()])]
    blocking = [gd.block_on(gd.col("first_name").clean(), gd.col("dob").date()),
                gd.block_on(surname, gd.col("postcode").clean().remove_spaces()),
                gd.block_on(surname, gd.col("dob").date()),
                gd.block_on(gd.col("email").email()), gd.block_on(phone)]
    return gd.Linker(comparisons, blocking, training_blocking=list(demo.TRAINING),
                     random_state=0)


def run(size: int, locale: str, model: gd.Linker) -> dict[str, float]:
    people = gd.datasets.make_people(size, random_state=0, locale=locale)
    truth = people.set_index("unique_id")["person_id"]
    records = people.drop(columns=["person_id", "household_id"])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = model.fit_predict(records)
        clusters = model.cluster(pairs, records, threshold=0.5)
    seconds = time.perf_counter() - start
    scores = pairwise_metrics(pairs, truth, threshold=0.5)
    return {**{k: scores[k] for k in ("precision", "recall", "f1")},
            "bcubed_f1": cluster_metrics(clusters, truth)["bcubed_f1"], "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    size = SIZES[parser.parse_args().size]
    national = linker(None)  # the demo's configuration itself: kept in step with it
    assert list(national.comparisons) == demo.COMPARISONS
    assert list(national.blocking) == demo.BLOCKING
    rows = [("en", "demo configuration", run(size, "en", linker(REGION["en"]))),
            ("es", "demo configuration", run(size, "es", linker(REGION["es"])))]
    for label, level in LEVELS.items():
        rows.append(("es", f"without '{label}'",
                     run(size, "es", linker(REGION["es"], without_level=level))))
    rows.append(("es", "whole surname as the family's", run(
        size, "es", linker(REGION["es"], first_surname=False))))
    rows.append(("es", "phones by the national rule", run(size, "es", linker(None))))
    print(f"make_people({size:,}, random_state=0, locale=...): golden "
          f"{gd.__version__}\n")
    print("| locale | configuration | P | R | F1 | B³ F1 | ΔF1 vs es demo | time s |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    spanish = rows[1][2]["f1"]
    for locale, label, r in rows:
        delta = "" if locale == "en" else f"{r['f1'] - spanish:+.3f}"
        print(f"| {locale} | {label} | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['f1']:.3f} | {r['bcubed_f1']:.3f} | {delta} | {r['seconds']:.1f} |")
    gap = rows[0][2]["f1"] - spanish
    cluster_gap = rows[0][2]["bcubed_f1"] - rows[1][2]["bcubed_f1"]
    print(f"\nEnglish − Spanish: pairwise F1 {gap:+.3f}, B³ F1 {cluster_gap:+.3f} "
          "(bar: within 0.01)")


if __name__ == "__main__":
    main()
