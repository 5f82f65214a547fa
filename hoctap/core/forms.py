"""Form behaviour every page shares."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledForm(forms.Form):
    """Gives every widget its Bootstrap class and marks fields with errors as invalid, with the
    error's id (and the help text's, which Django would otherwise point at alone) in
    aria-describedby, so a screen reader reads them with the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                help_text = f" id_{name}_helptext" if self.fields[name].help_text else ""
                attrs["aria-describedby"] = f"id_{name}_error{help_text}"
