"""The scoring engine: boundaries, missing answers, bad answers, levels, and properties."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoctap.criteria import engine, loader
from hoctap.criteria.engine import score
from hoctap.criteria.tests.sets import all_met, checklist_set, points_set

CITIZEN = loader.load_file(loader.SETS_DIR / "cong-dan-hoc-tap-2023.yaml")
CITIZEN_CODES = [i.code for i in CITIZEN.indicators()]


def citizen_answers(*scores: float) -> dict[str, engine.Answer]:
    return dict(zip(CITIZEN_CODES, scores, strict=True))


# -- no Django ------------------------------------------------------------------------------


def test_engine_and_loader_import_without_django() -> None:
    # given a Python where importing django fails
    script = textwrap.dedent(
        """
        import sys

        class BlockDjango:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is blocked in this test")
                return None

        sys.meta_path.insert(0, BlockDjango())
        from hoctap.criteria import engine, loader
        sets = [loader.load_file(path) for path in loader.shipped_files()]
        assert sets and not any(m.startswith("django") for m in sys.modules)
        print("ok")
        """
    )
    # when the engine and the loader are imported and every shipped set is loaded
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    # then it works
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# -- points mode: the learning-citizen boundaries --------------------------------------------


def test_total_80_with_every_index_at_least_5_passes() -> None:
    result = score(CITIZEN, citizen_answers(10, 10, 10, 10, 10, 10, 5, 5, 5, 5))
    assert result.passed
    assert result.total == 80
    assert result.failures == []
    assert result.missing == []


def test_total_79_fails_on_the_total() -> None:
    result = score(CITIZEN, citizen_answers(10, 10, 10, 10, 10, 9, 5, 5, 5, 5))
    assert not result.passed
    assert result.total == 79
    assert [f.kind for f in result.failures] == ["below_min_total"]
    assert result.failures[0].required == 80


def test_an_index_at_4_fails_even_with_a_high_total() -> None:
    result = score(CITIZEN, citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 4))
    assert result.total == 94
    assert not result.passed
    assert [(f.kind, f.indicator, f.value) for f in result.failures] == [
        ("below_min_each", "NL3.2", 4)
    ]


def test_an_index_at_5_passes_with_a_high_total() -> None:
    result = score(CITIZEN, citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 5))
    assert result.passed
    assert result.total == 95


def test_half_points_count() -> None:
    result = score(CITIZEN, citizen_answers(10, 10, 10, 10, 10, 9.5, 5, 5, 5, 5.5))
    assert result.total == 80
    assert result.passed


def test_missing_scores_mean_not_passed_and_are_listed() -> None:
    answers = citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 10)
    del answers["NL2.3"]
    answers["NL3.1"] = None
    result = score(CITIZEN, answers)
    assert not result.passed
    assert result.level is None
    assert result.missing == ["NL2.3", "NL3.1"]
    # the total counts what was answered, so a half-filled self-assessment shows progress
    assert result.total == 80


def test_no_answers_at_all() -> None:
    result = score(CITIZEN, {})
    assert not result.passed
    assert result.missing == CITIZEN_CODES
    assert result.total == 0


@pytest.mark.parametrize("value", [10.5, 11, 100, -1, -0.5])
def test_a_score_above_max_or_negative_raises_with_the_indicator(value: float) -> None:
    answers = citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 10)
    answers["NL2.2"] = value
    with pytest.raises(engine.ScoreOutOfRange) as raised:
        score(CITIZEN, answers)
    assert raised.value.indicator_code == "NL2.2"
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("value", [0, 10])
def test_the_ends_of_the_range_are_accepted(value: float) -> None:
    answers = citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 10)
    answers["NL1.1"] = value
    assert score(CITIZEN, answers).points["NL1.1"] == value


@pytest.mark.parametrize("value", [True, "8", float("nan"), float("inf")])
def test_a_score_that_is_not_a_finite_number_raises(value: object) -> None:
    answers = citizen_answers(10, 10, 10, 10, 10, 10, 10, 10, 10, 10)
    answers["NL1.1"] = value  # type: ignore[assignment]
    with pytest.raises(engine.AnswerError) as raised:
        score(CITIZEN, answers)
    assert raised.value.indicator_code == "NL1.1"


def test_an_answer_for_an_unknown_indicator_raises() -> None:
    with pytest.raises(engine.UnknownIndicator) as raised:
        score(CITIZEN, {"NL9.9": 10})
    assert raised.value.indicator_code == "NL9.9"


def test_points_levels_by_min_total() -> None:
    criteria_set = points_set(
        levels=(engine.Level("kha", "Khá", min_total=80), engine.Level("tot", "Tốt", min_total=90))
    )
    base = {f"I{n}": 8 for n in range(1, 11)}
    assert score(criteria_set, base).level == "kha"
    at_89 = {**base, "I1": 10, "I2": 10, "I3": 10, "I4": 10, "I5": 9}
    assert score(criteria_set, at_89).total == 89
    assert score(criteria_set, at_89).level == "kha"
    at_90 = {**at_89, "I6": 9}
    assert score(criteria_set, at_90).level == "tot"
    failing = {**base, "I1": 7}
    assert score(criteria_set, failing).level is None


def test_a_set_without_pass_rule_passes_when_complete() -> None:
    criteria_set = points_set(min_total=None, min_each=None)
    assert score(criteria_set, {f"I{n}": 0 for n in range(1, 11)}).passed


# -- points mode: computed indicators ---------------------------------------------------------

BANDS = engine.ComputedRule(
    source="household.adult_learning_citizen_share",
    bands=(engine.PointsBand(100, 10), engine.PointsBand(50, 5), engine.PointsBand(0, 0)),
)


@pytest.mark.parametrize(
    ("share", "points"),
    [(0, 0), (49.9, 0), (50, 5), (99.9, 5), (100, 10)],
)
def test_a_computed_share_earns_points_through_its_bands(share: float, points: float) -> None:
    criteria_set = points_set(computed=BANDS)
    answers = {f"I{n}": 10 for n in range(1, 10)} | {"I10": share}
    result = score(criteria_set, answers)
    assert result.points["I10"] == points
    assert result.total == 90 + points
    assert result.passed is (points >= 5)


@pytest.mark.parametrize("share", [-0.1, 100.1])
def test_a_computed_share_outside_0_100_raises(share: float) -> None:
    criteria_set = points_set(computed=BANDS)
    with pytest.raises(engine.ScoreOutOfRange):
        score(criteria_set, {"I10": share})


def test_shipped_family_set_fails_a_household_whose_adults_are_not_learning_citizens() -> None:
    family = loader.load_file(loader.SETS_DIR / "gia-dinh-hoc-tap-minh-hoa.yaml")
    answers: dict[str, engine.Answer] = {i.code: 10 for i in family.indicators()}
    answers["TC2.1"] = 40.0
    result = score(family, answers)
    assert result.points["TC2.1"] == 0
    assert not result.passed
    answers["TC2.1"] = 100.0
    assert score(family, answers).passed


# -- checklist mode ------------------------------------------------------------------------------


def test_everything_met_reaches_level_2() -> None:
    result = score(checklist_set(), all_met())
    assert result.passed
    assert result.level == "2"
    assert result.total is None
    assert result.failures == []


def test_level_2_only_requirement_missed_gives_level_1() -> None:
    result = score(checklist_set(), {**all_met(), "L2": False})
    assert result.passed
    assert result.level == "1"
    assert [(f.kind, f.indicator, f.level) for f in result.failures] == [("not_met", "L2", "2")]


def test_a_level_1_indicator_not_met_reaches_no_level() -> None:
    result = score(checklist_set(), {**all_met(), "A": False})
    assert not result.passed
    assert result.level is None
    assert [(f.kind, f.indicator, f.level) for f in result.failures] == [("not_met", "A", "1")]


def test_levels_are_cumulative() -> None:
    # L2 met but B (needed at both levels) not: neither level
    result = score(checklist_set(), {**all_met(), "B": False})
    assert result.level is None


@pytest.mark.parametrize(
    ("share", "level"),
    [(0, None), (89.9, None), (90, "1"), (94.9, "1"), (95, "2"), (100, "2")],
)
def test_computed_share_thresholds_per_level(share: float, level: str | None) -> None:
    result = score(checklist_set(), all_met(share))
    assert result.level == level
    assert result.passed is (level is not None)


def test_threshold_failure_says_value_and_required() -> None:
    result = score(checklist_set(), all_met(94.9))
    assert result.failures == [
        engine.Failure("below_threshold", indicator="SHARE", level="2", value=94.9, required=95)
    ]


def test_missing_checklist_answer_means_not_passed() -> None:
    answers = all_met()
    del answers["L2"]
    result = score(checklist_set(), answers)
    assert not result.passed
    assert result.level is None
    assert result.missing == ["L2"]


@pytest.mark.parametrize(("code", "value"), [("A", 1), ("A", "yes"), ("SHARE", True)])
def test_a_checklist_answer_of_the_wrong_type_raises(code: str, value: object) -> None:
    with pytest.raises(engine.WrongAnswerType) as raised:
        score(checklist_set(), {**all_met(), code: value})  # type: ignore[dict-item]
    assert raised.value.indicator_code == code


@pytest.mark.parametrize("share", [-1, 100.5])
def test_a_share_outside_0_100_raises(share: float) -> None:
    with pytest.raises(engine.ScoreOutOfRange):
        score(checklist_set(), all_met(share))


def test_shipped_tt24_unit_set_levels_follow_the_learning_citizen_share() -> None:
    unit = loader.load_file(loader.SETS_DIR / "don-vi-hoc-tap-tinh-tt24-2023.yaml")
    answers: dict[str, engine.Answer] = {i.code: True for i in unit.indicators()}
    for share, level in [(89.9, None), (90, "1"), (94.9, "1"), (95, "2")]:
        answers["C3.1"] = share
        assert score(unit, answers).level == level


def test_shipped_tt25_commune_set_level_2_needs_the_raised_c4_and_c5() -> None:
    commune = loader.load_file(loader.SETS_DIR / "cong-dong-hoc-tap-xa-tt25-2023.yaml")
    answers: dict[str, engine.Answer] = {i.code: True for i in commune.indicators()}
    assert score(commune, answers).level == "2"
    assert score(commune, {**answers, "TC4.M2": False}).level == "1"
    assert score(commune, {**answers, "TC5.M2": False}).level == "1"
    assert score(commune, {**answers, "TC3.2": False}).level is None


# -- properties ----------------------------------------------------------------------------------

scores = st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x * 2) / 2)
score_lists = st.lists(scores, min_size=10, max_size=10)


@given(score_lists)
def test_total_is_the_sum_of_the_scores(values: list[float]) -> None:
    result = score(CITIZEN, citizen_answers(*values))
    assert result.total == pytest.approx(sum(values))
    assert sum(result.points.values()) == pytest.approx(result.total)


@given(score_lists)
def test_pass_means_total_at_least_80_and_none_below_5(values: list[float]) -> None:
    result = score(CITIZEN, citizen_answers(*values))
    assert result.passed is (sum(values) >= 80 and min(values) >= 5)
    assert result.passed is (not result.failures)


@given(score_lists, st.integers(min_value=0, max_value=9), scores)
def test_adding_points_never_turns_a_pass_into_a_fail(
    values: list[float], index: int, extra: float
) -> None:
    before = score(CITIZEN, citizen_answers(*values))
    raised = list(values)
    raised[index] = min(10.0, raised[index] + extra)
    after = score(CITIZEN, citizen_answers(*raised))
    assert after.total is not None
    assert before.total is not None
    assert after.total >= before.total
    if before.passed:
        assert after.passed


@given(score_lists, st.sets(st.integers(min_value=0, max_value=9), min_size=1))
def test_any_missing_score_means_not_passed(values: list[float], dropped: set[int]) -> None:
    answers = citizen_answers(*values)
    for index in dropped:
        del answers[CITIZEN_CODES[index]]
    result = score(CITIZEN, answers)
    assert not result.passed
    assert sorted(result.missing) == sorted(CITIZEN_CODES[i] for i in dropped)


LEVEL_RANK = {None: 0, "1": 1, "2": 2}
checklist_answers = st.fixed_dictionaries(
    {
        "A": st.booleans(),
        "B": st.booleans(),
        "L2": st.booleans(),
        "SHARE": st.floats(min_value=0, max_value=100, allow_nan=False),
    }
)


@given(checklist_answers, st.sampled_from(["A", "B", "L2", "SHARE"]))
def test_meeting_more_never_lowers_the_level(answers: dict[str, engine.Answer], code: str) -> None:
    before = score(checklist_set(), answers)
    improved = {**answers, code: 100.0 if code == "SHARE" else True}
    after = score(checklist_set(), improved)
    assert LEVEL_RANK[after.level] >= LEVEL_RANK[before.level]


@given(checklist_answers)
def test_checklist_level_matches_its_definition(answers: dict[str, engine.Answer]) -> None:
    share = answers["SHARE"]
    assert isinstance(share, float)
    level_1 = bool(answers["A"] and answers["B"] and share >= 90)
    level_2 = level_1 and bool(answers["L2"]) and share >= 95
    expected = "2" if level_2 else "1" if level_1 else None
    result = score(checklist_set(), answers)
    assert result.level == expected
    assert result.passed is (expected is not None)
