"""Pages of the registry: people, households, clans, organisations, learning centres,
declared statistics, and the Excel template, import and exports.

Every page fetches through a selector (out of scope looks missing: 404), checks the
registry permission (no permission: 404 too) and writes only through a service.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.adminunits import selectors as unit_selectors
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError
from hoctap.core.rendering import render_page
from hoctap.core.text import search_key
from hoctap.recognition.selectors import titles_of
from hoctap.registry import excel, selectors, services
from hoctap.registry.forms import (
    CentreActivityForm,
    ClanForm,
    DeclaredStatisticForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    ImportCommitForm,
    ImportUploadForm,
    LearningCentreForm,
    OrganisationForm,
    PeopleFilterForm,
    PersonEditForm,
    PersonForm,
    TemplateForm,
)
from hoctap.registry.models import (
    Household,
    ImportJob,
    ImportStatus,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.permissions import (
    can_edit,
    can_edit_at,
    can_import_into,
    editable_paths,
)

T = TypeVar("T")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE_FILTERS = ("q", "hamlet", "target_group", "age_band", "worker", "digital_skill")
RUNNING = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)
HISTORY_ACTIONS = {
    "household.create": gettext_lazy("Registered"),
    "household.update": gettext_lazy("Changed"),
    "person.create": gettext_lazy("Added"),
    "person.update": gettext_lazy("Changed"),
}


# -- helpers --------------------------------------------------------------------------------


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing and out of scope both answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _form_error(form: forms.Form, error: BusinessError, fields: dict[str, str]) -> None:
    """Show a refused operation on the field it concerns, or above the form."""
    if isinstance(error, services.NotPermitted):
        # Only a tampered form reaches a refusal the page did not offer: keep scope hidden.
        raise Http404 from error
    field = fields.get(error.code or "")
    form.add_error(field if field in form.fields else None, error)


def _status(request: HttpRequest) -> int:
    return 422 if request.method == "POST" else 200


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, settings.HOCTAP_PAGE_SIZE).get_page(request.GET.get("page"))


def _may_edit(paths: list[str] | None, unit_path: str) -> bool:
    """can_edit for a whole list, with the user's editable paths read once."""
    return paths is None or any(unit_path.startswith(path) for path in paths)


def _history(obj: Any) -> list[dict[str, Any]]:
    """The object's audit events with a readable action and the fields a change touched."""
    rows = []
    for event in selectors.history(obj):
        before = event.data.get("before") if event.action.endswith(".update") else None
        changed = []
        if isinstance(before, dict) and event.action == "person.update":
            for name in before:
                try:
                    field = Person._meta.get_field(name)
                except FieldDoesNotExist:  # a field renamed since: show its code name
                    changed.append(name)
                else:
                    changed.append(str(getattr(field, "verbose_name", name)))
        rows.append(
            {
                "event": event,
                "label": HISTORY_ACTIONS.get(event.action, event.action),
                "changed": changed,
            }
        )
    return rows


def _visible_hamlets(request: HttpRequest) -> list[AdminUnit]:
    return list(
        unit_selectors.unit_list(user=request.user, level=Level.HAMLET).order_by(
            "parent__path", "search_name"
        )
    )


def _editable_communes(request: HttpRequest) -> QuerySet[AdminUnit]:
    return selectors.editable_unit_list(user=request.user, level=Level.COMMUNE)


# -- people ---------------------------------------------------------------------------------


def _people_filters(request: HttpRequest) -> tuple[PeopleFilterForm, selectors.PersonFilter, str]:
    """The filter form, the selector's filter and the querystring that keeps them."""
    form = PeopleFilterForm(request.GET, hamlets=_visible_hamlets(request))
    form.is_valid()  # an unknown value is dropped: the list is shown without that filter
    data = {name: form.cleaned_data.get(name) or "" for name in PEOPLE_FILTERS}
    filters = selectors.PersonFilter(
        q=data["q"],
        hamlet=data["hamlet"],
        target_group=data["target_group"],
        age_band=data["age_band"],
        is_worker={"yes": True, "no": False}.get(data["worker"]),
        digital_skill=data["digital_skill"],
    )
    query = urlencode({name: value for name, value in data.items() if value})
    return form, filters, query


@login_required
@require_safe
def person_list(request: HttpRequest) -> HttpResponse:
    """People in the user's area: search (diacritics optional), filters, pages of 50."""
    form, filters, query = _people_filters(request)
    people = selectors.person_list(user=request.user, filters=filters)
    context = {
        "form": form,
        "page": _page(request, people),
        "query": query,
        # On a phone the filters fold away unless one is in use.
        "filtered": bool(
            filters.hamlet
            or filters.target_group
            or filters.age_band
            or filters.digital_skill
            or filters.is_worker is not None
        ),
    }
    return render_page(request, "registry/person_list.html", context, partial="people-results")


def _export_unit(request: HttpRequest, filters: selectors.PersonFilter) -> AdminUnit | None:
    """The unit an export is named after: the filtered hamlet, else the user's one area."""
    if filters.hamlet:
        hamlet = AdminUnit.objects.filter(key=filters.hamlet).first()
        if hamlet is not None:
            return hamlet
    roots = list(unit_selectors.unit_roots(user=request.user)[:2])
    return roots[0] if len(roots) == 1 else None


@login_required
@require_safe
def person_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The current filtered list (every page of it) in the import template's layout."""
    _form, filters, _query = _people_filters(request)
    people = selectors.person_list(user=request.user, filters=filters).iterator(chunk_size=2000)
    unit = _export_unit(request, filters)
    filename = excel.export_filename(unit, fmt) if unit else f"danh-sach-nhan-khau.{fmt}"
    services.people_export_record(
        actor=request.user,
        unit=unit,
        filters={k: v for k, v in dataclasses.asdict(filters).items() if v not in ("", None)},
        file_format=fmt,
    )
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        # Streamed: a commune's whole list never sits in memory at once.
        response = StreamingHttpResponse(
            excel.people_export_csv(people), content_type="text/csv; charset=utf-8"
        )
    else:
        title = _("List of people: %(unit)s, exported on %(date)s") % {
            "unit": unit.name if unit else _("all areas"),
            "date": timezone.localdate().strftime("%d/%m/%Y"),
        }
        response = HttpResponse(excel.people_export_xlsx(people, title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _found(lambda: selectors.person_get(user=request.user, pk=pk))
    context = {
        "person": person,
        "age": timezone.localdate().year - person.birth_year,
        "history": _history(person),
        "can_edit": can_edit(request.user, person),
        "titles": titles_of(person, request.user),
    }
    return render_page(request, "registry/person_detail.html", context)


def _organisations_for(request: HttpRequest, commune_id: int, keep: int | None) -> QuerySet[Any]:
    """Organisations of the commune the user sees, plus the one already chosen."""
    visible = Organisation.objects.visible_to(request.user).filter(commune_id=commune_id)
    if keep is not None:
        visible = visible | Organisation.objects.filter(pk=keep)
    return visible.order_by("search_name")


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a person; a form opened before someone else's change is refused."""
    person = _found(lambda: selectors.person_get(user=request.user, pk=pk))
    if not can_edit(request.user, person):
        raise Http404
    form = PersonEditForm(
        request.POST or None,
        initial=PersonForm.initial_for(person),
        organisations=_organisations_for(request, person.commune_id, person.organisation_id),
        relation_required=person.household_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                version=form.cleaned_data["version"],
                **form.person_fields(),
            )
        except BusinessError as error:
            _form_error(form, error, {"cccd": "cccd", "duplicate_cccd": "cccd", "birth": "birth"})
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:person_detail", pk=person.pk)
    context = {"form": form, "person": person, "household": person.household}
    return render_page(request, "registry/person_form.html", context, status=_status(request))


# -- households -----------------------------------------------------------------------------


@login_required
@require_safe
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET, hamlets=_visible_hamlets(request))
    form.is_valid()
    q = form.cleaned_data.get("q") or ""
    hamlet = form.cleaned_data.get("hamlet") or ""
    households = selectors.household_list(user=request.user, q=q, hamlet=hamlet)
    context = {
        "form": form,
        "page": _page(request, households),
        "query": urlencode({k: v for k, v in {"q": q, "hamlet": hamlet}.items() if v}),
        "can_add": selectors.editable_unit_list(user=request.user, level=Level.HAMLET).exists(),
    }
    return render_page(
        request, "registry/household_list.html", context, partial="household-results"
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    """Register a household in a hamlet the user may write to; members are added next."""
    hamlets = selectors.editable_unit_list(user=request.user, level=Level.HAMLET)
    if not hamlets.exists():
        raise Http404
    form = HouseholdForm(request.POST or None, hamlets=hamlets)
    if request.method == "POST":
        if form.has_error("hamlet", "invalid_choice"):
            raise Http404  # a hamlet outside the user's area only comes from a tampered form
        if form.is_valid():
            hamlet = form.cleaned_data["hamlet"]
            assert hamlet.parent is not None
            try:
                household = services.household_create(
                    actor=request.user,
                    commune=hamlet.parent,
                    hamlet=hamlet,
                    code=form.cleaned_data["code"],
                    address=form.cleaned_data["address"],
                    phone=form.cleaned_data["phone"],
                )
            except BusinessError as error:
                _form_error(form, error, {"duplicate": "code", "code": "code"})
            else:
                messages.success(request, _("Household registered. Now add its members."))
                return redirect("registry:household_member_add", pk=household.pk)
    return render_page(
        request,
        "registry/household_form.html",
        {"form": form, "household": None},
        status=_status(request),
    )


@login_required
@require_safe
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A household: members, clans, titles by year and change history."""
    household = _found(lambda: selectors.household_get(user=request.user, pk=pk))
    year = timezone.localdate().year
    members = [(member, year - member.birth_year) for member in household.members.all()]
    context = {
        "household": household,
        "members": members,
        "clans": list(household.clans.all()),
        "titles": titles_of(household, request.user),
        "history": _history(household),
        "can_edit": can_edit(request.user, household),
    }
    return render_page(request, "registry/household_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a household; a form opened before someone else's change is refused."""
    household = _found(lambda: selectors.household_get(user=request.user, pk=pk))
    if not can_edit(request.user, household):
        raise Http404
    hamlets = selectors.editable_unit_list(
        user=request.user, level=Level.HAMLET, commune=household.commune
    )
    form = HouseholdEditForm(
        request.POST or None,
        hamlets=hamlets,
        household=household,
        initial={
            "hamlet": household.hamlet.key if household.hamlet else None,
            "code": household.code,
            "address": household.address,
            "phone": household.phone,
            "head": household.head_id,
            "version": household.version,
        },
    )
    if request.method == "POST" and form.has_error("hamlet", "invalid_choice"):
        raise Http404  # a hamlet outside the user's area only comes from a tampered form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_update(
                actor=request.user,
                household=household,
                version=data["version"],
                hamlet=data["hamlet"],
                code=data["code"],
                address=data["address"],
                phone=data["phone"],
                head=data["head"],
            )
        except BusinessError as error:
            _form_error(form, error, {"duplicate": "code", "hamlet": "hamlet", "head": "head"})
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:household_detail", pk=household.pk)
    return render_page(
        request,
        "registry/household_form.html",
        {"form": form, "household": household},
        status=_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person to a household."""
    household = _found(lambda: selectors.household_get(user=request.user, pk=pk))
    if not can_edit(request.user, household):
        raise Http404
    form = PersonForm(
        request.POST or None,
        initial={"relation": "" if household.head_id else "head"},
        organisations=_organisations_for(request, household.commune_id, None),
        relation_required=True,
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["relation"] == "head" and household.head_id is not None:
            form.add_error("relation", _("This household already has a head."))
        else:
            try:
                person = services.person_create(
                    actor=request.user,
                    household=household,
                    commune=household.commune,
                    hamlet=household.hamlet,
                    **form.person_fields(),
                )
            except BusinessError as error:
                _form_error(
                    form, error, {"cccd": "cccd", "duplicate_cccd": "cccd", "birth": "birth"}
                )
            else:
                messages.success(
                    request, _("Added %(name)s to the household.") % {"name": person.full_name}
                )
                return redirect("registry:household_detail", pk=household.pk)
    context = {"form": form, "person": None, "household": household}
    return render_page(request, "registry/person_form.html", context, status=_status(request))


# -- organisations --------------------------------------------------------------------------


@login_required
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    paths = editable_paths(request.user)
    page = _page(request, selectors.organisation_list(user=request.user, q=q))
    rows = [(organisation, _may_edit(paths, organisation.unit_path)) for organisation in page]
    context = {
        "q": q,
        "page": page,
        "rows": rows,
        "query": urlencode({"q": q} if q else {}),
        "can_add": _editable_communes(request).exists(),
    }
    return render_page(
        request, "registry/organisation_list.html", context, partial="organisation-results"
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an organisation, or change one (a stale form is refused)."""
    organisation = None
    if pk is not None:
        organisation = _found(lambda: selectors.organisation_get(user=request.user, pk=pk))
        if not can_edit(request.user, organisation):
            raise Http404
        # An organisation stays in its commune; the commune field is then fixed and hidden.
        communes: QuerySet[AdminUnit] = AdminUnit.objects.filter(pk=organisation.commune_id)
        members = Person.objects.visible_to(request.user).filter(organisation=organisation)
        if organisation.head_id is not None:
            members = members | Person.objects.filter(pk=organisation.head_id)
        initial = {
            "commune": organisation.commune.key,
            "name": organisation.name,
            "kind": organisation.kind,
            "managing_level": organisation.managing_level,
            "head": organisation.head_id,
            "member_count": organisation.member_count,
            "version": organisation.version,
        }
    else:
        communes = _editable_communes(request)
        members = Person.objects.none()
        initial = {}
    if not communes.exists():
        raise Http404
    form = OrganisationForm(
        request.POST or None,
        initial=initial,
        communes=communes,
        members=members.order_by("search_name"),
    )
    if request.method == "POST":
        if form.has_error("commune", "invalid_choice"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.organisation_save(
                    actor=request.user,
                    organisation=organisation,
                    commune=data["commune"],
                    name=data["name"],
                    kind=data["kind"],
                    managing_level=data["managing_level"],
                    head=data["head"],
                    member_count=data["member_count"],
                    version=data["version"],
                )
            except BusinessError as error:
                _form_error(form, error, {"head": "head"})
            else:
                messages.success(request, _("Saved."))
                return redirect("registry:organisation_list")
    context = {"form": form, "organisation": organisation}
    return render_page(request, "registry/organisation_form.html", context, status=_status(request))


# -- clans ----------------------------------------------------------------------------------


@login_required
@require_safe
def clan_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    paths = editable_paths(request.user)
    page = _page(request, selectors.clan_list(user=request.user, q=q))
    context = {
        "q": q,
        "page": page,
        "rows": [(clan, _may_edit(paths, clan.unit_path)) for clan in page],
        "query": urlencode({"q": q} if q else {}),
        "can_add": _editable_communes(request).exists(),
    }
    return render_page(request, "registry/clan_list.html", context, partial="clan-results")


PICKER_LIMIT = 20


def _household_picker(
    request: HttpRequest, visible: QuerySet[Household], selected_ids: list[str]
) -> list[tuple[Household, bool]]:
    """The ticked households first, then up to 20 more matching the picker's search."""
    ids = [int(value) for value in selected_ids if value.isdigit()]
    chosen = list(visible.filter(pk__in=ids).order_by("unit_path", "code"))
    rows = [(household, True) for household in chosen]
    q = request.GET.get("household_q", "").strip()[:100]
    if q:
        matches = selectors.household_list(user=request.user, q=q).exclude(pk__in=ids)
        rows += [(household, False) for household in matches[:PICKER_LIMIT]]
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def clan_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a clan; its member households are picked among those the user sees."""
    clan = None
    visible = Household.objects.visible_to(request.user).select_related("head", "hamlet")
    if pk is not None:
        clan = _found(lambda: selectors.clan_get(user=request.user, pk=pk))
        if not can_edit(request.user, clan):
            raise Http404
        communes: QuerySet[AdminUnit] = AdminUnit.objects.filter(pk=clan.commune_id)
        representatives = Person.objects.visible_to(request.user).filter(household__clans=clan)
        if clan.representative_id is not None:
            representatives = representatives | Person.objects.filter(pk=clan.representative_id)
        current = [str(pk) for pk in clan.households.values_list("pk", flat=True)]
        # Member households in places the user does not see stay members when they save.
        kept_elsewhere = list(clan.households.exclude(pk__in=visible.values("pk")))
        initial = {
            "commune": clan.commune.key,
            "name": clan.name,
            "households": current,
            "representative": clan.representative_id,
            "promotion_board": clan.promotion_board,
            "fund_amount": int(clan.fund_amount),
            "version": clan.version,
        }
    else:
        communes = _editable_communes(request)
        representatives = Person.objects.none()
        current, kept_elsewhere, initial = [], [], {}
    if not communes.exists():
        raise Http404
    form = ClanForm(
        request.POST or None,
        initial=initial,
        communes=communes,
        households=visible,
        representatives=representatives.order_by("search_name").distinct(),
    )
    if request.method == "POST":
        selected = request.POST.getlist("households")
        if form.has_error("commune", "invalid_choice"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.clan_save(
                    actor=request.user,
                    clan=clan,
                    commune=data["commune"],
                    name=data["name"],
                    representative=data["representative"],
                    households=[*data["households"], *kept_elsewhere],
                    promotion_board=data["promotion_board"],
                    fund_amount=data["fund_amount"],
                    version=data["version"],
                )
            except BusinessError as error:
                _form_error(form, error, {"fund": "fund_amount"})
            else:
                messages.success(request, _("Saved."))
                return redirect("registry:clan_edit", pk=saved.pk)
    elif getattr(request, "htmx", False):
        selected = request.GET.getlist("households")  # the picker keeps what is ticked
    else:
        selected = current
    context = {
        "form": form,
        "clan": clan,
        "picker": _household_picker(request, visible, selected),
        "kept_elsewhere": len(kept_elsewhere),
    }
    return render_page(
        request,
        "registry/clan_form.html",
        context,
        partial="household-picker",
        status=_status(request),
    )


# -- learning centres -----------------------------------------------------------------------


@login_required
@require_safe
def centre_list(request: HttpRequest) -> HttpResponse:
    """The learning centres the user sees, and the communes of theirs that lack one."""
    centres = list(selectors.learning_centre_list(user=request.user))
    without = _editable_communes(request).exclude(
        pk__in=LearningCentre.objects.values("commune_id")
    )
    paths = editable_paths(request.user)
    context = {
        "rows": [(centre, _may_edit(paths, centre.unit_path)) for centre in centres],
        "without": without[:500],
    }
    return render_page(request, "registry/centre_list.html", context)


def _centre_commune(request: HttpRequest, key: str) -> tuple[AdminUnit, LearningCentre | None]:
    commune = _found(
        lambda: unit_selectors.unit_list(user=request.user, level=Level.COMMUNE).get(key=key)
    )
    centre = (
        selectors.learning_centre_list(user=request.user)
        .filter(commune=commune)
        .prefetch_related("activities")
        .first()
    )
    if centre is None and not can_edit_at(request.user, commune):
        raise Http404
    return commune, centre


def _centre_page(
    request: HttpRequest,
    commune: AdminUnit,
    centre: LearningCentre | None,
    form: LearningCentreForm,
    activity_form: CentreActivityForm,
) -> HttpResponse:
    context = {
        "commune": commune,
        "centre": centre,
        "activities": list(centre.activities.all()) if centre else [],
        "form": form,
        "activity_form": activity_form,
        "can_edit": can_edit_at(request.user, commune),
    }
    return render_page(request, "registry/centre_detail.html", context, status=_status(request))


def _centre_initial(centre: LearningCentre | None, commune: AdminUnit) -> dict[str, Any]:
    if centre is None:
        return {"name": _("Community learning centre of %(commune)s") % {"commune": commune.name}}
    return {
        name: getattr(centre, name)
        for name in (
            "name",
            "director",
            "staff_count",
            "association_leader_manages",
            "uses_it",
            "has_own_room",
            "has_internet",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def centre_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A commune's learning centre: its details (set up or change) and yearly activities."""
    commune, centre = _centre_commune(request, key)
    form = LearningCentreForm(request.POST or None, initial=_centre_initial(centre, commune))
    if request.method == "POST":
        if not can_edit_at(request.user, commune):
            raise Http404
        if form.is_valid():
            try:
                services.learning_centre_save(
                    actor=request.user, commune=commune, **form.cleaned_data
                )
            except BusinessError as error:
                _form_error(form, error, {})
            else:
                messages.success(request, _("Saved."))
                return redirect("registry:centre_detail", key=commune.key)
    activity_form = CentreActivityForm(initial={"year": timezone.localdate().year})
    return _centre_page(request, commune, centre, form, activity_form)


@login_required
@require_POST
def centre_activity(request: HttpRequest, key: str) -> HttpResponse:
    """Record (or correct) what the centre ran in a year."""
    commune, centre = _centre_commune(request, key)
    if centre is None or not can_edit(request.user, centre):
        raise Http404
    activity_form = CentreActivityForm(request.POST)
    if activity_form.is_valid():
        try:
            services.centre_activity_set(
                actor=request.user, centre=centre, **activity_form.cleaned_data
            )
        except BusinessError as error:
            _form_error(activity_form, error, {})
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:centre_detail", key=commune.key)
    form = LearningCentreForm(initial=_centre_initial(centre, commune))
    return _centre_page(request, commune, centre, form, activity_form)


# -- declared statistics --------------------------------------------------------------------


@login_required
@require_safe
def statistic_list(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    paths = editable_paths(request.user)
    page = _page(request, selectors.declared_statistic_list(user=request.user, year=year))
    context = {
        "year": year,
        "page": page,
        "rows": [(statistic, _may_edit(paths, statistic.unit_path)) for statistic in page],
        "query": urlencode({"year": year} if year else {}),
        "can_add": selectors.editable_unit_list(user=request.user).exists(),
    }
    return render_page(request, "registry/statistic_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statistic_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Declare a count for a unit and year with its source, or correct one."""
    statistic = None
    units = selectors.editable_unit_list(user=request.user)
    if pk is not None:
        statistic = _found(lambda: selectors.declared_statistic_get(user=request.user, pk=pk))
        if not can_edit_at(request.user, statistic.unit):
            raise Http404
        initial: dict[str, Any] = {
            "unit": statistic.unit.key,
            "year": statistic.year,
            "kind": statistic.kind,
            "value": statistic.value,
            "source": statistic.source,
        }
    else:
        initial = {"year": timezone.localdate().year, "unit": request.GET.get("unit", "")}
    if not units.exists():
        raise Http404
    form = DeclaredStatisticForm(request.POST or None, initial=initial, units=units)
    if statistic is not None:
        # Correcting a figure keeps what it counts; another unit, year or kind is a new row.
        for name in ("unit", "year", "kind"):
            form.fields[name].disabled = True
    if request.method == "POST":
        if form.has_error("unit", "invalid_choice"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.declared_statistic_set(
                    actor=request.user,
                    unit=data["unit"],
                    year=data["year"],
                    kind=data["kind"],
                    value=data["value"],
                    source=data["source"],
                )
            except BusinessError as error:
                _form_error(form, error, {"value": "value", "source": "source"})
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{reverse('registry:statistic_list')}?year={data['year']}")
    context = {"form": form, "statistic": statistic}
    return render_page(request, "registry/statistic_form.html", context, status=_status(request))


# -- imports --------------------------------------------------------------------------------


@login_required
@require_safe
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports of the user's communes (a collector sees their own)."""
    context = {
        "page": _page(request, selectors.import_job_list(user=request.user)),
        "can_import": selectors.import_commune_list(user=request.user).exists(),
    }
    return render_page(request, "registry/import_list.html", context)


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    """The blank template of a commune (its hamlets in the drop-down), or the page to pick one."""
    communes = selectors.import_commune_list(user=request.user)
    if not communes.exists():
        raise Http404
    if "commune" not in request.GET:
        form = TemplateForm(communes=communes)
        return render_page(request, "registry/import_template.html", {"form": form})
    form = TemplateForm(request.GET, communes=communes)
    if not form.is_valid():
        raise Http404  # a commune outside the user's area
    commune = form.cleaned_data["commune"]
    hamlets = selectors.editable_unit_list(user=request.user, level=Level.HAMLET, commune=commune)
    names = list(hamlets.order_by("search_name").values_list("name", flat=True))
    response = HttpResponse(excel.people_template(commune, names), content_type=XLSX_TYPE)
    slug = search_key(commune.name).replace(" ", "-")
    response["Content-Disposition"] = content_disposition_header(
        True, f"mau-danh-sach-nhan-khau-{slug}.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a filled sheet: it is stored and checked in the background."""
    communes = selectors.import_commune_list(user=request.user)
    if not communes.exists():
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST":
        if form.has_error("commune", "invalid_choice"):
            raise Http404
        if form.is_valid():
            try:
                job = services.import_job_create(
                    actor=request.user,
                    commune=form.cleaned_data["commune"],
                    filename=form.filename,
                    data=form.cleaned_data["file"],
                )
            except BusinessError as error:
                _form_error(form, error, {"file": "file"})
            else:
                return redirect("registry:import_job", pk=job.pk)
    return render_page(
        request, "registry/import_upload.html", {"form": form}, status=_status(request)
    )


def _job_page(
    request: HttpRequest, job: ImportJob, form: ImportCommitForm, status: int = 200
) -> HttpResponse:
    context = {
        "job": job,
        "form": form,
        "running": job.status in RUNNING,
        "can_commit": can_import_into(request.user, job.commune),
    }
    return render_page(
        request, "registry/import_job.html", context, partial="job-status", status=status
    )


@login_required
@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the sheet is checked or saved, then every problem, then the result."""
    job = _found(lambda: selectors.import_job_get(user=request.user, pk=pk))
    return _job_page(request, job, ImportCommitForm())


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a checked import; a second click finds it already on its way and saves nothing."""
    job = _found(lambda: selectors.import_job_get(user=request.user, pk=pk))
    if not can_import_into(request.user, job.commune):
        raise Http404
    form = ImportCommitForm(request.POST)
    form.is_valid()
    try:
        services.import_job_request_commit(
            actor=request.user,
            job=job,
            accept_warnings=bool(form.cleaned_data.get("accept_warnings")),
        )
    except BusinessError as error:
        _form_error(form, error, {})
        job.refresh_from_db()
        return _job_page(request, job, form, status=422)
    return redirect("registry:import_job", pk=job.pk)
