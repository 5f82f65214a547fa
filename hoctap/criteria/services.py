"""Writes: adding a province's (or a national) version of a criteria set."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError
from hoctap.core.services import audit_event_record
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.permissions import can_upload


class NotPermitted(BusinessError):
    """The actor may not add criteria sets here; views answer 404 so scope does not leak."""


class CriteriaFileRefused(BusinessError):
    """The uploaded file is not a valid criteria set; `problems` says where and why."""

    def __init__(self, problems: list[loader.Problem]) -> None:
        super().__init__(
            [_("The criteria set file has problems:")] + [str(p) for p in problems],
            code="invalid_file",
        )
        self.problems = problems


@transaction.atomic
def criteria_set_upload(
    *,
    actor: Any,
    province: AdminUnit | None,
    yaml_text: str,
    valid_from: datetime.date,
    file_name: str = "",
) -> CriteriaSetVersion:
    """Add a version of a criteria set applying in a province (None: nationwide) from a date."""
    if province is not None and province.level != Level.PROVINCE:
        raise BusinessError(_("Choose a province."), code="province")
    if not can_upload(actor, province):
        raise NotPermitted(_("You may not add criteria sets here."), code="forbidden")
    criteria_set, problems = loader.check_text(yaml_text, file=file_name or "<tải lên>")
    if criteria_set is None:
        raise CriteriaFileRefused(problems)
    version = CriteriaSetVersion(
        code=criteria_set.code,
        version=criteria_set.version,
        province=province,
        valid_from=valid_from,
        yaml_text=yaml_text,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    duplicate = BusinessError(
        _("This version of the criteria set has already been added here."), code="duplicate"
    )
    try:
        version.full_clean()
    except ValidationError as error:
        if "__all__" in error.message_dict:
            raise duplicate from error
        raise
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:  # a concurrent upload of the same version
        raise duplicate from error
    audit_event_record(
        actor=actor,
        action="criteria_set.upload",
        obj=version,
        unit_path=province.path if province is not None else "",
        data={
            "code": version.code,
            "version": version.version,
            "valid_from": valid_from.isoformat(),
            "status": criteria_set.status,
        },
    )
    return version
