"""Sign-in pages, user management and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoctap.accounts import selectors, services
from hoctap.accounts.forms import (
    ApiTokenForm,
    AssignmentForm,
    PersonLinkForm,
    UserCreateForm,
    resolve_person,
    resolve_unit,
)
from hoctap.accounts.models import ApiToken, Role, RoleAssignment, User
from hoctap.accounts.permissions import can_manage_user, can_manage_users
from hoctap.adminunits.models import AdminUnit
from hoctap.core.exceptions import BusinessError
from hoctap.core.http import AuthenticatedHttpRequest
from hoctap.core.rendering import render_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # A citizen's account linked to their registry person has one thing to do here: their
        # own titles. Opening the site's root ("next" = home) counts as no particular page.
        wanted = self.get_redirect_url()
        if wanted and wanted != reverse("core:home"):
            return wanted
        if _is_citizen_only(self.request.user):
            return reverse("assessments:mine")
        return self.get_default_redirect_url()


def _is_citizen_only(user: Any) -> bool:
    """True for a linked account holding no role but the citizen's (or none at all)."""
    return bool(getattr(user, "person_id", None)) and selectors.user_primary_role(user) in (
        Role.CITIZEN,
        None,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise Http404


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts in the official's scope."""
    _require_manager(request)
    q = request.GET.get("q", "").strip()
    users = selectors.user_list(actor=request.user, q=q)
    return render_page(
        request, "accounts/user_list.html", {"users": users[:500], "q": q}, partial="user-rows"
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """Create an account with one role at a unit inside the official's scope."""
    _require_manager(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = person = None
        try:
            unit = resolve_unit(request.user, data["unit"])
        except AdminUnit.DoesNotExist:
            form.add_error("unit", _("No unit with this code in your area."))
        try:
            person = resolve_person(request.user, data["person"])
        except ValidationError as error:
            form.add_error("person", error)
        if not form.errors:
            try:
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"],
                    role=data["role"],
                    unit=unit,
                    person=person,
                )
            except BusinessError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Created the account %(name)s.") % {"name": user})
                return redirect("accounts:user_detail", username=user.username)
    status = 422 if request.method == "POST" else 200
    return render_page(request, "accounts/user_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def user_person(request: HttpRequest, username: str) -> HttpResponse:
    """Link an account to the registry person it belongs to (a citizen), or unlink it."""
    target = _get_managed_user(request, username)
    if not can_manage_user(request.user, target):
        raise Http404
    current = target.person
    initial = {"person": f"#{current.pk}"} if current is not None else {}
    form = PersonLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = resolve_person(request.user, form.cleaned_data["person"])
        except ValidationError as error:
            form.add_error("person", error)
        else:
            try:
                services.user_person_link(actor=request.user, user=target, person=person)
            except BusinessError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Linked to %(person)s.") % {"person": person.full_name}
                    if person is not None
                    else _("The account is no longer linked to a person."),
                )
                return redirect("accounts:user_detail", username=target.username)
    status = 422 if request.method == "POST" else 200
    return render_page(
        request,
        "accounts/user_form.html",
        {"form": form, "target": target, "current_person": current},
        status=status,
    )


def _get_managed_user(request: HttpRequest, username: str) -> User:
    _require_manager(request)
    user = selectors.user_visible_to(request.user).filter(username=username).first()
    if user is None:
        raise Http404
    return user


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    """One account: its roles; add a role, revoke one, lock or unlock the account."""
    target = _get_managed_user(request, username)
    can_manage = can_manage_user(request.user, target)
    if request.method == "POST" and not can_manage:
        # Seeing an account (or one's own) is not managing it; the page offers no form then.
        raise Http404
    form = AssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = resolve_unit(request.user, form.cleaned_data["unit"])
        except AdminUnit.DoesNotExist:
            form.add_error("unit", _("No unit with this code in your area."))
        else:
            try:
                services.assignment_create(
                    actor=request.user, user=target, role=form.cleaned_data["role"], unit=unit
                )
            except BusinessError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Role added."))
                return redirect("accounts:user_detail", username=target.username)
    assignments = target.assignments.select_related("unit", "created_by").order_by(
        "revoked_at", "role"
    )
    return render_page(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": assignments,
            "form": form,
            "can_manage": can_manage,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def assignment_revoke(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    target = _get_managed_user(request, username)
    assignment = RoleAssignment.objects.filter(user=target, pk=pk).first()
    if assignment is None:
        raise Http404
    try:
        services.assignment_revoke(actor=request.user, assignment=assignment)
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", username=target.username)


@login_required
@require_POST
def user_toggle_active(request: HttpRequest, username: str) -> HttpResponse:
    target = _get_managed_user(request, username)
    try:
        services.user_set_active(actor=request.user, user=target, active=not target.is_active)
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:user_detail", username=target.username)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own API tokens; a new token's value is shown once."""
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = services.api_token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render_page(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "raw": raw}
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens")
