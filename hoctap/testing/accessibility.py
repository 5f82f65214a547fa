"""An automated accessibility check for browser tests: axe-core run inside a Playwright page.

    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

axe-core (Deque Systems, MPL-2.0) is the engine most accessibility checkers build on. Its
minified script comes from the `axe-playwright-python` dev dependency, whose wheel ships
`axe.min.js`: nothing is fetched while the tests run, so they work offline on a fresh machine
after `pip install -e ".[dev]"`. That package's own runner is not used: it builds its script
from `repr()` of Python values, while here the options go to `page.evaluate` as JSON.

What counts: by default only violations whose impact is *serious* or *critical* are returned,
the ones that shut people out (text too pale to read, a field without a label, a link or
button without a name, duplicate ids that break labels, a page without its language). The
*moderate* and *minor* ones (best practices such as a heading level skipped) are still worth
reading: pass `minimum_impact="minor"` to get every violation. All axe's rules run (WCAG 2.0,
2.1 and 2.2 at levels A and AA, and its best practices) unless `rules` names some.

axe 4.7 and later no longer report duplicate ids (only those that labels and ARIA point to),
yet a duplicate id still makes `for=` and `aria-describedby` name the wrong element after a
change: `duplicate_ids` finds them all.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from playwright.sync_api import Page

Impact = Literal["minor", "moderate", "serious", "critical"]
# axe-core's impacts, least first.
IMPACTS: tuple[Impact, ...] = ("minor", "moderate", "serious", "critical")
# How many failing elements each violation lists in `describe_violations`.
NODES_SHOWN = 5


@functools.cache
def axe_script() -> str:
    """axe-core's minified source, read once per test run."""
    try:
        source = importlib.resources.files("axe_playwright_python") / "axe.min.js"
    except ModuleNotFoundError as error:  # pragma: no cover - dev dependency
        raise RuntimeError(
            "axe-core is missing: install the dev dependencies (pip install -e '.[dev]'), "
            "which include axe-playwright-python and its axe.min.js"
        ) from error
    return source.read_text(encoding="utf-8")


def _inject(page: Page) -> None:
    # Once per document: a navigation starts a new one without axe.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())


def axe_violations(
    page: Page,
    *,
    rules: Iterable[str] | None = None,
    minimum_impact: Impact = "serious",
    include: str | None = None,
) -> list[dict[str, Any]]:
    """The accessibility violations of the page as it is now, at `minimum_impact` or worse.

    `rules` limits the check to those axe rule ids (e.g. ["color-contrast", "label"]);
    `include` to the part of the page a CSS selector picks. Each violation is axe's own
    dictionary: id, impact, help, helpUrl, tags and nodes (with target and failureSummary).
    """
    if minimum_impact not in IMPACTS:
        raise ValueError(f"minimum_impact must be one of {IMPACTS}, not {minimum_impact!r}")
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules is not None:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    _inject(page)
    results = page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [include, options],
    )
    floor = IMPACTS.index(minimum_impact)
    violations: list[dict[str, Any]] = results["violations"]
    return [
        violation
        for violation in violations
        # axe gives every violation an impact; an unknown one is kept, to be read.
        if violation.get("impact") not in IMPACTS or IMPACTS.index(violation["impact"]) >= floor
    ]


def duplicate_ids(page: Page) -> list[str]:
    """The ids more than one element of the page carries."""
    found: list[str] = page.evaluate(
        """() => {
            const seen = new Map();
            for (const element of document.querySelectorAll("[id]")) {
                seen.set(element.id, (seen.get(element.id) || 0) + 1);
            }
            return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
        }"""
    )
    return found


def describe_violations(violations: list[dict[str, Any]], *, url: str = "") -> str:
    """The violations as lines a person reads in a failed test's output."""
    if not violations:
        return "no accessibility violation"
    lines = [f"{len(violations)} accessibility violation(s){f' on {url}' if url else ''}:"]
    for violation in violations:
        lines.append(
            f"- [{violation.get('impact')}] {violation['id']}: {violation.get('help', '')}"
            f" ({violation.get('helpUrl', '')})"
        )
        nodes = violation.get("nodes", [])
        for node in nodes[:NODES_SHOWN]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(nodes) > NODES_SHOWN:
            lines.append(f"    … and {len(nodes) - NODES_SHOWN} more element(s)")
    return "\n".join(lines)
