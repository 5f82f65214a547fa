"""Criteria-set pages: the list, a readable page of one set, and the upload of a version.

Sets are not personal data: any signed-in user holding a role sees the shipped sets and the
versions in force nationwide or in their provinces. Adding a version is for a province's
officials (their province) and system administrators (any province, or nationwide).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.accounts.selectors import user_primary_role
from hoctap.adminunits.models import PATH_STEP, AdminUnit, Level
from hoctap.core.exceptions import BusinessError
from hoctap.core.rendering import render_page
from hoctap.criteria import engine, loader, selectors, services
from hoctap.criteria.forms import CriteriaSetUploadForm
from hoctap.criteria.permissions import UPLOADER_ROLES


def _require_role(request: HttpRequest) -> None:
    if user_primary_role(request.user) is None:
        raise Http404


def _province_paths(user: Any) -> list[str] | None:
    """Paths of the provinces the user's roles lie in; None for the whole country."""
    paths = scope_paths(user)
    if paths is None:
        return None
    return sorted({path[:PATH_STEP] for path in paths})


def _user_province(user: Any) -> AdminUnit | None:
    """The province whose sets the user works with (the first of theirs); None: nationwide."""
    paths = _province_paths(user)
    if not paths:
        return None
    return AdminUnit.objects.filter(path=paths[0]).first()


def _upload_provinces(user: Any) -> tuple[QuerySet[AdminUnit], bool]:
    """The provinces the user may add a version for, and whether a national one too."""
    provinces = AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("name")
    paths = scope_paths(user, roles=UPLOADER_ROLES)
    if paths is None:
        return provinces, True
    return provinces.filter(path__in=paths), False


def _may_upload(user: Any) -> bool:
    provinces, national = _upload_provinces(user)
    return national or provinces.exists()


@login_required
@require_safe
def criteria_set_list(request: HttpRequest) -> HttpResponse:
    """The shipped sets, then the versions added nationwide or for the user's provinces."""
    _require_role(request)
    shipped = sorted(
        loader.shipped_sets(), key=lambda s: (s.code, s.valid_from or datetime.date.min)
    )
    stored = [
        (version, selectors.criteria_set_of_version(version))
        for version in selectors.criteria_set_versions_in_force(_province_paths(request.user))
    ]
    context = {
        "shipped": shipped,
        "stored": stored,
        "can_upload": _may_upload(request.user),
    }
    return render_page(request, "criteria/set_list.html", context)


def _readable_criteria(criteria_set: engine.CriteriaSet) -> list[dict[str, Any]]:
    """Criteria and their indicators, with each variant's wording named for the page."""
    names = {variant.code: variant.name for variant in criteria_set.variants}
    levels = {level.code: level.name for level in criteria_set.levels}
    return [
        {
            "criterion": criterion,
            "indicators": [
                {
                    "indicator": indicator,
                    "variant_texts": [
                        (names.get(code, code), text)
                        for code, text in indicator.variant_texts.items()
                    ],
                    "levels": [levels.get(code, code) for code in indicator.levels],
                    "thresholds": [
                        (levels.get(code, code), value)
                        for code, value in indicator.thresholds.items()
                    ],
                    "bands": sorted(
                        indicator.computed.bands if indicator.computed else (),
                        key=lambda band: -band.min_value,
                    ),
                }
                for indicator in criterion.indicators
            ],
        }
        for criterion in criteria_set.criteria
    ]


@login_required
@require_safe
def criteria_set_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One set as the scoring applies it today to the user's province (else the shipped one)."""
    _require_role(request)
    province = _user_province(request.user)
    today = timezone.localdate()
    try:
        criteria_set = selectors.criteria_set_for(code, province, today)
    except LookupError as error:
        raise Http404 from error
    version = selectors.criteria_set_version_in_force(code, province, today)
    context = {
        "set": criteria_set,
        "version": version,
        "province": province,
        "today": today,
        "criteria": _readable_criteria(criteria_set),
    }
    return render_page(request, "criteria/set_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_upload(request: HttpRequest) -> HttpResponse:
    """Add a province's (or a national) version of a set; a refused file lists every problem."""
    provinces, national = _upload_provinces(request.user)
    if not national and not provinces.exists():
        raise Http404
    form = CriteriaSetUploadForm(
        request.POST or None, request.FILES or None, provinces=provinces, national=national
    )
    problems: list[loader.Problem] = []
    if request.method == "POST":
        if form.has_error("province", "invalid_choice"):
            raise Http404  # a province the page did not offer: keep scope hidden
        if form.is_valid():
            try:
                version = services.criteria_set_upload(
                    actor=request.user,
                    province=form.cleaned_data["province"],
                    yaml_text=form.yaml_text,
                    valid_from=form.cleaned_data["valid_from"],
                    file_name=form.file_name,
                )
            except services.NotPermitted as error:
                raise Http404 from error
            except services.CriteriaFileRefused as error:
                problems = error.problems
            except BusinessError as error:
                form.add_error("province" if error.code == "province" else None, error)
            else:
                where = version.province.name if version.province else _("nationwide")
                messages.success(
                    request,
                    _("Added version %(version)s of %(code)s for %(where)s.")
                    % {"version": version.version, "code": version.code, "where": where},
                )
                return redirect("criteria:list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "problems": problems}
    return render_page(request, "criteria/set_upload.html", context, status=status)
