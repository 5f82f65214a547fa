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
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
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


@dataclasses.dataclass(frozen=True)
class Facts:
    """What is known of one unit (or the country) in one year."""

    year: int
    # (title, variant) -> (registered: every assessment of the year, recognised).
    titles: Mapping[tuple[str, str], tuple[int, int]]
    # kind -> (value, source) declared by the unit for the year.
    declared: Mapping[str, tuple[int, str]]
    # kind -> count; None when the registry holds nothing for the unit.
    registry: Mapping[str, int] | None
    # The registry counts are of today and the year is an earlier one.
    registry_as_of_now: bool = False

    @functools.cached_property
    def by_title(self) -> dict[str, tuple[int, dict[str, int]]]:
        """title -> (registered, recognised by target group), summed once for every indicator."""
        summed: dict[str, tuple[int, dict[str, int]]] = {}
        for (title, variant), (registered, recognised) in self.titles.items():
            before, groups = summed.get(title, (0, {}))
            groups[variant] = groups.get(variant, 0) + recognised
            summed[title] = (before + registered, groups)
        return summed

    def title_pairs(self) -> list[TitlePair]:
        """Registered vs recognised for each title, in the order of `Title`."""
        by_title = self.by_title
        pairs = []
        for title in TITLES:
            registered, groups = by_title.get(title, (0, {}))
            pairs.append(
                TitlePair(title=title, registered=registered, recognised=sum(groups.values()))
            )
        return pairs


class OriginKind:
    ASSESSMENTS = "assessments"
    DECLARED = "declared"
    REGISTRY = "registry"
    NONE = "none"


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class Origin:
    """Where a numerator or denominator came from."""

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

WARNINGS: Mapping[str, str | Promise] = {
    "denominator_below_numerator": _(
        "The denominator is smaller than the numerator: check the declared statistic."
    ),
}


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class Figure:
    """An indicator's numerator, denominator and percentage in one unit and year."""

    indicator: Indicator
    numerator: int | None
    numerator_origin: Origin
    denominator: int | None
    denominator_origin: Origin
    # None when there is no data (never 0 % for "unknown").
    percentage: Decimal | None
    # Codes of `WARNINGS`.
    warnings: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return self.percentage is not None

    @property
    def warning_messages(self) -> list[str]:
        return [str(WARNINGS[code]) for code in self.warnings]


_NOTHING: tuple[int, dict[str, int]] = (0, {})


def _measure(
    measure: Measure, facts: Facts, *, numerator: bool = False
) -> tuple[int | None, Origin]:
    if type(measure) is Recognised:
        registered, groups = facts.by_title.get(measure.title, _NOTHING)
        if not registered:
            return None, NO_DATA
        if measure.variants is None:
            return sum(groups.values()), COUNTED
        recognised = 0
        for variant in measure.variants:
            recognised += groups.get(variant, 0)
        return recognised, COUNTED
    assert isinstance(measure, Statistic)
    declared = facts.declared.get(measure.kind)
    if declared is not None:
        return declared[0], Origin(OriginKind.DECLARED, source=declared[1])
    # A registry count is of today: a fair stand-in for last year's population (said so), not
    # for last year's results, so a past year's numerator comes from a declaration only.
    if numerator and facts.registry_as_of_now:
        return None, NO_DATA
    if facts.registry is not None and measure.counted_by_registry:
        return facts.registry.get(measure.kind, 0), Origin(
            OriginKind.REGISTRY, as_of_now=facts.registry_as_of_now
        )
    return None, NO_DATA


def percentage_of(numerator: int | None, denominator: int | None) -> Decimal | None:
    """100 × numerator / denominator to one decimal (half up); None without both or over 0."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    if numerator < 0:
        return (Decimal(100 * numerator) / Decimal(denominator)).quantize(
            _TENTH, rounding=ROUND_HALF_UP
        )
    # In tenths, rounded half up, in integers: the same Decimal ("72.5", "95.0") without a
    # Decimal division (a dashboard works out thousands of these).
    return Decimal((2000 * numerator + denominator) // (2 * denominator)).scaleb(-1)


_TENTH = Decimal("0.1")


def percentage(indicator: Indicator, facts: Facts) -> Decimal | None:
    """The indicator's percentage alone (what `evaluate(...).percentage` gives)."""
    return percentage_of(
        _measure(indicator.numerator, facts, numerator=True)[0],
        _measure(indicator.denominator, facts)[0],
    )


def evaluate(indicator: Indicator, facts: Facts) -> Figure:
    """The indicator's figure from the facts of one unit and year."""
    numerator, numerator_origin = _measure(indicator.numerator, facts, numerator=True)
    denominator, denominator_origin = _measure(indicator.denominator, facts)
    warnings: list[str] = []
    if numerator is not None and denominator is not None and denominator < numerator:
        warnings.append("denominator_below_numerator")
    return Figure(
        indicator=indicator,
        numerator=numerator,
        numerator_origin=numerator_origin,
        denominator=denominator,
        denominator_origin=denominator_origin,
        percentage=percentage_of(numerator, denominator),
        warnings=tuple(warnings),
    )


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
