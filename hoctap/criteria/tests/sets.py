"""Small criteria sets built in code for engine tests."""

from __future__ import annotations

from hoctap.criteria import engine

SOURCE = engine.Source(number="1/TEST", date=None, issuer="Test")
PERIOD = engine.Period(2021, 2030)


def points_set(
    *,
    indicators: int = 10,
    max_points: float = 10,
    min_total: float | None = 80,
    min_each: float | None = 5,
    levels: tuple[engine.Level, ...] = (),
    computed: engine.ComputedRule | None = None,
) -> engine.CriteriaSet:
    """A points set like the learning-citizen one: `indicators` items of `max_points` each."""
    items = [
        engine.Indicator(code=f"I{n}", text=f"Indicator {n}", max_points=max_points)
        for n in range(1, indicators + 1)
    ]
    if computed is not None:
        items[-1] = engine.Indicator(
            code=items[-1].code, text="Computed", max_points=max_points, computed=computed
        )
    return engine.CriteriaSet(
        code="test-points",
        version="1",
        title="Test",
        subject_kind="person",
        period=PERIOD,
        source=SOURCE,
        status="official",
        mode="points",
        criteria=(engine.Criterion(code="C1", name="Only", indicators=tuple(items)),),
        levels=levels,
        pass_rule=engine.PassRule(min_total=min_total, min_each=min_each),
        total_points=indicators * max_points,
    )


def checklist_set() -> engine.CriteriaSet:
    """Levels 1 and 2: A and B at both levels, L2 only at level 2, SHARE ≥ 90 / ≥ 95."""
    return engine.CriteriaSet(
        code="test-checklist",
        version="1",
        title="Test",
        subject_kind="organisation",
        period=PERIOD,
        source=SOURCE,
        status="official",
        mode="checklist",
        criteria=(
            engine.Criterion(
                code="C1",
                name="First",
                indicators=(
                    engine.Indicator(code="A", text="A", levels=("1", "2")),
                    engine.Indicator(code="B", text="B", levels=("1", "2")),
                ),
            ),
            engine.Criterion(
                code="C2",
                name="Second",
                indicators=(
                    engine.Indicator(code="L2", text="Level 2 only", levels=("2",)),
                    engine.Indicator(
                        code="SHARE",
                        text="Share of learning citizens",
                        levels=("1", "2"),
                        computed=engine.ComputedRule(source="organisation.share"),
                        thresholds={"1": 90, "2": 95},
                    ),
                ),
            ),
        ),
        levels=(engine.Level("1", "Mức 1"), engine.Level("2", "Mức 2")),
    )


def all_met(share: float = 100) -> dict[str, engine.Answer]:
    return {"A": True, "B": True, "L2": True, "SHARE": share}
