"""The scoring engine: a criteria set as plain data, and `score()` that applies it to answers.

Plain Python on purpose (no Django import): the rules decide who earns a title, so they are
tested exhaustively and by properties without a database. The engine never queries data;
computed indicators (e.g. the share of a unit's members who are learning citizens) arrive as
numbers the caller worked out from the registry, and the engine only compares them.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["points", "checklist"]
Status = Literal["official", "illustrative"]

MODES: tuple[Mode, ...] = ("points", "checklist")
STATUSES: tuple[Status, ...] = ("official", "illustrative")
SUBJECT_KINDS = ("person", "household", "clan", "hamlet", "commune", "organisation")
# Units a computed value may be expressed in; a percent lies in 0..100.
VALUE_UNITS = ("percent", "count")

Answer = bool | int | float | None


# -- the rulebook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The document a set follows: number, date and issuer."""

    number: str
    date: datetime.date | None
    issuer: str


@dataclass(frozen=True)
class Period:
    """The years a set covers, e.g. 2021–2030."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


@dataclass(frozen=True)
class PointsBand:
    """Points-mode mapping step: a computed value of at least `min_value` earns `points`."""

    min_value: float
    points: float


@dataclass(frozen=True)
class ComputedRule:
    """Where a computed indicator's number comes from, and (points mode) how it earns points.

    `source` names the quantity the caller computes (e.g. "organisation.learning_citizen_share");
    the engine treats it as a label only.
    """

    source: str
    description: str = ""
    unit: str = "percent"
    bands: tuple[PointsBand, ...] = ()

    def points_for(self, value: float) -> float:
        """Points earned by a computed value: the best band it reaches, else 0."""
        earned = [band.points for band in self.bands if value >= band.min_value]
        return max(earned, default=0.0)


@dataclass(frozen=True)
class Indicator:
    """One scored or checked item (chỉ số / chỉ tiêu)."""

    code: str
    text: str
    max_points: float | None = None  # points mode
    evidence_hint: str = ""
    # The wording is not public: the set carries a placeholder and the province fills it in.
    not_public: bool = False
    computed: ComputedRule | None = None
    # Checklist mode: the levels that require this indicator (empty on a set without levels).
    levels: tuple[str, ...] = ()
    # Checklist mode: per-level minimum for an indicator answered with a number.
    thresholds: Mapping[str, float] = field(default_factory=dict)
    # Wording for one target group (variant code -> text) where it differs from `text`.
    variant_texts: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def is_numeric(self) -> bool:
        """True when the answer is a number (computed or compared to thresholds)."""
        return self.computed is not None or bool(self.thresholds)

    def text_for(self, variant: str | None) -> str:
        return self.variant_texts.get(variant or "", self.text)


@dataclass(frozen=True)
class Criterion:
    """A group of indicators (tiêu chí / năng lực)."""

    code: str
    name: str
    indicators: tuple[Indicator, ...]
    max_points: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Level:
    """A level of a title (Mức 1, Mức 2); in points mode reached from a minimum total."""

    code: str
    name: str
    min_total: float | None = None


@dataclass(frozen=True)
class PassRule:
    """Points-mode pass rule, e.g. total ≥ 80 and no indicator below 5."""

    min_total: float | None = None
    min_each: float | None = None


@dataclass(frozen=True)
class Variant:
    """A target group sharing the set's structure (e.g. residents, workers, learners)."""

    code: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class CriteriaSet:
    """A versioned rulebook of one title."""

    code: str
    version: str
    title: str
    subject_kind: str
    period: Period
    source: Source
    status: Status
    mode: Mode
    criteria: tuple[Criterion, ...]
    levels: tuple[Level, ...] = ()
    pass_rule: PassRule = field(default_factory=PassRule)
    total_points: float | None = None
    variants: tuple[Variant, ...] = ()
    valid_from: datetime.date | None = None
    note: str = ""

    def indicators(self) -> Iterator[Indicator]:
        for criterion in self.criteria:
            yield from criterion.indicators

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
        raise UnknownIndicator(code)

    @property
    def is_illustrative(self) -> bool:
        return self.status == "illustrative"


# -- scoring --------------------------------------------------------------------------------


class AnswerError(ValueError):
    """An answer the set cannot take; names the indicator."""

    def __init__(self, indicator_code: str, message: str) -> None:
        super().__init__(f"{indicator_code}: {message}")
        self.indicator_code = indicator_code


class UnknownIndicator(AnswerError):
    def __init__(self, indicator_code: str) -> None:
        super().__init__(indicator_code, "no such indicator in this criteria set")


class ScoreOutOfRange(AnswerError):
    """A score below 0 or above the indicator's maximum, or a share outside 0..100."""


class WrongAnswerType(AnswerError):
    """A number where a yes/no is expected, or the reverse."""


@dataclass(frozen=True)
class Failure:
    """Why a subject did not pass or reach a level; `kind` is stable for translation."""

    kind: Literal["below_min_total", "below_min_each", "not_met", "below_threshold"]
    indicator: str | None = None
    level: str | None = None
    value: float | None = None
    required: float | None = None

    def __str__(self) -> str:
        where = f"{self.indicator}: " if self.indicator else ""
        at = f" (level {self.level})" if self.level else ""
        if self.kind == "not_met":
            return f"{where}not met{at}"
        return f"{where}{self.value:g} below {self.required:g}{at} [{self.kind}]"


@dataclass(frozen=True)
class Result:
    """The engine's verdict: passed, the level reached, the total (points mode)."""

    passed: bool
    level: str | None
    total: float | None
    missing: list[str]
    failures: list[Failure]
    # Points each indicator earned (points mode), computed ones converted through their bands.
    points: dict[str, float] = field(default_factory=dict)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(indicator: Indicator, value: Answer) -> float:
    if not _is_number(value):
        raise WrongAnswerType(indicator.code, f"a number is expected, got {value!r}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ScoreOutOfRange(indicator.code, f"{value!r} is not a finite number")
    return number


def _points_of(indicator: Indicator, value: Answer) -> float:
    number = _check_number(indicator, value)
    if indicator.computed is not None:
        _check_computed_range(indicator, indicator.computed, number)
        return indicator.computed.points_for(number)
    maximum = indicator.max_points or 0.0
    if number < 0 or number > maximum:
        raise ScoreOutOfRange(indicator.code, f"score {number:g} outside 0..{maximum:g}")
    return number


def _check_computed_range(indicator: Indicator, rule: ComputedRule | None, number: float) -> None:
    unit = rule.unit if rule is not None else "percent"
    if number < 0 or (unit == "percent" and number > 100):
        raise ScoreOutOfRange(indicator.code, f"value {number:g} outside the range of a {unit}")


def _present(answers: Mapping[str, Answer], code: str) -> bool:
    return answers.get(code) is not None


def _check_unknown(criteria_set: CriteriaSet, answers: Mapping[str, Answer]) -> None:
    known = {indicator.code for indicator in criteria_set.indicators()}
    for code in answers:
        if code not in known:
            raise UnknownIndicator(code)


def score(criteria_set: CriteriaSet, answers: Mapping[str, Answer]) -> Result:
    """Apply the set to answers (indicator code -> score, yes/no or computed number).

    A missing answer (absent or None) means not passed and is listed in `missing`; an answer
    the set cannot take (unknown code, wrong type, out of range) raises an `AnswerError`.
    """
    _check_unknown(criteria_set, answers)
    if criteria_set.mode == "points":
        return _score_points(criteria_set, answers)
    return _score_checklist(criteria_set, answers)


def _score_points(criteria_set: CriteriaSet, answers: Mapping[str, Answer]) -> Result:
    points: dict[str, float] = {}
    missing: list[str] = []
    for indicator in criteria_set.indicators():
        if _present(answers, indicator.code):
            points[indicator.code] = _points_of(indicator, answers[indicator.code])
        else:
            missing.append(indicator.code)
    # The total of what was answered so far, so a half-filled self-assessment shows progress.
    total = math.fsum(points.values())
    failures: list[Failure] = []
    rule = criteria_set.pass_rule
    if rule.min_each is not None:
        failures.extend(
            Failure("below_min_each", indicator=code, value=earned, required=rule.min_each)
            for code, earned in points.items()
            if earned < rule.min_each
        )
    if rule.min_total is not None and total < rule.min_total:
        failures.append(Failure("below_min_total", value=total, required=rule.min_total))
    passed = not missing and not failures
    level = None
    if passed:
        reached = [
            lvl for lvl in criteria_set.levels if lvl.min_total is None or total >= lvl.min_total
        ]
        level = reached[-1].code if reached else None
    return Result(
        passed=passed, level=level, total=total, missing=missing, failures=failures, points=points
    )


def _validate_answer(indicator: Indicator, value: Answer) -> None:
    if indicator.is_numeric:
        _check_computed_range(indicator, indicator.computed, _check_number(indicator, value))
    elif not isinstance(value, bool):
        raise WrongAnswerType(indicator.code, f"yes or no is expected, got {value!r}")


def _failure_at(indicator: Indicator, value: Answer, level: str) -> Failure | None:
    """Why a (validated) answer does not meet the indicator at this level, or None."""
    if indicator.is_numeric:
        number = float(value)  # type: ignore[arg-type]
        required = indicator.thresholds.get(level)
        if required is not None and number < required:
            return Failure(
                "below_threshold",
                indicator=indicator.code,
                level=level,
                value=number,
                required=required,
            )
        return None
    return None if value else Failure("not_met", indicator=indicator.code, level=level)


def _score_checklist(criteria_set: CriteriaSet, answers: Mapping[str, Answer]) -> Result:
    indicators = list(criteria_set.indicators())
    missing = [i.code for i in indicators if not _present(answers, i.code)]
    for indicator in indicators:
        if _present(answers, indicator.code):
            _validate_answer(indicator, answers[indicator.code])

    # Levels are cumulative: level 2 is reached only by a subject that also reaches level 1.
    # The failures listed are those of the first level not reached (why not level 1, or why
    # not level 2 for a subject at level 1).
    reached: str | None = None
    failures: list[Failure] = []
    for level in criteria_set.levels:
        required = [i for i in indicators if level.code in i.levels]
        level_failures = [
            failure
            for indicator in required
            if _present(answers, indicator.code)
            and (failure := _failure_at(indicator, answers[indicator.code], level.code))
        ]
        if level_failures or any(not _present(answers, i.code) for i in required):
            failures = level_failures
            break
        reached = level.code
    # Any missing answer leaves the assessment unfinished: not passed, no level.
    passed = reached is not None and not missing
    return Result(
        passed=passed,
        level=reached if passed else None,
        total=None,
        missing=missing,
        failures=failures,
    )
