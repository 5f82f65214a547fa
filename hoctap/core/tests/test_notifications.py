"""The notifications page (the user's own, newest first, marking read) and the unread count
in the header (one COUNT query for a signed-in user, none for an anonymous one)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from hoctap.conftest import People
from hoctap.core.context_processors import notifications as unread_context
from hoctap.core.models import Notification
from hoctap.core.services import notify

pytestmark = pytest.mark.django_db

PAGE = "/notifications/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_the_page_is_where_the_name_says() -> None:
    assert reverse("core:notifications") == PAGE


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(PAGE, {"all": "1"}).status_code == 302


def test_the_page_lists_only_the_users_own_newest_first(people: People) -> None:
    # given two messages for the commune official, one for another official
    notify([people.commune_official], "Báo cáo năm 2025 được yêu cầu.", url="/reports/")
    notify([people.other_commune_official], "Thư của xã khác.")
    notify([people.commune_official], "Báo cáo bị trả lại.")
    older = Notification.objects.get(message="Báo cáo năm 2025 được yêu cầu.")
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    # when the commune official opens the page
    body = signed_in(people.commune_official).get(PAGE).content.decode()
    # then their two, newest first, unread in bold and said in words, with the link
    assert "Thư của xã khác." not in body
    assert body.index("Báo cáo bị trả lại.") < body.index("Báo cáo năm 2025 được yêu cầu.")
    assert body.count(">Unread<") == 2
    assert 'href="/reports/" class="fw-bold"' in body


def test_a_link_outside_the_application_is_not_linked(people: People) -> None:
    notify([people.commune_official], "Lạ.", url="https://example.com/phishing")
    body = signed_in(people.commune_official).get(PAGE).content.decode()
    assert "Lạ." in body
    assert "example.com" not in body


def test_marking_one_read_leaves_the_others(people: People) -> None:
    notify([people.commune_official], "Một.")
    notify([people.commune_official], "Hai.")
    one = Notification.objects.get(message="Một.")
    client = signed_in(people.commune_official)

    response = client.post(PAGE, {"notification": one.pk})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert Notification.objects.get(pk=one.pk).read_at is not None
    assert Notification.objects.get(message="Hai.").read_at is None
    body = client.get(PAGE).content.decode()
    assert body.count(">Unread<") == 1
    assert f'data-mark-read="{one.pk}"' not in body


def test_someone_elses_notification_is_404_and_stays_unread(people: People) -> None:
    notify([people.other_commune_official], "Của người khác.")
    theirs = Notification.objects.get()
    client = signed_in(people.commune_official)

    assert client.post(PAGE, {"notification": theirs.pk}).status_code == 404
    assert client.post(PAGE, {"notification": "abc"}).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_all_read_touches_only_the_users_own(people: People) -> None:
    notify([people.commune_official], "Một.")
    notify([people.commune_official], "Hai.")
    notify([people.other_commune_official], "Của người khác.")
    client = signed_in(people.commune_official)

    response = client.post(PAGE, {"all": "1"})

    assert response.status_code == 302
    assert not people.commune_official.notifications.filter(read_at__isnull=True).exists()
    assert people.other_commune_official.notifications.get().read_at is None
    assert 'id="notifications-read-all"' not in client.get(PAGE).content.decode()


def test_the_header_counts_the_unread(people: People) -> None:
    notify([people.commune_official], "Một.")
    notify([people.commune_official], "Hai.")
    notify([people.other_commune_official], "Của người khác.")
    client = signed_in(people.commune_official)

    assert "Notifications (2)" in client.get(reverse("core:home")).content.decode()
    client.post(PAGE, {"notification": Notification.objects.get(message="Một.").pk})
    assert "Notifications (1)" in client.get(reverse("core:home")).content.decode()
    client.post(PAGE, {"all": "1"})
    assert "Notifications (0)" in client.get(reverse("core:home")).content.decode()


def test_the_count_is_one_query_and_none_for_anonymous(
    people: People, django_assert_num_queries: Any
) -> None:
    notify([people.commune_official], "Một.")
    factory = RequestFactory()
    anonymous = factory.get("/")
    anonymous.user = AnonymousUser()
    signed = factory.get("/")
    signed.user = people.commune_official

    with django_assert_num_queries(0):
        assert unread_context(anonymous) == {"nav_unread_notifications": 0}
    with django_assert_num_queries(1) as queries:
        counter = unread_context(signed)["nav_unread_notifications"]
        assert counter() == 1
        assert counter() == 1
    assert "COUNT(" in queries.captured_queries[0]["sql"].upper()


def test_the_sign_in_page_shows_no_count(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Notifications (" not in body
