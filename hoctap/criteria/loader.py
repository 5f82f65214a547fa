"""Read a criteria-set YAML file into engine dataclasses; refuse a bad one with file, path, reason.

No Django import: `hoctap check-criteria`, the upload service and plain scripts share it. The
validation is written out here rather than in a JSON Schema because most checks cross fields
(codes unique across criteria, levels that exist, points that add up, thresholds per level) and
each problem must name the exact path in words a province official can act on.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hoctap.criteria import engine

SETS_DIR = Path(__file__).resolve().parent / "sets"

SET_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_CODE = re.compile(r"^[A-Za-z0-9]+(?:[.\-_][A-Za-z0-9]+)*$")
PERIOD = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")

# Reasons, as plain text constants (the loader also runs without Django).
REASON_NOT_YAML = "không đọc được YAML: {detail}"
REASON_DUPLICATE_KEY = "khoá '{key}' xuất hiện hai lần"
REASON_NOT_MAPPING = "phải là một bảng khoá: giá trị"
REASON_NOT_LIST = "phải là một danh sách"
REASON_EMPTY_LIST = "danh sách không được rỗng"
REASON_MISSING = "thiếu khoá bắt buộc"
REASON_UNKNOWN_KEY = "khoá không được phép ở đây (gõ nhầm?)"
REASON_NOT_TEXT = "phải là một chuỗi văn bản không rỗng"
REASON_NOT_BOOL = "phải là true hoặc false"
REASON_NOT_NUMBER = "phải là một số"
REASON_NOT_DATE = "phải là một ngày dạng YYYY-MM-DD"
REASON_BAD_SET_CODE = "mã bộ tiêu chí chỉ gồm chữ thường không dấu, số và dấu gạch ngang"
REASON_BAD_ITEM_CODE = "mã chỉ gồm chữ không dấu, số và các dấu . - _"
REASON_CHOICE = "giá trị '{value}' không thuộc {choices}"
REASON_PERIOD = "giai đoạn phải có dạng 2021-2030, năm đầu không sau năm cuối"
REASON_DUPLICATE_CODE = "mã '{code}' bị trùng (đã dùng ở {first})"
REASON_UNKNOWN_LEVEL = "mức '{level}' không được khai báo trong levels"
REASON_UNKNOWN_VARIANT = "nhóm đối tượng '{variant}' không được khai báo trong variants"
REASON_NOT_POSITIVE = "phải là một số lớn hơn 0"
REASON_OUT_OF_RANGE = "giá trị {value:g} nằm ngoài khoảng {low:g}..{high:g}"
REASON_POINTS_SUM = "tổng điểm tối đa các chỉ số là {actual:g}, khác {declared:g} đã khai báo"
REASON_ONLY_POINTS = "chỉ dùng được khi mode là points"
REASON_ONLY_CHECKLIST = "chỉ dùng được khi mode là checklist"
REASON_LEVELS_REQUIRED = "chế độ checklist cần ít nhất một mức"
REASON_LEVELS_ORDER = "các mức phải xếp theo tổng điểm tăng dần"
REASON_THRESHOLD_MISSING = "thiếu ngưỡng cho mức '{level}'"
REASON_THRESHOLD_DECREASING = "ngưỡng của mức sau không được thấp hơn mức trước"
REASON_COMPUTED_NEEDS_THRESHOLDS = "chỉ số tính toán ở chế độ checklist cần thresholds theo mức"
REASON_COMPUTED_NEEDS_BANDS = "chỉ số tính toán ở chế độ points cần bands (giá trị → điểm)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a criteria file: where and why."""

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(gốc)'}: {self.reason}"


class CriteriaFileError(ValueError):
    """A criteria file the loader refuses; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor` is resolved by construct_mapping below
        key = loader.construct_object(key_node)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, REASON_DUPLICATE_KEY.format(key=key) + f" (dòng {line})"
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)

_TOP_KEYS = {
    "code": True,
    "version": True,
    "title": True,
    "subject_kind": True,
    "period": True,
    "source": True,
    "status": True,
    "mode": True,
    "criteria": True,
    "levels": False,
    "pass_rule": False,
    "total_points": False,
    "variants": False,
    "valid_from": False,
    "note": False,
}
_SOURCE_KEYS = {"number": True, "date": True, "issuer": True}
_CRITERION_KEYS = {
    "code": True,
    "name": True,
    "indicators": True,
    "max_points": False,
    "note": False,
}
_INDICATOR_KEYS = {
    "code": True,
    "text": True,
    "max_points": False,
    "evidence_hint": False,
    "not_public": False,
    "computed": False,
    "levels": False,
    "thresholds": False,
    "variant_texts": False,
    "note": False,
}
_LEVEL_KEYS = {"code": True, "name": True, "min_total": False}
_PASS_KEYS = {"min_total": False, "min_each": False}
_VARIANT_KEYS = {"code": True, "name": True, "note": False}
_COMPUTED_KEYS = {"source": True, "description": False, "unit": False, "bands": False}
_BAND_KEYS = {"min_value": True, "points": True}

_MISSING = object()


class _Reader:
    """Walks the parsed YAML, collecting problems instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(self.file, path, reason))

    # -- primitives -----------------------------------------------------------------------

    def mapping(self, value: Any, path: str, keys: dict[str, bool]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, REASON_NOT_MAPPING)
            return None
        for key in value:
            if key not in keys:
                self.problem(_join(path, str(key)), REASON_UNKNOWN_KEY)
        for key, required in keys.items():
            if required and key not in value:
                self.problem(_join(path, key), REASON_MISSING)
        return value

    def items(self, value: Any, path: str, *, required: bool) -> list[Any]:
        if value is _MISSING or value is None:
            if required:
                self.problem(path, REASON_MISSING if value is _MISSING else REASON_EMPTY_LIST)
            return []
        if not isinstance(value, list):
            self.problem(path, REASON_NOT_LIST)
            return []
        if required and not value:
            self.problem(path, REASON_EMPTY_LIST)
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, default: str = "") -> str:
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default  # a missing required key is reported by mapping()
        if isinstance(value, int | float) and not isinstance(value, bool) and key == "version":
            value = str(value)  # `version: 2023` reads as a number
        if not isinstance(value, str) or not value.strip():
            self.problem(_join(path, key), REASON_NOT_TEXT)
            return default
        return value.strip()

    def code(self, data: dict[str, Any], key: str, path: str, pattern: re.Pattern[str]) -> str:
        value = data.get(key, _MISSING)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # level codes such as 1 and 2
        if value is _MISSING:
            return ""
        if not isinstance(value, str) or not pattern.match(value):
            reason = REASON_BAD_SET_CODE if pattern is SET_CODE else REASON_BAD_ITEM_CODE
            self.problem(_join(path, key), reason)
            return ""
        return value

    def number(self, data: dict[str, Any], key: str, path: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.problem(_join(path, key), REASON_NOT_NUMBER)
            return None
        return float(value)

    def in_range(self, value: float | None, path: str, low: float, high: float) -> None:
        if value is not None and not low <= value <= high:
            self.problem(path, REASON_OUT_OF_RANGE.format(value=value, low=low, high=high))

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(_join(path, key), REASON_NOT_BOOL)
            return False
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, choices: Iterable[str]) -> str:
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return ""
        choices = tuple(choices)
        if value not in choices:
            self.problem(
                _join(path, key), REASON_CHOICE.format(value=value, choices=", ".join(choices))
            )
            return ""
        return str(value)

    def date(self, data: dict[str, Any], key: str, path: str) -> datetime.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(_join(path, key), REASON_NOT_DATE)
        return None

    def unique(self, seen: dict[str, str], code: str, path: str) -> None:
        if not code:
            return
        if code in seen:
            self.problem(path, REASON_DUPLICATE_CODE.format(code=code, first=seen[code]))
        else:
            seen[code] = path

    # -- the set --------------------------------------------------------------------------

    def criteria_set(self, raw: Any) -> engine.CriteriaSet | None:
        data = self.mapping(raw, "", _TOP_KEYS)
        if data is None:
            return None
        code = self.code(data, "code", "", SET_CODE)
        version = self.text(data, "version", "")
        title = self.text(data, "title", "")
        subject_kind = self.choice(data, "subject_kind", "", engine.SUBJECT_KINDS)
        valid_from = self.date(data, "valid_from", "")
        note = self.text(data, "note", "")
        mode = self.choice(data, "mode", "", engine.MODES)
        status = self.choice(data, "status", "", engine.STATUSES)
        levels = self.levels(data, mode)
        level_codes = [level.code for level in levels]
        variants = self.variants(data)
        total_points = self.number(data, "total_points", "")
        if mode == "checklist" and "total_points" in data:
            self.problem("total_points", REASON_ONLY_POINTS)
        if mode == "points" and total_points is None and "total_points" not in data:
            self.problem("total_points", REASON_MISSING)
        elif mode == "points" and total_points is not None and total_points <= 0:
            self.problem("total_points", REASON_NOT_POSITIVE)
        pass_rule = self.pass_rule(data, mode, total_points)

        seen_criteria: dict[str, str] = {}
        seen_indicators: dict[str, str] = {}
        criteria: list[engine.Criterion] = []
        for index, raw_criterion in enumerate(
            self.items(data.get("criteria", _MISSING), "criteria", required="criteria" in data)
        ):
            criterion = self.criterion(
                raw_criterion,
                f"criteria[{index}]",
                mode=mode,
                level_codes=level_codes,
                variant_codes={v.code for v in variants},
                seen_criteria=seen_criteria,
                seen_indicators=seen_indicators,
            )
            if criterion is not None:
                criteria.append(criterion)

        all_points = [i.max_points for c in criteria for i in c.indicators]
        if mode == "points" and total_points is not None and None not in all_points:
            actual = sum(p or 0 for p in all_points)
            if abs(actual - total_points) > 1e-9:
                self.problem(
                    "total_points", REASON_POINTS_SUM.format(actual=actual, declared=total_points)
                )
        if mode == "points" and total_points is not None:
            for index, level in enumerate(levels):
                self.in_range(level.min_total, f"levels[{index}].min_total", 0, total_points)
        if mode == "points" and pass_rule.min_each is not None:
            smallest = min(
                (i.max_points for c in criteria for i in c.indicators if i.max_points),
                default=None,
            )
            if smallest is not None:
                self.in_range(pass_rule.min_each, "pass_rule.min_each", 0, smallest)

        period = self.period(data)
        source = self.source(data)
        if self.problems or period is None or source is None:
            return None
        return engine.CriteriaSet(
            code=code,
            version=version,
            title=title,
            subject_kind=subject_kind,
            period=period,
            source=source,
            status=status,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            criteria=tuple(criteria),
            levels=tuple(levels),
            pass_rule=pass_rule,
            total_points=total_points,
            variants=tuple(variants),
            valid_from=valid_from,
            note=note,
        )

    def period(self, data: dict[str, Any]) -> engine.Period | None:
        value = data.get("period", _MISSING)
        if value is _MISSING:
            return None
        match = PERIOD.match(value) if isinstance(value, str) else None
        if match is None or int(match[1]) > int(match[2]):
            self.problem("period", REASON_PERIOD)
            return None
        return engine.Period(int(match[1]), int(match[2]))

    def source(self, data: dict[str, Any]) -> engine.Source | None:
        if "source" not in data:
            return None
        source = self.mapping(data["source"], "source", _SOURCE_KEYS)
        if source is None:
            return None
        return engine.Source(
            number=self.text(source, "number", "source"),
            date=self.date(source, "date", "source"),
            issuer=self.text(source, "issuer", "source"),
        )

    def levels(self, data: dict[str, Any], mode: str) -> list[engine.Level]:
        levels: list[engine.Level] = []
        seen: dict[str, str] = {}
        for index, raw in enumerate(self.items(data.get("levels"), "levels", required=False)):
            path = f"levels[{index}]"
            level_data = self.mapping(raw, path, _LEVEL_KEYS)
            if level_data is None:
                continue
            code = self.code(level_data, "code", path, ITEM_CODE)
            self.unique(seen, code, _join(path, "code"))
            min_total = self.number(level_data, "min_total", path)
            if mode == "checklist" and "min_total" in level_data:
                self.problem(_join(path, "min_total"), REASON_ONLY_POINTS)
            if mode == "points" and min_total is None:
                self.problem(_join(path, "min_total"), REASON_MISSING)
            if (
                mode == "points"
                and min_total is not None
                and levels
                and levels[-1].min_total is not None
                and min_total <= levels[-1].min_total
            ):
                self.problem(_join(path, "min_total"), REASON_LEVELS_ORDER)
            levels.append(
                engine.Level(
                    code=code, name=self.text(level_data, "name", path), min_total=min_total
                )
            )
        if mode == "checklist" and not levels:
            self.problem("levels", REASON_LEVELS_REQUIRED)
        return levels

    def variants(self, data: dict[str, Any]) -> list[engine.Variant]:
        variants: list[engine.Variant] = []
        seen: dict[str, str] = {}
        for index, raw in enumerate(self.items(data.get("variants"), "variants", required=False)):
            path = f"variants[{index}]"
            variant = self.mapping(raw, path, _VARIANT_KEYS)
            if variant is None:
                continue
            code = self.code(variant, "code", path, ITEM_CODE)
            self.unique(seen, code, _join(path, "code"))
            variants.append(
                engine.Variant(
                    code=code,
                    name=self.text(variant, "name", path),
                    note=self.text(variant, "note", path),
                )
            )
        return variants

    def pass_rule(
        self, data: dict[str, Any], mode: str, total_points: float | None
    ) -> engine.PassRule:
        if "pass_rule" not in data:
            return engine.PassRule()
        if mode == "checklist":
            self.problem("pass_rule", REASON_ONLY_POINTS)
            return engine.PassRule()
        rule = self.mapping(data["pass_rule"], "pass_rule", _PASS_KEYS)
        if rule is None:
            return engine.PassRule()
        min_total = self.number(rule, "min_total", "pass_rule")
        if total_points is not None:
            self.in_range(min_total, "pass_rule.min_total", 0, total_points)
        return engine.PassRule(
            min_total=min_total, min_each=self.number(rule, "min_each", "pass_rule")
        )

    def criterion(
        self,
        raw: Any,
        path: str,
        *,
        mode: str,
        level_codes: list[str],
        variant_codes: set[str],
        seen_criteria: dict[str, str],
        seen_indicators: dict[str, str],
    ) -> engine.Criterion | None:
        data = self.mapping(raw, path, _CRITERION_KEYS)
        if data is None:
            return None
        code = self.code(data, "code", path, ITEM_CODE)
        self.unique(seen_criteria, code, _join(path, "code"))
        max_points = self.number(data, "max_points", path)
        if mode == "checklist" and "max_points" in data:
            self.problem(_join(path, "max_points"), REASON_ONLY_POINTS)
        indicators: list[engine.Indicator] = []
        raw_indicators = self.items(
            data.get("indicators", _MISSING),
            _join(path, "indicators"),
            required="indicators" in data,
        )
        for index, raw_indicator in enumerate(raw_indicators):
            indicator = self.indicator(
                raw_indicator,
                f"{path}.indicators[{index}]",
                mode=mode,
                level_codes=level_codes,
                variant_codes=variant_codes,
                seen=seen_indicators,
            )
            if indicator is not None:
                indicators.append(indicator)
        if mode == "points" and max_points is not None and len(indicators) == len(raw_indicators):
            actual = sum(i.max_points or 0 for i in indicators)
            if abs(actual - max_points) > 1e-9:
                self.problem(
                    _join(path, "max_points"),
                    REASON_POINTS_SUM.format(actual=actual, declared=max_points),
                )
        return engine.Criterion(
            code=code,
            name=self.text(data, "name", path),
            indicators=tuple(indicators),
            max_points=max_points,
            note=self.text(data, "note", path),
        )

    def indicator(
        self,
        raw: Any,
        path: str,
        *,
        mode: str,
        level_codes: list[str],
        variant_codes: set[str],
        seen: dict[str, str],
    ) -> engine.Indicator | None:
        data = self.mapping(raw, path, _INDICATOR_KEYS)
        if data is None:
            return None
        code = self.code(data, "code", path, ITEM_CODE)
        self.unique(seen, code, _join(path, "code"))
        max_points = self.number(data, "max_points", path)
        computed = self.computed(data, path, mode, max_points)
        levels: tuple[str, ...] = ()
        thresholds: dict[str, float] = {}
        if mode == "points":
            if "max_points" not in data:
                self.problem(_join(path, "max_points"), REASON_MISSING)
            elif max_points is not None and max_points <= 0:
                self.problem(_join(path, "max_points"), REASON_NOT_POSITIVE)
            for key in ("levels", "thresholds"):
                if key in data:
                    self.problem(_join(path, key), REASON_ONLY_CHECKLIST)
        elif mode == "checklist":
            if "max_points" in data:
                self.problem(_join(path, "max_points"), REASON_ONLY_POINTS)
            levels = self.indicator_levels(data, path, level_codes)
            thresholds = self.thresholds(data, path, levels, level_codes, computed)
            if computed is not None and not thresholds and "thresholds" not in data:
                self.problem(_join(path, "thresholds"), REASON_COMPUTED_NEEDS_THRESHOLDS)
        variant_texts: dict[str, str] = {}
        if "variant_texts" in data:
            texts = self.mapping(
                data["variant_texts"],
                _join(path, "variant_texts"),
                dict.fromkeys(variant_codes, False),
            )
            for variant, _text in (texts or {}).items():
                if variant in variant_codes:
                    variant_texts[variant] = self.text(
                        texts or {}, variant, _join(path, "variant_texts")
                    )
        return engine.Indicator(
            code=code,
            text=self.text(data, "text", path),
            max_points=max_points,
            evidence_hint=self.text(data, "evidence_hint", path),
            not_public=self.boolean(data, "not_public", path),
            computed=computed,
            levels=levels,
            thresholds=thresholds,
            variant_texts=variant_texts,
            note=self.text(data, "note", path),
        )

    def indicator_levels(
        self, data: dict[str, Any], path: str, level_codes: list[str]
    ) -> tuple[str, ...]:
        if "levels" not in data:
            return tuple(level_codes)  # required at every level unless said otherwise
        levels: list[str] = []
        for index, value in enumerate(
            self.items(data["levels"], _join(path, "levels"), required=True)
        ):
            level = (
                str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
            )
            if level not in level_codes:
                self.problem(f"{path}.levels[{index}]", REASON_UNKNOWN_LEVEL.format(level=value))
            else:
                levels.append(level)
        # Keep the set's order so thresholds can be compared level after level.
        return tuple(code for code in level_codes if code in levels)

    def thresholds(
        self,
        data: dict[str, Any],
        path: str,
        levels: tuple[str, ...],
        level_codes: list[str],
        computed: engine.ComputedRule | None,
    ) -> dict[str, float]:
        if "thresholds" not in data:
            return {}
        where = _join(path, "thresholds")
        raw = data["thresholds"]
        if not isinstance(raw, dict):
            self.problem(where, REASON_NOT_MAPPING)
            return {}
        high = 100.0 if computed is None or computed.unit == "percent" else float("inf")
        thresholds: dict[str, float] = {}
        for key, value in raw.items():
            level = str(key)
            key_path = f"{where}.{level}"
            if level not in level_codes or level not in levels:
                self.problem(key_path, REASON_UNKNOWN_LEVEL.format(level=key))
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                self.problem(key_path, REASON_NOT_NUMBER)
                continue
            self.in_range(float(value), key_path, 0, high)
            thresholds[level] = float(value)
        for level in levels:
            if level not in thresholds and not any(p.path.startswith(where) for p in self.problems):
                self.problem(where, REASON_THRESHOLD_MISSING.format(level=level))
        ordered = [thresholds[level] for level in levels if level in thresholds]
        if any(later < earlier for earlier, later in itertools.pairwise(ordered)):
            self.problem(where, REASON_THRESHOLD_DECREASING)
        return thresholds

    def computed(
        self, data: dict[str, Any], path: str, mode: str, max_points: float | None
    ) -> engine.ComputedRule | None:
        if "computed" not in data:
            return None
        where = _join(path, "computed")
        rule = self.mapping(data["computed"], where, _COMPUTED_KEYS)
        if rule is None:
            return None
        unit = self.choice(rule, "unit", where, engine.VALUE_UNITS) if "unit" in rule else "percent"
        bands: list[engine.PointsBand] = []
        if mode == "checklist" and "bands" in rule:
            self.problem(_join(where, "bands"), REASON_ONLY_POINTS)
        if mode == "points":
            raw_bands = self.items(rule.get("bands"), _join(where, "bands"), required=False)
            if not raw_bands:
                self.problem(_join(where, "bands"), REASON_COMPUTED_NEEDS_BANDS)
            for index, raw_band in enumerate(raw_bands):
                band_path = f"{where}.bands[{index}]"
                band = self.mapping(raw_band, band_path, _BAND_KEYS)
                if band is None:
                    continue
                min_value = self.number(band, "min_value", band_path)
                points = self.number(band, "points", band_path)
                if unit == "percent":
                    self.in_range(min_value, _join(band_path, "min_value"), 0, 100)
                if max_points is not None:
                    self.in_range(points, _join(band_path, "points"), 0, max_points)
                if min_value is not None and points is not None:
                    bands.append(engine.PointsBand(min_value=min_value, points=points))
        return engine.ComputedRule(
            source=self.text(rule, "source", where),
            description=self.text(rule, "description", where),
            unit=unit or "percent",
            bands=tuple(bands),
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- entry points ---------------------------------------------------------------------------


def check_text(
    text: str, *, file: str = "<tải lên>"
) -> tuple[engine.CriteriaSet | None, list[Problem]]:
    """Parse and validate YAML text; the set when it is sound, and every problem found."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        detail = str(error).replace("\n", " ")
        return None, [Problem(file, "", REASON_NOT_YAML.format(detail=detail))]
    reader = _Reader(file)
    criteria_set = reader.criteria_set(raw)
    return (criteria_set if not reader.problems else None), reader.problems


def load_text(text: str, *, file: str = "<tải lên>") -> engine.CriteriaSet:
    """Parse and validate YAML text, or raise `CriteriaFileError` with every problem."""
    criteria_set, problems = check_text(text, file=file)
    if criteria_set is None:
        raise CriteriaFileError(problems)
    return criteria_set


def check_file(path: Path | str) -> list[Problem]:
    """Every problem in a criteria file (empty when it is sound)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(str(path), "", REASON_NOT_YAML.format(detail=error))]
    return check_text(text, file=str(path))[1]


def load_file(path: Path | str) -> engine.CriteriaSet:
    """Load one criteria file, or raise `CriteriaFileError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CriteriaFileError(
            [Problem(str(path), "", REASON_NOT_YAML.format(detail=error))]
        ) from error
    return load_text(text, file=str(path))


def shipped_files() -> list[Path]:
    """The criteria files shipped with the application."""
    return sorted(SETS_DIR.glob("*.yaml"))


@functools.cache
def shipped_sets() -> tuple[engine.CriteriaSet, ...]:
    """Every shipped set, loaded once per process."""
    return tuple(load_file(path) for path in shipped_files())
