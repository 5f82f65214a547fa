"""The public portal's content: articles (news, guidance, legal documents, events), learning
materials, and the registrations of interest visitors leave for their hamlet's collector.

Content belongs to one unit (a province, a commune; none: national) and is written by that
unit's editors (`Role.PORTAL_EDITOR`). It is public once published and its publishing time has
come (`published()`): a draft, or an article scheduled for later, is seen only by its editors.
The HTML of an article is sanitised when it is saved (`hoctap.portal.sanitising`), so what the
database holds is already safe to show.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Assessment, Title
from hoctap.core.models import TimeStampedModel
from hoctap.registry.models import LearningCentre


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishedQuerySet(models.QuerySet[Any]):
    def published(self, now: datetime.datetime | None = None) -> PublishedQuerySet:
        """Published, with the publishing time come."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def of_unit(self, unit: AdminUnit | None) -> PublishedQuerySet:
        return self.filter(unit_path=unit.path if unit is not None else "")

    def within(self, unit: AdminUnit | None) -> PublishedQuerySet:
        """Of the unit and the units below it (everything for the country)."""
        if unit is None:
            return self
        return self.filter(unit_path__startswith=unit.path)


class Publishable(TimeStampedModel):
    """What articles and materials share: the owner unit, the status and the search text."""

    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # When it becomes public (a later time schedules it); set on publishing.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Lower-case, diacritic-free title and text (`hoctap.core.text.search_key`).
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Bumped by every write: an edit form carries it, a stale one is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def is_public(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    GUIDANCE = "guidance", _("Guidance")
    LEGAL = "legal", _("Legal document")
    EVENT = "event", _("Event")


class Article(Publishable):
    """A page of news, guidance, a legal document or an event."""

    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices)
    slug = models.SlugField(_("address"), max_length=120, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # Sanitised HTML (`hoctap.portal.sanitising.clean_html`).
    body = models.TextField(_("text"), blank=True)
    image = models.FileField(_("image"), upload_to="portal/images/%Y/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    attachment = models.FileField(_("attached file"), upload_to="portal/files/%Y/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    # A legal document: its number, date and issuer.
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=255, blank=True)
    # An event: when and where.
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("venue"), max_length=255, blank=True)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=False, ends_on__gte=models.F("starts_on")),
                name="article_event_dates_in_order",
            ),
        ]


class Topic(models.TextChoices):
    LIFELONG_LEARNING = "lifelong_learning", _("Lifelong learning and the titles")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    AGRICULTURE = "agriculture", _("Farming and livelihoods")
    HEALTH = "health", _("Health and family")
    LAW = "law", _("Law and citizenship")
    CULTURE = "culture", _("Culture and reading")
    LIFE_SKILLS = "life_skills", _("Life skills")
    MANAGEMENT = "management", _("Running a learning centre")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    FARMERS = "farmers", _("Farmers")
    WORKERS = "workers", _("Workers")
    OFFICIALS = "officials", _("Officials")
    PUPILS = "pupils", _("Pupils and students")
    OLDER = "older", _("Older people")


class MaterialFormat(models.TextChoices):
    DOCUMENT = "document", _("Document")
    SLIDES = "slides", _("Slides")
    VIDEO = "video", _("Video (link)")
    AUDIO = "audio", _("Audio (link)")
    LINK = "link", _("Web page (link)")


class Licence(models.TextChoices):
    CC_BY = "cc_by_4", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "cc_by_sa_4", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC_BY_NC = "cc_by_nc_4", _("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")
    CC0 = "cc0", _("Public domain (CC0)")
    PUBLIC_DOCUMENT = "public_document", _("Official document, free to share")
    LINKED = "linked", _("Published elsewhere: see the owner's terms")


class Material(Publishable):
    """A learning material: a file kept here or a link (video, web page), with its licence."""

    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    format = models.CharField(_("format"), max_length=16, choices=MaterialFormat.choices)
    file = models.FileField(_("file"), upload_to="portal/materials/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=120, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    # http(s) only (`services` refuses any other scheme).
    url = models.URLField(_("link"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=32, choices=Licence.choices)
    author = models.CharField(_("author or source"), max_length=255, blank=True)
    # The community learning centre that offers courses on it, if any.
    centre = models.ForeignKey(
        LearningCentre,
        verbose_name=_("learning centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("learning material")
        verbose_name_plural = _("learning materials")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="material_has_file_or_link"
            ),
        ]


class InterestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Interest(models.Model):
    """A household or citizen who wants to take part in a title, left on the portal for the
    hamlet's collector to confirm (which registers the assessment) or dismiss."""

    hamlet = models.ForeignKey(
        AdminUnit, verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True)
    title = models.CharField(
        _("title"),
        max_length=40,
        choices=[
            (Title.LEARNING_FAMILY.value, Title.LEARNING_FAMILY.label),
            (Title.LEARNING_CITIZEN.value, Title.LEARNING_CITIZEN.label),
        ],
    )
    year = models.PositiveSmallIntegerField(_("year"))
    full_name = models.CharField(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # A keyed hash of the sender's address: enough to see a flood, not to identify anyone.
    sender = models.CharField(_("sender"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InterestStatus.choices, default=InterestStatus.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    dismiss_reason = models.CharField(_("reason"), max_length=500, blank=True)
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registration of interest")
        verbose_name_plural = _("registrations of interest")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_title_display()})"
