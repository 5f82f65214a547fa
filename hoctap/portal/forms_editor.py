"""Forms of the editors' pages: an article (news, guidance, legal document, event) and its
publishing (now, or at a time).

The forms only parse what the browser sends (dates, the revision, the files); the business
rules and their messages belong to `services.article_save` and `services.publish`, whose
errors the views put next to the fields. The one exception is a quick look at uploaded files
(size and type from the bytes, with the service's own allowlists and messages): the service
refuses a file without saying which of the two uploads it was, and an editor needs the
message next to the right field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoctap.assessments import evidence
from hoctap.portal.models import ArticleKind
from hoctap.portal.sanitising import TAGS
from hoctap.portal.services import ATTACHMENT_KINDS, IMAGE_KINDS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# What the page asks for first; "2026-03-01T08:00" is what a browser's date-time picker sends.
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
# The service's messages, repeated word for word so that the same translation serves both.
IMAGE_REFUSAL = _("An image must be a photo (JPEG, PNG or WebP).")
ATTACHMENT_REFUSAL = _("An attached file must be a PDF, Word (.docx) or Excel (.xlsx) file.")


def kept_tags() -> str:
    """The HTML tags the sanitiser keeps, for the help text of the body."""
    return ", ".join(f"<{tag}>" for tag in sorted(TAGS))


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


def _looks_allowed(
    upload: UploadedFile, allowed: frozenset[evidence.FileKind], refusal: Any
) -> None:
    """Refuse a file that is too large, empty, or not of an allowed type (by its bytes)."""
    limit = evidence.max_bytes()
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            gettext("The file is larger than %(size)s MB.") % {"size": f"{limit / 1024 / 1024:g}"},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data:
        raise forms.ValidationError(gettext("The file is empty."), code="empty")
    kind = evidence.sniff(data)
    # A HEIC photo goes on to the service, which converts it or says how to send it instead.
    photo_converted = kind is not None and kind.is_photo and evidence.JPEG in allowed
    if kind is None or (kind not in allowed and not photo_converted):
        raise forms.ValidationError(refusal, code="type")


class ArticleForm(forms.Form):
    """An article as the editor types it; `services.article_save` checks and stores it."""

    kind = forms.ChoiceField(label=_("Kind of page"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in lists and to search engines."),
    )
    body = forms.CharField(
        label=_("Text (HTML)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "A photo (JPEG, PNG or WebP). It is re-encoded without its metadata (camera, place)."
        ),
    )
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Needed with an image."),
    )
    attachment = forms.FileField(
        label=_("Attached file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
        help_text=_("A PDF, Word (.docx) or Excel (.xlsx) file."),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    issued_on = _date_field(_("Issued on"))
    issuer = forms.CharField(label=_("Issuing authority"), max_length=255, required=False)
    starts_on = _date_field(_("Starts on"))
    ends_on = _date_field(_("Ends on"))
    place = forms.CharField(label=_("Venue"), max_length=255, required=False)
    # The revision the page was built from; the service refuses a stale one.
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Changing an article needs the revision it was read at; a new one has none.
        self.fields["revision"].required = editing
        self.fields["body"].help_text = gettext(
            "Write HTML. Kept: %(tags)s; links only to http(s) and e-mail addresses, images only "
            "from this site. Everything else (scripts, styles, frames, forms) is removed when "
            "the page is saved: see the preview."
        ) % {"tags": kept_tags()}
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def mark_invalid(self) -> None:
        """Flag the fields in error for the eye and for screen readers (the error's id)."""
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described)

    def clean_image(self) -> UploadedFile | None:
        image: UploadedFile | None = self.cleaned_data.get("image")
        if image is not None:
            _looks_allowed(image, IMAGE_KINDS, IMAGE_REFUSAL)
        return image

    def clean_attachment(self) -> UploadedFile | None:
        attachment: UploadedFile | None = self.cleaned_data.get("attachment")
        if attachment is not None:
            _looks_allowed(attachment, ATTACHMENT_KINDS, ATTACHMENT_REFUSAL)
        return attachment

    def values(self) -> dict[str, Any]:
        """What `services.article_save` takes as `values`."""
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "kind",
                "title",
                "summary",
                "body",
                "image_alt",
                "document_number",
                "issued_on",
                "issuer",
                "starts_on",
                "ends_on",
                "place",
            )
        }


class PublishForm(forms.Form):
    """Publish now, or from a time given as dd/mm/yyyy HH:MM (the country's time)."""

    NOW = "now"
    LATER = "later"

    when = forms.ChoiceField(
        choices=[(NOW, _("Now")), (LATER, _("At a time"))], widget=forms.HiddenInput
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
        help_text=_("Day and time, for example 02/10/2026 07:30."),
    )
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("when") == self.LATER
            and cleaned.get("publish_at") is None
            and "publish_at" not in self.errors
        ):
            self.add_error("publish_at", gettext("Give the day and time to publish at."))
        if cleaned.get("when") == self.NOW:
            cleaned["publish_at"] = None
        return cleaned


class RevisionForm(forms.Form):
    """A withdrawal: only the revision the page was built from."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
