"""The indicators the dashboards measure, each defined once: what is counted over what, and the
document that sets its target (DOMAIN §6).

A numerator or denominator is either
- `Recognised`: assessments of a title recognised in the year (a certificate in force,
  `State.RECOGNISED`), read from the roll-ups (`TitleCount`), optionally of some learning-citizen
  target groups (`Assessment.variant`); or
- `Statistic`: a count the unit declared for that year (`DeclaredStatistic`, with its source),
  else what the registry counts in the unit's area (`RegistryCount`, as of now) when the registry
  can count it, else nothing.

`evaluate(indicator, facts)` turns the facts of one unit and year into a `Figure`; the
arithmetic lives here and nowhere else:
- percentage = 100 × numerator / denominator, to one decimal (half up);
- no percentage (None, never 0 %) when the numerator or the denominator is unknown or the
  denominator is 0. A counted numerator is unknown when the unit has no assessment at all of
  the title in that year: the title was not run there (or the year has no data), which is
  not the same as nobody passing;
- a denominator smaller than the numerator keeps both figures and the percentage, with the
  warning `denominator_below_numerator` (a declared statistic out of date, usually);
- a registry count used for a year before this one says so (`Origin.as_of_now`): the
  registry has no history. It stands in for a past year's denominator (a population changes
  slowly), never for a past year's numerator (the learning centres using IT today say nothing
  of 2021): a past year's numerator not counted from the recognitions must be declared.

Approximations, stated where the figures are shown: "workers" and "officials" are the people
whose learning-citizen target group (QĐ 324/QĐ-KHVN) is worker or official, in the registry
and in the assessments alike; "adults who are learning citizens" counts the learning citizens
of every target group but pupils and students, most of whom are under 18; the documents'
"in learning families, clans and communities" is not narrowed further.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoctap.assessments.models import Title
from hoctap.registry.models import StatisticKind, TargetGroup
from hoctap.targets.registry_counts import COUNTED_KINDS

# The first year of the programmes (QĐ 1373/QĐ-TTg, 2021–2030): trends start here and the
# trajectory to a target starts from the value of this year.
BASELINE_YEAR = 2021

QD_387 = "QĐ 387/QĐ-TTg ngày 25/3/2022"
QD_677 = "QĐ 677/QĐ-TTg ngày 3/6/2022"
QD_1373 = "QĐ 1373/QĐ-TTg ngày 30/7/2021"


@dataclasses.dataclass(frozen=True)
class Recognised:
    """Assessments of the title recognised in the year (of these target groups when given)."""

    title: str
    variants: tuple[str, ...] | None = None


@dataclasses.dataclass(frozen=True)
class Statistic:
    """A count declared by the unit for the year, else the registry's count when it has one."""

    kind: str

    @functools.cached_property
    def counted_by_registry(self) -> bool:
        return self.kind in COUNTED_KINDS


Measure = Recognised | Statistic


@dataclasses.dataclass(frozen=True)
class Indicator:
    """One indicator: its name, what is counted over what, and where its target comes from."""

    code: str
    name: str | Promise
    numerator: Measure
    denominator: Measure
    # The document that sets the national target (QĐ 387/QĐ-TTg, …).
    source: str
    # How the figure is approximated or where it comes from, for the page.
    note: str | Promise = ""

    @property
    def numerator_is_declared(self) -> bool:
        """True when only a declared statistic can give the numerator (nothing counts it)."""
        return isinstance(self.numerator, Statistic) and not self.numerator.counted_by_registry


# The titles in their order (read once: an enum's class attributes are slow to look up).
TITLES: tuple[str, ...] = tuple(Title.values)
ADULT_GROUPS = (TargetGroup.RESIDENT, TargetGroup.WORKER, TargetGroup.OFFICIAL)
LEARNING_CITIZENS = Recognised(Title.LEARNING_CITIZEN)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="households_learning_family",
        name=_("Households recognised as learning families"),
        numerator=Recognised(Title.LEARNING_FAMILY),
        denominator=Statistic(StatisticKind.HOUSEHOLDS),
        source=QD_387,
    ),
    Indicator(
        code="clans_learning_clan",
        name=_("Clans recognised as learning clans"),
        numerator=Recognised(Title.LEARNING_CLAN),
        denominator=Statistic(StatisticKind.CLANS),
        source=QD_387,
    ),
    Indicator(
        code="hamlets_learning_community",
        name=_("Hamlets recognised as learning communities"),
        numerator=Recognised(Title.LEARNING_COMMUNITY_HAMLET),
        denominator=Statistic(StatisticKind.HAMLETS),
        source=QD_387,
    ),
    Indicator(
        code="organisations_learning_unit",
        name=_("Organisations under the commune recognised as learning units"),
        numerator=Recognised(Title.LEARNING_UNIT_COMMUNE),
        denominator=Statistic(StatisticKind.ORGANISATIONS),
        source=QD_387,
    ),
    Indicator(
        code="workers_learning_citizen",
        name=_("Workers who are learning citizens"),
        numerator=Recognised(Title.LEARNING_CITIZEN, (TargetGroup.WORKER,)),
        denominator=Statistic(StatisticKind.WORKERS),
        source=QD_387,
        note=_("Workers are the people of the “worker” target group of the criteria."),
    ),
    Indicator(
        code="officials_learning_citizen",
        name=_("Officials and staff of learning units who are learning citizens"),
        numerator=Recognised(Title.LEARNING_CITIZEN, (TargetGroup.OFFICIAL,)),
        denominator=Statistic(StatisticKind.OFFICIALS),
        source=f"{QD_387}; {QD_677}",
        note=_("Officials are the people of the “official” target group of the criteria."),
    ),
    Indicator(
        code="adults_learning_citizen",
        name=_("Adults who are learning citizens"),
        numerator=Recognised(Title.LEARNING_CITIZEN, ADULT_GROUPS),
        denominator=Statistic(StatisticKind.ADULTS),
        source=QD_677,
        note=_("Learning citizens of every target group but pupils and students."),
    ),
    Indicator(
        code="learning_citizens_digital",
        name=_("Learning citizens with digital skills"),
        numerator=Statistic(StatisticKind.DIGITAL_CITIZENS),
        denominator=LEARNING_CITIZENS,
        source=QD_677,
        note=_("The number with digital skills is declared by the unit."),
    ),
    Indicator(
        code="learning_citizens_digital_proficient",
        name=_("Learning citizens proficient in digital skills"),
        numerator=Statistic(StatisticKind.DIGITAL_PROFICIENT_CITIZENS),
        denominator=LEARNING_CITIZENS,
        source=QD_677,
        note=_("The number proficient in digital skills is declared by the unit."),
    ),
    Indicator(
        code="chairs_managing_centre",
        name=_("Commune association chairs taking part in managing the learning centre"),
        numerator=Statistic(StatisticKind.CENTRES_ASSOCIATION_MANAGED),
        denominator=Statistic(StatisticKind.CENTRES),
        source=QD_387,
        note=_("Counted from the learning centres' records unless the unit declared it."),
    ),
    Indicator(
        code="association_staff_trained_it",
        name=_("Commune association staff active in the learning centre and trained in IT"),
        numerator=Statistic(StatisticKind.ASSOCIATION_STAFF_TRAINED_IT),
        denominator=Statistic(StatisticKind.ASSOCIATION_STAFF),
        source=QD_387,
        note=_("Both figures are declared by the unit."),
    ),
    Indicator(
        code="centres_using_it",
        name=_("Community learning centres using IT"),
        numerator=Statistic(StatisticKind.CENTRES_USING_IT),
        denominator=Statistic(StatisticKind.CENTRES),
        source=QD_1373,
        note=_("Counted from the learning centres' records unless the unit declared it."),
    ),
)
INDICATOR_BY_CODE: Mapping[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


def indicator_get(code: str) -> Indicator | None:
    """The indicator with this code, or None."""
    return INDICATOR_BY_CODE.get(code)


# -- the facts of one unit and year, and the figure they give --------------------------------


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class TitlePair:
    """Registered vs recognised assessments of a title: the pair every report quotes."""

    title: str
    registered: int
    recognised: int

    @property
    def label(self) -> str:
        return str(Title(self.title).label)


_NOTHING: tuple[int, int, dict[str, int]] = (0, 0, {})
# title -> (registered: every assessment of the year, recognised, recognised by target group).
TitleSums = dict[str, tuple[int, int, dict[str, int]]]


def add_title(sums: TitleSums, title: str, variant: str, registered: int, recognised: int) -> None:
    """Add the assessments of a title and target group (`variant`) to the sums."""
    entry = sums.get(title)
    if entry is None:
        sums[title] = (registered, recognised, {variant: recognised})
        return
    groups = entry[2]
    groups[variant] = groups.get(variant, 0) + recognised
    sums[title] = (entry[0] + registered, entry[1] + recognised, groups)


def title_sums(titles: Mapping[tuple[str, str], tuple[int, int]]) -> TitleSums:
    """The sums of (title, variant) -> (registered, recognised)."""
    sums: TitleSums = {}
    for (title, variant), (registered, recognised) in titles.items():
        add_title(sums, title, variant, registered, recognised)
    return sums


@dataclasses.dataclass(frozen=True, slots=True)
class Facts:
    """What is known of one unit (or the country) in one year."""

    year: int
    # The assessments of the year per title (`title_sums`).
    by_title: Mapping[str, tuple[int, int, Mapping[str, int]]]
    # kind -> (value, source) declared by the unit for the year.
    declared: Mapping[str, tuple[int, str]]
    # kind -> count; None when the registry holds nothing for the unit.
    registry: Mapping[str, int] | None
    # The registry counts are of today and the year is an earlier one.
    registry_as_of_now: bool = False

    @classmethod
    def of(
        cls,
        *,
        year: int,
        titles: Mapping[tuple[str, str], tuple[int, int]],
        declared: Mapping[str, tuple[int, str]],
        registry: Mapping[str, int] | None,
        registry_as_of_now: bool = False,
    ) -> Facts:
        """The facts from the (title, variant) -> (registered, recognised) counts."""
        return cls(year, title_sums(titles), declared, registry, registry_as_of_now)

    @property
    def is_empty(self) -> bool:
        """Nothing assessed and nothing declared (the registry aside)."""
        return not self.by_title and not self.declared

    def title_pairs(self) -> list[TitlePair]:
        """Registered vs recognised for each title, in the order of `Title`."""
        by_title = self.by_title
        pairs = []
        for title in TITLES:
            registered, recognised, _groups = by_title.get(title, _NOTHING)
            pairs.append(TitlePair(title, registered, recognised))
        return pairs


class OriginKind:
    ASSESSMENTS = "assessments"
    DECLARED = "declared"
    REGISTRY = "registry"
    NONE = "none"


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class Origin:
    """Where a numerator or denominator came from (shared between figures: never changed)."""

    kind: str
    # The declared statistic's source.
    source: str = ""
    # A registry count (of today) used for an earlier year.
    as_of_now: bool = False

    def __str__(self) -> str:
        if self.kind == OriginKind.DECLARED:
            return gettext("declared: %(source)s") % {"source": self.source}
        if self.kind == OriginKind.REGISTRY:
            if self.as_of_now:
                return gettext("registry count (as of now)")
            return gettext("registry count")
        if self.kind == OriginKind.ASSESSMENTS:
            return gettext("counted from the recognitions")
        return gettext("no data")


NO_DATA = Origin(OriginKind.NONE)
COUNTED = Origin(OriginKind.ASSESSMENTS)
_REGISTRY = Origin(OriginKind.REGISTRY)
_REGISTRY_AS_OF_NOW = Origin(OriginKind.REGISTRY, as_of_now=True)
_DECLARED: dict[str, Origin] = {}


def _declared(source: str) -> Origin:
    """The origin of a statistic declared with this source (one per source)."""
    origin = _DECLARED.get(source)
    if origin is None:
        if len(_DECLARED) > 10_000:  # sources are few; never let them grow without bound
            _DECLARED.clear()
        origin = _DECLARED[source] = Origin(OriginKind.DECLARED, source=source)
    return origin


WARNINGS: Mapping[str, str | Promise] = {
    "denominator_below_numerator": _(
        "The denominator is smaller than the numerator: check the declared statistic."
    ),
}
_BELOW: tuple[str, ...] = ("denominator_below_numerator",)


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class Figure:
    """An indicator's numerator, denominator and percentage in one unit and year."""

    indicator: Indicator
    numerator: int | None
    numerator_origin: Origin
    denominator: int | None
    denominator_origin: Origin
    # The percentage in tenths (725: 72,5 %); None when there is no data (never 0 for
    # "unknown").
    tenths: int | None
    # Codes of `WARNINGS`.
    warnings: tuple[str, ...] = ()

    @property
    def percentage(self) -> Decimal | None:
        """The percentage to one decimal (Decimal("72.5")), None without data."""
        return from_tenths(self.tenths)

    @property
    def has_data(self) -> bool:
        return self.tenths is not None

    @property
    def warning_messages(self) -> list[str]:
        return [str(WARNINGS[code]) for code in self.warnings]


# -- the arithmetic -----------------------------------------------------------------------------

_NO_READING: tuple[None, Origin] = (None, NO_DATA)
# A numerator or denominator read from the facts, and where it came from.
Reading = tuple[int | None, Origin]
Reader = Callable[[Facts], Reading]


def _reader(measure: Measure, *, numerator: bool) -> Reader:
    """How the measure is read from a unit's facts (see the module's docstring)."""
    if isinstance(measure, Recognised):
        title, variants = measure.title, measure.variants

        def recognised(facts: Facts) -> Reading:
            registered, total, groups = facts.by_title.get(title, _NOTHING)
            if not registered:  # the title was not run there that year
                return _NO_READING
            if variants is None:
                return total, COUNTED
            count = 0
            for variant in variants:
                count += groups.get(variant, 0)
            return count, COUNTED

        return recognised

    kind, counted = measure.kind, measure.counted_by_registry

    def statistic(facts: Facts) -> Reading:
        declared = facts.declared.get(kind)
        if declared is not None:
            return declared[0], _declared(declared[1])
        if facts.registry_as_of_now:
            # A registry count is of today: a fair stand-in for last year's population (said
            # so), not for last year's results: a past year's numerator is declared only.
            if numerator or not counted or facts.registry is None:
                return _NO_READING
            return facts.registry.get(kind, 0), _REGISTRY_AS_OF_NOW
        if counted and facts.registry is not None:
            return facts.registry.get(kind, 0), _REGISTRY
        return _NO_READING

    return statistic


def to_tenths(numerator: int | None, denominator: int | None) -> int | None:
    """100 × numerator / denominator in tenths of a percent, rounded half up (away from zero);
    None without both or over 0. Integers only: a dashboard works out thousands of these."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    if numerator < 0:
        return -((-2000 * numerator + denominator) // (2 * denominator))
    return (2000 * numerator + denominator) // (2 * denominator)


def from_tenths(tenths: int | None) -> Decimal | None:
    """Tenths of a percent as the percentage: 725 -> Decimal("72.5"), 950 -> Decimal("95.0")."""
    return Decimal(tenths).scaleb(-1) if tenths is not None else None


def percentage_of(numerator: int | None, denominator: int | None) -> Decimal | None:
    """100 × numerator / denominator to one decimal (half up); None without both or over 0."""
    return from_tenths(to_tenths(numerator, denominator))


# Each indicator with its numerator's and its denominator's reader, made once.
_COMPILED: tuple[tuple[Indicator, Reader, Reader], ...] = tuple(
    (
        indicator,
        _reader(indicator.numerator, numerator=True),
        _reader(indicator.denominator, numerator=False),
    )
    for indicator in INDICATORS
)
_BY_CODE: Mapping[str, tuple[Indicator, Reader, Reader]] = {
    entry[0].code: entry for entry in _COMPILED
}


def _readers(indicator: Indicator) -> tuple[Reader, Reader]:
    entry = _BY_CODE.get(indicator.code)
    if entry is not None and entry[0] is indicator:
        return entry[1], entry[2]
    return _reader(indicator.numerator, numerator=True), _reader(
        indicator.denominator, numerator=False
    )


def _figure(indicator: Indicator, numerator: Reader, denominator: Reader, facts: Facts) -> Figure:
    count, count_origin = numerator(facts)
    over, over_origin = denominator(facts)
    if count is None or over is None:
        return Figure(indicator, count, count_origin, over, over_origin, None)
    return Figure(
        indicator,
        count,
        count_origin,
        over,
        over_origin,
        to_tenths(count, over),
        _BELOW if over < count else (),
    )


def evaluate(indicator: Indicator, facts: Facts) -> Figure:
    """The indicator's figure from the facts of one unit and year."""
    return _figure(indicator, *_readers(indicator), facts)


def evaluate_all(facts: Facts) -> list[Figure]:
    """The figures of every indicator (`INDICATORS`, in order) from the same facts."""
    return [
        _figure(indicator, numerator, denominator, facts)
        for indicator, numerator, denominator in _COMPILED
    ]


def evaluate_from(facts: Facts, start: Facts | None) -> list[tuple[Figure, int | None]]:
    """The figure of every indicator (`INDICATORS`, in order) from the facts, each with the
    percentage in tenths the facts `start` give (those of 2021: where a trajectory starts;
    None: none). One pass: a province's dashboard works out thousands."""
    found: list[tuple[Figure, int | None]] = []
    for indicator, numerator, denominator in _COMPILED:
        figure = _figure(indicator, numerator, denominator, facts)
        tenths = None
        if start is not None:
            tenths = to_tenths(numerator(start)[0], denominator(start)[0])
        found.append((figure, tenths))
    return found


def indicator_list() -> list[dict[str, Any]]:
    """The indicators as plain data (code, name, numerator, denominator, source, note)."""

    def describe(measure: Measure) -> dict[str, Any]:
        if isinstance(measure, Recognised):
            return {
                "kind": "recognised",
                "title": measure.title,
                "variants": list(measure.variants) if measure.variants is not None else None,
            }
        return {
            "kind": "statistic",
            "statistic": measure.kind,
            "counted_by_registry": measure.counted_by_registry,
        }

    return [
        {
            "code": indicator.code,
            "name": str(indicator.name),
            "numerator": describe(indicator.numerator),
            "denominator": describe(indicator.denominator),
            "numerator_is_declared": indicator.numerator_is_declared,
            "source": indicator.source,
            "note": str(indicator.note),
        }
        for indicator in INDICATORS
    ]
