"""The form of the criteria-set upload page: checks the input; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.core.forms import StyledForm

MAX_UPLOAD_BYTES = 512 * 1024


class ProvinceChoiceField(forms.ModelChoiceField[AdminUnit]):
    def label_from_instance(self, obj: AdminUnit) -> str:
        return obj.name


class CriteriaSetUploadForm(StyledForm):
    province = ProvinceChoiceField(
        label=_("Province"),
        queryset=AdminUnit.objects.none(),
        to_field_name="key",
    )
    file = forms.FileField(
        label=_("Criteria set file (.yaml)"),
        required=False,
        help_text=_("At most 512 KB, UTF-8 text."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )
    text = forms.CharField(
        label=_("Or paste the YAML text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        input_formats=["%d/%m/%Y"],
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def __init__(
        self, *args: Any, provinces: QuerySet[AdminUnit], national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, ProvinceChoiceField)
        field.queryset = provinces
        if national:
            # Only a system administrator may replace a set nationwide: blank means that.
            field.required = False
            field.empty_label = str(_("Nationwide"))
        else:
            field.empty_label = None
        self.file_name = ""
        self.yaml_text = ""

    def clean_file(self) -> str:
        """The uploaded file's text; too large or not UTF-8 is refused here."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."), code="size")
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."), code="size")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not UTF-8 text."), code="encoding"
            ) from error
        self.file_name = upload.name or ""
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("file"):
            return cleaned
        file_text = cleaned.get("file") or ""
        pasted = cleaned.get("text") or ""
        if file_text and pasted.strip():
            raise forms.ValidationError(
                _("Upload a file or paste the text, not both."), code="both"
            )
        if not file_text and not pasted.strip():
            raise forms.ValidationError(
                _("Upload a criteria set file or paste its text."), code="empty"
            )
        if len(pasted.encode("utf-8")) > MAX_UPLOAD_BYTES:
            self.add_error("text", forms.ValidationError(_("The text is larger than 512 KB.")))
        self.yaml_text = file_text or pasted
        return cleaned
