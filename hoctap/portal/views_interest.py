"""Registering interest in a title: the public form (no sign-in, no JavaScript needed) and the
collectors' inbox, where each registration is confirmed (which registers the assessment) or
dismissed.

The public form chooses the place in three steps (province, commune, hamlet). Without
JavaScript each step is a plain GET reload (`?province=…&commune=…`); with htmx, `places`
fills the next select instead. A sent form is rate-limited per address and per hour, a filled
honeypot is dropped without a word, and the thanks page names only the hamlet and the
visitor's given name (kept in the session for one showing, never in the address).

The collectors' pages fetch through `selectors.interest_list` / `interest_get`: outside the
user's area a registration looks missing (404).
"""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP, AdminUnit, Level
from hoctap.assessments import permissions as assessment_permissions
from hoctap.assessments.models import Assessment, Title
from hoctap.core import ratelimit
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.rendering import render_page
from hoctap.core.text import normalize_text, search_key
from hoctap.portal import selectors, services
from hoctap.portal.forms_interest import (
    ConfirmForm,
    DismissForm,
    InboxFilterForm,
    InterestForm,
    filled_honeypot,
)
from hoctap.portal.models import Interest, InterestStatus
from hoctap.portal.permissions import INTEREST_ROLES
from hoctap.registry import selectors as registry_selectors
from hoctap.registry.models import Household, Person

TEMPLATE = "portal/interest_form.html"
# The thanks page's hamlet and given name, for one showing (the address bar never holds them).
THANKS_KEY = "portal_interest_thanks"
HOUR = 3600
CANDIDATES_SHOWN = 20
_DIGITS = re.compile(r"(\d+)")


# -- the place: province, commune, hamlet -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Place:
    """What the visitor has chosen so far (None: not yet, or not a current unit)."""

    province: AdminUnit | None = None
    commune: AdminUnit | None = None

    def query(self) -> str:
        """The GET parameters that reload the form at this step."""
        keys = {"province": self.province, "commune": self.commune}
        return urlencode({name: unit.key for name, unit in keys.items() if unit is not None})


def _current(level: int) -> QuerySet[AdminUnit]:
    # Units that ended (the 2025 reform's districts and merged communes) are not offered.
    return AdminUnit.objects.current().filter(level=level)


def _natural(units: QuerySet[AdminUnit]) -> list[AdminUnit]:
    """By the proper name ("Mường Giôn", not "Xã …": the kind would group the list), numbers
    as numbers ("Bản 2" before "Bản 10"), diacritics ignored."""

    def key(unit: AdminUnit) -> list[Any]:
        return [
            (0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in _DIGITS.split(search_key(unit.short_name or unit.name))
        ]

    return sorted(units, key=key)


def _provinces() -> list[AdminUnit]:
    return _natural(_current(Level.PROVINCE).only("key", "name", "short_name"))


def _communes(province: AdminUnit | None) -> list[AdminUnit]:
    if province is None:
        return []
    communes = _current(Level.COMMUNE).filter(path__startswith=province.path)
    return _natural(communes.only("key", "name", "short_name"))


def _hamlets(commune: AdminUnit | None) -> QuerySet[AdminUnit]:
    if commune is None:
        return AdminUnit.objects.none()
    return _current(Level.HAMLET).filter(parent=commune)


def _chosen(params: Any) -> Place:
    """The province and commune named in the query; a key that is not a current unit there
    (mistyped, ended, another province's commune) counts as not chosen."""
    province_key = str(params.get("province") or "")[:32]
    province = _current(Level.PROVINCE).filter(key=province_key).first() if province_key else None
    if province is None:
        return Place()
    commune_key = str(params.get("commune") or "")[:32]
    commune = (
        _current(Level.COMMUNE).filter(key=commune_key, path__startswith=province.path).first()
        if commune_key
        else None
    )
    return Place(province, commune)


def _place_of(hamlet: AdminUnit) -> Place:
    province = _current(Level.PROVINCE).filter(path=hamlet.path[:PATH_STEP]).first()
    return Place(province, hamlet.parent)


# -- the public form ----------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: InterestForm,
    place: Place,
    *,
    status: int = 200,
    limited: bool = False,
) -> HttpResponse:
    hamlet_field = form.fields["hamlet"]
    context = {
        "form": form,
        "place": place,
        "provinces": _provinces(),
        "communes": _communes(place.province),
        "hamlets": _natural(getattr(hamlet_field, "queryset", AdminUnit.objects.none())),
        "chosen_hamlet": str(form["hamlet"].value() or ""),
        "place_query": place.query(),
        "limited": limited,
        "page_title": _("Register to take part"),
        "page_description": _(
            "Ask to take part in the learning family or learning citizen title: the collector "
            "of your hamlet contacts you and registers you."
        ),
    }
    return render(request, TEMPLATE, context, status=status)


def _within_rate(request: HttpRequest) -> bool:
    return ratelimit.allow(request, "interest", settings.HOCTAP_INTEREST_RATE_PER_HOUR, window=HOUR)


def _rate_limited(request: HttpRequest, form: InterestForm, place: Place) -> HttpResponse:
    """429 with the reason in words; the form is not shown again (it could not be sent)."""
    response = _form_page(request, form, place, status=429, limited=True)
    response["Retry-After"] = str(HOUR - int(time.time()) % HOUR)
    return response


def _given_name(full_name: str) -> str:
    # A Vietnamese name ends with the given name ("Lò Thị Hoa": Hoa), the one used to greet.
    words = normalize_text(full_name).split()
    return words[-1] if words else ""


def _submit(request: HttpRequest, form: InterestForm) -> Interest:
    """Save the registration; the service tells the hamlet's collectors."""
    data = form.cleaned_data
    return services.interest_submit(
        hamlet=data["hamlet"],
        title=data["title"],
        full_name=data["full_name"],
        birth_year=data["birth_year"],
        phone=data["phone"],
        note=data["note"],
        sender=services.sender_hash(ratelimit.client_address(request)),
    )


@never_cache  # the page carries the visitor's CSRF token: no cache may hand it to another
@require_http_methods(["GET", "HEAD", "POST"])
def interest_new(request: HttpRequest) -> HttpResponse:
    """Register to take part: the place step by step, then the title and who is asking."""
    if request.method != "POST":
        place = _chosen(request.GET)
        return _form_page(request, InterestForm(hamlets=_hamlets(place.commune)), place)
    if filled_honeypot(request.POST):
        # Answered as if saved, so the bot learns nothing to adapt to; nothing is kept.
        request.session.pop(THANKS_KEY, None)
        return redirect("portal:interest_thanks")
    hamlet_key = str(request.POST.get("hamlet") or "")[:32]
    hamlet = _current(Level.HAMLET).select_related("parent").filter(key=hamlet_key).first()
    # The hamlet names the whole place; without one, the step the page was at.
    place = _place_of(hamlet) if hamlet is not None else _chosen(request.GET)
    form = InterestForm(request.POST, hamlets=_hamlets(place.commune))
    if not form.is_valid():
        return _form_page(request, form, place, status=422)
    # A form its own checks refuse is not counted: a visitor correcting a typo is no flood.
    if not _within_rate(request):
        return _rate_limited(request, form, place)
    try:
        interest = _submit(request, form)
    except BusinessError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
            form.add_error(None, error)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return _form_page(request, form, place, status=422)
    request.session[THANKS_KEY] = {
        "hamlet": interest.hamlet.name,
        "given_name": _given_name(interest.full_name),
    }
    return redirect("portal:interest_thanks")


@never_cache  # it shows what this visitor just sent
@require_safe
def interest_thanks(request: HttpRequest) -> HttpResponse:
    """Who will contact the visitor; shown once, then only the general thanks."""
    sent = request.session.pop(THANKS_KEY, None) or {}
    context = {
        "hamlet": str(sent.get("hamlet") or ""),
        "given_name": str(sent.get("given_name") or ""),
        "page_title": _("Thank you for registering"),
        "page_description": _("The collector of your hamlet will contact you."),
    }
    return render(request, "portal/interest_thanks.html", context)


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """The options of the next select (htmx); a plain visit goes to the form at that step.

    Not kept by `caching.public_page`: its key does not tell an htmx request from a plain one,
    and the two indexed queries cost less than the risk of serving a fragment as a page."""
    place = _chosen(request.GET)
    htmx = getattr(request, "htmx", None)
    if not htmx:
        url = reverse("portal:interest")
        response: HttpResponse = redirect(f"{url}?{place.query()}" if place.query() else url)
    elif htmx.target == "id_hamlet":
        hamlets = _natural(_hamlets(place.commune))
        context = {"hamlets": hamlets, "place": place}
        response = render(request, f"{TEMPLATE}#hamlet-options", context)
    else:
        # A new province: its communes, and the hamlets emptied until a commune is chosen.
        context = {"communes": _communes(place.province), "reset_hamlets": True}
        response = render(request, f"{TEMPLATE}#commune-options", context)
    # One address answers a fragment to htmx and a redirect to a browser: caches must not mix.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# -- the collectors' inbox ----------------------------------------------------------------------


def _interest(request: HttpRequest, pk: int) -> Interest:
    try:
        return selectors.interest_get(request.user, pk)
    except ObjectDoesNotExist as error:
        raise Http404 from error


@login_required
@require_safe
def interest_inbox(request: HttpRequest) -> HttpResponse:
    """Registrations of interest in the user's area, new ones by default."""
    if scope_paths(request.user, INTEREST_ROLES) == []:
        raise Http404  # a citizen or an editor handles none: the page is not theirs
    form = InboxFilterForm(request.GET)
    status = form.chosen_status()
    interests = selectors.interest_list(request.user, status=status)
    page = Paginator(interests, settings.HOCTAP_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "status": status,
        "query": urlencode({"status": form.cleaned_data.get("status") or ""}),
    }
    return render_page(request, "portal/interest_inbox.html", context, partial="interest-rows")


def _subjects(request: HttpRequest, interest: Interest) -> QuerySet[Any]:
    """The registry rows of the hamlet that may answer the registration, as the user sees them."""
    model = Household if interest.title == Title.LEARNING_FAMILY else Person
    subjects: QuerySet[Any] = model.objects.visible_to(request.user).filter(
        hamlet_id=interest.hamlet_id
    )
    return subjects


def _candidates(request: HttpRequest, interest: Interest, q: str) -> list[dict[str, Any]]:
    """The search results (diacritics optional), each marked when already registered."""
    hamlet = interest.hamlet.key
    rows: list[Any]
    if interest.title == Title.LEARNING_FAMILY:
        rows = list(registry_selectors.household_list(user=request.user, q=q, hamlet=hamlet))
        field = "household_id"
    else:
        filters = registry_selectors.PersonFilter(q=q, hamlet=hamlet)
        rows = list(registry_selectors.person_list(user=request.user, filters=filters))
        field = "person_id"
    rows = rows[:CANDIDATES_SHOWN]
    registered = set(
        Assessment.objects.filter(
            title=interest.title, year=interest.year, **{f"{field}__in": [row.pk for row in rows]}
        ).values_list(field, flat=True)
    )
    return [{"subject": row, "registered": row.pk in registered} for row in rows]


def _handle_page(
    request: HttpRequest,
    interest: Interest,
    *,
    confirm_form: ConfirmForm,
    dismiss_form: DismissForm,
    q: str,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    hamlet = interest.hamlet
    may_register = assessment_permissions.can_act_at(
        request.user, interest.title, assessment_permissions.REGISTER, interest.unit_path
    )
    may_add = (
        registry_selectors.editable_unit_list(user=request.user, level=Level.HAMLET)
        .filter(pk=hamlet.pk)
        .exists()
    )
    context = {
        "interest": interest,
        "is_new": interest.status == InterestStatus.NEW,
        "is_family": interest.title == Title.LEARNING_FAMILY,
        "may_register": may_register,
        "may_add": may_add,
        "candidates": _candidates(request, interest, q) if may_register else [],
        "confirm_form": confirm_form,
        "dismiss_form": dismiss_form,
        "chosen": str(confirm_form["subject"].value() or ""),
        "q": q,
        "conflict": conflict,
    }
    return render_page(
        request,
        "portal/interest_handle.html",
        context,
        partial="interest-candidates",
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def interest_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a registration (match it with the registry's household or person, which
    registers the assessment) or dismiss it with a reason."""
    interest = _interest(request, pk)
    subjects = _subjects(request, interest)
    refusal = (
        _("Choose the household from the registry.")
        if interest.title == Title.LEARNING_FAMILY
        else _("Choose the person from the registry.")
    )
    data = request.POST if request.method == "POST" else request.GET
    # The search starts from the name the visitor gave.
    q = str(data.get("q", interest.full_name))[:100]
    confirm_form = ConfirmForm(subjects=subjects, refusal=refusal)
    dismiss_form = DismissForm()
    if request.method != "POST":
        return _handle_page(
            request, interest, confirm_form=confirm_form, dismiss_form=dismiss_form, q=q
        )
    action = request.POST.get("action")
    if action not in ("confirm", "dismiss"):
        return HttpResponseBadRequest(_("Confirm or dismiss the registration."))
    try:
        if action == "confirm":
            confirm_form = ConfirmForm(request.POST, subjects=subjects, refusal=refusal)
            if confirm_form.is_valid():
                subject = confirm_form.cleaned_data["subject"]
                confirmed = services.interest_confirm(request.user, interest, subject=subject)
                messages.success(
                    request,
                    _("%(name)s is registered for %(title)s %(year)s.")
                    % {
                        "name": confirmed.full_name,
                        "title": confirmed.get_title_display(),
                        "year": confirmed.year,
                    },
                )
                return redirect("portal:interests")
        else:
            dismiss_form = DismissForm(request.POST)
            if dismiss_form.is_valid():
                services.interest_dismiss(
                    request.user, interest, reason=dismiss_form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("The registration of %(name)s is dismissed.") % {"name": interest.full_name},
                )
                return redirect("portal:interests")
    except ConflictError as error:
        # Handled meanwhile (a double click, another collector): show it as it is now.
        interest = _interest(request, pk)
        return _handle_page(
            request,
            interest,
            confirm_form=ConfirmForm(subjects=subjects, refusal=refusal),
            dismiss_form=DismissForm(),
            q=q,
            conflict=" ".join(error.messages),
            status=409,
        )
    except BusinessError as error:
        form = confirm_form if action == "confirm" else dismiss_form
        form.add_error(None, error)
    return _handle_page(
        request,
        interest,
        confirm_form=confirm_form,
        dismiss_form=dismiss_form,
        q=q,
        status=422,
    )
