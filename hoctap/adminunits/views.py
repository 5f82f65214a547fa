"""Pages of the unit tree: browse, search, drill down, manage hamlets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoctap.adminunits import selectors, services
from hoctap.adminunits.forms import HamletForm, HamletMergeForm, HamletRetireForm
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.adminunits.permissions import can_manage_hamlets
from hoctap.core.exceptions import BusinessError
from hoctap.core.rendering import render_page


def _get_unit(request: HttpRequest, key: str) -> AdminUnit:
    try:
        return selectors.unit_get(user=request.user, key=key)
    except AdminUnit.DoesNotExist as error:
        raise Http404 from error


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The top of the user's tree, with a diacritic-insensitive search."""
    q = request.GET.get("q", "").strip()
    results = None
    if q:
        paginator = Paginator(selectors.unit_list(user=request.user, q=q), 50)
        results = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "adminunits/tree.html",
        {"roots": selectors.unit_roots(user=request.user), "q": q, "results": results},
        partial="search-results",
    )


@login_required
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One unit: where it sits, its children, its lineage; hamlet management for communes."""
    unit = _get_unit(request, key)
    show_retired = request.GET.get("retired") == "1"
    children = selectors.unit_children(user=request.user, unit=unit, include_retired=show_retired)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(user=request.user, unit=unit),
        "children": children,
        "show_retired": show_retired,
        "can_manage": can_manage_hamlets(request.user, unit),
        "hamlet_form": HamletForm(),
        "now": selectors.unit_successors_now(unit=unit) if not unit.is_current else [],
        "predecessors": unit.predecessor_links.select_related("predecessor").order_by(
            "predecessor__name"
        ),
        "successors": unit.successor_links.select_related("successor"),
    }
    return render_page(request, "adminunits/unit_detail.html", context, partial="children")


@login_required
@require_POST
def hamlet_create(request: HttpRequest, key: str) -> HttpResponse:
    commune = _get_unit(request, key)
    if not can_manage_hamlets(request.user, commune):
        raise Http404
    form = HamletForm(request.POST)
    if form.is_valid():
        try:
            hamlet = services.hamlet_create(
                actor=request.user,
                commune=commune,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except BusinessError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": hamlet.name})
            return redirect("adminunits:detail", key=commune.key)
    children = selectors.unit_children(user=request.user, unit=commune)
    return render_page(
        request,
        "adminunits/unit_detail.html",
        {
            "unit": commune,
            "ancestors": selectors.unit_ancestors(user=request.user, unit=commune),
            "children": children,
            "can_manage": True,
            "hamlet_form": form,
            "now": [],
            "predecessors": commune.predecessor_links.select_related("predecessor"),
            "successors": [],
        },
        status=422,
    )


def _hamlet_for_change(request: HttpRequest, key: str) -> AdminUnit:
    hamlet = _get_unit(request, key)
    if hamlet.level != Level.HAMLET or hamlet.parent is None:
        raise Http404
    if not can_manage_hamlets(request.user, hamlet.parent):
        raise Http404
    return hamlet


@login_required
@require_http_methods(["GET", "POST"])
def hamlet_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Rename, retire or merge one hamlet."""
    hamlet = _hamlet_for_change(request, key)
    action = request.POST.get("action", "")
    rename_form = HamletForm(
        request.POST if action == "rename" else None,
        initial={"name": hamlet.name, "kind": hamlet.kind},
    )
    retire_form = HamletRetireForm(request.POST if action == "retire" else None)
    merge_form = HamletMergeForm(request.POST if action == "merge" else None, hamlet=hamlet)
    if request.method == "POST":
        posted_target = action == "merge" and request.POST.get("into")
        if posted_target and not merge_form.is_valid() and "into" in merge_form.errors:
            # A target outside the hamlet's commune only comes from a tampered form.
            raise Http404
        try:
            if action == "rename" and rename_form.is_valid():
                services.hamlet_rename(
                    actor=request.user,
                    hamlet=hamlet,
                    name=rename_form.cleaned_data["name"],
                    kind=rename_form.cleaned_data["kind"],
                )
                messages.success(request, _("Saved."))
                return redirect("adminunits:detail", key=hamlet.key)
            if action == "retire" and retire_form.is_valid():
                services.hamlet_retire(
                    actor=request.user,
                    hamlet=hamlet,
                    on=retire_form.cleaned_data["on"],
                    reason=retire_form.cleaned_data["reason"],
                )
                messages.success(request, _("%(name)s was retired.") % {"name": hamlet.name})
                assert hamlet.parent is not None
                return redirect("adminunits:detail", key=hamlet.parent.key)
            if action == "merge" and merge_form.is_valid():
                target = services.hamlet_merge(
                    actor=request.user,
                    hamlets=[hamlet],
                    into=merge_form.cleaned_data["into"],
                    on=merge_form.cleaned_data["on"],
                )
                messages.success(
                    request,
                    _("%(name)s was merged into %(target)s.")
                    % {"name": hamlet.name, "target": target.name},
                )
                return redirect("adminunits:detail", key=target.key)
        except BusinessError as error:
            messages.error(request, " ".join(error.messages))
    status = 422 if request.method == "POST" else 200
    return render_page(
        request,
        "adminunits/hamlet_edit.html",
        {
            "hamlet": hamlet,
            "ancestors": selectors.unit_ancestors(user=request.user, unit=hamlet),
            "rename_form": rename_form,
            "retire_form": retire_form,
            "merge_form": merge_form,
        },
        status=status,
    )
