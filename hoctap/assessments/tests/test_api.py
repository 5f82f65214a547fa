"""The assessments and criteria-set API over real HTTP with bearer tokens: the role × scope
matrix for every endpoint, optimistic locking, one endpoint per workflow step (409 when the
state does not allow it), evidence upload and download, and the whole flow."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from hoctap.accounts.models import User
from hoctap.assessments.models import Assessment, Evidence, Score, State, Title, Transition
from hoctap.assessments.permissions import TRANSITION_ACTIONS
from hoctap.assessments.services import TRANSITIONS
from hoctap.assessments.tests.factories import full_scores, make_assessment
from hoctap.conftest import People, Tree
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.registry.models import Household
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, media_type, token_for
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

YEAR = 2026
FAMILY = "gia-dinh-hoc-tap"
# Who takes each step on a learning-family assessment in tree.hamlet.
ACTOR = {
    "submit": "collector",
    "review": "collector",
    "appraise": "commune_official",
    "propose": "commune_official",
    "return": "commune_official",
    "reject": "commune_official",
}
REASON = "Thiếu minh chứng cho chỉ số TC1.2"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def vietnamese(message: str) -> str:
    """What the server (Vietnamese by default) answers for a message."""
    with translation.override("vi"):
        return gettext(message)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    tree: Tree
    people: People
    household: Household  # in tree.hamlet, the collector's; its one adult is a learning citizen
    other_hamlet_household: Household
    other_commune_household: Household
    base_url: str
    _tokens: dict[str, str]

    def client(self, who: str | None) -> ApiClient:
        """An API client signed in as `people.<who>` (anonymous when None)."""
        if who is None:
            return ApiClient(self.base_url)
        if who not in self._tokens:
            user: User = getattr(self.people, who)
            self._tokens[who] = token_for(user)
        return ApiClient(self.base_url, self._tokens[who])

    def assessment(self, state: str = State.REGISTERED, **kwargs: Any) -> Assessment:
        kwargs.setdefault("household", self.household)
        return make_assessment(state=state, **kwargs)


@pytest.fixture
def world(tree: Tree, people: People, live_server: Any) -> World:
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HAY-001")
    adult = PersonFactory.create(household=household, birth_year=1980, is_adult=True)
    # The adult holds "learning citizen", so the family's computed indicator earns full points.
    make_assessment(
        person=adult, household=None, title=Title.LEARNING_CITIZEN, state=State.PROPOSED
    )
    return World(
        tree=tree,
        people=people,
        household=household,
        other_hamlet_household=HouseholdFactory.create(hamlet=tree.other_hamlet, code="CO-001"),
        other_commune_household=HouseholdFactory.create(
            hamlet=tree.other_commune_hamlet, code="TDP1-001"
        ),
        base_url=live_server.url,
        _tokens={},
    )


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    assert media_type(response) == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def upload(client: ApiClient, assessment: Assessment, data: bytes, name: str) -> Any:
    return client.upload(
        f"/assessments/{assessment.pk}/evidence", {"indicator": "TC1.1"}, name, data
    )


def snapshot(assessment: Assessment) -> tuple[Any, ...]:
    """What a refused request must leave unchanged."""
    assessment.refresh_from_db()
    return (
        assessment.state,
        assessment.version,
        sorted(Score.objects.filter(assessment=assessment).values_list("indicator", "points")),
        Evidence.objects.filter(assessment=assessment).count(),
        Transition.objects.filter(assessment=assessment).count(),
    )


# -- anonymous ------------------------------------------------------------------------------

ENDPOINTS: list[tuple[str, str]] = [
    ("GET", "/assessments"),
    ("POST", "/assessments"),
    ("GET", "/assessments/{id}"),
    ("PUT", "/assessments/{id}/scores"),
    ("POST", "/assessments/{id}/evidence"),
    ("GET", "/assessments/{id}/evidence/{evidence}"),
    ("DELETE", "/assessments/{id}/evidence/{evidence}"),
    *[("POST", f"/assessments/{{id}}/{action}") for action in TRANSITION_ACTIONS],
    ("GET", "/criteria-sets"),
    ("GET", f"/criteria-sets/{FAMILY}"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_caller_gets_401_problem_and_nothing_changes(
    world: World, method: str, path: str
) -> None:
    # given
    assessment = world.assessment()
    evidence = upload(world.client("collector"), assessment, png_bytes(), "a.png").json()
    before = snapshot(assessment)
    # when
    response = world.client(None).call(
        method,
        path.format(id=assessment.pk, evidence=evidence["id"]),
        json_body={"version": assessment.version} if method in ("POST", "PUT") else None,
    )
    # then
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(assessment) == before


# -- list and detail ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("admin", {"hamlet", "other_hamlet", "other_commune"}),
        ("province_official", {"hamlet", "other_hamlet", "other_commune"}),
        ("commune_official", {"hamlet", "other_hamlet"}),
        ("collector", {"hamlet"}),
        ("other_commune_official", {"other_commune"}),
        ("other_province_official", set()),
        ("citizen", set()),
    ],
)
def test_list_and_detail_follow_the_callers_scope(
    world: World, who: str, visible: set[str]
) -> None:
    # given one assessment in each place
    assessments = {
        "hamlet": world.assessment(),
        "other_hamlet": world.assessment(household=world.other_hamlet_household),
        "other_commune": world.assessment(household=world.other_commune_household),
    }
    client = world.client(who)
    # when
    listed = client.get("/assessments", title=Title.LEARNING_FAMILY).json()
    # then
    names = {
        place for place, a in assessments.items() if a.pk in {i["id"] for i in listed["items"]}
    }
    assert names == visible
    assert listed["count"] == len(visible)
    for place, assessment in assessments.items():
        response = client.get(f"/assessments/{assessment.pk}")
        if place in visible:
            assert response.status == 200
            assert response.json()["id"] == assessment.pk
        else:
            assert_problem(response, 404)


def test_list_filters_by_title_year_state_and_hamlet(world: World) -> None:
    registered = world.assessment()
    submitted = world.assessment(State.SUBMITTED, household=world.other_hamlet_household)
    last_year = world.assessment(year=YEAR - 1)
    client = world.client("commune_official")

    def ids(**query: Any) -> set[int]:
        response = client.get("/assessments", **query)
        assert response.status == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids(title=Title.LEARNING_FAMILY, year=YEAR) == {registered.pk, submitted.pk}
    assert ids(title=Title.LEARNING_FAMILY, state=State.SUBMITTED) == {submitted.pk}
    assert ids(title=Title.LEARNING_FAMILY, hamlet=world.tree.hamlet.key) == {
        registered.pk,
        last_year.pk,
    }
    assert ids(title=Title.LEARNING_CLAN) == set()
    # a hamlet outside the caller's area is not found, like a missing one
    assert_problem(client.get("/assessments", hamlet=world.tree.far_hamlet.key), 404)


def test_detail_shows_scores_result_evidence_timeline_and_next_steps(world: World) -> None:
    assessment = full_scores(world.assessment(State.SUBMITTED, passed=True, total=90))
    body = world.client("collector").get(f"/assessments/{assessment.pk}").json()
    assert body["state"] == State.SUBMITTED
    assert body["subject_kind"] == "household"
    assert body["subject_id"] == str(world.household.pk)
    assert body["commune"] == world.tree.commune.key
    assert body["passed"] is True
    assert body["total"] == 90
    assert {score["indicator"] for score in body["scores"]} >= {"TC1.1", "TC1.2"}
    assert body["evidence"] == []
    assert body["timeline"] == []
    assert body["actions"] == ["review"]


# -- registration ---------------------------------------------------------------------------


def register_body(subject: Household, title: str = Title.LEARNING_FAMILY) -> dict[str, Any]:
    return {"title": title, "year": YEAR, "subject_kind": "household", "subject_id": subject.pk}


@pytest.mark.parametrize("who", ["collector", "commune_official", "province_official"])
def test_register_in_scope_gives_201_and_a_second_registration_422(world: World, who: str) -> None:
    client = world.client(who)
    # when
    response = client.post("/assessments", register_body(world.household))
    # then
    assert response.status == 201, response.body
    body = response.json()
    assert (body["state"], body["version"], body["subject_name"]) == (
        State.REGISTERED,
        1,
        Assessment.objects.get(pk=body["id"]).subject_name,
    )
    assert [step["action"] for step in body["timeline"]] == ["register"]
    # a second registration is refused with the service's message
    again = assert_problem(client.post("/assessments", register_body(world.household)), 422)
    assert again["detail"] == vietnamese(
        "This subject is already registered for this title in this year."
    )
    assert Assessment.objects.filter(household=world.household).count() == 1


@pytest.mark.parametrize(
    ("who", "place"),
    [
        ("other_commune_official", "household"),
        ("other_province_official", "household"),
        ("collector", "other_hamlet_household"),
        ("commune_official", "other_commune_household"),
        ("citizen", "household"),
    ],
)
def test_register_a_subject_out_of_scope_gives_404_and_creates_nothing(
    world: World, who: str, place: str
) -> None:
    subject = getattr(world, place)
    response = world.client(who).post("/assessments", register_body(subject))
    assert_problem(response, 404)
    assert not Assessment.objects.filter(household=subject).exists()


def test_register_in_scope_without_the_role_gives_403(world: World) -> None:
    # a system administrator sees everything but takes part only where a rule lists the role
    response = world.client("admin").post("/assessments", register_body(world.household))
    assert_problem(response, 403)
    assert not Assessment.objects.filter(household=world.household).exists()


def test_register_refuses_a_title_for_another_kind_of_subject(world: World) -> None:
    response = world.client("commune_official").post(
        "/assessments", register_body(world.household, Title.LEARNING_CLAN)
    )
    assert_problem(response, 422)
    invalid = world.client("commune_official").post(
        "/assessments", {**register_body(world.household), "title": "nonsense"}
    )
    assert_problem(invalid, 422)
    assert not Assessment.objects.filter(household=world.household).exists()


# -- scores ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("collector", 200),
        ("commune_official", 200),
        ("province_official", 200),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
    ],
)
def test_scores_scope_matrix(world: World, who: str, status: int) -> None:
    assessment = world.assessment()
    before = snapshot(assessment)
    response = world.client(who).put(
        f"/assessments/{assessment.pk}/scores",
        {"version": assessment.version, "answers": {"TC1.1": 8}, "notes": {"TC1.1": "Đủ"}},
    )
    if status == 200:
        assert response.status == 200, response.body
        body = response.json()
        assert body["version"] == assessment.version + 1
        score = next(s for s in body["scores"] if s["indicator"] == "TC1.1")
        assert (score["points"], score["note"]) == (8, "Đủ")
    else:
        assert_problem(response, status)
        assert snapshot(assessment) == before


def test_collector_cannot_score_in_another_hamlet(world: World) -> None:
    assessment = world.assessment(household=world.other_hamlet_household)
    before = snapshot(assessment)
    response = world.client("collector").put(
        f"/assessments/{assessment.pk}/scores", {"version": 1, "answers": {"TC1.1": 8}}
    )
    assert_problem(response, 404)
    assert snapshot(assessment) == before


def test_scores_stale_version_wrong_state_and_out_of_range(world: World) -> None:
    client = world.client("collector")
    assessment = world.assessment()
    path = f"/assessments/{assessment.pk}/scores"
    assert client.put(path, {"version": 1, "answers": {"TC1.1": 8}}).status == 200
    # a stale version is refused
    before = snapshot(assessment)
    assert assert_problem(client.put(path, {"version": 1, "answers": {"TC1.1": 2}}), 409)
    # a score above the indicator's maximum names the indicator
    too_high = assert_problem(client.put(path, {"version": 2, "answers": {"TC1.1": 11}}), 422)
    assert "TC1.1" in too_high["detail"]
    unknown = assert_problem(client.put(path, {"version": 2, "answers": {"XX9": 1}}), 422)
    assert "XX9" in unknown["detail"]
    assert snapshot(assessment) == before
    # once submitted, scores are frozen
    submitted = world.assessment(
        State.SUBMITTED, household=HouseholdFactory(hamlet=world.tree.hamlet)
    )
    frozen = client.put(
        f"/assessments/{submitted.pk}/scores", {"version": 1, "answers": {"TC1.1": 8}}
    )
    assert_problem(frozen, 409)


# -- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("collector", 201),
        ("commune_official", 201),
        ("province_official", 201),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
    ],
)
def test_evidence_upload_scope_matrix(world: World, who: str, status: int) -> None:
    assessment = world.assessment()
    response = upload(world.client(who), assessment, png_bytes(), "giay-khen.png")
    if status == 201:
        assert response.status == 201, response.body
        body = response.json()
        assert (body["indicator"], body["content_type"]) == ("TC1.1", "image/png")
        assert body["download_url"] == f"/api/v1/assessments/{assessment.pk}/evidence/{body['id']}"
    else:
        assert_problem(response, status)
    assert Evidence.objects.filter(assessment=assessment).count() == (status == 201)


def test_evidence_refuses_a_forbidden_type_and_a_file_too_large(
    world: World, settings: Any
) -> None:
    client = world.client("collector")
    assessment = world.assessment()
    html = assert_problem(upload(client, assessment, b"<html><script></script>", "a.jpg"), 422)
    assert html["detail"]
    settings.HOCTAP_EVIDENCE_MAX_BYTES = 100
    assert_problem(upload(client, assessment, png_bytes() + b"\0" * 200, "b.png"), 422)
    assert not Evidence.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("collector", 200),
        ("commune_official", 200),
        ("province_official", 200),
        ("admin", 200),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
    ],
)
def test_evidence_download_scope_matrix(world: World, who: str, status: int) -> None:
    assessment = world.assessment()
    data = png_bytes()
    evidence = upload(world.client("collector"), assessment, data, "giay-khen.pdf").json()
    response = world.client(who).call(
        "GET", f"/assessments/{assessment.pk}/evidence/{evidence['id']}"
    )
    if status == 200:
        assert response.status == 200
        assert response.content_type == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.body.startswith(b"\x89PNG")
    else:
        assert_problem(response, status)


def test_evidence_of_another_assessment_is_not_found_through_this_one(world: World) -> None:
    client = world.client("collector")
    mine = world.assessment()
    other = world.assessment(household=HouseholdFactory(hamlet=world.tree.hamlet))
    evidence = upload(client, other, png_bytes(), "a.png").json()
    assert_problem(client.call("GET", f"/assessments/{mine.pk}/evidence/{evidence['id']}"), 404)
    assert_problem(client.call("DELETE", f"/assessments/{mine.pk}/evidence/{evidence['id']}"), 404)
    assert Evidence.objects.filter(pk=evidence["id"]).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("collector", 204),
        ("commune_official", 204),
        ("province_official", 204),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
    ],
)
def test_evidence_remove_scope_matrix(world: World, who: str, status: int) -> None:
    assessment = world.assessment()
    evidence = upload(world.client("collector"), assessment, png_bytes(), "a.png").json()
    response = world.client(who).call(
        "DELETE", f"/assessments/{assessment.pk}/evidence/{evidence['id']}"
    )
    if status == 204:
        assert response.status == 204
    else:
        assert_problem(response, status)
    assert Evidence.objects.filter(pk=evidence["id"]).exists() == (status != 204)


def test_evidence_cannot_be_removed_once_submitted(world: World) -> None:
    client = world.client("collector")
    assessment = world.assessment()
    evidence = upload(client, assessment, png_bytes(), "a.png").json()
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)
    assert_problem(
        client.call("DELETE", f"/assessments/{assessment.pk}/evidence/{evidence['id']}"), 409
    )
    assert_problem(upload(client, assessment, png_bytes() + b"x", "b.png"), 409)
    assert Evidence.objects.filter(assessment=assessment).count() == 1


# -- workflow -------------------------------------------------------------------------------


def ready_for(world: World, action: str) -> Assessment:
    """A fully scored assessment in the first state the action may start from."""
    from_state = TRANSITIONS[action][0][0]
    assessment = world.assessment(from_state, passed=True, total=100)
    return full_scores(assessment)


@pytest.mark.parametrize("action", TRANSITION_ACTIONS)
def test_each_step_is_allowed_once_and_409_the_second_time(world: World, action: str) -> None:
    # given
    assessment = ready_for(world, action)
    client = world.client(ACTOR[action])
    path = f"/assessments/{assessment.pk}/{action}"
    # when
    response = client.post(path, {"version": assessment.version, "reason": REASON})
    # then
    assert response.status == 200, response.body
    body = response.json()
    assert body["state"] == TRANSITIONS[action][1]
    assert body["version"] == assessment.version + 1
    assert body["timeline"][-1]["action"] == action
    assert body["timeline"][-1]["actor"] == getattr(world.people, ACTOR[action]).username
    # the same step again, with the new version: the state no longer allows it
    before = snapshot(assessment)
    again = assert_problem(client.post(path, {"version": body["version"], "reason": REASON}), 409)
    assert again["detail"]
    assert snapshot(assessment) == before


@pytest.mark.parametrize("action", TRANSITION_ACTIONS)
def test_a_stale_version_gives_409_and_changes_nothing(world: World, action: str) -> None:
    assessment = ready_for(world, action)
    before = snapshot(assessment)
    response = world.client(ACTOR[action]).post(
        f"/assessments/{assessment.pk}/{action}",
        {"version": assessment.version - 1 or 99, "reason": REASON},
    )
    body = assert_problem(response, 409)
    assert body["detail"]
    assert snapshot(assessment) == before


@pytest.mark.parametrize("action", TRANSITION_ACTIONS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
        ("organisation_head", 404),
    ],
)
def test_a_step_outside_the_callers_area_gives_404_and_changes_nothing(
    world: World, action: str, who: str, status: int
) -> None:
    assessment = ready_for(world, action)
    before = snapshot(assessment)
    response = world.client(who).post(
        f"/assessments/{assessment.pk}/{action}",
        {"version": assessment.version, "reason": REASON},
    )
    assert_problem(response, status)
    assert snapshot(assessment) == before


@pytest.mark.parametrize("action", [a for a in TRANSITION_ACTIONS if a != "submit"])
def test_a_step_in_scope_but_not_permitted_gives_403(world: World, action: str) -> None:
    # the hamlet branch reviews and the commune decides: each sees the other's steps but may
    # not take them (every local keeper may submit, so that step has no such case)
    who = "commune_official" if ACTOR[action] == "collector" else "collector"
    assessment = ready_for(world, action)
    before = snapshot(assessment)
    response = world.client(who).post(
        f"/assessments/{assessment.pk}/{action}",
        {"version": assessment.version, "reason": REASON},
    )
    assert_problem(response, 403)
    assert snapshot(assessment) == before


def test_collector_of_another_hamlet_gets_404(world: World) -> None:
    assessment = world.assessment(State.SUBMITTED, household=world.other_hamlet_household)
    before = snapshot(assessment)
    response = world.client("collector").post(
        f"/assessments/{assessment.pk}/review", {"version": assessment.version}
    )
    assert_problem(response, 404)
    assert snapshot(assessment) == before


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_and_reject_need_a_reason(world: World, action: str) -> None:
    assessment = ready_for(world, action)
    before = snapshot(assessment)
    response = world.client("commune_official").post(
        f"/assessments/{assessment.pk}/{action}", {"version": assessment.version, "reason": " "}
    )
    body = assert_problem(response, 422)
    assert body["detail"] == vietnamese("Give the reason.")
    assert snapshot(assessment) == before


def test_a_transition_without_a_version_is_invalid_input(world: World) -> None:
    assessment = ready_for(world, "review")
    response = world.client("collector").post(f"/assessments/{assessment.pk}/review", {})
    body = assert_problem(response, 422)
    assert body["errors"]


def test_the_full_flow_through_the_api(world: World) -> None:
    collector = world.client("collector")
    official = world.client("commune_official")
    # register
    created = collector.post("/assessments", register_body(world.household))
    assert created.status == 201, created.body
    assessment_id = created.json()["id"]
    version = created.json()["version"]
    path = f"/assessments/{assessment_id}"
    # scores: full marks for every typed-in indicator (the computed one comes from the registry)
    criteria = collector.get(f"/criteria-sets/{FAMILY}", year=YEAR).json()
    answers = {
        indicator["code"]: indicator["max_points"]
        for criterion in criteria["criteria"]
        for indicator in criterion["indicators"]
        if indicator["computed"] is None
    }
    scored = collector.put(f"{path}/scores", {"version": version, "answers": answers})
    assert scored.status == 200, scored.body
    version = scored.json()["version"]
    # evidence
    attached = upload(collector, Assessment.objects.get(pk=assessment_id), png_bytes(), "a.png")
    assert attached.status == 201, attached.body
    # submit, review (hamlet branch), appraise, propose (commune)
    for client, action, state in [
        (collector, "submit", State.SUBMITTED),
        (collector, "review", State.REVIEWED),
        (official, "appraise", State.APPRAISED),
        (official, "propose", State.PROPOSED),
    ]:
        response = client.post(f"{path}/{action}", {"version": version, "reason": ""})
        assert response.status == 200, (action, response.body)
        body = response.json()
        assert body["state"] == state
        version = body["version"]
    # then
    final = official.get(path).json()
    assert final["passed"] is True
    assert final["total"] == 100
    assert [step["action"] for step in final["timeline"]] == [
        "register",
        "submit",
        "review",
        "appraise",
        "propose",
    ]
    assert len(final["evidence"]) == 1
    assert final["actions"] == []
    listed = official.get(
        "/assessments", title=Title.LEARNING_FAMILY, state=State.PROPOSED, year=YEAR
    ).json()
    assert [item["id"] for item in listed["items"]] == [assessment_id]
    assert listed["items"][0]["evidence_count"] == 1


# -- criteria sets --------------------------------------------------------------------------


def stored_version(province: Any, version: str) -> CriteriaSetVersion:
    text = next(p for p in loader.shipped_files() if p.name.startswith(FAMILY)).read_text("utf-8")
    return CriteriaSetVersion.objects.create(
        code=FAMILY,
        version=version,
        province=province,
        valid_from=datetime.date(YEAR, 1, 1),
        yaml_text=text.replace("version: minh-hoa-qd448", f"version: {version}"),
    )


@pytest.mark.parametrize("who", ["citizen", "collector", "commune_official", "province_official"])
def test_criteria_sets_list_shipped_and_the_callers_province_versions(
    world: World, who: str
) -> None:
    stored_version(world.tree.province, "son-la-2026")
    stored_version(world.tree.other_province, "thanh-hoa-2026")
    response = world.client(who).get("/criteria-sets")
    assert response.status == 200
    rows = response.json()
    shipped = {row["code"] for row in rows if row["origin"] == "shipped"}
    assert shipped == {s.code for s in loader.shipped_sets()}
    stored = [(row["version"], row["province"]) for row in rows if row["origin"] == "stored"]
    assert stored == [("son-la-2026", world.tree.province.key)]
    family = next(row for row in rows if row["code"] == FAMILY and row["origin"] == "shipped")
    assert (family["subject_kind"], family["mode"], family["status"]) == (
        "household",
        "points",
        "illustrative",
    )
    assert family["source"]["issuer"]


def test_criteria_set_detail_is_the_version_in_force_for_the_callers_province(
    world: World,
) -> None:
    stored_version(world.tree.other_province, "thanh-hoa-2026")
    mine = world.client("commune_official").get(f"/criteria-sets/{FAMILY}", year=YEAR).json()
    assert mine["version"] == "minh-hoa-qd448"
    stored_version(world.tree.province, "son-la-2026")
    mine = world.client("commune_official").get(f"/criteria-sets/{FAMILY}", year=YEAR).json()
    assert mine["version"] == "son-la-2026"
    theirs = world.client("other_province_official").get(f"/criteria-sets/{FAMILY}", year=YEAR)
    assert theirs.json()["version"] == "thanh-hoa-2026"
    # criteria -> indicators with wording, maximum, evidence hints and computed ones flagged
    first = mine["criteria"][0]["indicators"][0]
    assert first["code"] == "TC1.1"
    assert first["max_points"] == 10
    assert first["text"]
    assert first["evidence_hint"]
    assert first["not_public"] is False
    computed = next(i for c in mine["criteria"] for i in c["indicators"] if i["code"] == "TC2.1")
    assert computed["computed"]["source"] == "household.adult_learning_citizen_share"
    assert mine["pass_rule"] == {"min_total": 80, "min_each": 5}


def test_an_unknown_criteria_set_is_404(world: World) -> None:
    assert_problem(world.client("commune_official").get("/criteria-sets/khong-co"), 404)
