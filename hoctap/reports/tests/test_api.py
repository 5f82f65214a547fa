"""Reporting periods, reports and plans through the JSON API, over real HTTP (the live server):
every endpoint keeps to the caller's scope (404 outside it, nothing changed), a commune fills
and submits its report with PATCH and submit, the owner returns it and compiles the period,
and refused writes (stale, twice, incomplete, out of reach) save nothing."""

from __future__ import annotations

import datetime
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from hoctap.accounts.models import User
from hoctap.api.tests.http import Response
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent, Notification
from hoctap.registry.models import ManagingLevel
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, media_type, token_for
from hoctap.registry.tests.factories import OrganisationFactory
from hoctap.reports import services
from hoctap.reports.figures import summed
from hoctap.reports.models import (
    Plan,
    PlanTask,
    Report,
    ReportingPeriod,
    ReportSubmission,
    TaskProgress,
)
from hoctap.reports.report_forms import FORMS
from hoctap.reports.tests.factories import NARRATIVE, families, report_of, yearly
from hoctap.targets import services as target_services
from hoctap.targets.selectors import dashboard

FAMILY = "learning_family"
HOUSEHOLDS = "households_learning_family"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def national(db: Any) -> None:
    """The national targets (the migration loads them; the live server's tests flush)."""
    target_services.national_targets_load()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


class Api:
    def __init__(self, base_url: str, people: People) -> None:
        self.base_url = base_url
        self.people = people
        self._tokens: dict[str, str] = {}

    def client(self, who: str | None) -> ApiClient:
        """A client signed in as `people.<who>` (anonymous when None)."""
        if who is None:
            return ApiClient(self.base_url)
        if who not in self._tokens:
            user: User = getattr(self.people, who)
            self._tokens[who] = token_for(user)
        return ApiClient(self.base_url, self._tokens[who])

    def tokens(self, *who: str) -> None:
        """Make the tokens first, so a ledger read afterwards is not changed by them."""
        for name in who:
            self.client(name)


@pytest.fixture
def api(live_server: Any, tree: Tree, people: People) -> Api:
    return Api(live_server.url, people)


def vietnamese(message: str) -> str:
    """What the server (Vietnamese by default) answers for a message."""
    with translation.override("vi"):
        return gettext(message)


def assert_problem(response: Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status == status, response.body
    assert media_type(response) == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def form_post(client: ApiClient, path: str, fields: dict[str, Any]) -> Response:
    """POST application/x-www-form-urlencoded, as a page's form without a file does."""
    request = urllib.request.Request(  # noqa: S310 - the live server's URL
        client.base_url + path, data=urllib.parse.urlencode(fields).encode(), method="POST"
    )
    request.add_header("Accept", "application/json")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if client.token:
        request.add_header("Authorization", f"Bearer {client.token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - same
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def this_year() -> int:
    return timezone.localdate().year


def dates(**overrides: Any) -> dict[str, datetime.date]:
    """A period of this year, due in two weeks (tests never depend on the calendar)."""
    today = timezone.localdate()
    values = {
        "starts_on": datetime.date(today.year, 1, 1),
        "ends_on": today,
        "deadline": today + datetime.timedelta(days=14),
    }
    values.update(overrides)
    return values


def opened(people: People, tree: Tree, **overrides: Any) -> ReportingPeriod:
    """Sơn La's yearly period of this year asking Mường Giôn and Tô Hiệu, due in two weeks."""
    return yearly(people, tree, **(dates() | overrides))


def period_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit": "14",
        "cadence": "yearly",
        "form": "commune",
        "units": ["03694", "03646"],
        "note": "Báo cáo kết quả xây dựng xã hội học tập",
        **{key: value.isoformat() for key, value in dates().items()},
    }
    body.update(overrides)
    return body


def ledger() -> tuple[Any, ...]:
    """Everything a write of this API could change."""
    return (
        list(ReportingPeriod.objects.order_by("pk").values_list("pk", "status", "deadline")),
        list(
            Report.objects.order_by("pk").values_list(
                "pk", "state", "revision", "corrections", "narrative", "return_reason"
            )
        ),
        ReportSubmission.objects.count(),
        list(Plan.objects.order_by("pk").values_list("pk", "number", "title")),
        list(PlanTask.objects.order_by("pk").values_list("pk", "title", "progress", "status")),
        TaskProgress.objects.count(),
        AuditEvent.objects.count(),
    )


def fill(client: ApiClient, report_id: int, narrative: dict[str, str] = NARRATIVE) -> Any:
    """Read the report (pre-filling it) and save the narrative; the saved report's JSON."""
    revision = client.get(f"/reports/{report_id}").json()["revision"]
    response = client.call(
        "PATCH", f"/reports/{report_id}", json_body={"revision": revision, "narrative": narrative}
    )
    assert response.status == 200, response.body
    return response.json()


def fill_and_submit(client: ApiClient, report_id: int) -> Any:
    saved = fill(client, report_id)
    response = client.post(f"/reports/{report_id}/submit", {"revision": saved["revision"]})
    assert response.status == 200, response.body
    return response.json()


# -- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/report-forms"),
        ("GET", "/report-periods"),
        ("POST", "/report-periods"),
        ("GET", "/report-periods/{period}"),
        ("POST", "/report-periods/{period}/close"),
        ("GET", "/report-periods/{period}/status"),
        ("GET", "/report-periods/{period}/compiled"),
        ("GET", "/report-periods/{period}/compiled.docx"),
        ("GET", "/report-periods/{period}/compiled.xlsx"),
        ("GET", "/reports"),
        ("GET", "/reports/{report}"),
        ("PATCH", "/reports/{report}"),
        ("POST", "/reports/{report}/refresh"),
        ("POST", "/reports/{report}/submit"),
        ("POST", "/reports/{report}/return"),
        ("GET", "/reports/{report}/submissions"),
        ("GET", "/plans"),
        ("POST", "/plans"),
        ("GET", "/plans/{plan}"),
        ("POST", "/plans/{plan}/tasks"),
        ("POST", "/tasks/{task}/progress"),
    ],
)
def test_an_anonymous_caller_gets_401_and_nothing_changes(
    api: Api, tree: Tree, people: People, method: str, path: str
) -> None:
    # given a period with its reports, a plan and a task
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    plan = services.plan_create(
        people.province_official,
        unit=tree.province,
        number="35/KH-UBND",
        issued_on=datetime.date(2022, 9, 23),
        issuer="UBND tỉnh Sơn La",
        title="Xây dựng xã hội học tập",
        first_year=2021,
        last_year=2030,
    )
    task = services.task_add(people.province_official, plan, title="Tập huấn", assignee="Sở GD")
    before = ledger()
    body = {"revision": report.revision, "reason": "x", "narrative": NARRATIVE}
    # when
    response = api.client(None).call(
        method,
        path.format(period=period.pk, report=report.pk, plan=plan.pk, task=task.pk),
        json_body=body if method != "GET" else None,
    )
    # then
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ledger() == before


# -- report forms -----------------------------------------------------------------------------


def test_the_report_forms_list_their_sections_and_figures(api: Api) -> None:
    body = api.client("commune_official").get("/report-forms").json()

    assert [form["code"] for form in body] == [form.code for form in FORMS]
    commune = body[0]
    with translation.override("vi"):
        assert commune["name"] == str(FORMS[0].name)
        assert [section["title"] for section in commune["sections"]] == [
            str(section.title) for section in FORMS[0].sections
        ]
    assert [section["code"] for section in commune["sections"]] == [
        "results",
        "difficulties",
        "proposals",
        "plans_ahead",
    ]
    assert commune["sections"][-1]["required"] is False
    keys = {figure["key"]: figure for figure in commune["figures"]}
    assert keys[f"recognised.{FAMILY}"]["group"] == "titles"
    assert keys[f"recognised.{FAMILY}"]["entered"] is False
    assert keys[f"numerator.{HOUSEHOLDS}"]["group"] == "indicators"
    assert keys["fund"] == {
        "key": "fund",
        "label": vietnamese("Learning promotion fund raised"),
        "group": "fund",
        "entered": True,
        "unit": "đồng",
    }
    agency = next(form for form in body if form["code"] == "agency")
    assert agency["for_agencies"] is True
    assert [figure["key"] for figure in agency["figures"]] == ["fund"]


# -- periods ----------------------------------------------------------------------------------


def test_the_province_opens_a_period_and_its_communes_are_asked(
    api: Api, tree: Tree, people: People
) -> None:
    # when
    response = api.client("province_official").post("/report-periods", period_body())

    # then the period, a draft for each commune and the province's own compiled report
    assert response.status == 201, response.body
    body = response.json()
    period = ReportingPeriod.objects.get(pk=body["id"])
    assert body["unit"] == {"key": "14", "name": "Tỉnh Sơn La", "level": 1}
    assert (body["cadence"], body["form"], body["status"]) == ("yearly", "commune", "open")
    assert body["deadline"] == period.deadline.isoformat()
    assert body["years"] == [this_year()]
    assert body["note"] == "Báo cáo kết quả xây dựng xã hội học tập"
    assert body["opened_by"] == str(people.province_official)
    rows = [(row["unit"]["key"], row["is_compiled"], row["state"]) for row in body["reports"]]
    assert sorted(rows[:2]) == [("03646", False, "draft"), ("03694", False, "draft")]
    assert rows[2] == ("14", True, "draft")  # the compiled one last
    assert body["compiled_report_id"] == period.reports.get(is_compiled=True).pk
    # and the communes' officials are told
    told = Notification.objects.get(user=people.commune_official)
    assert told.url == f"/reports/{report_of(period, tree.commune).pk}/"
    assert Notification.objects.filter(user=people.other_commune_official).exists()
    assert not Notification.objects.filter(user=people.other_province_official).exists()
    # and the period is in the province's list, not in Thanh Hóa's
    listed = api.client("province_official").get("/report-periods").json()
    assert [item["id"] for item in listed["items"]] == [period.pk]
    assert listed["items"][0]["compiled_report_id"] == body["compiled_report_id"]
    assert api.client("other_province_official").get("/report-periods").json()["count"] == 0
    assert api.client("commune_official").get("/report-periods").json()["count"] == 0
    assert api.client("admin").get("/report-periods").json()["count"] == 1
    closed = api.client("province_official").get("/report-periods", status="closed").json()
    assert closed["count"] == 0


@pytest.mark.parametrize(
    ("who", "changes", "status"),
    [
        ("commune_official", {}, 404),  # the province above is not the commune's to open
        ("other_province_official", {}, 404),
        ("province_official", {"unit": "38"}, 404),  # another province
        ("province_official", {"units": ["03694", "16279"]}, 404),  # a commune of Thanh Hóa
        ("province_official", {"unit": None}, 403),  # the country: administrators only
        ("collector", {}, 404),
        ("citizen", {}, 404),
    ],
)
def test_a_period_out_of_reach_is_refused_and_nothing_is_opened(
    api: Api, who: str, changes: dict[str, Any], status: int
) -> None:
    api.tokens(who)
    before = ledger()

    response = api.client(who).post("/report-periods", period_body(**changes))

    assert_problem(response, status)
    assert ledger() == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"deadline": f"{this_year() - 1}-12-01"}, "deadline", None),
        ({"ends_on": f"{this_year() - 1}-12-31"}, "ends_on", "The period ends before it starts."),
        ({"units": []}, "units", "Choose the units or agencies that must report."),
        ({"form": "agency"}, "form", "Choose a report form."),
        ({"cadence": "weekly"}, "cadence", "Choose the kind of report."),
        ({"cadence": "ad_hoc"}, "subject", "An ad hoc report needs a subject."),
    ],
)
def test_a_bad_period_is_422_with_the_message_and_nothing_is_opened(
    api: Api, changes: dict[str, Any], code: str, message: str | None
) -> None:
    api.tokens("province_official")
    before = ledger()

    response = api.client("province_official").post("/report-periods", period_body(**changes))

    body = assert_problem(response, 422, code)
    if message is not None:
        assert body["detail"] == vietnamese(message)
    assert body["messages"] == [body["detail"]]
    assert ledger() == before


def test_an_invalid_date_is_422_from_the_schema(api: Api) -> None:
    response = api.client("province_official").post(
        "/report-periods", period_body(deadline="31/12/2026")
    )

    body = assert_problem(response, 422)
    assert body["errors"]
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province_official", 200),  # the owner
        ("admin", 200),
        ("commune_official", 404),  # a respondent, not the owner
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("collector", 404),
        ("organisation_head", 404),
    ],
)
@pytest.mark.parametrize("part", ["", "/status", "/compiled"])
def test_the_period_scope_matrix(
    api: Api, tree: Tree, people: People, who: str, status: int, part: str
) -> None:
    period = opened(people, tree)

    response = api.client(who).get(f"/report-periods/{period.pk}{part}")

    if status == 200:
        assert response.status == 200, response.body
        body = response.json()
        assert (body["period"] if part else body)["id"] == period.pk
    else:
        assert_problem(response, status)


def test_a_missing_period_is_404(api: Api) -> None:
    assert_problem(api.client("admin").get("/report-periods/999999"), 404)


def test_only_the_owner_closes_a_period(api: Api, tree: Tree, people: People) -> None:
    period = opened(people, tree)
    api.tokens("commune_official", "other_province_official", "other_commune_official")
    before = ledger()

    # another province, a commune of the province: 404 and nothing changes
    for who in ("other_province_official", "commune_official", "other_commune_official"):
        response = api.client(who).post(f"/report-periods/{period.pk}/close", {})
        assert_problem(response, 404)
        assert ledger() == before

    # the province closes it: its reports can no longer be changed
    response = api.client("province_official").post(f"/report-periods/{period.pk}/close", {})
    assert response.status == 200, response.body
    assert response.json()["status"] == "closed"
    period.refresh_from_db()
    assert period.status == "closed"
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    detail = commune.get(f"/reports/{report.pk}").json()
    assert detail["can_edit"] is False
    response = commune.call(
        "PATCH",
        f"/reports/{report.pk}",
        json_body={"revision": detail["revision"], "narrative": NARRATIVE},
    )
    body = assert_problem(response, 409, "closed")
    assert body["detail"] == vietnamese("This reporting period is closed.")


# -- reports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune_official", 200),  # the same commune fills it
        ("province_official", 200),  # the province above reads it
        ("admin", 200),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("collector", 404),
        ("citizen", 404),
        ("organisation_head", 404),
    ],
)
@pytest.mark.parametrize("part", ["", "/submissions"])
def test_the_report_read_scope_matrix(
    api: Api, tree: Tree, people: People, who: str, status: int, part: str
) -> None:
    period = opened(people, tree)
    report = report_of(period, tree.commune)

    response = api.client(who).get(f"/reports/{report.pk}{part}")

    if status == 200:
        assert response.status == 200, response.body
        if not part:
            assert response.json()["unit"]["key"] == "03694"
        else:
            assert response.json() == []
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_commune_official", 404),  # another commune
        ("other_province_official", 404),
        ("collector", 404),
        ("province_official", 403),  # the province reads the commune's report, never types it
    ],
)
@pytest.mark.parametrize("action", ["save", "refresh", "submit"])
def test_a_report_write_out_of_reach_is_refused_and_nothing_changes(
    api: Api, tree: Tree, people: People, who: str, status: int, action: str
) -> None:
    period = opened(people, tree)
    report = services.report_prepare(people.commune_official, report_of(period, tree.commune))
    report = services.report_save(
        people.commune_official, report, revision=report.revision, narrative=NARRATIVE
    )
    api.tokens(who)
    before = ledger()
    client = api.client(who)

    if action == "save":
        response = client.call(
            "PATCH",
            f"/reports/{report.pk}",
            json_body={"revision": report.revision, "narrative": {"results": "Đổi"}},
        )
    else:
        response = client.post(f"/reports/{report.pk}/{action}", {"revision": report.revision})

    assert_problem(response, status, "scope" if status == 403 else None)
    assert ledger() == before


def test_the_commune_fills_and_submits_its_report(api: Api, tree: Tree, people: People) -> None:
    # given 3 recognised and 1 registered learning families in Bản Hày this year
    families(tree.hamlet, recognised=3, registered=1, year=this_year())
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    year = str(this_year())

    # when the commune reads its report the first time, its figures are the dashboard's
    detail = commune.get(f"/reports/{report.pk}").json()
    shown = dashboard(people.commune_official, tree.commune, this_year()).summary
    prefilled = detail["prefilled"][year]
    for pair in shown.titles:
        assert prefilled[f"registered.{pair.title}"] == pair.registered
        assert prefilled[f"recognised.{pair.title}"] == pair.recognised
    assert (prefilled[f"registered.{FAMILY}"], prefilled[f"recognised.{FAMILY}"]) == (4, 3)
    assert prefilled["fund"] is None
    households = next(row for row in shown.indicators if row.indicator.code == HOUSEHOLDS)
    assert households.next_target is not None
    # The API answers in the interface's language, whatever this test thread has active.
    with translation.override(settings.LANGUAGE_CODE):
        set_by = households.next_target.set_by_name
    assert detail["targets"][year][HOUSEHOLDS] == {
        "value": float(households.next_target.value),
        "set_by": set_by,
    }
    assert detail["state"] == "draft"
    assert detail["can_edit"] is True
    assert detail["can_return"] is False
    assert detail["form"] == "commune"
    assert [section["code"] for section in detail["sections"]][:3] == [
        "results",
        "difficulties",
        "proposals",
    ]
    assert len(detail["missing_sections"]) == 3
    assert detail["prefilled_at"] is not None
    # the same revision on a second read: pre-filling happens once
    assert commune.get(f"/reports/{report.pk}").json()["revision"] == detail["revision"]

    # when it corrects a figure with a note, types the fund and writes the narrative
    response = commune.call(
        "PATCH",
        f"/reports/{report.pk}",
        json_body={
            "revision": detail["revision"],
            "corrections": {
                year: {
                    f"recognised.{FAMILY}": {"value": 4, "note": "Một gia đình công nhận muộn"},
                    "fund": {"value": "12.500.000"},
                }
            },
            "narrative": NARRATIVE,
        },
    )

    # then
    assert response.status == 200, response.body
    saved = response.json()
    assert saved["revision"] == detail["revision"] + 1
    assert saved["corrections"][year][f"recognised.{FAMILY}"] == {
        "value": 4,
        "note": "Một gia đình công nhận muộn",
    }
    assert saved["figures"][year][f"recognised.{FAMILY}"] == 4
    assert saved["figures"][year]["fund"] == 12_500_000
    assert saved["prefilled"][year][f"recognised.{FAMILY}"] == 3  # the data is kept apart
    assert saved["narrative"] == NARRATIVE
    assert saved["missing_sections"] == []
    stored = Report.objects.get(pk=report.pk)
    assert stored.narrative == NARRATIVE
    assert stored.corrections[year]["fund"]["value"] == 12_500_000

    # when it submits
    response = commune.post(f"/reports/{report.pk}/submit", {"revision": saved["revision"]})

    # then the report is frozen as version 1 and the province is told
    assert response.status == 200, response.body
    submitted = response.json()
    assert submitted["state"] == "submitted"
    assert submitted["versions"] == 1
    assert submitted["can_edit"] is False
    assert submitted["submitted_by"] == str(people.commune_official)
    versions = commune.get(f"/reports/{report.pk}/submissions").json()
    assert [version["number"] for version in versions] == [1]
    assert versions[0]["figures"][year][f"recognised.{FAMILY}"] == 4
    assert versions[0]["figures"][year]["fund"] == 12_500_000
    assert versions[0]["narrative"] == NARRATIVE
    assert versions[0]["on_time"] is True
    assert versions[0]["corrections"][year][f"recognised.{FAMILY}"]["note"]
    assert Notification.objects.filter(user=people.province_official).exists()
    # and the province reads it, and may return it
    seen = api.client("province_official").get(f"/reports/{report.pk}").json()
    assert seen["state"] == "submitted"
    assert seen["can_return"] is True
    assert seen["can_edit"] is False


def test_a_stale_revision_is_409_and_nothing_changes(api: Api, tree: Tree, people: People) -> None:
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    stale = commune.get(f"/reports/{report.pk}").json()["revision"]
    fill(commune, report.pk, {"results": "Lần một"})
    before = ledger()

    for method, path, body in (
        ("PATCH", "", {"revision": stale, "narrative": {"results": "Lần hai"}}),
        ("POST", "/submit", {"revision": stale}),
        ("POST", "/refresh", {"revision": stale}),
    ):
        response = commune.call(method, f"/reports/{report.pk}{path}", json_body=body)
        answer = assert_problem(response, 409, "stale")
        assert answer["detail"] == vietnamese(
            "This report was changed by someone else meanwhile. Reload it and try again."
        )
        assert ledger() == before
    assert Report.objects.get(pk=report.pk).narrative == {"results": "Lần một"}


def test_submitting_twice_is_refused_and_a_submitted_report_cannot_be_changed(
    api: Api, tree: Tree, people: People
) -> None:
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    submitted = fill_and_submit(commune, report.pk)
    before = ledger()

    # when it is submitted again with the current revision
    response = commune.post(f"/reports/{report.pk}/submit", {"revision": submitted["revision"]})

    # then it is refused as the report's state does not allow it, and nothing changes
    body = assert_problem(response, 409, "submitted")
    assert body["detail"] == vietnamese("This report has already been submitted.")
    assert ledger() == before
    # nor can it be changed until returned
    response = commune.call(
        "PATCH",
        f"/reports/{report.pk}",
        json_body={"revision": submitted["revision"], "narrative": {"results": "Sửa"}},
    )
    assert_problem(response, 409, "submitted")
    assert ledger() == before
    assert ReportSubmission.objects.filter(report=report).count() == 1


def test_an_incomplete_report_or_bad_figures_are_422_and_nothing_is_saved(
    api: Api, tree: Tree, people: People
) -> None:
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    saved = fill(commune, report.pk, {"results": "Đã làm"})
    year = str(this_year())
    before = ledger()

    # submitting with required sections empty names them
    response = commune.post(f"/reports/{report.pk}/submit", {"revision": saved["revision"]})
    body = assert_problem(response, 422, "incomplete")
    with translation.override("vi"):
        assert str(FORMS[0].sections[1].title) in body["detail"]
    assert ledger() == before

    # every bad figure is listed, none is saved
    response = commune.call(
        "PATCH",
        f"/reports/{report.pk}",
        json_body={
            "revision": saved["revision"],
            "corrections": {
                year: {
                    f"recognised.{FAMILY}": {"value": 4, "note": ""},
                    f"registered.{FAMILY}": {"value": -1, "note": "x"},
                    "fund": {"value": "mười", "note": ""},
                },
                "1999": {"fund": {"value": 1}},
            },
            "narrative": NARRATIVE,
        },
    )
    body = assert_problem(response, 422)
    assert len(body["messages"]) == 4
    assert body["detail"] == " ".join(body["messages"])
    assert ledger() == before

    # an unknown section is refused
    response = commune.call(
        "PATCH",
        f"/reports/{report.pk}",
        json_body={"revision": saved["revision"], "narrative": {"gossip": "x"}},
    )
    assert_problem(response, 422, "narrative")
    assert ledger() == before


def test_the_province_returns_a_report_and_the_commune_submits_it_again(
    api: Api, tree: Tree, people: People
) -> None:
    period = opened(people, tree)
    report = report_of(period, tree.commune)
    commune = api.client("commune_official")
    province = api.client("province_official")
    submitted = fill_and_submit(commune, report.pk)
    revision = submitted["revision"]
    api.tokens("other_province_official", "other_commune_official")
    before = ledger()

    # the commune cannot return its own report; other areas do not see it
    for who, status in (
        ("commune_official", 403),
        ("other_commune_official", 404),
        ("other_province_official", 404),
    ):
        response = api.client(who).post(
            f"/reports/{report.pk}/return", {"revision": revision, "reason": "Sai"}
        )
        assert_problem(response, status)
        assert ledger() == before
    # a return needs a reason
    response = province.post(f"/reports/{report.pk}/return", {"revision": revision, "reason": " "})
    body = assert_problem(response, 422, "reason")
    assert body["detail"] == vietnamese("Say why the report is returned.")
    assert ledger() == before

    # when the province returns it with a reason
    response = province.post(
        f"/reports/{report.pk}/return", {"revision": revision, "reason": "Thiếu số liệu quỹ"}
    )

    # then the commune sees it returned, with the reason, and may change it again
    assert response.status == 200, response.body
    assert response.json()["state"] == "returned"
    seen = commune.get(f"/reports/{report.pk}").json()
    assert seen["state"] == "returned"
    assert seen["return_reason"] == "Thiếu số liệu quỹ"
    assert seen["returned_by"] == str(people.province_official)
    assert seen["can_edit"] is True
    listed = commune.get("/reports", state="returned").json()
    assert [item["id"] for item in listed["items"]] == [report.pk]
    assert Notification.objects.filter(
        user=people.commune_official, message__contains="Thiếu số liệu quỹ"
    ).exists()
    # returning it again is refused: it is no longer submitted
    response = province.post(
        f"/reports/{report.pk}/return", {"revision": seen["revision"], "reason": "Lần nữa"}
    )
    assert_problem(response, 409, "state")

    # submitting it unchanged needs a confirmation
    response = commune.post(f"/reports/{report.pk}/submit", {"revision": seen["revision"]})
    assert_problem(response, 422, "unchanged")
    response = commune.post(
        f"/reports/{report.pk}/submit",
        {"revision": seen["revision"], "confirm_unchanged": True},
    )
    assert response.status == 200, response.body
    assert response.json()["versions"] == 2
    versions = commune.get(f"/reports/{report.pk}/submissions").json()
    assert [version["number"] for version in versions] == [1, 2]

    # and the status board still counts it on time, by its first version
    board = province.get(f"/report-periods/{period.pk}/status").json()
    row = next(row for row in board["rows"] if row["report_id"] == report.pk)
    assert (row["timeliness"], row["versions"], row["state"]) == ("on_time", 2, "submitted")


def test_the_work_list_holds_the_reports_the_caller_fills(
    api: Api, tree: Tree, people: People
) -> None:
    period = opened(people, tree)
    ours = report_of(period, tree.commune)
    theirs = report_of(period, tree.other_commune)

    def listed(who: str, **query: Any) -> list[int]:
        response = api.client(who).get("/reports", **query)
        assert response.status == 200, response.body
        return [item["id"] for item in response.json()["items"]]

    assert listed("commune_official") == [ours.pk]
    assert listed("other_commune_official") == [theirs.pk]
    assert listed("other_province_official") == []
    assert listed("collector") == []
    assert listed("province_official") == []  # it owns the period: the board is its list
    assert sorted(listed("admin")) == sorted([ours.pk, theirs.pk])
    assert listed("commune_official", period=period.pk, state="draft") == [ours.pk]
    assert listed("commune_official", state="submitted") == []
    item = api.client("commune_official").get("/reports").json()["items"][0]
    assert item["period"]["id"] == period.pk
    assert item["period"]["unit"]["key"] == "14"
    assert item["url"] == f"/api/v1/reports/{ours.pk}"


def test_an_agency_is_asked_and_its_head_fills_the_agency_form(
    api: Api, tree: Tree, people: People
) -> None:
    agency = OrganisationFactory.create(
        commune=tree.commune, name="Sở Giáo dục và Đào tạo", managing_level=ManagingLevel.PROVINCE
    )
    far = OrganisationFactory.create(commune=tree.far_commune, name="Sở GD&ĐT Thanh Hóa")
    province = api.client("province_official")
    api.tokens("organisation_head")
    before = ledger()

    # an agency of another province is outside the caller's area
    response = province.post(
        "/report-periods", period_body(units=["03694"], organisations=[agency.pk, far.pk])
    )
    assert_problem(response, 404)
    assert ledger() == before

    # when the province asks Mường Giôn and the department
    response = province.post(
        "/report-periods", period_body(units=["03694"], organisations=[agency.pk])
    )
    assert response.status == 201, response.body
    asked = {row["name"]: row for row in response.json()["reports"]}
    assert asked["Sở Giáo dục và Đào tạo"]["organisation"] == {
        "id": agency.pk,
        "name": "Sở Giáo dục và Đào tạo",
    }
    agency_report = asked["Sở Giáo dục và Đào tạo"]

    # then the organisation head's work list holds the department's report, on the agency form
    head = api.client("organisation_head")
    assert [item["id"] for item in head.get("/reports").json()["items"]] == [agency_report["id"]]
    detail = head.get(f"/reports/{agency_report['id']}").json()
    year = str(this_year())
    assert detail["form"] == "agency"
    assert detail["prefilled"] == {year: {"fund": None}}
    response = head.call(
        "PATCH",
        f"/reports/{agency_report['id']}",
        json_body={
            "revision": detail["revision"],
            "corrections": {year: {"fund": {"value": 300_000}}},
            "narrative": NARRATIVE,
        },
    )
    assert response.status == 200, response.body
    response = head.post(
        f"/reports/{agency_report['id']}/submit", {"revision": response.json()["revision"]}
    )
    assert response.status == 200, response.body
    versions = head.get(f"/reports/{agency_report['id']}/submissions").json()
    assert versions[0]["figures"] == {year: {"fund": 300_000}}
    # and the commune's report is not theirs
    commune_report = asked["Xã Mường Giôn"]["id"]
    assert_problem(head.get(f"/reports/{commune_report}"), 404)


# -- the status board and the compiled report -------------------------------------------------


def test_the_status_board_counts_who_submitted_on_time_late_or_not(
    api: Api, tree: Tree, people: People
) -> None:
    province = api.client("province_official")
    # a period of this year, due in two weeks: one commune submits, the other not yet
    current = opened(people, tree)
    fill_and_submit(api.client("commune_official"), report_of(current, tree.commune).pk)

    board = province.get(f"/report-periods/{current.pk}/status").json()

    assert (board["asked"], board["submitted"], board["on_time"], board["pending"]) == (2, 1, 1, 1)
    assert (board["late"], board["missing"]) == (0, 0)
    assert (board["completeness"], board["timeliness_rate"]) == (50.0, 50.0)
    rows = {row["unit"]["key"]: row for row in board["rows"]}
    assert rows["03694"]["timeliness"] == "on_time"
    assert rows["03694"]["first_submitted_at"] is not None
    assert rows["03694"]["versions"] == 1
    assert rows["03646"]["timeliness"] == "pending"
    assert rows["03646"]["first_submitted_at"] is None
    assert rows["03646"]["timeliness_label"] == vietnamese("Not submitted yet")

    # last year's period, due in January: a submission now is late, the other is missing
    last = this_year() - 1
    past = opened(
        people,
        tree,
        starts_on=datetime.date(last, 1, 1),
        ends_on=datetime.date(last, 12, 31),
        deadline=datetime.date(this_year(), 1, 5),
    )
    fill_and_submit(api.client("other_commune_official"), report_of(past, tree.other_commune).pk)

    board = province.get(f"/report-periods/{past.pk}/status").json()

    assert (board["on_time"], board["late"], board["missing"], board["pending"]) == (0, 1, 1, 0)
    assert (board["completeness"], board["timeliness_rate"]) == (50.0, 0.0)
    rows = {row["unit"]["key"]: row for row in board["rows"]}
    assert rows["03646"]["timeliness"] == "late"
    assert rows["03694"]["timeliness"] == "missing"


def test_the_compiled_totals_are_the_sum_of_the_submitted_reports(
    api: Api, tree: Tree, people: People
) -> None:
    # given families in both communes, each commune submitting its report
    families(tree.hamlet, recognised=3, registered=1, year=this_year())
    families(tree.other_commune_hamlet, recognised=2, year=this_year())
    period = opened(people, tree)
    province = api.client("province_official")
    ours = report_of(period, tree.commune)
    theirs = report_of(period, tree.other_commune)
    year = str(this_year())

    fill_and_submit(api.client("commune_official"), ours.pk)
    compiled = province.get(f"/report-periods/{period.pk}/compiled").json()
    # one submitted: Tô Hiệu is missing, not counted as 0
    assert [row["report_id"] for row in compiled["submitted"]] == [ours.pk]
    assert [row["report_id"] for row in compiled["missing"]] == [theirs.pk]
    assert compiled["totals"][year][f"recognised.{FAMILY}"] == 3

    fill_and_submit(api.client("other_commune_official"), theirs.pk)
    compiled = province.get(f"/report-periods/{period.pk}/compiled").json()

    # then the totals are the sum of the two submitted versions, figure by figure
    versions = [
        api.client("province_official").get(f"/reports/{pk}/submissions").json()[-1]["figures"]
        for pk in (ours.pk, theirs.pk)
    ]
    assert compiled["missing"] == []
    assert compiled["years"] == [year]
    assert compiled["totals"] == summed(versions)[0]
    for key, total in compiled["totals"][year].items():
        if key.split(".")[0] in ("numerator", "denominator"):
            continue  # summed over the reports that gave both (checked by `summed`'s tests)
        parts = [figures[year][key] for figures in versions if figures[year][key] is not None]
        assert total == (sum(parts) if parts else None), key
    assert compiled["totals"][year][f"recognised.{FAMILY}"] == 5
    assert compiled["totals"][year][f"registered.{FAMILY}"] == 6
    assert compiled["given"][year][f"recognised.{FAMILY}"] == 2
    assert compiled["percentages"][year][HOUSEHOLDS] is not None
    assert compiled["own"]["report_id"] == period.reports.get(is_compiled=True).pk
    # and the province's own report sends the same figures
    own = province.get(f"/reports/{compiled['own']['report_id']}").json()
    assert own["is_compiled"] is True
    assert own["figures"] == compiled["totals"]

    # a returned report no longer counts until it comes back
    revision = province.get(f"/reports/{theirs.pk}").json()["revision"]
    response = province.post(
        f"/reports/{theirs.pk}/return", {"revision": revision, "reason": "Kiểm tra lại"}
    )
    assert response.status == 200, response.body
    compiled = province.get(f"/report-periods/{period.pk}/compiled").json()
    assert [row["report_id"] for row in compiled["missing"]] == [theirs.pk]
    assert compiled["totals"][year][f"recognised.{FAMILY}"] == 3


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_compiled_report_downloads_for_the_owner_only(
    api: Api, tree: Tree, people: People, extension: str, content_type: str
) -> None:
    families(tree.hamlet, recognised=2, year=this_year())
    period = opened(people, tree)
    fill_and_submit(api.client("commune_official"), report_of(period, tree.commune).pk)
    path = f"/report-periods/{period.pk}/compiled.{extension}"

    response = api.client("province_official").get(path)

    assert response.status == 200, response.body[:500]
    assert media_type(response) == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f".{extension}" in disposition
    assert response.body.startswith(b"PK")  # a zip: an Office Open XML file
    for who in ("commune_official", "other_province_official", "other_commune_official"):
        assert_problem(api.client(who).get(path), 404)


# -- plans and tasks --------------------------------------------------------------------------


def plan_body(unit: str | None, number: str = "35/KH-UBND", **extra: Any) -> dict[str, Any]:
    return {
        "unit": unit,
        "number": number,
        "issued_on": "2022-09-23",
        "issuer": "Ủy ban nhân dân tỉnh Sơn La",
        "title": "Xây dựng xã hội học tập giai đoạn 2021–2030",
        "first_year": 2021,
        "last_year": 2030,
        **extra,
    }


def test_plans_are_kept_by_their_unit_and_read_below_it(
    api: Api, tree: Tree, people: People
) -> None:
    province = api.client("province_official")
    commune = api.client("commune_official")

    # when the province and the commune record their plans
    response = province.post("/plans", plan_body("14", summary="Mục tiêu đến 2030"))
    assert response.status == 201, response.body
    province_plan = response.json()
    assert province_plan["unit"]["key"] == "14"
    assert province_plan["can_change"] is True
    assert province_plan["tasks"] == []
    assert province_plan["created_by"] == str(people.province_official)
    response = commune.post("/plans", plan_body("03694", "12/KH-UBND"))
    assert response.status == 201, response.body
    commune_plan = response.json()

    def listed(who: str) -> set[int]:
        response = api.client(who).get("/plans")
        assert response.status == 200, response.body
        return {item["id"] for item in response.json()["items"]}

    # then each reads the plans of its units and of those above
    both = {province_plan["id"], commune_plan["id"]}
    assert listed("province_official") == both
    assert listed("commune_official") == both
    assert listed("collector") == both
    assert listed("other_commune_official") == {province_plan["id"]}
    assert listed("other_province_official") == set()
    assert listed("citizen") == set()
    seen = commune.get(f"/plans/{province_plan['id']}").json()
    assert seen["can_change"] is False  # the commune reads the province's plan
    assert_problem(api.client("other_commune_official").get(f"/plans/{commune_plan['id']}"), 404)
    assert_problem(api.client("other_province_official").get(f"/plans/{province_plan['id']}"), 404)


@pytest.mark.parametrize(
    ("who", "unit", "status", "code"),
    [
        ("commune_official", "14", 404, None),  # the province above is outside its area
        ("other_province_official", "14", 404, None),
        ("province_official", "38", 404, None),
        ("commune_official", None, 403, "scope"),  # national plans: administrators
        ("collector", "03694-001", 403, "scope"),  # a collector keeps no plans
        ("province_official", "03694-001", 422, "unit"),  # plans belong to a province or commune
    ],
)
def test_a_plan_out_of_reach_is_refused_and_nothing_is_saved(
    api: Api, who: str, unit: str | None, status: int, code: str | None
) -> None:
    api.tokens(who)
    before = ledger()

    response = api.client(who).post("/plans", plan_body(unit))

    assert_problem(response, status, code)
    assert ledger() == before


def test_a_duplicate_or_incomplete_plan_is_422(api: Api) -> None:
    province = api.client("province_official")
    assert province.post("/plans", plan_body("14")).status == 201
    before = ledger()

    body = assert_problem(province.post("/plans", plan_body("14")), 422, "duplicate")
    assert "35/KH-UBND" in body["detail"]
    assert_problem(province.post("/plans", plan_body("14", "36", title=" ")), 422, "required")
    assert_problem(
        province.post("/plans", plan_body("14", "37", first_year=2030, last_year=2021)),
        422,
        "years",
    )
    assert ledger() == before


def test_tasks_are_added_and_their_progress_recorded(api: Api, tree: Tree, people: People) -> None:
    province = api.client("province_official")
    commune = api.client("commune_official")
    plan = province.post("/plans", plan_body("14")).json()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # when the province assigns a task to Mường Giôn, due yesterday
    response = province.post(
        f"/plans/{plan['id']}/tasks",
        {
            "title": "Tập huấn cán bộ xã",
            "assignee_unit": "03694",
            "deadline": yesterday.isoformat(),
        },
    )

    # then it is overdue, and the commune is told
    assert response.status == 201, response.body
    task = response.json()
    assert task["assignee_unit"]["key"] == "03694"
    assert (task["status"], task["progress"], task["is_overdue"]) == ("not_started", 0, True)
    assert Notification.objects.filter(user=people.commune_official).exists()
    detail = commune.get(f"/plans/{plan['id']}").json()
    assert [item["id"] for item in detail["tasks"]] == [task["id"]]
    assert detail["tasks"][0]["is_overdue"] is True
    assert detail["tasks"][0]["can_record_progress"] is True
    assert detail["overdue_count"] == 1
    assert commune.get("/plans").json()["items"][0]["overdue_count"] == 1

    # the commune reads the plan but adds no task to it; other areas do not see it
    api.tokens("other_province_official", "other_commune_official")
    before = ledger()
    for who, status in (("commune_official", 403), ("other_province_official", 404)):
        response = api.client(who).post(
            f"/plans/{plan['id']}/tasks", {"title": "Việc khác", "assignee": "Sở GD&ĐT"}
        )
        assert_problem(response, status)
        assert ledger() == before
    # a task outside the plan's area, or without anyone in charge, is refused
    assert_problem(
        province.post(f"/plans/{plan['id']}/tasks", {"title": "X", "assignee": ""}),
        422,
        "assignee",
    )
    assert_problem(
        province.post(f"/plans/{plan['id']}/tasks", {"title": "X", "assignee_unit": "16279"}),
        404,
    )
    assert ledger() == before

    # progress: another commune sees the plan but is not in charge; Thanh Hóa does not see it
    for who, status in (("other_commune_official", 403), ("other_province_official", 404)):
        response = form_post(
            api.client(who), f"/tasks/{task['id']}/progress", {"progress": 50, "note": "x"}
        )
        assert_problem(response, status)
        assert ledger() == before
    response = form_post(commune, f"/tasks/{task['id']}/progress", {"progress": 150, "note": "x"})
    assert_problem(response, 422, "progress")
    response = form_post(commune, f"/tasks/{task['id']}/progress", {"progress": 50, "note": " "})
    assert_problem(response, 422, "note")
    assert ledger() == before

    # when the commune records half of it, as a form
    response = form_post(
        commune, f"/tasks/{task['id']}/progress", {"progress": 50, "note": "Đã tập huấn 2 lớp"}
    )
    assert response.status == 201, response.body
    half = response.json()
    assert (half["status"], half["progress"], half["is_overdue"]) == ("in_progress", 50, True)
    assert half["updates"][0]["note"] == "Đã tập huấn 2 lớp"
    assert half["updates"][0]["recorded_by"] == str(people.commune_official)
    assert half["updates"][0]["evidence_url"] is None

    # and then all of it, with the attendance list as evidence
    response = commune.upload(
        f"/tasks/{task['id']}/progress",
        {"progress": "100", "note": "Hoàn thành"},
        "danh-sach.pdf",
        PDF_BYTES,
        field="evidence",
    )
    assert response.status == 201, response.body
    done = response.json()
    assert (done["status"], done["progress"], done["is_overdue"]) == ("done", 100, False)
    latest = done["updates"][0]
    assert latest["evidence_name"] == "danh-sach.pdf"
    stored = PlanTask.objects.get(pk=task["id"])
    assert (stored.progress, stored.status) == (100, "done")

    # the evidence downloads for those who read the plan, not for Thanh Hóa
    path = latest["evidence_url"].removeprefix("/api/v1")
    evidence = province.get(path)
    assert evidence.status == 200, evidence.body
    assert evidence.body == PDF_BYTES
    assert media_type(evidence) == "application/pdf"
    assert "attachment" in evidence.headers["Content-Disposition"]
    assert_problem(api.client("other_province_official").get(path), 404)


def test_a_refused_evidence_file_records_nothing(api: Api, tree: Tree, people: People) -> None:
    plan = api.client("province_official").post("/plans", plan_body("14")).json()
    task = (
        api.client("province_official")
        .post(f"/plans/{plan['id']}/tasks", {"title": "Tập huấn", "assignee_unit": "03694"})
        .json()
    )
    commune = api.client("commune_official")
    before = ledger()

    response = commune.upload(
        f"/tasks/{task['id']}/progress",
        {"progress": "30", "note": "Có ảnh"},
        "virus.exe",
        b"MZ\x90\x00 not a document",
        field="evidence",
    )

    assert_problem(response, 422, "type")
    assert ledger() == before


# -- query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("commune_official", "/api/v1/reports"),
        ("province_official", "/api/v1/report-periods"),
        ("commune_official", "/api/v1/plans"),
    ],
)
def test_the_lists_cost_the_same_queries_whatever_their_length(
    client: Any, tree: Tree, people: People, who: str, path: str
) -> None:
    client.force_login(getattr(people, who))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, response.content
        return len(captured)

    def more(number: int) -> None:
        opened(people, tree, subject=f"Báo cáo {number}", cadence="ad_hoc")
        plan = services.plan_create(
            people.province_official,
            unit=tree.province,
            number=f"{number}/KH-UBND",
            issued_on=datetime.date(2022, 9, 23),
            issuer="UBND tỉnh Sơn La",
            title="Kế hoạch",
            first_year=2021,
            last_year=2030,
        )
        services.task_add(people.province_official, plan, title="Việc", assignee_unit=tree.commune)

    more(1)
    one = queries()
    for number in range(2, 6):
        more(number)
    assert client.get(path).json()["count"] == 5
    assert queries() == one
