"""Writes of the portal: articles and materials (draft, publish now or later, withdraw), and the
registrations of interest (sent by visitors, confirmed or dismissed by the hamlet's collector).

Every write checks the actor (`permissions`), carries the revision its form was built from
(a stale form is refused with `ConflictError`), and leaves an audit event. Uploads go through
the same checks as the assessments' evidence (size, type sniffed from the bytes, photos
re-encoded without their metadata); links must be http(s); HTML is sanitised on the way in.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import evidence
from hoctap.assessments.models import Title
from hoctap.assessments.services import assessment_register
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record, notify
from hoctap.core.text import normalize_text, search_key
from hoctap.portal.models import (
    Article,
    ArticleKind,
    Audience,
    Interest,
    InterestStatus,
    Licence,
    Material,
    MaterialFormat,
    Publishable,
    Status,
    Topic,
)
from hoctap.portal.permissions import can_edit_for, can_handle_interest
from hoctap.portal.sanitising import clean_html, plain_text

IMAGE_KINDS = frozenset({evidence.JPEG, evidence.PNG, evidence.WEBP})
ATTACHMENT_KINDS = frozenset({evidence.PDF, evidence.DOCX, evidence.XLSX})
MATERIAL_KINDS = frozenset(
    {evidence.PDF, evidence.DOCX, evidence.XLSX, evidence.PPTX, evidence.JPEG, evidence.PNG}
)
# Formats given by a link, never a file kept here.
LINK_FORMATS = (MaterialFormat.VIDEO, MaterialFormat.AUDIO, MaterialFormat.LINK)


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def check_link(url: str) -> str:
    """An http(s) address with a host, or BusinessError (no javascript:, data:, file:…)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BusinessError(
            _("A link must be a web address starting with http:// or https://."), code="url"
        )
    return url


def _store(
    field: Any, upload: Any, allowed: frozenset[evidence.FileKind], refusal: str
) -> evidence.PreparedFile:
    """Check the upload and save it into the file field (under a random name); the file it
    replaces is deleted once the transaction commits (kept if it rolls back)."""
    prepared = evidence.evidence_prepare(upload=upload, allowed=allowed, refusal=refusal)
    replaced, storage = field.name, field.storage
    field.save(
        f"{uuid.uuid4().hex}{prepared.kind.extension}", ContentFile(prepared.data), save=False
    )
    if replaced:
        transaction.on_commit(lambda: storage.delete(replaced))
    return prepared


def _check_revision(item: Publishable, revision: int | None) -> None:
    if revision is not None and item.revision != revision:
        raise ConflictError(
            _("This page was changed by someone else meanwhile. Reload it and try again."),
            code="stale",
        )


def _check_editor(actor: Any, unit: AdminUnit | None) -> None:
    if not can_edit_for(actor, unit):
        raise BusinessError(_("You do not write the pages of this unit."), code="scope")


# -- articles ---------------------------------------------------------------------------------


@transaction.atomic
def article_save(
    actor: Any,
    *,
    article: Article | None = None,
    unit: AdminUnit | None = None,
    revision: int | None = None,
    values: Mapping[str, Any],
    image: Any = None,
    attachment: Any = None,
) -> Article:
    """Create (`article` None, for `unit`) or change an article; it stays in its status.

    `values`: kind, title, summary, body (HTML, sanitised here), image_alt, document_number,
    issued_on, issuer, starts_on, ends_on, place."""
    if article is None:
        _check_editor(actor, unit)
        article = Article(unit=unit, unit_path=unit.path if unit is not None else "")
        article.created_by = _by(actor)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        _check_editor(actor, article.unit)
        _check_revision(article, revision)
    errors: dict[str, str] = {}
    kind = values.get("kind") or article.kind
    if kind not in ArticleKind.values:
        errors["kind"] = _("Choose what kind of page this is.")
    title = normalize_text(str(values.get("title") or ""))
    if not title:
        errors["title"] = _("A page needs a title.")
    body = clean_html(str(values.get("body") or ""))
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if kind == ArticleKind.EVENT and starts_on is None:
        errors["starts_on"] = _("An event needs the day it starts.")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The event ends before it starts.")
    image_alt = normalize_text(str(values.get("image_alt") or ""))
    if (image is not None or article.image) and not image_alt:
        errors["image_alt"] = _("Describe the image for people who cannot see it.")
    if errors:
        raise BusinessError(errors, code="invalid")
    article.kind = kind
    article.title = title[:300]
    article.summary = normalize_text(str(values.get("summary") or ""))[:500]
    article.body = body
    article.image_alt = image_alt[:300]
    for field in ("document_number", "issuer", "place"):
        setattr(article, field, normalize_text(str(values.get(field) or ""))[:255])
    article.issued_on = values.get("issued_on")
    article.starts_on, article.ends_on = starts_on, ends_on
    if image is not None:
        _store(
            article.image,
            image,
            IMAGE_KINDS,
            _("An image must be a photo (JPEG, PNG or WebP)."),
        )
    if attachment is not None:
        article.attachment_name = _store(
            article.attachment,
            attachment,
            ATTACHMENT_KINDS,
            _("An attached file must be a PDF, Word (.docx) or Excel (.xlsx) file."),
        ).original_name
    article.slug = slugify(search_key(title))[:120] or "trang"
    article.search_text = search_key(f"{title} {article.summary} {plain_text(body)}")
    article.revision += 1
    article.save()
    audit_event_record(
        actor=actor, action="portal.article_save", obj=article, unit_path=article.unit_path
    )
    return article


# -- materials --------------------------------------------------------------------------------


@transaction.atomic
def material_save(
    actor: Any,
    *,
    material: Material | None = None,
    unit: AdminUnit | None = None,
    revision: int | None = None,
    values: Mapping[str, Any],
    file: Any = None,
) -> Material:
    """Create or change a learning material: a file kept here or an http(s) link.

    `values`: title, description, topic, audience, format, url, licence, author, centre."""
    if material is None:
        _check_editor(actor, unit)
        material = Material(unit=unit, unit_path=unit.path if unit is not None else "")
        material.created_by = _by(actor)
    else:
        material = Material.objects.select_for_update().get(pk=material.pk)
        _check_editor(actor, material.unit)
        _check_revision(material, revision)
    errors: dict[str, str] = {}
    title = normalize_text(str(values.get("title") or ""))
    if not title:
        errors["title"] = _("A material needs a title.")
    for field, choices in (
        ("topic", Topic.values),
        ("audience", Audience.values),
        ("format", MaterialFormat.values),
    ):
        if values.get(field) not in choices:
            errors[field] = _("Choose one of the list.")
    if values.get("licence") not in Licence.values:
        errors["licence"] = _("Say under which licence it may be used.")
    url = str(values.get("url") or "").strip()
    if url:
        try:
            url = check_link(url)
        except BusinessError as error:
            errors["url"] = error.messages[0]
    link_format = values.get("format") in LINK_FORMATS
    if link_format and not url:
        errors["url"] = _("A video, audio or web page is given by its link.")
    if not link_format and file is None and not material.file and not url:
        errors["file"] = _("Attach the file or give a link to it.")
    centre = values.get("centre")
    if centre is not None and not centre.unit_path.startswith(material.unit_path):
        errors["centre"] = _("The learning centre is outside this unit.")
    if errors:
        raise BusinessError(errors, code="invalid")
    material.title = title[:300]
    material.description = normalize_text(str(values.get("description") or ""))[:5000]
    material.topic = values["topic"]
    material.audience = values["audience"]
    material.format = values["format"]
    material.licence = values["licence"]
    material.author = normalize_text(str(values.get("author") or ""))[:255]
    material.url = url
    material.centre = centre
    if file is not None:
        prepared = _store(
            material.file,
            file,
            MATERIAL_KINDS,
            _(
                "A material file must be a PDF, Word, Excel or PowerPoint (.pptx) file or a "
                "photo; give videos as links."
            ),
        )
        material.file_name = prepared.original_name
        material.file_size = len(prepared.data)
        material.file_type = prepared.kind.content_type
    material.search_text = search_key(f"{title} {material.description} {material.author}")
    material.revision += 1
    material.save()
    audit_event_record(
        actor=actor, action="portal.material_save", obj=material, unit_path=material.unit_path
    )
    return material


# -- publishing (articles and materials alike) --------------------------------------------------


@transaction.atomic
def publish(
    actor: Any,
    item: Publishable,
    *,
    revision: int | None = None,
    at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Publishable:
    """Publish now, or from `at` (scheduled); publishing again moves the time."""
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    _check_editor(actor, locked.unit)
    _check_revision(locked, revision)
    now = now or timezone.now()
    if at is not None and at < now - datetime.timedelta(minutes=5):
        raise BusinessError(_("A publishing time cannot be in the past."), code="publish_at")
    locked.status = Status.PUBLISHED
    locked.publish_at = at or now
    locked.published_by = _by(actor)
    locked.revision += 1
    locked.save(update_fields=["status", "publish_at", "published_by", "revision", "updated_at"])
    audit_event_record(
        actor=actor,
        action="portal.publish",
        obj=locked,
        unit_path=locked.unit_path,
        data={"at": locked.publish_at.isoformat()},
    )
    return locked


@transaction.atomic
def withdraw(actor: Any, item: Publishable, *, revision: int | None = None) -> Publishable:
    """Back to draft: no longer public."""
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    _check_editor(actor, locked.unit)
    _check_revision(locked, revision)
    locked.status = Status.DRAFT
    locked.revision += 1
    locked.save(update_fields=["status", "revision", "updated_at"])
    audit_event_record(
        actor=actor, action="portal.withdraw", obj=locked, unit_path=locked.unit_path
    )
    return locked


# -- registrations of interest ----------------------------------------------------------------


def sender_hash(address: str) -> str:
    """A keyed hash of the client address (not reversible without the secret key)."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


@transaction.atomic
def interest_submit(
    *,
    hamlet: AdminUnit,
    title: str,
    full_name: str,
    birth_year: int | None = None,
    phone: str = "",
    note: str = "",
    sender: str = "",
    year: int | None = None,
) -> Interest:
    """A visitor's registration of interest (the view rate-limits it per address)."""
    errors: dict[str, str] = {}
    if hamlet.level != Level.HAMLET or not hamlet.is_current:
        errors["hamlet"] = _("Choose your hamlet (thôn, bản, tổ dân phố).")
    if title not in (Title.LEARNING_FAMILY, Title.LEARNING_CITIZEN):
        errors["title"] = _("Choose the title you want to take part in.")
    full_name = normalize_text(full_name)
    if len(full_name) < 2:
        errors["full_name"] = _("Write your full name.")
    this_year = timezone.localdate().year
    if birth_year is not None and not 1900 <= birth_year <= this_year:
        errors["birth_year"] = _("The year of birth is not valid.")
    phone = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if phone and not 9 <= len(phone.lstrip("+")) <= 12:
        errors["phone"] = _("The phone number is not valid.")
    if errors:
        raise BusinessError(errors, code="invalid")
    interest = Interest.objects.create(
        hamlet=hamlet,
        unit_path=hamlet.path,
        title=title,
        year=year or this_year,
        full_name=full_name[:150],
        birth_year=birth_year,
        phone=phone[:20],
        note=normalize_text(note)[:500],
        sender=sender,
    )
    audit_event_record(
        actor=None, action="portal.interest_submit", obj=interest, unit_path=interest.unit_path
    )
    # Written in the interface's language, whatever the visitor reads the portal in; no name
    # in it, as it may go out by e-mail.
    with translation.override(settings.LANGUAGE_CODE):
        message = _("New registration of interest in %(hamlet)s (%(title)s).") % {
            "hamlet": hamlet.name,
            "title": Title(interest.title).label,
        }
    notify(
        collectors_of(hamlet),
        message,
        url=reverse("portal:interest_handle", args=[interest.pk]),
    )
    return interest


def collectors_of(hamlet: AdminUnit) -> list[Any]:
    """Who is told of a new registration: the collectors of the hamlet or of its commune, or,
    where there is none, the commune's officials."""
    assignments = RoleAssignment.objects.active()
    ids = assignments.filter(
        unit__in=[hamlet.pk, hamlet.parent_id], role=Role.COLLECTOR
    ).values_list("user_id")
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if not users:
        ids = assignments.filter(unit=hamlet.parent_id, role=Role.COMMUNE_OFFICIAL).values_list(
            "user_id"
        )
        users = list(User.objects.filter(pk__in=ids, is_active=True))
    return users


def _handled(actor: Any, interest: Interest) -> Interest:
    locked = Interest.objects.select_for_update().select_related("hamlet").get(pk=interest.pk)
    if not can_handle_interest(actor, locked):
        raise BusinessError(_("This registration is outside your area."), code="scope")
    if locked.status != InterestStatus.NEW:
        raise ConflictError(_("This registration has already been handled."), code="handled")
    return locked


@transaction.atomic
def interest_confirm(actor: Any, interest: Interest, *, subject: Any) -> Interest:
    """Register `subject` (the household or person of the registry the collector matched)
    for the title and year asked; the registration of interest is then confirmed."""
    locked = _handled(actor, interest)
    if getattr(subject, "unit_path", "") != locked.unit_path:
        raise BusinessError(
            _("Choose a household or person of %(hamlet)s.") % {"hamlet": locked.hamlet.name},
            code="subject",
        )
    assessment = assessment_register(
        actor=actor, title=locked.title, year=locked.year, subject=subject
    )
    locked.status = InterestStatus.CONFIRMED
    locked.assessment = assessment
    locked.handled_by = _by(actor)
    locked.handled_at = timezone.now()
    locked.save()
    audit_event_record(
        actor=actor, action="portal.interest_confirm", obj=locked, unit_path=locked.unit_path
    )
    return locked


@transaction.atomic
def interest_dismiss(actor: Any, interest: Interest, *, reason: str) -> Interest:
    locked = _handled(actor, interest)
    reason = normalize_text(reason)
    if not reason:
        raise BusinessError(_("Say why the registration is dismissed."), code="reason")
    locked.status = InterestStatus.DISMISSED
    locked.dismiss_reason = reason[:500]
    locked.handled_by = _by(actor)
    locked.handled_at = timezone.now()
    locked.save()
    audit_event_record(
        actor=actor, action="portal.interest_dismiss", obj=locked, unit_path=locked.unit_path
    )
    return locked
