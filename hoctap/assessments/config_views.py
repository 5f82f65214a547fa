"""Pages configuring the workflow: who may take each action, and the deadlines of each step.

A province's officials land on their own province; a system administrator chooses nationwide
or any province. A province the user may not configure looks missing (404), on every page and
every POST, and nothing is changed. Writes go through `hoctap.assessments.rules`; a refused one
re-renders the form with the reason (422).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments import permissions, rules
from hoctap.assessments.config_forms import (
    ACTION_NAMES,
    YEAR_OFFSET_CHOICES,
    DeadlineForm,
    DeadlineRemoveForm,
    RuleForm,
    ScopeForm,
    role_name,
    step_name,
)
from hoctap.assessments.models import Deadline, Title
from hoctap.core.exceptions import BusinessError
from hoctap.core.rendering import render_page
from hoctap.registry.services import NotPermitted


def _scope(request: HttpRequest, data: QueryDict, *, landing: bool) -> AdminUnit | None:
    """The level the request configures: a province's key, or "" for nationwide.

    Without a key a page lands on nationwide for those who may configure it, else on the
    user's (first) province; a write must name its level, so it never lands by default.
    """
    provinces, national = rules.configurable_provinces(request.user)
    key = data.get("province", "")
    if key:
        province = provinces.filter(key=key).first()
        if province is None:
            raise Http404  # not a province, or not one of the user's
        return province
    if national:
        return None
    province = provinces.first() if landing else None
    if province is None:
        raise Http404
    return province


def _scope_query(province: AdminUnit | None) -> str:
    return f"?{urlencode({'province': province.key})}" if province is not None else ""


def _scope_context(request: HttpRequest, province: AdminUnit | None) -> dict[str, Any]:
    provinces, national = rules.configurable_provinces(request.user)
    return {
        "province": province,
        "province_key": province.key if province is not None else "",
        "scope_query": _scope_query(province),
        "scope_form": ScopeForm(
            initial={"province": province.key if province is not None else ""},
            provinces=provinces,
            national=national,
        ),
    }


def _source_name(source: str, province: AdminUnit | None) -> str:
    if source == rules.SOURCE_PROVINCE and province is not None:
        return province.name
    if source == rules.SOURCE_NATIONAL:
        return _("National rule")
    return _("Built-in default")


def _where(province: AdminUnit | None) -> str:
    return province.name if province is not None else _("nationwide")


# -- workflow rules -------------------------------------------------------------------------


def _rule_row(rule: rules.EffectiveRule, title: str, province: AdminUnit | None) -> dict[str, Any]:
    """One action's line: who may act, where that comes from, and what applies without it."""
    above_source = rules.SOURCE_DEFAULT if province is None else rule.above_source
    above_roles = rule.default_roles if province is None else rule.above_roles
    overridden = bool(rule.province_roles if province is not None else rule.national_roles)
    return {
        "action": rule.action,
        "action_name": ACTION_NAMES[rule.action],
        "roles": [role_name(role) for role in rule.roles],
        "source": rule.source,
        "source_name": _source_name(rule.source, province),
        "overridden": overridden,
        "above_roles": [role_name(role) for role in above_roles],
        "above_source_name": _source_name(above_source, province),
        "edit_url": reverse("assessments:config_rule_edit", args=[title, rule.action]),
    }


@login_required
@require_safe
def rules_page(request: HttpRequest) -> HttpResponse:
    """Per title, who may take each action at the chosen level, and where that comes from."""
    province = _scope(request, request.GET, landing=True)
    sections = [
        {
            "title": title,
            "label": label,
            "rows": [
                _rule_row(rule, title, province) for rule in rules.effective_rules(title, province)
            ],
        }
        for title, label in Title.choices
    ]
    context = {**_scope_context(request, province), "sections": sections, "tab": "rules"}
    return render_page(request, "assessments/config/rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, title: str, action: str) -> HttpResponse:
    """Choose who may take one action of a title at the chosen level, or reset it."""
    if title not in Title.values or action not in permissions.ACTIONS:
        raise Http404
    posting = request.method == "POST"
    province = _scope(request, request.POST if posting else request.GET, landing=not posting)
    current = next(rule for rule in rules.effective_rules(title, province) if rule.action == action)
    form = RuleForm(
        request.POST if posting else None,
        title=title,
        action=action,
        initial={"roles": list(current.roles)},
    )
    if posting:
        reset = "reset" in request.POST
        if reset or form.is_valid():
            roles = [] if reset else form.cleaned_data["roles"]
            if not roles and not reset:
                form.add_error("roles", _("Tick at least one role, or reset to the level above."))
            else:
                try:
                    rules.workflow_rule_set(
                        actor=request.user,
                        title=title,
                        action=action,
                        roles=roles,
                        province=province,
                    )
                except NotPermitted as error:
                    raise Http404 from error
                except BusinessError as error:
                    form.add_error(None, error)
                else:
                    message = (
                        _("%(where)s now follows the level above for “%(action)s”.")
                        if reset
                        else _("Saved who may “%(action)s” in %(where)s.")
                    )
                    messages.success(
                        request,
                        message % {"action": ACTION_NAMES[action], "where": _where(province)},
                    )
                    return redirect(
                        reverse("assessments:config_rules")
                        + _scope_query(province)
                        + f"#title-{title}"
                    )
    context = {
        **_scope_context(request, province),
        "form": form,
        "title": title,
        "title_name": Title(title).label,
        "action": action,
        "row": _rule_row(current, title, province),
        "tab": "rules",
    }
    return render_page(
        request, "assessments/config/rule_edit.html", context, status=422 if posting else 200
    )


# -- deadlines ------------------------------------------------------------------------------


def _due_text(row: Deadline | None) -> str:
    if row is None:
        return ""
    year = dict(YEAR_OFFSET_CHOICES).get(row.year_offset, f"+{row.year_offset}")
    return f"{row.day:02d}/{row.month:02d} {year}"


def _deadline_rows(province: AdminUnit | None) -> list[dict[str, Any]]:
    sections = []
    everywhere = rules.effective_deadlines(province)
    for title, label in Title.choices:
        rows = [
            {
                "step": entry.step,
                "step_name": step_name(entry.step),
                "national": _due_text(entry.national),
                "national_source": entry.national.source if entry.national else "",
                "provincial": _due_text(entry.provincial),
                "provincial_source": entry.provincial.source if entry.provincial else "",
                "source": entry.source,
                # The row the chosen level may edit or remove.
                "own": entry.provincial if province is not None else entry.national,
            }
            for entry in everywhere[title]
        ]
        sections.append({"title": title, "label": label, "rows": rows})
    return sections


def _deadline_initial(request: HttpRequest, province: AdminUnit | None) -> dict[str, Any]:
    """Prefill the form from ?title=&step=: the value that applies now, to adjust."""
    title, step = request.GET.get("title", ""), request.GET.get("step", "")
    initial: dict[str, Any] = {"title": title, "step": step, "year_offset": 0}
    if title in Title.values:
        entries = rules.effective_deadlines(province)[title]
        applied = next((entry.applied for entry in entries if entry.step == step), None)
        if applied is not None:
            initial.update(day=applied.day, month=applied.month, year_offset=applied.year_offset)
            # The national row's source is no source for the province's own deadline.
            if applied.province_id == (province.pk if province is not None else None):
                initial["source"] = applied.source
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def deadlines_page(request: HttpRequest) -> HttpResponse:
    """Per title and step, the national and provincial deadlines and which applies; set one."""
    posting = request.method == "POST"
    province = _scope(request, request.POST if posting else request.GET, landing=not posting)
    form = (
        DeadlineForm(request.POST)
        if posting
        else DeadlineForm(initial=_deadline_initial(request, province))
    )
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            rules.deadline_set(
                actor=request.user,
                title=data["title"],
                step=data["step"],
                month=data["month"],
                day=data["day"],
                year_offset=data["year_offset"],
                source=data["source"],
                province=province,
            )
        except NotPermitted as error:
            raise Http404 from error
        except BusinessError as error:
            field = error.code if error.code in form.fields else None
            form.add_error(field, error)
        else:
            messages.success(
                request,
                _("Saved the deadline of “%(step)s” for %(title)s in %(where)s.")
                % {
                    "step": step_name(data["step"]),
                    "title": Title(data["title"]).label,
                    "where": _where(province),
                },
            )
            return redirect(reverse("assessments:config_deadlines") + _scope_query(province))
    context = {
        **_scope_context(request, province),
        "form": form,
        "sections": _deadline_rows(province),
        "editing": bool(request.GET.get("title")),
        "tab": "deadlines",
    }
    return render_page(
        request, "assessments/config/deadlines.html", context, status=422 if posting else 200
    )


@login_required
@require_POST
def deadline_remove(request: HttpRequest) -> HttpResponse:
    """Remove the chosen level's deadline of a step, so the level above applies again."""
    province = _scope(request, request.POST, landing=False)
    form = DeadlineRemoveForm(request.POST)
    target = reverse("assessments:config_deadlines") + _scope_query(province)
    if not form.is_valid():
        messages.error(request, _("There is no such deadline to remove."))
        return redirect(target)
    title, step = form.cleaned_data["title"], form.cleaned_data["step"]
    try:
        rules.deadline_remove(actor=request.user, title=title, step=step, province=province)
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Removed the deadline of “%(step)s” for %(title)s in %(where)s.")
            % {"step": step_name(step), "title": Title(title).label, "where": _where(province)},
        )
    return redirect(target)
