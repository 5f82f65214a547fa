"""Registering interest in a title: the public form (three steps without JavaScript, htmx as
an extra), its refusals (a bad hamlet, a bot, a flood from one address), and the collectors'
inbox where a registration is confirmed (registering the assessment) or dismissed, in scope.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import Kind, Level
from hoctap.adminunits.tests import factories as units
from hoctap.assessments.models import Assessment, Title
from hoctap.conftest import People, Tree
from hoctap.core import ratelimit
from hoctap.core.models import Notification
from hoctap.portal import services
from hoctap.portal.models import Interest, InterestStatus
from hoctap.registry.models import Household, Person, Relation
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

NAME = "Lò Thị Hoa"
PHONE = "0912345678"
INTEREST_URL = reverse("portal:interest")
THANKS_URL = reverse("portal:interest_thanks")
INBOX_URL = reverse("portal:interests")


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings: Any) -> None:
    """Each test starts with a full allowance (the counters live in the cache)."""
    cache.clear()
    settings.HOCTAP_INTEREST_RATE_PER_HOUR = 1000


def english(client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(user: User) -> Client:
    client = english()
    client.force_login(user)
    return client


def page_of(response: Any) -> str:
    return str(response.content.decode())


def form_data(tree: Tree, **changes: Any) -> dict[str, Any]:
    data = {
        "hamlet": tree.hamlet.key,
        "title": Title.LEARNING_FAMILY.value,
        "full_name": NAME,
        "birth_year": "1990",
        "phone": PHONE,
        "note": "Chiều tối có nhà",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def place_url(tree: Tree) -> str:
    return f"{INTEREST_URL}?province={tree.province.key}&commune={tree.commune.key}"


def sent(tree: Tree, **changes: Any) -> Interest:
    """A registration as the public form leaves it."""
    values: dict[str, Any] = {
        "hamlet": tree.hamlet,
        "title": Title.LEARNING_FAMILY,
        "full_name": NAME,
        "birth_year": 1990,
        "phone": PHONE,
        "note": "",
        "sender": services.sender_hash("127.0.0.1"),
    }
    values.update(changes)
    return services.interest_submit(**values)


def head_of_household(tree: Tree, name: str = NAME, hamlet: Any = None) -> Household:
    household: Household = HouseholdFactory.create(hamlet=hamlet or tree.hamlet)
    PersonFactory.create(household=household, full_name=name, relation=Relation.HEAD)
    household.refresh_from_db()
    return household


def ended_hamlet(tree: Tree) -> Any:
    """A hamlet of the commune that ended (merged away) on 30/6/2025."""
    return units.AdminUnitFactory.create(
        name="Bản Cũ",
        key="03694-009",
        level=Level.HAMLET,
        kind=Kind.HIGHLAND_VILLAGE,
        parent=tree.commune,
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )


def options_of(page: str, select_id: str) -> str:
    """The HTML between a select's opening tag and its end."""
    start = page.index(f'id="{select_id}"')
    return page[start : page.index("</select>", start)]


# -- the public form, without JavaScript ------------------------------------------------------


def test_the_form_works_without_javascript_through_the_three_steps(tree: Tree) -> None:
    client = english()
    # given: no place chosen, only provinces are offered
    first = page_of(client.get(INTEREST_URL))
    assert "Tỉnh Sơn La" in options_of(first, "id_province")
    assert "Tỉnh Thanh Hóa" in options_of(first, "id_province")
    assert '<option value="' + tree.commune.key not in options_of(first, "id_commune")
    assert 'form="place-form"' in first
    assert 'id="place-form" method="get"' in first
    # when the province is chosen (a plain GET reload), its communes are offered
    second = page_of(client.get(INTEREST_URL, {"province": tree.province.key}))
    communes = options_of(second, "id_commune")
    assert "Xã Mường Giôn" in communes
    assert "Phường Tô Hiệu" in communes
    assert "Xã Nông Cống" not in communes
    assert "Bản Hày" not in options_of(second, "id_hamlet")
    # and once the commune is chosen, its hamlets
    third = page_of(client.get(place_url(tree)))
    hamlets = options_of(third, "id_hamlet")
    assert "Bản Hày" in hamlets
    assert "Bản Cọ" in hamlets
    assert "Tổ dân phố 1" not in hamlets
    assert f'action="{INTEREST_URL}?province={tree.province.key}&amp;commune=' in third
    # then the registration is sent by POST and answered with a redirect (PRG)
    response = client.post(place_url(tree), form_data(tree))
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    interest = Interest.objects.get()
    assert interest.hamlet == tree.hamlet
    assert interest.unit_path == tree.hamlet.path
    assert interest.title == Title.LEARNING_FAMILY
    assert (interest.full_name, interest.birth_year, interest.phone) == (NAME, 1990, PHONE)
    assert interest.note == "Chiều tối có nhà"
    assert interest.year == timezone.localdate().year
    assert interest.status == InterestStatus.NEW
    assert interest.sender == services.sender_hash("127.0.0.1")
    # the thanks page names the hamlet and the given name, nothing more, and only once
    thanks = page_of(client.get(THANKS_URL))
    assert "Thank you, Hoa!" in thanks
    assert "The collector of Bản Hày will contact you" in thanks
    assert "Lò Thị" not in thanks
    assert PHONE not in thanks
    again = page_of(client.get(THANKS_URL))
    assert "Bản Hày" not in again
    assert "Hoa" not in again
    assert "The collector of your hamlet will contact you" in again


def test_the_form_pages_carry_the_public_layout_and_metadata(tree: Tree) -> None:
    page = page_of(english().get(place_url(tree)))
    assert "<title>Register to take part · " in page
    assert '<meta name="description"' in page
    assert f'<link rel="canonical" href="http://testserver{INTEREST_URL}">' in page
    assert 'property="og:title" content="Register to take part"' in page
    # every input of the form has its label
    for field in ("province", "commune", "hamlet", "full_name", "birth_year", "phone", "note"):
        assert f'for="id_{field}"' in page, field
    assert 'for="id_consent"' in page
    assert 'id="consent-text"' in page


def test_a_commune_of_another_province_or_an_unknown_key_is_not_chosen(tree: Tree) -> None:
    client = english()
    crossed = page_of(
        client.get(INTEREST_URL, {"province": tree.province.key, "commune": tree.far_commune.key})
    )
    assert "Thôn Vạn Thắng" not in crossed
    assert "Xã Mường Giôn" in options_of(crossed, "id_commune")
    unknown = client.get(INTEREST_URL, {"province": "nope", "commune": tree.commune.key})
    assert unknown.status_code == 200
    assert "Bản Hày" not in options_of(page_of(unknown), "id_hamlet")


def test_places_gives_htmx_the_options_of_the_next_select(tree: Tree) -> None:
    client = english()
    url = reverse("portal:places")
    # a province: its communes, and the hamlet select emptied out of band
    communes = client.get(
        url,
        {"province": tree.province.key},
        headers={"HX-Request": "true", "HX-Target": "id_commune"},
    )
    body = page_of(communes)
    assert communes.status_code == 200
    assert f'<option value="{tree.commune.key}">Xã Mường Giôn</option>' in body
    assert "Xã Nông Cống" not in body
    assert 'id="id_hamlet" hx-swap-oob="innerHTML"' in body
    assert "<html" not in body
    assert "HX-Request" in communes["Vary"]
    # a commune: its hamlets
    hamlets = page_of(
        client.get(
            url,
            {"province": tree.province.key, "commune": tree.commune.key},
            headers={"HX-Request": "true", "HX-Target": "id_hamlet"},
        )
    )
    assert f'<option value="{tree.hamlet.key}">Bản Hày</option>' in hamlets
    assert "Tổ dân phố 1" not in hamlets
    assert "<html" not in hamlets
    # the commune's placeholder chosen again: no hamlets
    empty = page_of(
        client.get(
            url,
            {"province": tree.province.key, "commune": ""},
            headers={"HX-Request": "true", "HX-Target": "id_hamlet"},
        )
    )
    assert "Bản Hày" not in empty
    assert "Choose the commune first" in empty
    # without htmx: the form at that step
    plain = client.get(url, {"province": tree.province.key, "commune": tree.commune.key})
    assert plain.status_code == 302
    assert plain["Location"] == place_url(tree)


def test_the_form_is_enhanced_with_htmx_on_the_place_selects(tree: Tree) -> None:
    page = page_of(english().get(INTEREST_URL))
    places = reverse("portal:places")
    province = page[
        page.index('id="id_province"') : page.index(">", page.index('id="id_province"'))
    ]
    assert f'hx-get="{places}"' in province
    assert 'hx-target="#id_commune"' in province
    commune = page[page.index('id="id_commune"') : page.index(">", page.index('id="id_commune"'))]
    assert 'hx-target="#id_hamlet"' in commune
    assert 'hx-include="#id_province"' in commune


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["commune", "ended hamlet", "other commune's", "unknown", ""])
def test_a_bad_hamlet_is_refused_and_nothing_saved(tree: Tree, bad: str) -> None:
    ended = ended_hamlet(tree)
    hamlet = {
        "commune": tree.commune.key,
        "ended hamlet": ended.key,
        "other commune's": "03694-xyz",
        "unknown": "nope",
        "": "",
    }[bad]
    response = english().post(place_url(tree), form_data(tree, hamlet=hamlet))
    assert response.status_code == 422
    page = page_of(response)
    assert "Choose your hamlet (thôn, bản, tổ dân phố)." in page
    # what was typed is kept, so the visitor only corrects the place
    assert f'value="{NAME}"' in page
    assert Interest.objects.count() == 0


def test_an_ended_hamlet_is_not_offered(tree: Tree) -> None:
    ended_hamlet(tree)
    assert "Bản Cũ" not in page_of(english().get(place_url(tree)))


def test_the_service_checks_a_hamlet_too(tree: Tree) -> None:
    from hoctap.core.exceptions import BusinessError

    with pytest.raises(BusinessError) as refused:
        sent(tree, hamlet=tree.commune)
    assert "hamlet" in refused.value.message_dict
    assert Interest.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": None}, "Tick the box to agree, otherwise the registration cannot be sent."),
        ({"full_name": ""}, "Write your full name."),
        ({"title": "learning_clan"}, "Select a valid choice."),
        ({"birth_year": "1800"}, "The year of birth is not valid."),
        ({"birth_year": "3000"}, "The year of birth is not valid."),
        ({"phone": "12"}, "The phone number is not valid."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    tree: Tree, changes: dict[str, Any], message: str
) -> None:
    response = english().post(place_url(tree), form_data(tree, **changes))
    assert response.status_code == 422
    assert message in page_of(response)
    assert Interest.objects.count() == 0


def test_a_filled_honeypot_is_dropped_silently(tree: Tree) -> None:
    client = english()
    response = client.post(place_url(tree), form_data(tree, website="http://spam.example"))
    # the bot is answered as a person would be, and nothing is kept
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert Interest.objects.count() == 0
    assert Notification.objects.count() == 0
    thanks = page_of(client.get(THANKS_URL))
    assert "Hoa" not in thanks
    assert "Bản Hày" not in thanks


def test_the_honeypot_is_hidden_from_people(tree: Tree) -> None:
    page = page_of(english().get(place_url(tree)))
    start = page.index('<div class="d-none">')
    assert 'name="website"' in page[start : page.index("</div>", start)]
    assert 'tabindex="-1"' in page[start : page.index("</div>", start)]


def test_the_next_post_over_the_hourly_limit_answers_429_and_saves_nothing(
    tree: Tree, settings: Any
) -> None:
    settings.HOCTAP_INTEREST_RATE_PER_HOUR = 3
    client = english()
    # a refused form does not use up the allowance: a typo is not a flood
    assert client.post(place_url(tree), form_data(tree, full_name="")).status_code == 422
    for number in range(3):
        response = client.post(place_url(tree), form_data(tree, full_name=f"Lò Văn {number}"))
        assert response.status_code == 302
    refused = client.post(place_url(tree), form_data(tree, full_name="Lò Văn Thừa"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = page_of(refused)
    assert 'id="interest-limited"' in page
    assert "Too many registrations were sent from your connection in the last hour" in page
    assert "Lò Văn Thừa" not in page
    assert PHONE not in page
    assert Interest.objects.count() == 3
    assert not Interest.objects.filter(full_name="Lò Văn Thừa").exists()
    # another address still gets through
    other = client.post(place_url(tree), form_data(tree), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Interest.objects.count() == 4


def test_the_rate_limit_window_can_be_an_hour() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    start = 1_700_000_000 - 1_700_000_000 % 3600
    # within one hour the count goes on, minutes apart
    assert ratelimit.allow(request, "hourly", 2, now=start, window=3600)
    assert ratelimit.allow(request, "hourly", 2, now=start + 600, window=3600)
    assert not ratelimit.allow(request, "hourly", 2, now=start + 3000, window=3600)
    # the next hour starts afresh
    assert ratelimit.allow(request, "hourly", 2, now=start + 3600, window=3600)
    # and the default minute window is unchanged and counts apart
    assert ratelimit.allow(request, "hourly", 1, now=start)
    assert not ratelimit.allow(request, "hourly", 1, now=start + 30)
    assert ratelimit.allow(request, "hourly", 1, now=start + 60)


def test_no_names_or_phone_numbers_on_any_public_page(tree: Tree) -> None:
    sent(tree, full_name="Quàng Văn Bí", phone="0987654321", note="Nhà cạnh trường")
    client = english()
    urls = [
        INTEREST_URL,
        f"{INTEREST_URL}?province={tree.province.key}",
        place_url(tree),
        THANKS_URL,
    ]
    pages = [page_of(client.get(url)) for url in urls]
    pages.append(
        page_of(
            client.get(
                reverse("portal:places"),
                {"province": tree.province.key, "commune": tree.commune.key},
                headers={"HX-Request": "true", "HX-Target": "id_hamlet"},
            )
        )
    )
    for page in pages:
        for private in ("Quàng Văn Bí", "Bí", "0987654321", "Nhà cạnh trường"):
            assert private not in page


# -- notifying the collectors -------------------------------------------------------------------


def test_a_new_registration_notifies_the_hamlets_collector_without_the_name(
    tree: Tree, people: People
) -> None:
    english().post(place_url(tree), form_data(tree))
    interest = Interest.objects.get()
    (notification,) = Notification.objects.filter(user=people.collector)
    assert notification.url == reverse("portal:interest_handle", args=[interest.pk])
    assert "Bản Hày" in notification.message
    assert "Hoa" not in notification.message
    assert PHONE not in notification.message
    assert not Notification.objects.filter(user=people.other_commune_official).exists()


def test_without_a_collector_the_communes_officials_are_told(tree: Tree, people: People) -> None:
    english().post(place_url(tree), form_data(tree, hamlet=tree.other_hamlet.key))
    assert Notification.objects.filter(user=people.collector).count() == 0
    assert Notification.objects.filter(user=people.commune_official).count() == 1


# -- the collectors' inbox ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(tree: Tree) -> None:
    interest = sent(tree)
    client = english()
    handle = reverse("portal:interest_handle", args=[interest.pk])
    for url in (INBOX_URL, handle):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(handle, {"action": "dismiss", "reason": "x"})
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW


def test_the_collector_sees_the_registrations_of_their_hamlet(tree: Tree, people: People) -> None:
    interest = sent(tree)
    page = page_of(signed_in(people.collector).get(INBOX_URL))
    assert NAME in page
    assert PHONE in page
    assert "Bản Hày" in page
    assert "Learning family" in page
    assert timezone.localtime(interest.created_at).strftime("%d/%m/%Y %H:%M") in page
    assert 'id="interest-' in page
    assert ">New<" in page


@pytest.mark.parametrize("who", ["collector", "commune_official", "province_official", "admin"])
def test_those_above_the_hamlet_see_it_too(tree: Tree, people: People, who: str) -> None:
    interest = sent(tree)
    client = signed_in(getattr(people, who))
    assert NAME in page_of(client.get(INBOX_URL))
    response = client.get(reverse("portal:interest_handle", args=[interest.pk]))
    assert response.status_code == 200
    assert PHONE in page_of(response)


def other_hamlet_collector(tree: Tree) -> User:
    return user_with_role(Role.COLLECTOR, tree.other_hamlet, "thonkhac")


@pytest.mark.parametrize(
    "who", ["other_hamlet_collector", "other_commune_official", "other_province_official"]
)
def test_outside_the_area_it_is_missing_and_nothing_changes(
    tree: Tree, people: People, who: str
) -> None:
    interest = sent(tree)
    household = head_of_household(tree)
    user = other_hamlet_collector(tree) if who == "other_hamlet_collector" else getattr(people, who)
    client = signed_in(user)
    assert NAME not in page_of(client.get(INBOX_URL))
    assert NAME not in page_of(client.get(INBOX_URL, {"status": "all"}))
    handle = reverse("portal:interest_handle", args=[interest.pk])
    assert client.get(handle).status_code == 404
    assert client.post(handle, {"action": "confirm", "subject": household.pk}).status_code == 404
    assert client.post(handle, {"action": "dismiss", "reason": "spam"}).status_code == 404
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW
    assert interest.handled_by is None
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "organisation_head"])
def test_the_inbox_is_not_for_those_who_handle_none(tree: Tree, people: People, who: str) -> None:
    interest = sent(tree)
    client = signed_in(getattr(people, who))
    assert client.get(INBOX_URL).status_code == 404
    assert client.get(reverse("portal:interest_handle", args=[interest.pk])).status_code == 404


def test_the_inbox_filters_by_status(tree: Tree, people: People) -> None:
    sent(tree, full_name="Lò Văn Mới")
    dismissed = sent(tree, full_name="Lò Văn Bỏ")
    services.interest_dismiss(people.collector, dismissed, reason="Trùng")
    client = signed_in(people.collector)
    new = page_of(client.get(INBOX_URL))
    assert "Lò Văn Mới" in new
    assert "Lò Văn Bỏ" not in new
    only_dismissed = page_of(client.get(INBOX_URL, {"status": "dismissed"}))
    assert "Lò Văn Bỏ" in only_dismissed
    assert "Lò Văn Mới" not in only_dismissed
    everything = page_of(client.get(INBOX_URL, {"status": "all"}))
    assert "Lò Văn Bỏ" in everything
    assert "Lò Văn Mới" in everything
    # an unknown status shows the new ones
    assert "Lò Văn Mới" in page_of(client.get(INBOX_URL, {"status": "bogus"}))


# -- confirming and dismissing ------------------------------------------------------------------


def test_the_search_finds_the_household_whatever_the_diacritics(tree: Tree, people: People) -> None:
    interest = sent(tree)
    mine = head_of_household(tree)
    elsewhere = head_of_household(tree, hamlet=tree.other_hamlet)
    client = signed_in(people.collector)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    # the search starts from the name the visitor gave
    page = page_of(client.get(handle))
    assert f'id="subject-{mine.pk}"' in page
    assert f'id="subject-{elsewhere.pk}"' not in page
    typed = page_of(client.get(handle, {"q": "lo thi hoa"}))
    assert f'id="subject-{mine.pk}"' in typed
    partial = client.get(
        handle, {"q": "LO THI"}, headers={"HX-Request": "true", "HX-Target": "interest-candidates"}
    )
    body = page_of(partial)
    assert f'id="subject-{mine.pk}"' in body
    assert "<html" not in body
    assert f'href="{reverse("registry:household_create")}"' in page


def test_confirming_registers_the_household_for_the_title_and_year(
    tree: Tree, people: People
) -> None:
    interest = sent(tree)
    household = head_of_household(tree)
    client = signed_in(people.collector)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    response = client.post(handle, {"action": "confirm", "subject": household.pk})
    assert response.status_code == 302
    assert response["Location"] == INBOX_URL
    assessment = Assessment.objects.get()
    assert assessment.household == household
    assert (assessment.title, assessment.year) == (Title.LEARNING_FAMILY, interest.year)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.CONFIRMED
    assert interest.assessment == assessment
    assert interest.handled_by == people.collector
    assert interest.handled_at is not None
    page = page_of(client.get(handle))
    assert ">Confirmed<" in page
    assert reverse("assessments:detail", args=[assessment.pk]) in page
    assert 'id="confirm-form"' not in page


def test_confirming_a_learning_citizen_registers_the_person(tree: Tree, people: People) -> None:
    interest = sent(tree, title=Title.LEARNING_CITIZEN)
    person: Person = PersonFactory.create(hamlet=tree.hamlet, full_name=NAME)
    client = signed_in(people.commune_official)
    response = client.post(
        reverse("portal:interest_handle", args=[interest.pk]),
        {"action": "confirm", "subject": person.pk},
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.person == person
    assert assessment.title == Title.LEARNING_CITIZEN
    interest.refresh_from_db()
    assert interest.status == InterestStatus.CONFIRMED


def test_confirming_twice_answers_already_handled_and_registers_once(
    tree: Tree, people: People
) -> None:
    interest = sent(tree)
    household = head_of_household(tree)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    first = signed_in(people.collector)
    second = signed_in(people.commune_official)
    assert first.post(handle, {"action": "confirm", "subject": household.pk}).status_code == 302
    # a double click, or another collector with the page still open
    for client in (first, second):
        response = client.post(handle, {"action": "confirm", "subject": household.pk})
        assert response.status_code == 409
        page = page_of(response)
        assert "This registration has already been handled." in page
        assert ">Confirmed<" in page
    dismissed = second.post(handle, {"action": "dismiss", "reason": "Trùng"})
    assert dismissed.status_code == 409
    assert Assessment.objects.count() == 1
    interest.refresh_from_db()
    assert interest.status == InterestStatus.CONFIRMED
    assert interest.handled_by == people.collector


def test_confirming_needs_a_household_of_the_hamlet(tree: Tree, people: People) -> None:
    interest = sent(tree)
    elsewhere = head_of_household(tree, hamlet=tree.other_hamlet)
    client = signed_in(people.commune_official)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    for data in ({"action": "confirm"}, {"action": "confirm", "subject": elsewhere.pk}):
        response = client.post(handle, data)
        assert response.status_code == 422
        assert "Choose the household from the registry." in page_of(response)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW
    assert Assessment.objects.count() == 0


def test_a_household_already_registered_is_marked_and_refused(tree: Tree, people: People) -> None:
    from hoctap.assessments.services import assessment_register

    interest = sent(tree)
    household = head_of_household(tree)
    assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=interest.year, subject=household
    )
    client = signed_in(people.collector)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    page = page_of(client.get(handle))
    assert f'id="subject-{household.pk}-registered"' in page
    response = client.post(handle, {"action": "confirm", "subject": household.pk})
    assert response.status_code == 422
    assert "already registered for this title in this year" in page_of(response)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW
    assert Assessment.objects.count() == 1


def test_dismissing_needs_a_reason(tree: Tree, people: People) -> None:
    interest = sent(tree)
    client = signed_in(people.collector)
    handle = reverse("portal:interest_handle", args=[interest.pk])
    for reason in ("", "   "):
        response = client.post(handle, {"action": "dismiss", "reason": reason})
        assert response.status_code == 422
        assert "Say why the registration is dismissed." in page_of(response)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW
    response = client.post(handle, {"action": "dismiss", "reason": "Không sống ở bản"})
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == InterestStatus.DISMISSED
    assert interest.dismiss_reason == "Không sống ở bản"
    assert interest.handled_by == people.collector
    assert interest.assessment is None
    assert "Không sống ở bản" in page_of(client.get(handle))


def test_an_unknown_action_is_refused(tree: Tree, people: People) -> None:
    interest = sent(tree)
    response = signed_in(people.collector).post(
        reverse("portal:interest_handle", args=[interest.pk]), {"action": "delete"}
    )
    assert response.status_code == 400
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEW


# -- the pages are valid and accessible HTML ----------------------------------------------------


def test_every_public_page_of_the_form_is_valid_html(tree: Tree, settings: Any) -> None:
    from hoctap.portal.tests.test_public import check_html

    client = english()
    for url in (INTEREST_URL, f"{INTEREST_URL}?province={tree.province.key}", place_url(tree)):
        check_html(client.get(url))
    check_html(client.post(place_url(tree), form_data(tree, full_name="", hamlet="")))
    client.post(place_url(tree), form_data(tree))
    check_html(client.get(THANKS_URL))
    check_html(client.get(THANKS_URL))
    settings.HOCTAP_INTEREST_RATE_PER_HOUR = 1
    limited = client.post(place_url(tree), form_data(tree))
    assert limited.status_code == 429
    check_html(limited)


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_visitor_registers_with_htmx_filling_the_selects(
    live_server: Any, tree: Tree, people: People, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}{INTEREST_URL}")
    page.select_option("#id_province", tree.province.key)
    page.wait_for_selector(f"#id_commune option[value='{tree.commune.key}']", state="attached")
    page.select_option("#id_commune", tree.commune.key)
    page.wait_for_selector(f"#id_hamlet option[value='{tree.hamlet.key}']", state="attached")
    # another province empties the hamlets until its commune is chosen
    page.select_option("#id_province", tree.other_province.key)
    page.wait_for_selector(f"#id_commune option[value='{tree.far_commune.key}']", state="attached")
    assert page.locator(f"#id_hamlet option[value='{tree.hamlet.key}']").count() == 0
    page.select_option("#id_province", tree.province.key)
    page.wait_for_selector(f"#id_commune option[value='{tree.commune.key}']", state="attached")
    page.select_option("#id_commune", tree.commune.key)
    page.wait_for_selector(f"#id_hamlet option[value='{tree.hamlet.key}']", state="attached")
    page.select_option("#id_hamlet", tree.hamlet.key)
    page.check("#id_title_0")
    page.fill("#id_full_name", NAME)
    page.fill("#id_phone", PHONE)
    page.check("#id_consent")
    assert page.is_hidden("#id_website")
    with page.expect_navigation():
        page.click("#interest-submit")
    assert page.url.endswith(THANKS_URL)
    assert "Bản Hày" in page.inner_text("main")
    interest = Interest.objects.get()
    assert (interest.hamlet_id, interest.full_name) == (tree.hamlet.pk, NAME)


@pytest.mark.browser
def test_a_visitor_without_javascript_registers_in_three_steps(
    live_server: Any, tree: Tree, chromium_browser: Any
) -> None:
    context = chromium_browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{INTEREST_URL}")
        page.select_option("#id_province", tree.province.key)
        with page.expect_navigation():
            page.click("#choose-province")
        page.select_option("#id_commune", tree.commune.key)
        with page.expect_navigation():
            page.click("#choose-commune")
        assert f"commune={tree.commune.key}" in page.url
        page.select_option("#id_hamlet", tree.hamlet.key)
        page.check("#id_title_1")
        page.fill("#id_full_name", NAME)
        page.check("#id_consent")
        with page.expect_navigation():
            page.click("#interest-submit")
        assert page.url.endswith(THANKS_URL)
    finally:
        context.close()
    interest = Interest.objects.get()
    assert (interest.hamlet_id, interest.title) == (tree.hamlet.pk, Title.LEARNING_CITIZEN)


# -- query budgets ------------------------------------------------------------------------------


def test_the_pages_read_a_fixed_number_of_queries(
    tree: Tree, people: People, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        sent(
            tree,
            full_name=f"Lò Văn Số {number}",
            hamlet=[tree.hamlet, tree.other_hamlet][number % 2],
        )
    client = english()
    # the chosen province and commune, then the three lists
    with django_assert_max_num_queries(5):
        assert client.get(place_url(tree)).status_code == 200
    collector = signed_in(people.commune_official)
    with django_assert_max_num_queries(8):
        page = page_of(collector.get(INBOX_URL))
    assert "Lò Văn Số 14" in page
