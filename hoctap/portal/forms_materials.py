"""Forms of the learning materials: the public filter (a GET form that works without JS), the
editors' material form, and the publish form (now, or at a dd/mm/yyyy HH:MM time).

The forms only parse what was sent; what makes a material valid (a title, a safe file, an
http(s) link, a centre inside the unit) is decided by `services.material_save`, whose field
errors the view puts next to these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hoctap.portal.models import Audience, Licence, MaterialFormat, Topic
from hoctap.registry.models import LearningCentre

# Vietnamese first (dd/mm/yyyy HH:MM, as written on every official paper), then the order the
# Vietnamese locale prints, then what a browser's datetime-local input sends.
PUBLISH_AT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%H:%M %d/%m/%Y",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]
SEARCH_MAX_LENGTH = 200


def _choices(everything: Any, choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", everything), *choices]


class MaterialFilterForm(forms.Form):
    """What the public catalogue shows; a value that is not on the list is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=_choices(_("All topics"), Topic.choices)
    )
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=_choices(_("All audiences"), Audience.choices)
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=_choices(_("All formats"), MaterialFormat.choices),
    )
    unit = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "maxlength": SEARCH_MAX_LENGTH,
                "aria-describedby": "id_q_helptext",
            }
        )
        for name in ("topic", "audience", "format"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, str]:
        """The valid filters ("" in place of a value that is not on the list)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "").strip() for name in self.fields}


class CentreField(forms.ModelChoiceField):
    """A learning centre, named with its commune (two centres may share a name)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.commune.name})"


class MaterialForm(forms.Form):
    """A learning material as its editor writes it: a file kept here or a link."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What a learner gets from it, in a few sentences."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=_choices("—", Topic.choices))
    audience = forms.ChoiceField(label=_("For"), choices=_choices("—", Audience.choices))
    format = forms.ChoiceField(label=_("Format"), choices=_choices("—", MaterialFormat.choices))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx) file or a photo, up to "
            "10 MB. Videos and audio are given by their link."
        ),
    )
    url = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("A web address starting with https:// (a video, a page, a file elsewhere)."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=_choices("—", Licence.choices),
        help_text=_("Under which terms visitors may use and share it."),
    )
    author = forms.CharField(label=_("Author or source"), required=False, max_length=255)
    centre = CentreField(
        label=_("Learning centre offering courses on it"),
        queryset=LearningCentre.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, centres: QuerySet[LearningCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre = self.fields["centre"]
        assert isinstance(centre, forms.ModelChoiceField)
        centre.queryset = centres
        self.fields["url"].widget.attrs.update(
            {"inputmode": "url", "autocomplete": "url", "spellcheck": "false"}
        )
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")

    def values(self) -> dict[str, Any]:
        """The `values` of `services.material_save`."""
        data = self.cleaned_data
        names = (
            "title",
            "description",
            "topic",
            "audience",
            "format",
            "url",
            "licence",
            "author",
            "centre",
        )
        return {name: data[name] for name in names}


class PublishForm(forms.Form):
    """Publish now (no time given) or from a later time."""

    at = forms.DateTimeField(
        label=_("Publish at (dd/mm/yyyy HH:MM)"),
        required=False,
        input_formats=PUBLISH_AT_FORMATS,
        help_text=_("Leave empty to publish now."),
        widget=forms.TextInput(
            attrs={
                "placeholder": "dd/mm/yyyy HH:MM",
                "class": "form-control",
                "autocomplete": "off",
            }
        ),
    )
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class RevisionForm(forms.Form):
    """The revision a withdraw button was drawn with."""

    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
