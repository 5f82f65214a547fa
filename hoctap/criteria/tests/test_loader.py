"""The loader: shipped files load faithfully; broken files are refused with file, path, reason."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hoctap.criteria import loader

SHIPPED = {path.name: path for path in loader.shipped_files()}


def test_every_expected_set_is_shipped() -> None:
    assert set(SHIPPED) == {
        "cong-dan-hoc-tap-2023.yaml",
        "cong-dong-hoc-tap-xa-tt25-2023.yaml",
        "don-vi-hoc-tap-tinh-tt24-2023.yaml",
        "gia-dinh-hoc-tap-minh-hoa.yaml",
        "dong-ho-hoc-tap-minh-hoa.yaml",
        "cong-dong-hoc-tap-thon-minh-hoa.yaml",
        "don-vi-hoc-tap-xa-minh-hoa.yaml",
    }


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_shipped_file_loads(name: str) -> None:
    assert loader.check_file(SHIPPED[name]) == []
    criteria_set = loader.load_file(SHIPPED[name])
    assert criteria_set.source.issuer
    assert criteria_set.period.start == 2021
    assert criteria_set.period.end == 2030


def test_shipped_codes_are_unique() -> None:
    codes = [(s.code, s.version) for s in loader.shipped_sets()]
    assert len(codes) == len(set(codes))


def test_learning_citizen_set_follows_qd_324() -> None:
    citizen = loader.load_file(SHIPPED["cong-dan-hoc-tap-2023.yaml"])
    assert (citizen.source.number, citizen.source.date) == (
        "324/QĐ-KHVN",
        datetime.date(2023, 10, 25),
    )
    assert citizen.source.issuer == "Hội Khuyến học Việt Nam"
    assert (citizen.status, citizen.mode, citizen.subject_kind) == ("official", "points", "person")
    assert [len(c.indicators) for c in citizen.criteria] == [4, 4, 2]
    assert {i.max_points for i in citizen.indicators()} == {10}
    assert citizen.total_points == 100
    assert (citizen.pass_rule.min_total, citizen.pass_rule.min_each) == (80, 5)
    assert [v.code for v in citizen.variants] == ["resident", "worker", "official", "learner"]


def test_tt25_commune_set_marks_c3_to_c5_not_public() -> None:
    commune = loader.load_file(SHIPPED["cong-dong-hoc-tap-xa-tt25-2023.yaml"])
    assert (commune.status, commune.mode, commune.subject_kind) == (
        "official",
        "checklist",
        "commune",
    )
    assert commune.source.number == "25/2023/TT-BGDĐT"
    assert [level.code for level in commune.levels] == ["1", "2"]
    assert len(commune.criteria) == 5
    level_1 = [i for i in commune.indicators() if "1" in i.levels]
    assert len(level_1) == 15
    for criterion in commune.criteria:
        public = criterion.code in {"TC1", "TC2"}
        assert all(i.not_public is not public for i in criterion.indicators), criterion.code
    level_2_only = [i.code for i in commune.indicators() if i.levels == ("2",)]
    assert level_2_only == ["TC4.M2", "TC5.M2"]


def test_tt24_unit_set_computes_the_learning_citizen_share() -> None:
    unit = loader.load_file(SHIPPED["don-vi-hoc-tap-tinh-tt24-2023.yaml"])
    assert unit.source.number == "24/2023/TT-BGDĐT"
    share = unit.indicator("C3.1")
    assert share.computed is not None
    assert share.computed.source == "organisation.learning_citizen_share"
    assert dict(share.thresholds) == {"1": 90, "2": 95}


@pytest.mark.parametrize(
    ("name", "subject_kind", "computed_source"),
    [
        ("gia-dinh-hoc-tap-minh-hoa.yaml", "household", "household.adult_learning_citizen_share"),
        ("dong-ho-hoc-tap-minh-hoa.yaml", "clan", "clan.learning_family_share"),
        ("cong-dong-hoc-tap-thon-minh-hoa.yaml", "hamlet", "hamlet.learning_family_share"),
        ("don-vi-hoc-tap-xa-minh-hoa.yaml", "organisation", "organisation.learning_citizen_share"),
    ],
)
def test_illustrative_sets_follow_the_legacy_100_point_structure(
    name: str, subject_kind: str, computed_source: str
) -> None:
    criteria_set = loader.load_file(SHIPPED[name])
    assert criteria_set.status == "illustrative"
    assert criteria_set.is_illustrative
    assert criteria_set.subject_kind == subject_kind
    assert "448/QĐ-KHVN" in criteria_set.source.number
    assert "thay" in criteria_set.note  # tells the province to replace it
    assert [c.max_points for c in criteria_set.criteria] == [30, 30, 20, 20]
    assert criteria_set.total_points == 100
    assert [i.computed.source for i in criteria_set.indicators() if i.computed] == [computed_source]


# -- broken files ---------------------------------------------------------------------------------

VALID_POINTS = """
code: thu-nghiem
version: "1"
title: Thử nghiệm
subject_kind: person
period: 2021-2030
source: {number: 1/TEST, date: 2024-01-01, issuer: Test}
status: official
mode: points
total_points: 20
pass_rule: {min_total: 16, min_each: 5}
criteria:
  - code: C1
    name: Một
    indicators:
      - {code: C1.1, text: Một, max_points: 10}
  - code: C2
    name: Hai
    indicators:
      - {code: C2.1, text: Hai, max_points: 10}
"""

VALID_CHECKLIST = """
code: thu-nghiem-muc
version: "1"
title: Thử nghiệm
subject_kind: commune
period: 2021-2030
source: {number: 1/TEST, date: null, issuer: Test}
status: official
mode: checklist
levels:
  - {code: "1", name: Mức 1}
  - {code: "2", name: Mức 2}
criteria:
  - code: C1
    name: Một
    indicators:
      - {code: C1.1, text: Một}
      - code: C1.2
        text: Tỷ lệ
        computed: {source: unit.share}
        thresholds: {"1": 90, "2": 95}
"""


Change = Callable[[dict[str, Any]], object]


def edit(text: str, change: Change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_valid_examples_load() -> None:
    assert loader.load_text(VALID_POINTS).total_points == 20
    assert loader.load_text(VALID_CHECKLIST).indicator("C1.2").thresholds == {"1": 90, "2": 95}


BROKEN = [
    # (id, base, change, path, words in the reason)
    ("missing title", VALID_POINTS, lambda d: d.pop("title"), "title", "thiếu khoá"),
    ("unknown key", VALID_POINTS, lambda d: d.update(titel="x"), "titel", "không được phép"),
    ("bad mode", VALID_POINTS, lambda d: d.update(mode="score"), "mode", "không thuộc"),
    ("bad status", VALID_POINTS, lambda d: d.update(status="draft"), "status", "không thuộc"),
    (
        "bad kind",
        VALID_POINTS,
        lambda d: d.update(subject_kind="city"),
        "subject_kind",
        "không thuộc",
    ),
    ("bad period", VALID_POINTS, lambda d: d.update(period="2030-2021"), "period", "giai đoạn"),
    ("bad code", VALID_POINTS, lambda d: d.update(code="Thử Nghiệm"), "code", "mã bộ"),
    ("missing issuer", VALID_POINTS, lambda d: d["source"].pop("issuer"), "source.issuer", "thiếu"),
    (
        "bad date",
        VALID_POINTS,
        lambda d: d["source"].update(date="25/10/2023"),
        "source.date",
        "ngày",
    ),
    ("no criteria", VALID_POINTS, lambda d: d.update(criteria=[]), "criteria", "rỗng"),
    (
        "indicator without max_points",
        VALID_POINTS,
        lambda d: d["criteria"][1]["indicators"][0].pop("max_points"),
        "criteria[1].indicators[0].max_points",
        "thiếu",
    ),
    (
        "max_points not a number",
        VALID_POINTS,
        lambda d: d["criteria"][1]["indicators"][0].update(max_points="mười"),
        "criteria[1].indicators[0].max_points",
        "một số",
    ),
    (
        "negative max_points",
        VALID_POINTS,
        lambda d: d["criteria"][0]["indicators"][0].update(max_points=-10),
        "criteria[0].indicators[0].max_points",
        "lớn hơn 0",
    ),
    (
        "points do not add up",
        VALID_POINTS,
        lambda d: d.update(total_points=100),
        "total_points",
        "tổng điểm",
    ),
    (
        "criterion points do not add up",
        VALID_POINTS,
        lambda d: d["criteria"][0].update(max_points=30),
        "criteria[0].max_points",
        "tổng điểm",
    ),
    (
        "duplicate indicator code",
        VALID_POINTS,
        lambda d: d["criteria"][1]["indicators"][0].update(code="C1.1"),
        "criteria[1].indicators[0].code",
        "trùng",
    ),
    (
        "duplicate criterion code",
        VALID_POINTS,
        lambda d: d["criteria"][1].update(code="C1"),
        "criteria[1].code",
        "trùng",
    ),
    (
        "pass total above the maximum",
        VALID_POINTS,
        lambda d: d["pass_rule"].update(min_total=21),
        "pass_rule.min_total",
        "ngoài khoảng",
    ),
    (
        "min_each above an indicator's maximum",
        VALID_POINTS,
        lambda d: d["pass_rule"].update(min_each=11),
        "pass_rule.min_each",
        "ngoài khoảng",
    ),
    (
        "levels on a points indicator",
        VALID_POINTS,
        lambda d: d["criteria"][0]["indicators"][0].update(levels=["1"]),
        "criteria[0].indicators[0].levels",
        "checklist",
    ),
    (
        "points level without min_total",
        VALID_POINTS,
        lambda d: d.update(levels=[{"code": "kha", "name": "Khá"}]),
        "levels[0].min_total",
        "thiếu",
    ),
    (
        "points levels out of order",
        VALID_POINTS,
        lambda d: d.update(
            levels=[
                {"code": "tot", "name": "Tốt", "min_total": 18},
                {"code": "kha", "name": "Khá", "min_total": 16},
            ]
        ),
        "levels[1].min_total",
        "tăng dần",
    ),
    (
        "computed points without bands",
        VALID_POINTS,
        lambda d: d["criteria"][0]["indicators"][0].update(computed={"source": "x.share"}),
        "criteria[0].indicators[0].computed.bands",
        "bands",
    ),
    (
        "band above max_points",
        VALID_POINTS,
        lambda d: d["criteria"][0]["indicators"][0].update(
            computed={"source": "x.share", "bands": [{"min_value": 50, "points": 12}]}
        ),
        "criteria[0].indicators[0].computed.bands[0].points",
        "ngoài khoảng",
    ),
    (
        "band share above 100",
        VALID_POINTS,
        lambda d: d["criteria"][0]["indicators"][0].update(
            computed={"source": "x.share", "bands": [{"min_value": 120, "points": 10}]}
        ),
        "criteria[0].indicators[0].computed.bands[0].min_value",
        "ngoài khoảng",
    ),
    (
        "checklist without levels",
        VALID_CHECKLIST,
        lambda d: d.pop("levels"),
        "levels",
        "ít nhất một mức",
    ),
    (
        "checklist with total_points",
        VALID_CHECKLIST,
        lambda d: d.update(total_points=100),
        "total_points",
        "points",
    ),
    (
        "checklist with max_points",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][0].update(max_points=10),
        "criteria[0].indicators[0].max_points",
        "points",
    ),
    (
        "indicator names an unknown level",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][0].update(levels=["3"]),
        "criteria[0].indicators[0].levels[0]",
        "mức '3'",
    ),
    (
        "threshold for an unknown level",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][1]["thresholds"].update({"3": 99}),
        "criteria[0].indicators[1].thresholds.3",
        "mức '3'",
    ),
    (
        "threshold above 100 percent",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][1]["thresholds"].update({"2": 101}),
        "criteria[0].indicators[1].thresholds.2",
        "ngoài khoảng",
    ),
    (
        "threshold missing for a level",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][1]["thresholds"].pop("2"),
        "criteria[0].indicators[1].thresholds",
        "thiếu ngưỡng cho mức '2'",
    ),
    (
        "level 2 threshold below level 1",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][1]["thresholds"].update({"2": 80}),
        "criteria[0].indicators[1].thresholds",
        "không được thấp hơn",
    ),
    (
        "computed checklist indicator without thresholds",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][1].pop("thresholds"),
        "criteria[0].indicators[1].thresholds",
        "thresholds",
    ),
    (
        "duplicate level code",
        VALID_CHECKLIST,
        lambda d: d["levels"][1].update(code="1"),
        "levels[1].code",
        "trùng",
    ),
    (
        "not_public not a boolean",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][0].update(not_public="có"),
        "criteria[0].indicators[0].not_public",
        "true hoặc false",
    ),
    (
        "empty text",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][0].update(text=" "),
        "criteria[0].indicators[0].text",
        "chuỗi",
    ),
    (
        "variant text for an unknown group",
        VALID_CHECKLIST,
        lambda d: d["criteria"][0]["indicators"][0].update(variant_texts={"worker": "x"}),
        "criteria[0].indicators[0].variant_texts.worker",
        "không được phép",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "path", "reason"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_broken_file_is_refused_with_file_path_and_reason(
    tmp_path: Path, base: str, change: Change, path: str, reason: str
) -> None:
    # given a broken file on disk
    broken = tmp_path / "broken.yaml"
    broken.write_text(edit(base, change), encoding="utf-8")
    # when it is checked and loaded
    problems = loader.check_file(broken)
    with pytest.raises(loader.CriteriaFileError) as refused:
        loader.load_file(broken)
    # then it is refused, naming the file, the path and the reason
    assert [(p.path, reason in p.reason) for p in problems if p.path == path] == [(path, True)], [
        str(p) for p in problems
    ]
    assert all(p.file == str(broken) for p in problems)
    assert refused.value.problems == problems
    assert f"{broken}: {path}: " in str(refused.value)


def test_invalid_yaml_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed\n", encoding="utf-8")
    [problem] = loader.check_file(broken)
    assert problem.path == ""
    assert "YAML" in problem.reason


def test_a_duplicate_key_is_refused() -> None:
    _, problems = loader.check_text(VALID_POINTS + "title: Lần hai\n", file="dup.yaml")
    assert len(problems) == 1
    assert "'title' xuất hiện hai lần" in problems[0].reason


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    _, problems = loader.check_text("- 1\n- 2\n", file="list.yaml")
    assert [(p.file, p.path) for p in problems] == [("list.yaml", "")]


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = edit(VALID_POINTS, lambda d: (d.pop("title"), d.update(mode="x", status="y")))
    _, problems = loader.check_text(text, file="many.yaml")
    assert {"title", "mode", "status"} <= {p.path for p in problems}


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(loader.CriteriaFileError):
        loader.load_file(tmp_path / "absent.yaml")
