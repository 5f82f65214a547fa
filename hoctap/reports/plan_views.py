"""Pages of plans and tasks: the list of plans a user may read, a new plan, one plan with its
tasks (deadline, status, progress, the overdue flag), adding a task, recording progress with
evidence, and downloading that evidence.

Reads go through `selectors` (a plan or task outside the user's scope is 404, never 403);
writes through `services`, whose refusals the page shows next to the field concerned while
nothing is saved. A user who may read a plan but not change it gets 404 for a forged post,
the same answer as for a plan they cannot see.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.assessments.evidence import ALLOWED_KINDS
from hoctap.core.exceptions import BusinessError
from hoctap.core.text import search_key
from hoctap.reports import selectors, services
from hoctap.reports.models import Plan, PlanTask, TaskProgress, TaskStatus
from hoctap.reports.permissions import PLAN_KEEPER_ROLES, can_keep_plan, can_record_progress
from hoctap.reports.plan_forms import PlanForm, ProgressForm, TaskForm, plan_unit_choices

T = TypeVar("T")
PLANS_PER_PAGE = 50
# The longest search worth running; anything beyond is cut, not refused.
MAX_QUERY = 100
# Which field of each form a service's error code is about (others go on top of the form).
PLAN_ERROR_FIELDS = {
    "scope": "unit",
    "unit": "unit",
    "years": "last_year",
    "duplicate": "number",
}
TASK_ERROR_FIELDS = {"title": "title", "assignee": "assignee", "assignee_unit": "assignee_unit"}
# Progress errors: the percentage, the note, and every refusal of the evidence file.
PROGRESS_ERROR_FIELDS = {"progress": "progress", "note": "note"}
# Stored evidence is one of the allowlisted types; its extension tells which.
CONTENT_TYPES = {kind.extension: kind.content_type for kind in ALLOWED_KINDS}


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing and out of scope both answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _add_error(form: forms.Form, error: BusinessError, fields: dict[str, str]) -> None:
    """Show the service's message next to its field, or above the form."""
    name = fields.get(error.code or "")
    form.add_error(name if name in form.fields else None, error)


def _keeps_any_plan(user: Any) -> bool:
    """True when the user keeps plans somewhere (the "New plan" button); no query beyond
    the user's cached roles."""
    paths = scope_paths(user, PLAN_KEEPER_ROLES)
    return paths is None or bool(paths)


def _plan_url(plan: Plan, task: PlanTask | None = None) -> str:
    url = reverse("reports:plan", args=[plan.pk])
    return f"{url}#task-{task.pk}" if task is not None else url


# -- the list ----------------------------------------------------------------------------------


def _matches(plan: Plan, words: list[str]) -> bool:
    unit_name = plan.unit.name if plan.unit is not None else ""
    text = search_key(f"{plan.number} {plan.title} {plan.issuer} {unit_name}")
    return all(word in text for word in words)


@require_safe
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user reads, newest first, with their tasks done, in all, and overdue."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    today = timezone.localdate()
    done = Q(tasks__status=TaskStatus.DONE)
    plans = selectors.plan_list(user=request.user).annotate(
        task_total=Count("tasks"),
        task_done=Count("tasks", filter=done),
        task_overdue=Count("tasks", filter=Q(tasks__deadline__lt=today) & ~done),
    )
    # An aggregating query drops the model's default ordering: newest first, said again.
    plans = plans.order_by("-issued_on", "-pk")
    rows: Any = plans
    if q:
        # Plan has no search column: a unit holds tens of plans, so matching the
        # diacritic-free text here costs less than keeping one more column in step.
        words = search_key(q).split()
        rows = [plan for plan in plans if _matches(plan, words)]
    page = Paginator(rows, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "plans": page.object_list,
        "q": q,
        "query": urlencode({"q": q}) if q else "",
        "may_create": _keeps_any_plan(request.user),
    }
    return render(request, "reports/plan_list.html", context)


# -- a new plan --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """A new plan of one of the units the user keeps plans of."""
    choices = plan_unit_choices(request.user)
    if not choices:
        raise Http404
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    request.user,
                    unit=form.chosen_unit(),
                    number=data["number"],
                    issued_on=data["issued_on"],
                    issuer=data["issuer"],
                    title=data["title"],
                    first_year=data["first_year"],
                    last_year=data["last_year"],
                    summary=data["summary"],
                )
            except BusinessError as error:
                _add_error(form, error, PLAN_ERROR_FIELDS)
            else:
                messages.success(request, _("The plan is saved. Add its tasks below."))
                return redirect(_plan_url(plan))
        status = 422
    else:
        form = PlanForm(choices=choices)
    return render(request, "reports/plan_new.html", {"form": form}, status=status)


# -- one plan ----------------------------------------------------------------------------------


@dataclass
class TaskLine:
    """One task as the plan's page shows it, with its history and the form to record."""

    task: PlanTask
    overdue: bool
    updates: list[TaskProgress]
    may_record: bool
    form: ProgressForm | None = None

    @property
    def latest(self) -> TaskProgress | None:
        return self.updates[0] if self.updates else None

    @property
    def in_charge(self) -> str:
        unit = self.task.assignee_unit
        if self.task.assignee and unit is not None:
            return f"{self.task.assignee} ({unit.name})"
        return self.task.assignee or (unit.name if unit is not None else "")


def _task_lines(
    request: HttpRequest, plan: Plan, posted: tuple[int, ProgressForm] | None
) -> list[TaskLine]:
    today = timezone.localdate()
    updates = TaskProgress.objects.select_related("recorded_by")
    tasks = (
        plan.tasks.select_related("assignee_unit")
        .prefetch_related(Prefetch("updates", queryset=updates))
        .order_by("position", "pk")
    )
    lines = []
    for task in tasks:
        # The keeper's own answer is cached with the user's roles: no query per task.
        task.plan = plan
        may_record = can_record_progress(request.user, task)
        form = None
        if may_record:
            form = (
                posted[1]
                if posted is not None and posted[0] == task.pk
                else ProgressForm(
                    auto_id=f"progress-{task.pk}-%s", initial={"progress": task.progress}
                )
            )
        history = list(task.updates.all())
        lines.append(
            TaskLine(
                task=task,
                overdue=task.is_overdue(today),
                updates=history,
                may_record=may_record,
                form=form,
            )
        )
    return lines


def _plan_page(
    request: HttpRequest,
    plan: Plan,
    *,
    task_form: TaskForm | None = None,
    posted: tuple[int, ProgressForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_keep = can_keep_plan(request.user, plan.unit)
    if may_keep and task_form is None:
        task_form = TaskForm(plan=plan)
    lines = _task_lines(request, plan, posted)
    context = {
        "plan": plan,
        "lines": lines,
        "may_keep": may_keep,
        "task_form": task_form if may_keep else None,
        "done": sum(1 for line in lines if line.task.status == TaskStatus.DONE),
        "overdue": sum(1 for line in lines if line.overdue),
    }
    return render(request, "reports/plan_detail.html", context, status=status)


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's header and its tasks in order, with progress and the forms the user may use."""
    plan = _found(lambda: selectors.plan_get(user=request.user, pk=pk))
    return _plan_page(request, plan)


@login_required
@require_POST
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task to the plan (its keepers only)."""
    plan = _found(lambda: selectors.plan_get(user=request.user, pk=pk))
    if not can_keep_plan(request.user, plan.unit):
        raise Http404
    form = TaskForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_add(
                request.user,
                plan,
                title=data["title"],
                description=data["description"],
                assignee=data["assignee"],
                assignee_unit=data.get("assignee_unit"),
                deadline=data["deadline"],
            )
        except BusinessError as error:
            _add_error(form, error, TASK_ERROR_FIELDS)
        else:
            messages.success(request, _("The task is added."))
            return redirect(_plan_url(plan, task))
    return _plan_page(request, plan, task_form=form, status=422)


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Record progress on a task, with an optional evidence file."""
    task = _found(lambda: selectors.task_get(user=request.user, pk=pk))
    if not can_record_progress(request.user, task):
        raise Http404
    form = ProgressForm(request.POST, request.FILES, auto_id=f"progress-{task.pk}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_progress_record(
                request.user,
                task,
                progress=data["progress"],
                note=data["note"],
                evidence=data.get("evidence") or None,
            )
        except BusinessError as error:
            if error.code == "scope":
                raise Http404 from error
            # Anything not about the percentage or the note is about the file.
            name = PROGRESS_ERROR_FIELDS.get(error.code or "", "evidence")
            form.add_error(name, error)
        else:
            messages.success(request, _("The progress is recorded."))
            return redirect(_plan_url(task.plan, task))
    return _plan_page(request, task.plan, posted=(task.pk, form), status=422)


# -- evidence ----------------------------------------------------------------------------------


def _download_name(update: TaskProgress, extension: str) -> str:
    """The user's file name, with the extension of the stored type (a PNG named .pdf is .png)."""
    stem, given = os.path.splitext(update.evidence_name)
    same_type = {extension, ".jpeg"} if extension == ".jpg" else {extension}
    if update.evidence_name and given.lower() in same_type:
        return update.evidence_name
    return f"{stem or 'evidence'}{extension}"


@require_safe
@login_required
def task_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Send the evidence of one progress update to a user who may read its plan."""
    update = TaskProgress.objects.filter(pk=pk).exclude(evidence="").first()
    if update is None:
        raise Http404
    # The scope is the task's: the one entry point the plan's page uses too.
    _found(lambda: selectors.task_get(user=request.user, pk=update.task_id))
    try:
        stored = update.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = os.path.splitext(update.evidence.name or "")[1].lower()
    response = FileResponse(
        stored,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=True,
        filename=_download_name(update, extension),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Scoped content: a browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=0"
    return response
