"""Indicator arithmetic on small hand-built facts: which numerator and denominator, where they
come from, the percentage, the warning and the "no data" cases; and the status rule."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hoctap.assessments.models import Title
from hoctap.registry.models import StatisticKind, TargetGroup
from hoctap.targets import indicators, selectors
from hoctap.targets.indicators import (
    INDICATOR_BY_CODE,
    INDICATORS,
    Facts,
    OriginKind,
    evaluate,
    percentage_of,
)
from hoctap.targets.selectors import Status, TargetInfo, judge

FAMILY = Title.LEARNING_FAMILY
CITIZEN = Title.LEARNING_CITIZEN
SOURCE = "Báo cáo thống kê năm 2025"


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Origins and warnings read in English, whatever the catalogue holds.
    with translation.override("en"):
        yield


def facts(
    # Any keys: the choices' members are str, but dict keys are invariant for mypy.
    titles: Mapping[Any, tuple[int, int]] | None = None,
    declared: Mapping[Any, tuple[int, str]] | None = None,
    registry: Mapping[Any, int] | None = None,
    *,
    as_of_now: bool = False,
) -> Facts:
    return Facts.of(
        year=2025,
        titles=titles or {},
        declared=declared or {},
        registry=registry,
        registry_as_of_now=as_of_now,
    )


def figure(code: str, given: Facts) -> indicators.Figure:
    return evaluate(INDICATOR_BY_CODE[code], given)


# -- numerators and denominators ------------------------------------------------------------


def test_recognised_families_over_the_registry_households() -> None:
    # 8 families registered, 3 recognised; the registry holds 10 households
    result = figure(
        "households_learning_family",
        facts({(FAMILY, ""): (8, 3)}, registry={StatisticKind.HOUSEHOLDS: 10}),
    )
    assert (result.numerator, result.denominator) == (3, 10)
    assert result.percentage == Decimal("30.0")
    assert result.numerator_origin.kind == OriginKind.ASSESSMENTS
    assert result.denominator_origin.kind == OriginKind.REGISTRY
    assert str(result.denominator_origin) == "registry count"
    assert result.warnings == ()


def test_a_declared_denominator_wins_over_the_registry_and_names_its_source() -> None:
    result = figure(
        "households_learning_family",
        facts(
            {(FAMILY, ""): (8, 3)},
            declared={StatisticKind.HOUSEHOLDS: (12, SOURCE)},
            registry={StatisticKind.HOUSEHOLDS: 10},
        ),
    )
    assert (result.numerator, result.denominator, result.percentage) == (3, 12, Decimal("25.0"))
    assert result.denominator_origin.kind == OriginKind.DECLARED
    assert str(result.denominator_origin) == f"declared: {SOURCE}"


def test_a_declared_denominator_below_the_numerator_keeps_both_and_warns() -> None:
    result = figure(
        "households_learning_family",
        facts({(FAMILY, ""): (5, 3)}, declared={StatisticKind.HOUSEHOLDS: (2, SOURCE)}),
    )
    assert (result.numerator, result.denominator) == (3, 2)
    assert result.percentage == Decimal("150.0")
    assert result.warnings == ("denominator_below_numerator",)
    assert "smaller than the numerator" in result.warning_messages[0]


def test_a_registry_count_used_for_a_past_year_says_it_is_of_now() -> None:
    result = figure(
        "households_learning_family",
        facts({(FAMILY, ""): (1, 1)}, registry={StatisticKind.HOUSEHOLDS: 4}, as_of_now=True),
    )
    assert result.denominator_origin.as_of_now
    assert str(result.denominator_origin) == "registry count (as of now)"


@pytest.mark.parametrize(
    ("given", "numerator", "denominator"),
    [
        # no assessment of the title that year: unknown, not 0 %
        (facts(registry={StatisticKind.HOUSEHOLDS: 10}), None, 10),
        # assessments of another title only
        (facts({(CITIZEN, "resident"): (4, 4)}, registry={StatisticKind.HOUSEHOLDS: 10}), None, 10),
        # no registry data and nothing declared
        (facts({(FAMILY, ""): (2, 1)}), 1, None),
        # a denominator of 0
        (facts({(FAMILY, ""): (2, 1)}, registry={StatisticKind.HOUSEHOLDS: 0}), 1, 0),
    ],
)
def test_no_data_gives_no_percentage_never_zero(
    given: Facts, numerator: int | None, denominator: int | None
) -> None:
    result = figure("households_learning_family", given)
    assert (result.numerator, result.denominator) == (numerator, denominator)
    assert result.percentage is None
    assert not result.has_data


def test_registered_but_none_recognised_is_a_real_zero() -> None:
    result = figure(
        "households_learning_family",
        facts({(FAMILY, ""): (6, 0)}, registry={StatisticKind.HOUSEHOLDS: 10}),
    )
    assert result.percentage == Decimal("0.0")


def test_workers_officials_and_adults_count_their_target_groups() -> None:
    titles = {
        (CITIZEN, TargetGroup.RESIDENT): (10, 5),
        (CITIZEN, TargetGroup.WORKER): (8, 4),
        (CITIZEN, TargetGroup.OFFICIAL): (6, 3),
        (CITIZEN, TargetGroup.LEARNER): (9, 9),
    }
    registry = {StatisticKind.WORKERS: 16, StatisticKind.OFFICIALS: 4, StatisticKind.ADULTS: 48}
    given = facts(titles, registry=registry)
    assert figure("workers_learning_citizen", given).numerator == 4
    assert figure("workers_learning_citizen", given).percentage == Decimal("25.0")
    assert figure("officials_learning_citizen", given).percentage == Decimal("75.0")
    # pupils and students are left out of the adults
    adults = figure("adults_learning_citizen", given)
    assert (adults.numerator, adults.percentage) == (12, Decimal("25.0"))


def test_digital_skills_are_declared_over_the_recognised_learning_citizens() -> None:
    titles = {(CITIZEN, TargetGroup.RESIDENT): (30, 16), (CITIZEN, TargetGroup.LEARNER): (5, 4)}
    declared = {
        StatisticKind.DIGITAL_CITIZENS: (14, SOURCE),
        StatisticKind.DIGITAL_PROFICIENT_CITIZENS: (5, SOURCE),
    }
    digital = figure("learning_citizens_digital", facts(titles, declared=declared, registry={}))
    assert (digital.numerator, digital.denominator, digital.percentage) == (14, 20, Decimal(70))
    assert digital.numerator_origin.kind == OriginKind.DECLARED
    assert digital.denominator_origin.kind == OriginKind.ASSESSMENTS
    proficient = figure(
        "learning_citizens_digital_proficient", facts(titles, declared=declared, registry={})
    )
    assert proficient.percentage == Decimal("25.0")
    # not declared: the registry cannot count it, so there is no figure
    undeclared = figure("learning_citizens_digital", facts(titles, registry={}))
    assert undeclared.numerator is None
    assert undeclared.percentage is None
    assert INDICATOR_BY_CODE["learning_citizens_digital"].numerator_is_declared


def test_learning_centre_figures_come_from_the_registry_unless_declared() -> None:
    registry = {
        StatisticKind.CENTRES: 4,
        StatisticKind.CENTRES_USING_IT: 3,
        StatisticKind.CENTRES_ASSOCIATION_MANAGED: 1,
    }
    assert figure("centres_using_it", facts(registry=registry)).percentage == Decimal("75.0")
    assert figure("chairs_managing_centre", facts(registry=registry)).percentage == Decimal(25)
    declared = {StatisticKind.CENTRES_USING_IT: (2, SOURCE)}
    result = figure("centres_using_it", facts(declared=declared, registry=registry))
    assert (result.numerator, result.percentage) == (2, Decimal("50.0"))
    assert not INDICATOR_BY_CODE["centres_using_it"].numerator_is_declared


def test_a_past_years_numerator_is_never_todays_registry_count() -> None:
    registry = {StatisticKind.CENTRES: 4, StatisticKind.CENTRES_USING_IT: 3}
    past = figure("centres_using_it", facts(registry=registry, as_of_now=True))
    # the denominator stands in (said to be of today), the numerator is unknown
    assert (past.numerator, past.denominator, past.percentage) == (None, 4, None)
    assert past.denominator_origin.as_of_now
    declared = {StatisticKind.CENTRES_USING_IT: (1, SOURCE)}
    result = figure("centres_using_it", facts(declared=declared, registry=registry, as_of_now=True))
    assert result.percentage == Decimal("25.0")


def test_association_staff_trained_in_it_needs_both_figures_declared() -> None:
    registry = {StatisticKind.CENTRES: 1}
    declared = {
        StatisticKind.ASSOCIATION_STAFF: (8, SOURCE),
        StatisticKind.ASSOCIATION_STAFF_TRAINED_IT: (3, SOURCE),
    }
    result = figure("association_staff_trained_it", facts(declared=declared, registry=registry))
    assert result.percentage == Decimal("37.5")
    assert figure("association_staff_trained_it", facts(registry=registry)).percentage is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 3, "33.3"), (2, 3, "66.7"), (1, 16, "6.3"), (1, 8, "12.5"), (7, 7, "100.0")],
)
def test_percentages_round_half_up_to_one_decimal(
    numerator: int, denominator: int, expected: str
) -> None:
    assert percentage_of(numerator, denominator) == Decimal(expected)


def test_every_indicator_has_a_name_a_source_and_a_unique_code() -> None:
    codes = [indicator.code for indicator in INDICATORS]
    assert len(codes) == len(set(codes)) == 12
    for indicator in INDICATORS:
        assert str(indicator.name)
        assert "QĐ" in indicator.source
    listed = indicators.indicator_list()
    assert [item["code"] for item in listed] == codes
    assert listed[0]["denominator"] == {
        "kind": "statistic",
        "statistic": "households",
        "counted_by_registry": True,
    }


def test_registered_and_recognised_per_title_sum_the_target_groups() -> None:
    given = facts({(CITIZEN, TargetGroup.WORKER): (3, 1), (CITIZEN, TargetGroup.RESIDENT): (2, 2)})
    pairs = {pair.title: (pair.registered, pair.recognised) for pair in given.title_pairs()}
    assert pairs[CITIZEN] == (5, 3)
    assert pairs[FAMILY] == (0, 0)
    assert list(pairs) == list(Title.values)


# -- the status rule ------------------------------------------------------------------------


def target(year: int, value: int) -> TargetInfo:
    return TargetInfo(indicator="x", year=year, value=Decimal(value), unit=None, source="QĐ")


def status_of(
    percentage: str | None, year: int, baseline: str | None, **targets: TargetInfo | None
) -> tuple[str, Decimal | None]:
    given = indicators.Figure(
        indicator=INDICATORS[0],
        numerator=None,
        numerator_origin=indicators.NO_DATA,
        denominator=None,
        denominator_origin=indicators.NO_DATA,
        tenths=int(Decimal(percentage) * 10) if percentage is not None else None,
    )
    applying = {2025: targets.get("t2025"), 2030: targets.get("t2030")}
    row = judge(given, applying, Decimal(baseline) if baseline is not None else None, year)
    return row.status, row.expected


def test_met_on_track_and_behind_against_the_trajectory() -> None:
    t2025, t2030 = target(2025, 70), target(2030, 80)
    # 2023: the line from 30 % (2021) to 70 % (2025) stands at 50 %
    assert status_of("70", 2023, "30", t2025=t2025, t2030=t2030) == (Status.MET, Decimal("50.0"))
    assert status_of("50", 2023, "30", t2025=t2025, t2030=t2030)[0] == Status.ON_TRACK
    assert status_of("49.9", 2023, "30", t2025=t2025, t2030=t2030)[0] == Status.BEHIND
    # without a 2021 value the line starts from 0: 35 % in 2023
    assert status_of("36", 2023, None, t2025=t2025)[0:2] == (Status.ON_TRACK, Decimal("35.0"))
    # from 2026 the 2030 target is the next one: 0 → 80 % over 2021–2030 is 44.4 % in 2026
    assert status_of("44.4", 2026, None, t2025=t2025, t2030=t2030) == (
        Status.ON_TRACK,
        Decimal("44.4"),
    )
    assert status_of("75", 2026, None, t2025=t2025, t2030=t2030)[0] == Status.ON_TRACK
    assert status_of("80", 2026, None, t2025=t2025, t2030=t2030)[0] == Status.MET
    # in the target year the line has arrived: below the target is behind
    assert status_of("69.9", 2025, "30", t2025=t2025)[0] == Status.BEHIND


def test_a_missing_later_target_leaves_the_earlier_one_standing() -> None:
    # 100 % by 2025 and no 2030 figure (the chairs in the centre's management)
    assert status_of("100", 2027, None, t2025=target(2025, 100)) == (Status.MET, Decimal(100))
    assert status_of("90", 2027, None, t2025=target(2025, 100))[0] == Status.BEHIND


def test_no_target_and_no_data() -> None:
    assert status_of("40", 2025, None)[0] == Status.NO_TARGET
    assert status_of(None, 2025, None, t2025=target(2025, 70))[0] == Status.NO_DATA


# -- the integer arithmetic is the rational one, rounded half up ------------------------------


def _half_up(value: Fraction) -> int:
    """The integer nearest to a value, halves away from zero."""
    rounded = math.floor(abs(value) + Fraction(1, 2))
    return rounded if value >= 0 else -rounded


@given(st.integers(min_value=-10_000, max_value=10**9), st.integers(min_value=-5, max_value=10**9))
def test_percentages_in_tenths_are_exact(numerator: int, denominator: int) -> None:
    tenths = indicators.to_tenths(numerator, denominator)
    if denominator <= 0:
        assert tenths is None
        return
    assert tenths == _half_up(Fraction(1000 * numerator, denominator))
    assert percentage_of(numerator, denominator) == Decimal(tenths).scaleb(-1)


@given(
    st.one_of(st.none(), st.integers(min_value=0, max_value=1000)),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from([2025, 2030]),
    st.integers(min_value=2015, max_value=2035),
)
def test_the_trajectory_is_the_exact_straight_line(
    start: int | None, target: int, target_year: int, year: int
) -> None:
    """From the 2021 value (tenths) to the target (hundredths) in its year, in tenths."""
    expected = selectors._expected_tenths(start, target, target_year, year)
    begin = Fraction(start or 0, 10)
    share = Fraction(min(max(year - 2021, 0), target_year - 2021), target_year - 2021)
    exact = begin + (Fraction(target, 100) - begin) * share
    assert expected == _half_up(exact * 10)
    applying = TargetInfo("x", target_year, Decimal(target).scaleb(-2), None, "QĐ")
    row = judge(
        indicators.Figure(INDICATORS[0], None, indicators.NO_DATA, None, indicators.NO_DATA, None),
        {target_year: applying},
        Decimal(start).scaleb(-1) if start is not None else None,
        year,
    )
    if row.next_target is not None:  # a 2030 target stands from 2026 only
        assert row.expected == Decimal(expected).scaleb(-1)
