"""Registration by the subject itself (issue 4): a citizen whose account is linked to their
registry person registers as a learning citizen, an adult member registers the household as a
learning family, both score, attach evidence and submit; the collector reviews as usual.

Services first (who may register, score, submit; rules switching it off; visibility), then the
pages: “My titles” with its scope matrix, and the subject's access to its assessment page, its
evidence and its steps.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hoctap.accounts import services as account_services
from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import PASSWORD, user_with_role
from hoctap.assessments import permissions, services
from hoctap.assessments.evidence import evidence_attach
from hoctap.assessments.models import (
    Assessment,
    Evidence,
    Score,
    State,
    Title,
    Transition,
    WorkflowRule,
)
from hoctap.assessments.tests.factories import YEAR, answers_for, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.registry.models import Household, Person, Relation, Sex
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

CITIZEN_SET = "cong-dan-hoc-tap"
FAMILY_SET = "gia-dinh-hoc-tap"
SELF_TITLES = (Title.LEARNING_CITIZEN, Title.LEARNING_FAMILY)


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclasses.dataclass
class Family:
    """Lò Văn Ánh's household in tree.hamlet and, next door, Cầm Văn Dũng's."""

    household: Household
    head: Person  # adult, linked to people.citizen
    spouse: Person  # adult, linked to `spouse_user`
    child: Person  # a minor, linked to `child_user`
    spouse_user: User
    child_user: User
    neighbour_household: Household
    neighbour: Person  # adult, linked to `neighbour_user`
    neighbour_user: User


def link(admin: User, user: User, person: Person) -> User:
    """Link through the service, as the account page does; returns the fresh account."""
    return account_services.user_person_link(actor=admin, user=user, person=person)


@pytest.fixture
def family(tree: Tree, people: People) -> Family:
    this_year = timezone.localdate().year
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-100")
    head = PersonFactory.create(
        household=household, full_name="Lò Văn Ánh", relation=Relation.HEAD, birth_year=1980
    )
    spouse = PersonFactory.create(
        household=household,
        full_name="Quàng Thị Bích",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        birth_year=1983,
    )
    child = PersonFactory.create(
        household=household,
        full_name="Lò Văn Cường",
        relation=Relation.CHILD,
        birth_year=this_year - 12,
    )
    neighbour_household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-200")
    neighbour = PersonFactory.create(
        household=neighbour_household, full_name="Cầm Văn Dũng", relation=Relation.HEAD
    )
    people.citizen = link(people.admin, people.citizen, head)
    return Family(
        household=household,
        head=head,
        spouse=spouse,
        child=child,
        spouse_user=link(people.admin, user_with_role(Role.CITIZEN, tree.hamlet, "vo"), spouse),
        child_user=link(people.admin, user_with_role(Role.CITIZEN, tree.hamlet, "con"), child),
        neighbour_household=neighbour_household,
        neighbour=neighbour,
        neighbour_user=link(
            people.admin, user_with_role(Role.CITIZEN, tree.hamlet, "hangxom"), neighbour
        ),
    )


def register_self(user: User, title: str, subject: Any, year: int = YEAR) -> Assessment:
    return services.assessment_register(actor=user, title=title, year=year, subject=subject)


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("giay-khen.jpg", buffer.getvalue(), content_type="image/jpeg")


def first_indicator(assessment: Assessment) -> str:
    return next(iter(services.criteria_set_of(assessment).indicators())).code


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


# -- the rules ------------------------------------------------------------------------------


def test_the_subject_is_a_default_only_for_entry_steps_of_citizens_and_families() -> None:
    for title, actions in permissions.DEFAULT_RULES.items():
        for action, roles in actions.items():
            expected = title in SELF_TITLES and action in (
                permissions.REGISTER,
                permissions.SCORE,
                permissions.SUBMIT,
            )
            assert (permissions.SUBJECT in roles) == expected, (title, action)
    # The officials' part of the shared hamlet-level rules is unchanged.
    for title in SELF_TITLES:
        assert permissions.DEFAULT_RULES[title][permissions.REGISTER][:3] == (
            Role.COLLECTOR,
            Role.COMMUNE_OFFICIAL,
            Role.PROVINCE_OFFICIAL,
        )
        assert permissions.DEFAULT_RULES[title][permissions.RECOGNISE] == (Role.COMMUNE_OFFICIAL,)


# -- registering ----------------------------------------------------------------------------


def test_a_linked_citizen_registers_themself_as_a_learning_citizen(
    family: Family, people: People
) -> None:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)

    assert assessment.person == family.head
    assert assessment.registered_by == people.citizen
    assert assessment.variant == family.head.target_group
    step = Transition.objects.get(assessment=assessment)
    assert (step.actor, step.to_state) == (people.citizen, State.REGISTERED)


def test_an_adult_member_registers_the_household_as_a_learning_family(
    family: Family, people: People
) -> None:
    assessment = register_self(family.spouse_user, Title.LEARNING_FAMILY, family.household)

    assert assessment.household == family.household
    assert assessment.registered_by == family.spouse_user


@pytest.mark.parametrize(
    ("title", "whose"),
    [
        (Title.LEARNING_CITIZEN, "spouse"),
        (Title.LEARNING_CITIZEN, "neighbour"),
        (Title.LEARNING_FAMILY, "neighbour_household"),
    ],
)
def test_a_citizen_cannot_register_another_person_or_household(
    family: Family, people: People, title: str, whose: str
) -> None:
    with pytest.raises(NotPermitted):
        register_self(people.citizen, title, getattr(family, whose))
    assert not Assessment.objects.exists()


def test_a_minor_member_cannot_register_the_household_but_may_register_themself(
    family: Family,
) -> None:
    with pytest.raises(NotPermitted):
        register_self(family.child_user, Title.LEARNING_FAMILY, family.household)
    assert not Assessment.objects.exists()

    own = register_self(family.child_user, Title.LEARNING_CITIZEN, family.child)
    assert own.person == family.child


def test_an_unlinked_or_locked_account_registers_nobody(
    family: Family, people: People, tree: Tree
) -> None:
    unlinked = user_with_role(Role.CITIZEN, tree.hamlet, "chualienket")
    family.neighbour_user.is_active = False
    family.neighbour_user.save(update_fields=["is_active"])

    with pytest.raises(NotPermitted):
        register_self(unlinked, Title.LEARNING_CITIZEN, family.head)
    with pytest.raises(NotPermitted):
        register_self(family.neighbour_user, Title.LEARNING_CITIZEN, family.neighbour)
    with pytest.raises(NotPermitted):
        register_self(AnonymousUser(), Title.LEARNING_CITIZEN, family.head)  # type: ignore[arg-type]
    assert not Assessment.objects.exists()


def test_the_subject_cannot_register_a_title_whose_rules_do_not_list_it(
    family: Family, people: People
) -> None:
    clan_like = make_assessment(
        title=Title.LEARNING_COMMUNITY_HAMLET, household=None, unit=family.household.hamlet
    )
    assert not permissions.can_act(people.citizen, clan_like, permissions.SCORE)
    assert not permissions.can_register(
        people.citizen, Title.LEARNING_CLAN, family.household, family.household.unit_path
    )


def test_registering_oneself_twice_is_refused(family: Family, people: People) -> None:
    register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    with pytest.raises(BusinessError) as refused:
        register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    assert refused.value.code == "duplicate"
    assert Assessment.objects.count() == 1


# -- scoring, evidence, submitting ----------------------------------------------------------


def test_the_subject_scores_attaches_evidence_and_submits_but_does_not_review(
    family: Family, people: People
) -> None:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)

    assessment = services.scores_save(
        actor=people.citizen,
        assessment=assessment,
        version=assessment.version,
        answers=answers_for(CITIZEN_SET),
    )
    evidence = evidence_attach(
        actor=people.citizen,
        assessment=assessment,
        indicator=first_indicator(assessment),
        upload=photo(),
    )
    assert evidence.uploaded_by == people.citizen
    assessment = services.transition(
        actor=people.citizen, assessment=assessment, action="submit", version=assessment.version
    )
    assert assessment.state == State.SUBMITTED
    assert assessment.passed is True

    before = snapshot(assessment)
    with pytest.raises(NotPermitted):
        services.transition(
            actor=people.citizen,
            assessment=assessment,
            action="review",
            version=assessment.version,
        )
    assert snapshot(assessment) == before
    # The hamlet's collector reviews it as any other.
    reviewed = services.transition(
        actor=people.collector, assessment=assessment, action="review", version=assessment.version
    )
    assert reviewed.state == State.REVIEWED


def test_an_adult_member_scores_the_household_the_collector_registered(
    family: Family, people: People
) -> None:
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=family.household
    )
    saved = services.scores_save(
        actor=family.spouse_user,
        assessment=assessment,
        version=assessment.version,
        answers=answers_for(FAMILY_SET),
    )
    submitted = services.transition(
        actor=family.spouse_user, assessment=saved, action="submit", version=saved.version
    )
    assert submitted.state == State.SUBMITTED


def test_neither_a_minor_nor_a_neighbour_scores_the_household(
    family: Family, people: People
) -> None:
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=family.household
    )
    before = snapshot(assessment)
    for user in (family.child_user, family.neighbour_user):
        with pytest.raises(NotPermitted):
            services.scores_save(
                actor=user,
                assessment=assessment,
                version=assessment.version,
                answers=answers_for(FAMILY_SET),
            )
        with pytest.raises(NotPermitted):
            evidence_attach(
                actor=user,
                assessment=assessment,
                indicator=first_indicator(assessment),
                upload=photo(),
            )
        assert not permissions.can_act(user, assessment, permissions.SUBMIT)
    assert snapshot(assessment) == before


def test_a_neighbour_does_not_score_someone_elses_citizen_assessment(
    family: Family, people: People
) -> None:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    for action in permissions.ACTIONS:
        assert not permissions.can_act(family.neighbour_user, assessment, action), action
        assert not permissions.can_act(family.spouse_user, assessment, action), action


# -- the rules are data ---------------------------------------------------------------------


def test_a_province_rule_without_the_subject_switches_self_registration_off_there(
    family: Family, people: People, tree: Tree
) -> None:
    # given Sơn La configured registration of learning citizens without the subject
    WorkflowRule.objects.create(
        title=Title.LEARNING_CITIZEN,
        action=permissions.REGISTER,
        role=Role.COLLECTOR,
        province=tree.province,
    )
    far_person = PersonFactory.create(hamlet=tree.far_hamlet, full_name="Lê Văn Xa")
    far_user = link(
        people.admin, user_with_role(Role.CITIZEN, tree.far_hamlet, "xa.cd"), far_person
    )

    # then the citizen of Sơn La is refused, nothing is created
    with pytest.raises(NotPermitted):
        register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    assert not Assessment.objects.exists()
    # the collector still registers them; the household title keeps its defaults
    register_self(people.collector, Title.LEARNING_CITIZEN, family.head)
    register_self(family.spouse_user, Title.LEARNING_FAMILY, family.household)
    # and Thanh Hóa, which configured nothing, keeps self-registration
    assert register_self(far_user, Title.LEARNING_CITIZEN, far_person).person == far_person


def test_a_rule_row_may_list_the_subject_as_a_role(
    family: Family, people: People, tree: Tree
) -> None:
    # A national rule where only the subject registers learning citizens.
    WorkflowRule.objects.create(
        title=Title.LEARNING_CITIZEN, action=permissions.REGISTER, role=permissions.SUBJECT
    )
    with pytest.raises(NotPermitted):
        register_self(people.collector, Title.LEARNING_CITIZEN, family.head)
    assert register_self(people.citizen, Title.LEARNING_CITIZEN, family.head).person == family.head


def test_the_bulk_rules_cache_gives_the_same_answers(family: Family, people: People) -> None:
    mine = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    theirs = register_self(family.neighbour_user, Title.LEARNING_CITIZEN, family.neighbour)
    cache: permissions.RulesCache = {}
    for assessment in (mine, theirs, mine, theirs):
        for action in permissions.ACTIONS:
            assert permissions.can_act(
                people.citizen, assessment, action, cache=cache
            ) == permissions.can_act(people.citizen, assessment, action), (assessment, action)
    assert permissions.can_act(people.citizen, mine, permissions.SUBMIT, cache=cache)
    assert not permissions.can_act(people.citizen, theirs, permissions.SUBMIT, cache=cache)


# -- visibility -----------------------------------------------------------------------------


def test_a_linked_citizen_sees_their_own_and_their_households_assessments_only(
    family: Family, people: People
) -> None:
    own = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    household = register_self(people.citizen, Title.LEARNING_FAMILY, family.household)
    spouse = register_self(family.spouse_user, Title.LEARNING_CITIZEN, family.spouse)
    neighbour = register_self(family.neighbour_user, Title.LEARNING_CITIZEN, family.neighbour)
    neighbour_family = register_self(
        family.neighbour_user, Title.LEARNING_FAMILY, family.neighbour_household
    )

    assert set(Assessment.objects.visible_to(people.citizen)) == {own, household}
    # A minor sees the family's candidacy (not acting on it); the neighbour only their own.
    assert set(Assessment.objects.visible_to(family.child_user)) == {household}
    assert set(Assessment.objects.visible_to(family.spouse_user)) == {spouse, household}
    assert set(Assessment.objects.visible_to(family.neighbour_user)) == {
        neighbour,
        neighbour_family,
    }
    # The keepers of the hamlet still see all of them.
    assert set(Assessment.objects.visible_to(people.collector)) == {
        own,
        household,
        spouse,
        neighbour,
        neighbour_family,
    }


def test_unlinking_or_locking_the_account_hides_the_assessments(
    family: Family, people: People
) -> None:
    register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    spouse = family.spouse_user
    spouse.is_active = False
    assert not Assessment.objects.visible_to(spouse).exists()

    unlinked = account_services.user_person_link(
        actor=people.admin, user=people.citizen, person=None
    )
    assert not Assessment.objects.visible_to(unlinked).exists()


def test_a_linked_citizen_still_sees_nothing_of_the_registry(
    family: Family, people: People
) -> None:
    assert not Person.objects.visible_to(people.citizen).exists()
    assert not Household.objects.visible_to(people.citizen).exists()


# -- pages ----------------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


MINE = "/assessments/mine/"
MINE_REGISTER = "/assessments/mine/register/"


def this_year() -> int:
    return timezone.localdate().year


def test_the_urls_are_the_named_routes() -> None:
    assert reverse("assessments:mine") == MINE
    assert reverse("assessments:mine_register") == MINE_REGISTER


def test_anonymous_is_sent_to_log_in_and_registers_nothing(family: Family) -> None:
    for response in (
        client_for(None).get(MINE),
        client_for(None).post(
            MINE_REGISTER, {"title": Title.LEARNING_CITIZEN, "year": this_year()}
        ),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "commune_official",
        "province_official",
        "other_commune_official",
        "collector",
        "organisation_head",
        "unlinked_citizen",
    ],
)
def test_accounts_without_a_person_find_no_page_and_register_nothing(
    family: Family, people: People, tree: Tree, who: str
) -> None:
    user = (
        user_with_role(Role.CITIZEN, tree.hamlet, "chualienket")
        if who == "unlinked_citizen"
        else getattr(people, who)
    )
    client = client_for(user)
    assert client.get(MINE).status_code == 404
    response = client.post(MINE_REGISTER, {"title": Title.LEARNING_CITIZEN, "year": this_year()})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_my_titles_lists_own_and_household_assessments_by_year_and_offers_registration(
    family: Family, people: People
) -> None:
    # given last year's proposed citizen title, this year's household registered by the collector
    last_year = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=family.head,
        year=this_year() - 1,
        state=State.PROPOSED,
        passed=True,
        total=92,
    )
    household = services.assessment_register(
        actor=people.collector,
        title=Title.LEARNING_FAMILY,
        year=this_year(),
        subject=family.household,
    )
    neighbour = register_self(
        family.neighbour_user, Title.LEARNING_CITIZEN, family.neighbour, this_year()
    )

    response = client_for(people.citizen).get(MINE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-assessment="{last_year.pk}"' in html
    assert f'data-assessment="{household.pk}"' in html
    assert f'data-assessment="{neighbour.pk}"' not in html
    assert f'data-year="{this_year() - 1}"' in html
    assert f'data-fill-in="{household.pk}"' in html  # the adult may fill the family's in
    assert f'data-fill-in="{last_year.pk}"' not in html  # proposed: nothing to fill in
    assert 'data-passed="1"' in html
    # Not registered yet this year as a citizen: offered; the household: already registered.
    assert 'id="register-learning_citizen"' in html
    assert 'id="register-learning_family"' not in html
    assert 'id="nav-mine"' in html


def test_a_minor_is_offered_only_their_own_registration(family: Family) -> None:
    html = client_for(family.child_user).get(MINE).content.decode()
    assert 'id="register-learning_citizen"' in html
    assert 'id="register-learning_family"' not in html
    assert 'id="household-adult-note"' in html


def test_no_button_where_the_province_switched_self_registration_off(
    family: Family, people: People, tree: Tree
) -> None:
    for title in SELF_TITLES:
        WorkflowRule.objects.create(
            title=title, action=permissions.REGISTER, role=Role.COLLECTOR, province=tree.province
        )
    client = client_for(people.citizen)
    html = client.get(MINE).content.decode()
    assert 'id="register-learning_citizen"' not in html
    assert 'id="register-learning_family"' not in html
    # A forged POST answers like a missing page and creates nothing.
    response = client.post(MINE_REGISTER, {"title": Title.LEARNING_CITIZEN, "year": this_year()})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("title", "subject"), [(Title.LEARNING_CITIZEN, "head"), (Title.LEARNING_FAMILY, "household")]
)
def test_the_register_button_registers_the_subject_and_opens_its_page(
    family: Family, people: People, title: str, subject: str
) -> None:
    response = client_for(people.citizen).post(MINE_REGISTER, {"title": title, "year": this_year()})

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert assessment.subject == getattr(family, subject)
    assert (assessment.title, assessment.year) == (title, this_year())
    assert assessment.registered_by == people.citizen


def test_the_register_button_cannot_name_another_title_or_a_stale_year(
    family: Family, people: People
) -> None:
    client = client_for(people.citizen)
    forged = client.post(MINE_REGISTER, {"title": Title.LEARNING_CLAN, "year": this_year()})
    assert forged.status_code == 404
    stale = client.post(MINE_REGISTER, {"title": Title.LEARNING_CITIZEN, "year": this_year() - 1})
    assert stale.status_code == 422
    assert 'id="mine-error"' in stale.content.decode()
    # Any subject in the form is ignored: the title decides whose candidacy it is.
    client.post(
        MINE_REGISTER,
        {"title": Title.LEARNING_CITIZEN, "year": this_year(), "subject": family.neighbour.pk},
    )
    assert [a.person for a in Assessment.objects.all()] == [family.head]


def test_registering_twice_shows_the_reason_and_adds_nothing(
    family: Family, people: People
) -> None:
    client = client_for(people.citizen)
    data = {"title": Title.LEARNING_CITIZEN, "year": this_year()}
    client.post(MINE_REGISTER, data)
    again = client.post(MINE_REGISTER, data)
    assert again.status_code == 422
    assert 'id="mine-error"' in again.content.decode()
    assert Assessment.objects.count() == 1


def test_a_minor_posting_the_family_button_gets_404_and_nothing(family: Family) -> None:
    response = client_for(family.child_user).post(
        MINE_REGISTER, {"title": Title.LEARNING_FAMILY, "year": this_year()}
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_a_person_without_a_household_is_not_offered_the_family_title(
    people: People, tree: Tree
) -> None:
    alone = PersonFactory.create(hamlet=tree.hamlet, full_name="Lò Thị Một Mình")
    user = link(people.admin, people.citizen, alone)
    client = client_for(user)
    assert 'id="register-learning_family"' not in client.get(MINE).content.decode()
    response = client.post(MINE_REGISTER, {"title": Title.LEARNING_FAMILY, "year": this_year()})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


# -- the assessment page, evidence and steps for the subject --------------------------------


def _own_with_evidence(family: Family, people: People) -> tuple[Assessment, Evidence]:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    evidence = evidence_attach(
        actor=people.citizen,
        assessment=assessment,
        indicator=first_indicator(assessment),
        upload=photo(),
    )
    return assessment, evidence


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("citizen", 200),
        ("collector", 200),
        ("commune_official", 200),
        ("province_official", 200),
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("neighbour_user", 404),
        ("spouse_user", 404),
        ("child_user", 404),
    ],
)
def test_who_opens_the_subjects_assessment_page_and_evidence(
    family: Family, people: People, who: str, status: int
) -> None:
    assessment, evidence = _own_with_evidence(family, people)
    user = getattr(family, who) if who.endswith("_user") else getattr(people, who)
    client = client_for(user)

    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == status
    download = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert download.status_code == status
    dossier = client.get(reverse("assessments:dossier_summary_xlsx", args=[assessment.pk]))
    assert dossier.status_code == status


def test_anonymous_is_sent_to_log_in_from_the_subjects_page_and_evidence(
    family: Family, people: People
) -> None:
    assessment, evidence = _own_with_evidence(family, people)
    for url in (
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:evidence_download", args=[evidence.pk]),
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_subject_scores_attaches_and_submits_through_the_page(
    family: Family, people: People
) -> None:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    client = client_for(people.citizen)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'id="scores-form"' in page
    assert 'id="action-submit"' in page

    data: dict[str, Any] = {"version": assessment.version}
    for code, value in answers_for(CITIZEN_SET).items():
        data[f"value-{code}"] = str(value)
    saved = client.post(reverse("assessments:scores_save", args=[assessment.pk]), data)
    assert saved.status_code == 302
    code = first_indicator(assessment)
    attached = client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"indicator": code, "file": photo()},
    )
    assert attached.status_code == 302
    assessment.refresh_from_db()
    submitted = client.post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"action": "submit", "version": assessment.version},
    )
    assert submitted.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert Evidence.objects.filter(assessment=assessment).count() == 1

    # Reviewing is not offered, and forging it answers 404 with nothing changed.
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'id="action-review"' not in page
    before = snapshot(assessment)
    forged = client.post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"action": "review", "version": assessment.version},
    )
    assert forged.status_code == 404
    assert snapshot(assessment) == before


def test_another_citizen_cannot_write_to_the_subjects_assessment(
    family: Family, people: People
) -> None:
    assessment = register_self(people.citizen, Title.LEARNING_CITIZEN, family.head)
    client = client_for(family.neighbour_user)
    before = snapshot(assessment)
    data: dict[str, Any] = {"version": assessment.version}
    for code, value in answers_for(CITIZEN_SET).items():
        data[f"value-{code}"] = str(value)
    responses = [
        client.post(reverse("assessments:scores_save", args=[assessment.pk]), data),
        client.post(
            reverse("assessments:evidence_upload", args=[assessment.pk]),
            {"indicator": first_indicator(assessment), "file": photo()},
        ),
        client.post(
            reverse("assessments:transition", args=[assessment.pk]),
            {"action": "submit", "version": assessment.version},
        ),
    ]
    assert [response.status_code for response in responses] == [404, 404, 404]
    assert snapshot(assessment) == before


def test_the_minor_sees_the_family_page_read_only(family: Family, people: People) -> None:
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=family.household
    )
    page = client_for(family.child_user).get(reverse("assessments:detail", args=[assessment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="scores-form"' not in html
    assert 'id="action-submit"' not in html


# -- signing in -----------------------------------------------------------------------------


def _sign_in(username: str, **extra: str) -> Any:
    return Client().post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD, **extra}
    )


def test_a_linked_citizen_lands_on_my_titles_after_signing_in(
    family: Family, people: People
) -> None:
    assert _sign_in(people.citizen.username)["Location"] == MINE
    # Opening the site's root first (next=/) still leads there; another page is respected.
    assert _sign_in(people.citizen.username, next="/")["Location"] == MINE
    assert (
        _sign_in(people.citizen.username, next="/accounts/password/")["Location"]
        == "/accounts/password/"
    )


def test_officials_and_unlinked_citizens_still_land_home(
    family: Family, people: People, tree: Tree
) -> None:
    # A collector who is also linked to their own registry row keeps their home page.
    official = link(people.admin, people.collector, PersonFactory.create(hamlet=tree.hamlet))
    assert _sign_in(official.username)["Location"] == reverse("core:home")
    unlinked = user_with_role(Role.CITIZEN, tree.hamlet, "chualienket")
    assert _sign_in(unlinked.username)["Location"] == reverse("core:home")


def test_the_menu_links_my_titles_only_for_linked_accounts(family: Family, people: People) -> None:
    home = reverse("core:home")
    assert 'id="nav-mine"' in client_for(people.citizen).get(home).content.decode()
    assert 'id="nav-mine"' not in client_for(people.collector).get(home).content.decode()
