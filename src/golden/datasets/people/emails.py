"""E-mail addresses: a pool of personal and family mailboxes, each held by one person or
family, and the ``email`` column of records, with placeholders shared by unrelated records."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import fill, padded, rank_within, render, replace_rows, text
from golden.datasets.people.dates import year_start
from golden.datasets.people.population import CHILD, Households, Population
from golden.datasets.people.vocabulary import SpanishVocabulary, Vocabulary

_FAMILY_EMAIL_SHARE = 0.2
_EMAIL_TEMPLATES = (
    "{f}.{s}",
    "{f}{s}",
    "{fi}{s}",
    "{f}.{s}{yy}",
    "{f}_{s}",
    "{s}{fi}",
    "{f}{yy}",
    "{f}{si}{nn}",
)
_EMAIL_TEMPLATE_P = np.array([0.33, 0.15, 0.12, 0.12, 0.06, 0.05, 0.09, 0.08])
_FAMILY_EMAIL_TEMPLATES = ("the{s}s", "{s}family", "{s}home")
_GENERIC_EMAILS = ("noemail@example.com", "none@example.com", "no.email@example.com")
_GMAIL_DOMAINS = ("gmail.com", "googlemail.com")  # one mailbox; dots in the user are ignored
# Spanish addresses use the given name in full or its short form, and often both surnames.
_SPANISH_EMAIL_TEMPLATES = (
    "{f}.{s}",
    "{f}{s}",
    "{fi}{s}",
    "{f}.{s}{yy}",
    "{f}_{s}",
    "{f}{s}{s2}",
    "{f}.{s}.{s2}",
    "{fi}{s}{s2i}",
    "{f}{yy}",
    "{f}{si}{nn}",
)
_SPANISH_EMAIL_TEMPLATE_P = np.array([0.22, 0.1, 0.1, 0.1, 0.05, 0.1, 0.08, 0.1, 0.07, 0.08])
_SPANISH_SHORT_GIVEN = 0.4  # addresses of people with a compound name using its short form
_SPANISH_FAMILY_EMAIL_TEMPLATES = ("familia{s}", "{s}{s2}", "familia{s}{s2}")
_SPANISH_GENERIC_EMAILS = ("sincorreo@example.com", "noemail@example.com",
                           "no.tiene@example.com")


def draw_emails(
    rng: np.random.Generator,
    vocab: Vocabulary,
    households: Households,
    first: np.ndarray,
    surname: np.ndarray,
    dob: np.ndarray,
    surname2: np.ndarray | None = None,
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Pool of email local parts with domains, and each person's position in the pool.

    The pool holds one address per person followed by one family address per
    household, then the same addresses at another domain (an old or second
    account). No two entries share a mailbox: a number is appended where one
    is taken. Children often have no address of their own and use the
    family's or the head's. Spanish people (`surname2` given, with a
    ``SpanishVocabulary``) write their two surnames in some addresses.

    Examples
    --------
    >>> from golden.datasets.people.population import draw_households
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> households = draw_households(rng, 100)
    >>> zeros = np.zeros(100, dtype=np.int64)
    >>> local, domain, email = draw_emails(rng, vocab, households, zeros, zeros, zeros)
    >>> len(local) == domain.size == 2 * (100 + households.size.size), email.size
    (True, 100)
    """
    n_people, n_households = first.size, households.size.size
    if isinstance(vocab, SpanishVocabulary) and surname2 is not None:
        own = _spanish_email_locals(rng, vocab, first, surname, surname2, dob)
        family = render(
            _SPANISH_FAMILY_EMAIL_TEMPLATES,
            rng.integers(len(_SPANISH_FAMILY_EMAIL_TEMPLATES), size=n_households),
            s=vocab.surnames.key.take(surname[households.head]),
            s2=vocab.surnames.key.take(surname2[households.head]),
        )
    else:
        own = _own_email_locals(rng, vocab, first, surname, dob)
        family = render(
            _FAMILY_EMAIL_TEMPLATES,
            rng.integers(len(_FAMILY_EMAIL_TEMPLATES), size=n_households),
            s=vocab.surnames.key.take(surname[households.head]),
        )
    local = pa.concat_arrays([own, family])
    primary = vocab.domains.draw(rng, len(local))
    domain = np.concatenate([primary, _other_domains(rng, vocab, primary)])
    local = _unique_mailboxes(pa.concat_arrays([local, local]), vocab.domains.text.take(domain))

    household = households.of_person
    young = dob >= year_start(np.array(2006))
    has_own = rng.random(n_people) < np.where(young, 0.1, 0.9)
    has_family = (households.size > 1) & ~households.sharing
    has_family &= rng.random(n_households) < _FAMILY_EMAIL_SHARE
    uses_family = has_family[household] & (~has_own | (rng.random(n_people) < 0.5))
    email = np.where(has_own, np.arange(n_people), -1)
    email = np.where(uses_family, n_people + household, email)
    borrows_head = (email < 0) & (households.role == CHILD) & (rng.random(n_people) < 0.5)
    email = np.where(borrows_head, email[households.head][household], email)
    return local, domain, email


def _own_email_locals(
    rng: np.random.Generator,
    vocab: Vocabulary,
    first: np.ndarray,
    surname: np.ndarray,
    dob: np.ndarray,
) -> pa.Array:
    """Personal email local parts such as ``john.smith`` or ``jsmith84``."""
    f = vocab.first_names.key.take(first)
    s = vocab.surnames.key.take(surname)
    year = dob.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    template = rng.choice(len(_EMAIL_TEMPLATES), size=first.size, p=_EMAIL_TEMPLATE_P)
    return render(
        _EMAIL_TEMPLATES,
        template,
        f=f,
        s=s,
        fi=pc.utf8_slice_codeunits(f, 0, 1),
        si=pc.utf8_slice_codeunits(s, 0, 1),
        yy=padded(year % 100, 2),
        nn=text(rng.integers(1, 1000, size=first.size)),
    )


def _spanish_email_locals(
    rng: np.random.Generator,
    vocab: SpanishVocabulary,
    first: np.ndarray,
    surname: np.ndarray,
    surname2: np.ndarray,
    dob: np.ndarray,
) -> pa.Array:
    """Spanish personal email local parts: ``mariajose.garcia``, ``maria.garcia.lopez``,
    ``jlgarcial``, without accents."""
    short = (rng.random(first.size) < _SPANISH_SHORT_GIVEN) * len(vocab.first_names)
    f = vocab.given_forms.key.take(first + short)
    s = vocab.surnames.key.take(surname)
    s2 = vocab.surnames.key.take(surname2)
    year = dob.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    template = rng.choice(
        len(_SPANISH_EMAIL_TEMPLATES), size=first.size, p=_SPANISH_EMAIL_TEMPLATE_P
    )
    return render(
        _SPANISH_EMAIL_TEMPLATES,
        template,
        f=f,
        s=s,
        s2=s2,
        fi=vocab.given_initials.take(first),
        si=pc.utf8_slice_codeunits(s, 0, 1),
        s2i=pc.utf8_slice_codeunits(s2, 0, 1),
        yy=padded(year % 100, 2),
        nn=text(rng.integers(1, 1000, size=first.size)),
    )


def _other_domains(rng: np.random.Generator, vocab: Vocabulary, domain: np.ndarray) -> np.ndarray:
    """A domain drawn for each entry, never the entry's own `domain`."""
    other = vocab.domains.draw(rng, domain.size)
    same = other == domain
    while same.any():
        other[same] = vocab.domains.draw(rng, int(same.sum()))
        same = other == domain
    return other


def _unique_mailboxes(local: pa.Array, domain: pa.Array) -> pa.Array:
    """Append 1, 2, ... to local parts whose mailbox an earlier entry already holds.

    A mailbox is an address as its provider sees it: Gmail ignores dots in the local
    part, and googlemail.com is gmail.com, so ``john.smith@gmail.com`` and
    ``johnsmith@googlemail.com`` are one mailbox and one person's.
    """
    while True:
        repeat = rank_within(pc.dictionary_encode(_mailbox(local, domain)).indices.to_numpy())
        again = repeat > 0
        if not again.any():
            return local
        local = replace_rows(
            local, again, fill("{v}{n}", v=local.filter(again), n=text(repeat[again]))
        )


def _mailbox(local: pa.Array, domain: pa.Array) -> pa.Array:
    """``user@domain`` in lower case, with Gmail's dots dropped and its two domains one."""
    gmail = pc.is_in(domain, value_set=pa.array(_GMAIL_DOMAINS))
    user = pc.if_else(gmail, pc.replace_substring(local, ".", ""), local)
    domain = pc.if_else(gmail, pa.scalar(_GMAIL_DOMAINS[0]), domain)
    return pc.utf8_lower(fill("{user}@{domain}", user=user, domain=domain))


def email_column(
    rng: np.random.Generator,
    vocab: Vocabulary,
    population: Population,
    person: np.ndarray,
    generic: np.ndarray,
) -> pa.Array:
    """Each record's email: the person's, sometimes their address at another domain, or a
    placeholder.

    Examples
    --------
    >>> from golden.datasets.people.generator import draw_population
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> population = draw_population(rng, vocab, 10)
    >>> placeholder = email_column(rng, vocab, population, np.array([0]), np.array([1.0]))
    >>> placeholder[0].as_py().endswith("@example.com")
    True
    """
    pool = population.email[person]
    missing = pool < 0
    other = rng.random(person.size) < 0.06
    pool = np.where(other & ~missing, pool + len(population.email_local) // 2, pool)
    email = fill(
        "{local}@{domain}",
        local=population.email_local.take(pa.array(pool, mask=missing)),
        domain=vocab.domains.text.take(population.email_domain[np.maximum(pool, 0)]),
    )
    placeholder = rng.random(person.size) < generic
    generic_emails = _SPANISH_GENERIC_EMAILS if vocab.locale == "es" else _GENERIC_EMAILS
    choice = rng.integers(len(generic_emails), size=int(placeholder.sum()))
    return replace_rows(email, placeholder, pa.array(generic_emails).take(choice))
