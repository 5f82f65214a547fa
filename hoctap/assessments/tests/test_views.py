"""Assessments pages: the role × scope matrix for every page and POST, workflow steps through
the pages (allowed, forbidden, stale, reason missing), evidence upload, registration, and the
bulk appraisal table (constant query count, all or nothing)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from hoctap.assessments.models import (
    Assessment,
    Deadline,
    Evidence,
    Score,
    State,
    Title,
    Transition,
)
from hoctap.assessments.tests.factories import YEAR, answers_for, full_scores, make_assessment
from hoctap.conftest import People, Tree
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

FAMILY_SET = "gia-dinh-hoc-tap"
# Who sees an assessment of a household in tree.hamlet, and what a GET answers.
PAGE_MATRIX = [
    ("commune_official", 200),
    ("province_official", 200),
    ("collector", 200),
    ("other_commune_official", 404),
    ("other_province_official", 404),
    ("citizen", 404),
]


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def family(hamlet: Any, state: str = State.REGISTERED, **kwargs: Any) -> Assessment:
    """A learning-family assessment of a new household (with a head) in the hamlet."""
    household = HouseholdFactory.create(hamlet=hamlet)
    head = PersonFactory.create(household=household, full_name="Lò Văn Ánh")
    household.head = head
    household.save(update_fields=["head"])
    return make_assessment(household=household, state=state, **kwargs)


def snapshot(assessment: Assessment) -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    assessment.refresh_from_db()
    return (
        assessment.state,
        assessment.version,
        Score.objects.filter(assessment=assessment).count(),
        Evidence.objects.filter(assessment=assessment).count(),
        Transition.objects.filter(assessment=assessment).count(),
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def score_post(assessment: Assessment, points: float | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"version": assessment.version}
    for code, value in answers_for(FAMILY_SET, points).items():
        data[f"value-{code}"] = str(value)
        data[f"note-{code}"] = ""
    return data


# -- the scope matrix -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["work_list", "register", "bulk"])
def test_anonymous_is_sent_to_log_in_from_every_page(name: str, tree: Tree) -> None:
    response = client_for(None).get(reverse(f"assessments:{name}"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("detail", "get"),
        ("scores_save", "post"),
        ("evidence_upload", "post"),
        ("transition", "post"),
    ],
)
def test_anonymous_is_sent_to_log_in_from_every_assessment_url(
    name: str, method: str, tree: Tree
) -> None:
    assessment = family(tree.hamlet)
    before = snapshot(assessment)
    url = reverse(f"assessments:{name}", args=[assessment.pk])
    response = getattr(client_for(None), method)(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert snapshot(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_assessment_page_scope(who: str, status: int, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    response = client_for(getattr(people, who)).get(
        reverse("assessments:detail", args=[assessment.pk])
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_collector_does_not_see_another_hamlets_assessment(tree: Tree, people: People) -> None:
    assessment = family(tree.other_hamlet)
    before = snapshot(assessment)
    client = client_for(people.collector)
    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404
    response = client.post(
        reverse("assessments:scores_save", args=[assessment.pk]), score_post(assessment)
    )
    assert response.status_code == 404
    assert snapshot(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_scores_post_scope(who: str, status: int, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    before = snapshot(assessment)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:scores_save", args=[assessment.pk]), score_post(assessment, 9)
    )
    if status == 404:
        assert response.status_code == 404
        assert snapshot(assessment) == before
    else:
        assert response.status_code == 302
        assert Score.objects.filter(assessment=assessment, points=9).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_evidence_upload_scope(who: str, status: int, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    before = snapshot(assessment)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"indicator": "TC1.1", "file": SimpleUploadedFile("anh.png", png_bytes(), "image/png")},
    )
    if status == 404:
        assert response.status_code == 404
        assert snapshot(assessment) == before
    else:
        assert response.status_code == 302
        evidence = Evidence.objects.get(assessment=assessment)
        assert evidence.indicator == "TC1.1"
        assert evidence.content_type == "image/png"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("commune_official", True),
        ("province_official", False),
        ("collector", False),
        ("other_commune_official", False),
        ("other_province_official", False),
        ("citizen", False),
    ],
)
def test_appraise_post_scope(who: str, allowed: bool, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED)
    before = snapshot(assessment)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"action": "appraise", "version": assessment.version},
    )
    if allowed:
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.state == State.APPRAISED
    else:
        # Not offered to them; a forged step looks like a missing page and changes nothing.
        assert response.status_code == 404
        assert snapshot(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_work_list_shows_only_what_the_user_can_act_on(
    who: str, status: int, tree: Tree, people: People
) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED)
    response = client_for(getattr(people, who)).get(reverse("assessments:work_list"))
    assert response.status_code == 200
    listed = f'data-assessment="{assessment.pk}"' in response.content.decode()
    # Only the commune's officials appraise (the next step of a reviewed assessment).
    assert listed is (who == "commune_official")


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_bulk_page_scope(who: str, status: int, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED)
    response = client_for(getattr(people, who)).get(reverse("assessments:bulk"))
    listed = f'data-assessment="{assessment.pk}"' in response.content.decode()
    # a citizen holds a role but sees no assessment: an empty table
    assert response.status_code == 200
    assert listed is (status == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX)
def test_bulk_post_scope(who: str, status: int, tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED)
    before = snapshot(assessment)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:bulk"),
        {"action": "appraise", "picked": [f"{assessment.pk}:{assessment.version}"]},
    )
    if status == 404:
        assert response.status_code == 404
        assert snapshot(assessment) == before
    elif who == "commune_official":
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.state == State.APPRAISED
    else:
        # They see it but may not appraise: refused with the reason, nothing changed.
        assert response.status_code == 422
        assert f'data-refused="{assessment.pk}"' in response.content.decode()
        assert snapshot(assessment) == before


# -- workflow through the pages -------------------------------------------------------------


@pytest.mark.django_db
def test_assessment_page_shows_set_source_illustrative_badge_and_inputs(
    tree: Tree, people: People
) -> None:
    assessment = family(tree.hamlet)
    response = client_for(people.collector).get(reverse("assessments:detail", args=[assessment.pk]))
    page = response.content.decode()
    assert 'id="illustrative-badge"' in page
    assert 'name="value-TC1.1"' in page
    assert 'accept="image/*,application/pdf,.docx,.xlsx"' in page
    assert 'capture="environment"' in page
    assert f'name="version" value="{assessment.version}"' in page
    # the collector submits; appraising is not theirs, so it is not offered
    assert 'id="action-submit"' in page
    assert 'id="action-appraise"' not in page


@pytest.mark.django_db
def test_checklist_set_shows_met_boxes_and_marks_texts_not_public(
    tree: Tree, people: People
) -> None:
    # given a TT 25 commune assessment (an official checklist set with texts not public)
    assessment = make_assessment(
        unit=tree.commune,
        household=None,
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        criteria_version="tt25-2023",
    )
    client = client_for(people.commune_official)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'id="illustrative-badge"' not in page
    assert 'type="checkbox" name="met-TC1.1"' in page
    assert 'data-not-public="1"' in page
    # when the official ticks one indicator and saves
    response = client.post(
        reverse("assessments:scores_save", args=[assessment.pk]),
        {"version": assessment.version, "met-TC1.1": "on"},
    )
    # then it is met and the others unticked are stored as not met
    assert response.status_code == 302
    scores = dict(Score.objects.filter(assessment=assessment).values_list("indicator", "met"))
    assert scores["TC1.1"] is True
    assert scores["TC1.2"] is False


@pytest.mark.django_db
def test_score_above_maximum_is_refused_with_422_and_nothing_saved(
    tree: Tree, people: People
) -> None:
    assessment = family(tree.hamlet)
    before = snapshot(assessment)
    data = score_post(assessment)
    data["value-TC1.1"] = "99"
    response = client_for(people.collector).post(
        reverse("assessments:scores_save", args=[assessment.pk]), data
    )
    assert response.status_code == 422
    assert 'id="assessment-error"' in response.content.decode()
    assert snapshot(assessment) == before


@pytest.mark.django_db
def test_stale_scores_form_shows_the_conflict_and_saves_nothing(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    data = score_post(assessment, 7)
    data["version"] = assessment.version - 1 if assessment.version > 1 else 99
    before = snapshot(assessment)
    response = client_for(people.collector).post(
        reverse("assessments:scores_save", args=[assessment.pk]), data
    )
    assert response.status_code == 409
    assert 'data-code="stale"' in response.content.decode()
    assert snapshot(assessment) == before


@pytest.mark.django_db
def test_submit_review_appraise_propose_through_the_pages(tree: Tree, people: People) -> None:
    assessment = full_scores(family(tree.hamlet))
    steps = [
        (people.collector, "submit", State.SUBMITTED),
        (people.collector, "review", State.REVIEWED),
        (people.commune_official, "appraise", State.APPRAISED),
    ]
    for actor, action, state in steps:
        assessment.refresh_from_db()
        response = client_for(actor).post(
            reverse("assessments:transition", args=[assessment.pk]),
            {"action": action, "version": assessment.version},
        )
        assert response.status_code == 302, action
        assessment.refresh_from_db()
        assert assessment.state == state
    page = client_for(people.commune_official).get(
        reverse("assessments:detail", args=[assessment.pk])
    )
    content = page.content.decode()
    assert 'id="result"' in content
    for _actor, action, state in steps:
        assert f'data-action="{action}" data-to-state="{state}"' in content


@pytest.mark.django_db
def test_propose_only_what_meets_the_criteria(tree: Tree, people: People) -> None:
    passed = family(tree.hamlet, state=State.APPRAISED, passed=True)
    failed = family(tree.hamlet, state=State.APPRAISED, passed=False)
    client = client_for(people.commune_official)
    url = reverse("assessments:transition", args=[passed.pk])
    assert client.post(url, {"action": "propose", "version": 1}).status_code == 302
    passed.refresh_from_db()
    assert passed.state == State.PROPOSED
    before = snapshot(failed)
    response = client.post(
        reverse("assessments:transition", args=[failed.pk]), {"action": "propose", "version": 1}
    )
    assert response.status_code == 422
    assert 'data-code="not_passed"' in response.content.decode()
    assert snapshot(failed) == before


@pytest.mark.django_db
def test_double_click_takes_the_step_once(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED)
    client = client_for(people.commune_official)
    url = reverse("assessments:transition", args=[assessment.pk])
    data = {"action": "appraise", "version": assessment.version}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 409
    assert Transition.objects.filter(assessment=assessment, action="appraise").count() == 1


@pytest.mark.django_db
def test_step_not_allowed_from_this_state_shows_a_message(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.APPRAISED)
    before = snapshot(assessment)
    response = client_for(people.commune_official).post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"action": "appraise", "version": assessment.version},
    )
    assert response.status_code == 409
    assert 'data-code="state"' in response.content.decode()
    assert snapshot(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_or_reject_without_reason_is_refused(
    action: str, tree: Tree, people: People
) -> None:
    assessment = family(tree.hamlet, state=State.SUBMITTED)
    before = snapshot(assessment)
    response = client_for(people.commune_official).post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"action": action, "version": assessment.version, "reason": "  "},
    )
    assert response.status_code == 422
    assert 'data-code="reason"' in response.content.decode()
    assert snapshot(assessment) == before


@pytest.mark.django_db
def test_returned_assessment_shows_the_reason_and_what_changed_on_resubmission(
    tree: Tree, people: People
) -> None:
    assessment = full_scores(family(tree.hamlet))
    collector, official = client_for(people.collector), client_for(people.commune_official)
    step = reverse("assessments:transition", args=[assessment.pk])
    assert collector.post(step, {"action": "submit", "version": 1}).status_code == 302
    assessment.refresh_from_db()
    reason = "Thiếu ảnh minh chứng chỉ số TC1.1"
    response = official.post(
        step, {"action": "return", "version": assessment.version, "reason": reason}
    )
    assert response.status_code == 302
    page = collector.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'id="return-reason"' in page
    assert reason in page
    assessment.refresh_from_db()
    data = score_post(assessment)
    data["value-TC1.1"] = "6"
    saved = collector.post(reverse("assessments:scores_save", args=[assessment.pk]), data)
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert collector.post(step, {"action": "submit", "version": assessment.version}).status_code
    page = official.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'data-changed-indicator="TC1.1"' in page


# -- evidence -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forbidden_file_type_is_refused_and_nothing_saved(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    before = snapshot(assessment)
    html = SimpleUploadedFile("anh.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    response = client_for(people.collector).post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"indicator": "TC1.1", "file": html},
    )
    assert response.status_code == 422
    assert 'id="assessment-error"' in response.content.decode()
    assert snapshot(assessment) == before


@pytest.mark.django_db
def test_uploaded_photo_is_listed_and_downloadable(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet)
    client = client_for(people.collector)
    client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"indicator": "TC1.1", "file": SimpleUploadedFile("anh.png", png_bytes(), "image/png")},
    )
    evidence = Evidence.objects.get(assessment=assessment)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert reverse("assessments:evidence_download", args=[evidence.pk]) in page
    assert (
        client.get(reverse("assessments:evidence_download", args=[evidence.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_evidence_after_submission_is_refused(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.SUBMITTED)
    before = snapshot(assessment)
    response = client_for(people.collector).post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"indicator": "TC1.1", "file": SimpleUploadedFile("anh.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 409
    assert snapshot(assessment) == before


# -- registration ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_collector_registers_a_household_found_without_diacritics(
    tree: Tree, people: People
) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    head = PersonFactory.create(household=household, full_name="Lò Văn Ánh")
    household.head = head
    household.save(update_fields=["head"])
    client = client_for(people.collector)
    found = client.get(
        reverse("assessments:register"), {"title": Title.LEARNING_FAMILY, "q": "lo van anh"}
    )
    assert f'value="{household.pk}"' in found.content.decode()
    data = {"title": Title.LEARNING_FAMILY, "year": YEAR, "subject": household.pk}
    response = client.post(reverse("assessments:register"), data)
    assessment = Assessment.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    # a second registration is refused with a message
    again = client.post(reverse("assessments:register"), data)
    assert again.status_code == 422
    assert 'id="register-errors"' in again.content.decode()
    assert Assessment.objects.filter(household=household).count() == 1
    # once registered, the picker no longer offers it for that title and year
    query: dict[str, str | int] = {"title": Title.LEARNING_FAMILY, "year": YEAR, "q": "lo van anh"}
    found = client.get(reverse("assessments:register"), query)
    assert f'value="{household.pk}"' not in found.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("title", Title.values)
def test_picker_offers_subjects_of_every_titles_kind(
    title: str, tree: Tree, people: People
) -> None:
    response = client_for(people.province_official).get(
        reverse("assessments:register"), {"title": title, "year": str(YEAR)}
    )
    assert response.status_code == 200
    assert 'id="subject-results"' in response.content.decode()


@pytest.mark.django_db
def test_picker_search_answers_htmx_with_the_results_only(tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-321")
    elsewhere = HouseholdFactory.create(hamlet=tree.other_commune_hamlet, code="HO-322")
    response = client_for(people.commune_official).get(
        reverse("assessments:register"),
        {"title": Title.LEARNING_FAMILY, "q": "ho-32"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="subject-results",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<fieldset id="subject-results"')
    assert f'value="{household.pk}"' in page
    assert f'value="{elsewhere.pk}"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("commune_official", True),
        ("province_official", True),
        ("collector", True),
        ("other_commune_official", False),
        ("other_province_official", False),
    ],
)
def test_registration_scope(who: str, allowed: bool, tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:register"),
        {"title": Title.LEARNING_FAMILY, "year": YEAR, "subject": household.pk},
    )
    assert response.status_code == (302 if allowed else 404)
    assert Assessment.objects.filter(household=household).exists() is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("commune_official", True),
        ("province_official", True),
        ("collector", True),
        ("other_commune_official", False),
        ("citizen", False),
    ],
)
def test_bulk_registration_of_a_hamlet(who: str, allowed: bool, tree: Tree, people: People) -> None:
    households = HouseholdFactory.create_batch(3, hamlet=tree.hamlet)
    HouseholdFactory.create(hamlet=tree.other_hamlet)
    response = client_for(getattr(people, who)).post(
        reverse("assessments:bulk_register"),
        {"title": Title.LEARNING_FAMILY, "year": YEAR, "hamlet": tree.hamlet.key},
    )
    if allowed:
        assert response.status_code == 302
        registered = set(Assessment.objects.values_list("household_id", flat=True))
        assert registered == {household.pk for household in households}
    else:
        assert response.status_code == 404
        assert not Assessment.objects.exists()


# -- work list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_work_list_flags_late_steps_and_filters(tree: Tree, people: People) -> None:
    Deadline.objects.create(title=Title.LEARNING_FAMILY, step=State.SUBMITTED, month=1, day=1)
    late = family(tree.hamlet, year=YEAR - 1)
    clan_title = family(tree.hamlet, year=YEAR - 1)
    client = client_for(people.collector)
    page = client.get(reverse("assessments:work_list")).content.decode()
    assert f'data-assessment="{late.pk}" data-action="submit" data-overdue="1"' in page
    filtered = client.get(
        reverse("assessments:work_list"), {"title": Title.LEARNING_CLAN}
    ).content.decode()
    assert f'data-assessment="{clan_title.pk}"' not in filtered


# -- bulk appraisal -------------------------------------------------------------------------


def _bulk_url(tree: Tree) -> str:
    return (
        f"{reverse('assessments:bulk')}?hamlet={tree.hamlet.key}"
        f"&title={Title.LEARNING_FAMILY}&year={YEAR}"
    )


@pytest.mark.django_db
def test_bulk_page_query_count_does_not_grow_with_rows(
    tree: Tree, people: People, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people.commune_official)
    for _ in range(3):
        family(tree.hamlet, state=State.REVIEWED)
    with CaptureQueriesContext(connection) as small:
        response = client.get(_bulk_url(tree))
    assert response.content.decode().count('name="picked"') == 3
    for _ in range(27):
        family(tree.hamlet, state=State.REVIEWED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_bulk_url(tree))
    assert response.content.decode().count('name="picked"') == 30


@pytest.mark.django_db
def test_bulk_page_shows_totals_levels_and_evidence_counts(tree: Tree, people: People) -> None:
    assessment = family(tree.hamlet, state=State.REVIEWED, total=85, passed=True)
    client = client_for(people.collector)
    # evidence can only be added while registered; the factory places a row directly
    Evidence.objects.create(
        assessment=assessment,
        indicator="TC1.1",
        file="evidence/x.png",
        original_name="x.png",
        content_type="image/png",
        extension=".png",
        size=1,
        sha256="0" * 64,
    )
    page = client.get(_bulk_url(tree)).content.decode()
    row = page.split(f'data-assessment="{assessment.pk}"')[1].split("</tr>")[0]
    assert "85" in row
    assert '<td class="text-end" data-evidence-count>1</td>' in row


@pytest.mark.django_db
def test_bulk_appraisal_is_all_or_nothing(tree: Tree, people: People) -> None:
    ready = [family(tree.hamlet, state=State.REVIEWED) for _ in range(3)]
    not_ready = family(tree.hamlet, state=State.SUBMITTED)
    picked = [f"{a.pk}:{a.version}" for a in [*ready, not_ready]]
    before = [snapshot(a) for a in [*ready, not_ready]]
    client = client_for(people.commune_official)
    response = client.post(_bulk_url(tree), {"action": "appraise", "picked": picked})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'data-refused="{not_ready.pk}"' in page
    assert 'id="bulk-refusals"' in page
    assert [snapshot(a) for a in [*ready, not_ready]] == before
    # without the one that is not ready, all three are appraised in one action
    response = client.post(_bulk_url(tree), {"action": "appraise", "picked": picked[:3]})
    assert response.status_code == 302
    assert {a.state for a in Assessment.objects.filter(pk__in=[a.pk for a in ready])} == {
        State.APPRAISED
    }


@pytest.mark.django_db
def test_bulk_return_needs_a_reason_and_a_stale_row_is_refused(tree: Tree, people: People) -> None:
    first, second = (family(tree.hamlet, state=State.REVIEWED) for _ in range(2))
    client = client_for(people.commune_official)
    picked = [f"{first.pk}:{first.version}", f"{second.pk}:{second.version + 5}"]
    response = client.post(_bulk_url(tree), {"action": "return", "picked": picked[:1]})
    assert response.status_code == 422
    assert f'data-refused="{first.pk}"' in response.content.decode()
    response = client.post(
        _bulk_url(tree), {"action": "return", "reason": "Thiếu minh chứng", "picked": picked}
    )
    assert response.status_code == 422
    assert f'data-refused="{second.pk}"' in response.content.decode()
    first.refresh_from_db()
    assert first.state == State.REVIEWED


@pytest.mark.django_db
def test_bulk_action_on_a_row_out_of_scope_is_404_and_changes_nothing(
    tree: Tree, people: People
) -> None:
    mine = family(tree.hamlet, state=State.REVIEWED)
    theirs = family(tree.other_commune_hamlet, state=State.REVIEWED)
    before = [snapshot(mine), snapshot(theirs)]
    response = client_for(people.commune_official).post(
        reverse("assessments:bulk"),
        {"action": "appraise", "picked": [f"{mine.pk}:{mine.version}", f"{theirs.pk}:1"]},
    )
    assert response.status_code == 404
    assert [snapshot(mine), snapshot(theirs)] == before
