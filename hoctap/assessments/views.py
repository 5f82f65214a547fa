"""Pages of the assessments app: the work list, registration, one assessment (scores, evidence,
timeline and workflow steps) and the bulk appraisal of a hamlet's assessments.

Every page fetches through a selector (out of scope looks missing: 404), checks the workflow
permission (a step the user may not take is not offered; a forged one answers 404) and writes
only through a service. A refused write changes nothing and re-renders the page with the
reason: 409 when someone else acted first or the state does not allow it, 422 otherwise.

Evidence is served only from here: the row must belong to an assessment the user may see
(otherwise 404, like a missing one), and the response forbids the browser from guessing
another type or running anything in it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits import selectors as unit_selectors
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import permissions, selectors, services
from hoctap.assessments.evidence import download_name, evidence_attach
from hoctap.assessments.forms import (
    ACTION_LABELS,
    EVIDENCE_ACCEPT,
    BulkActionForm,
    BulkFilterForm,
    BulkRegisterForm,
    EvidenceForm,
    RegisterForm,
    TransitionForm,
    WorkFilterForm,
)
from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, Evidence, State
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.rendering import render_page
from hoctap.core.text import search_key
from hoctap.criteria import engine
from hoctap.recognition.selectors import titles_of
from hoctap.registry import selectors as registry_selectors
from hoctap.registry.models import Clan, Organisation, Person
from hoctap.registry.services import NotPermitted

# How many candidates the registration picker shows; a search narrows it.
PICKER_SIZE = 20


def _status_of(error: BusinessError) -> int:
    return 409 if isinstance(error, ConflictError) else 422


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_get(request.user, pk)
    except ObjectDoesNotExist as error:
        raise Http404 from error


# -- work list ------------------------------------------------------------------------------


@login_required
@require_safe
def work_list(request: HttpRequest) -> HttpResponse:
    """What the user must act on, the soonest due first; late ones flagged."""
    form = WorkFilterForm(request.GET)
    form.is_valid()  # an unknown value is dropped: the list is shown without that filter
    title = form.cleaned_data.get("title") or ""
    state = form.cleaned_data.get("state") or ""
    items = selectors.work_list(request.user, year=form.cleaned_data.get("year"))
    items = [
        item
        for item in items
        if (not title or item.assessment.title == title)
        and (not state or item.assessment.state == state)
    ]
    today = timezone.localdate()
    rows = [
        {
            "item": item,
            "label": ACTION_LABELS[item.action],
            "overdue": item.due is not None and item.due < today,
        }
        for item in items
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "can_register": _has_scope(request),
    }
    return render_page(request, "assessments/work_list.html", context, partial="work-results")


def _has_scope(request: HttpRequest) -> bool:
    """True when the user holds any role somewhere (the pages are for people with a role)."""
    paths = scope_paths(request.user)
    return paths is None or bool(paths)


# -- registration ---------------------------------------------------------------------------


def _words(rows: QuerySet[Any], q: str) -> QuerySet[Any]:
    for word in search_key(q).split():
        rows = rows.filter(search_name__contains=word)
    return rows


def _candidates(request: HttpRequest, title: str, q: str) -> QuerySet[Any]:
    """Subjects of the title's kind the user sees, for the picker (diacritics optional)."""
    kind = TITLE_SUBJECTS[title][0]
    user = request.user
    if kind == "household":
        return registry_selectors.household_list(user=user, q=q)
    if kind == "person":
        return _words(Person.objects.visible_to(user), q).order_by("unit_path", "search_name")
    if kind == "clan":
        return _words(Clan.objects.visible_to(user), q).order_by("unit_path", "search_name")
    if kind == "organisation":
        return _words(Organisation.objects.visible_to(user), q).order_by("unit_path", "search_name")
    level = Level.HAMLET if kind == "hamlet" else Level.COMMUNE
    units = unit_selectors.unit_list(user=user, q=q, level=level)
    paths = scope_paths(user)
    if paths is not None:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        units = units.filter(condition)
    return units


def _year_of(value: str | None) -> int:
    return int(value) if value and value.isdigit() else timezone.localdate().year


def _unregistered(candidates: QuerySet[Any], title: str, year: int) -> QuerySet[Any]:
    """Leave out subjects already registered for the title and year (the picker's noise)."""
    kind = TITLE_SUBJECTS[title][0]
    field = kind if kind in ("person", "household", "clan", "organisation") else "unit"
    registered = Assessment.objects.filter(
        title=title, year=year, **{f"{field}__isnull": False}
    ).values(f"{field}_id")
    return candidates.exclude(pk__in=registered)


def _subject_label(subject: Any) -> str:
    if hasattr(subject, "code") and hasattr(subject, "head"):
        head = subject.head
        return f"{subject.code} · {head.full_name}" if head is not None else subject.code
    return str(getattr(subject, "full_name", None) or getattr(subject, "name", subject))


def _registrable_hamlets(request: HttpRequest) -> list[AdminUnit]:
    """Hamlets where the user may register households for some title (rules read once)."""
    rules: permissions.RulesCache = {}
    return [
        hamlet
        for hamlet in registry_selectors.editable_unit_list(user=request.user, level=Level.HAMLET)
        if any(
            permissions.can_act_at(
                request.user, title, permissions.REGISTER, hamlet.path, cache=rules
            )
            for title, kind in TITLE_SUBJECTS.items()
            if kind[0] == "household"
        )
    ]


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Register one subject: choose the title and year, find the subject, confirm."""
    if not _has_scope(request):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    # A search (GET) keeps what was chosen without showing errors for what is still missing.
    form = (
        RegisterForm(request.POST)
        if request.method == "POST"
        else RegisterForm(initial={key: value for key, value in data.items() if value})
    )
    title = data.get("title") or ""
    if title not in TITLE_SUBJECTS:
        title = next(iter(TITLE_SUBJECTS))
    q = (data.get("q") or "")[:100]
    year = _year_of(data.get("year"))
    if request.method == "POST" and form.is_valid():
        subject_id = form.cleaned_data["subject"]
        in_scope = _candidates(request, form.cleaned_data["title"], "")
        subject = in_scope.filter(pk=subject_id).first() if subject_id else None
        if subject_id and subject is None:
            raise Http404  # a subject outside the user's area only comes from a tampered form
        if subject is None:
            form.add_error(None, _("Choose the subject to register."))
        else:
            try:
                assessment = services.assessment_register(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                    subject=subject,
                )
            except BusinessError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Registered. Now score each indicator."))
                return redirect("assessments:detail", pk=assessment.pk)
    candidates = list(_unregistered(_candidates(request, title, q), title, year)[:PICKER_SIZE])
    hamlets = _registrable_hamlets(request)
    context = {
        "form": form,
        "title": title,
        "q": q,
        "candidates": [(subject.pk, _subject_label(subject)) for subject in candidates],
        "chosen": str(data.get("subject") or ""),
        "bulk_form": BulkRegisterForm(hamlets=hamlets) if hamlets else None,
    }
    status = 422 if request.method == "POST" else 200
    return render_page(
        request, "assessments/register.html", context, partial="subject-results", status=status
    )


@login_required
@require_POST
def bulk_register(request: HttpRequest) -> HttpResponse:
    """Register every household of a hamlet not registered yet for the title and year."""
    hamlets = _registrable_hamlets(request)
    if not hamlets:
        raise Http404
    form = BulkRegisterForm(request.POST, hamlets=hamlets)
    if form.has_error("hamlet", "invalid_choice"):
        raise Http404  # a hamlet outside the user's area only comes from a tampered form
    if form.is_valid():
        hamlet = form.hamlets[form.cleaned_data["hamlet"]]
        try:
            count = services.assessment_bulk_register(
                actor=request.user,
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                hamlet=hamlet,
            )
        except NotPermitted as error:
            raise Http404 from error
        except BusinessError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(count)d households registered in %(hamlet)s.")
                % {"count": count, "hamlet": hamlet.name},
            )
            query = urlencode(
                {
                    "hamlet": hamlet.key,
                    "title": form.cleaned_data["title"],
                    "year": form.cleaned_data["year"],
                }
            )
            return redirect(f"{_bulk_url()}?{query}")
    context = {
        "form": RegisterForm(),
        "title": next(iter(TITLE_SUBJECTS)),
        "q": "",
        "candidates": [],
        "chosen": "",
        "bulk_form": form,
    }
    return render_page(request, "assessments/register.html", context, status=422)


def _bulk_url() -> str:
    return reverse("assessments:bulk")


# -- one assessment -------------------------------------------------------------------------


@dataclasses.dataclass
class IndicatorRow:
    indicator: engine.Indicator
    text: str
    mode: str  # "points", "met", "number" or "computed"
    value: Any
    note: str
    evidence: list[Evidence]
    error: str = ""


def _indicator_mode(criteria_set: engine.CriteriaSet, indicator: engine.Indicator) -> str:
    if indicator.computed is not None:
        return "computed"
    if criteria_set.mode == "points":
        return "points"
    return "number" if indicator.is_numeric else "met"


def _detail_context(
    request: HttpRequest,
    assessment: Assessment,
    *,
    posted: dict[str, Any] | None = None,
    error: str = "",
    error_code: str = "",
    transition_form: TransitionForm | None = None,
) -> dict[str, Any]:
    criteria_set = services.criteria_set_of(assessment)
    scores = {score.indicator: score for score in assessment.scores.all()}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in assessment.evidence.order_by("indicator", "created_at"):
        evidence[item.indicator].append(item)
    posted = posted or {}
    criteria = []
    for criterion in criteria_set.criteria:
        rows = []
        for indicator in criterion.indicators:
            mode = _indicator_mode(criteria_set, indicator)
            score = scores.get(indicator.code)
            if mode == "computed":
                value: Any = score.computed_value if score is not None else None
            elif mode == "met":
                value = score.met if score is not None else None
            else:
                value = score.points if score is not None else None
            note = score.note if score is not None else ""
            if indicator.code in posted:
                value, note = posted[indicator.code]
            rows.append(
                IndicatorRow(
                    indicator=indicator,
                    text=indicator.text_for(assessment.variant),
                    mode=mode,
                    value=value,
                    note=note,
                    evidence=evidence.get(indicator.code, []),
                )
            )
        criteria.append({"criterion": criterion, "rows": rows})
    rules: permissions.RulesCache = {}
    actions = [
        {"action": action, "label": ACTION_LABELS[action]}
        for action, (from_states, _to) in services.TRANSITIONS.items()
        if assessment.state in from_states
        and permissions.can_act(request.user, assessment, action, cache=rules)
    ]
    editable = assessment.state in services.EDITABLE_STATES
    timeline = []
    for step in selectors.timeline(assessment):
        changed = step.changes.get("changed") if isinstance(step.changes, dict) else None
        timeline.append({"step": step, "changed": changed or {}})
    return {
        "assessment": assessment,
        "criteria_set": criteria_set,
        "criteria": criteria,
        "can_score": editable
        and permissions.can_act(request.user, assessment, permissions.SCORE, cache=rules),
        "actions": actions,
        "timeline": timeline,
        "submitted": assessment.state not in (State.REGISTERED,) and assessment.passed is not None,
        "error": error,
        "error_code": error_code,
        "transition_form": transition_form,
        "accept": EVIDENCE_ACCEPT,
        "titles": titles_of(assessment.subject, request.user),
        "state_returned": assessment.state == State.RETURNED,
        "last_return": next(
            (
                row["step"]
                for row in reversed(timeline)
                if row["step"].to_state in (State.RETURNED, State.REJECTED)
            ),
            None,
        ),
    }


def _render_detail(
    request: HttpRequest, assessment: Assessment, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    context = _detail_context(request, assessment, **kwargs)
    return render_page(request, "assessments/detail.html", context, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment: criteria with scores and evidence, the result, the timeline, the steps."""
    return _render_detail(request, _assessment(request, pk))


def _parse_answers(
    request: HttpRequest, criteria_set: engine.CriteriaSet
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any], list[str]]:
    """The typed answers and notes, what to show back, and the errors of unreadable numbers."""
    answers: dict[str, Any] = {}
    notes: dict[str, str] = {}
    posted: dict[str, Any] = {}
    errors: list[str] = []
    for indicator in criteria_set.indicators():
        code = indicator.code
        note = request.POST.get(f"note-{code}", "")[:500]
        notes[code] = note
        mode = _indicator_mode(criteria_set, indicator)
        if mode == "computed":
            continue
        if mode == "met":
            value: Any = request.POST.get(f"met-{code}") == "on"
            answers[code] = value
        else:
            raw = request.POST.get(f"value-{code}", "").strip().replace(",", ".")
            value = raw
            if not raw:
                answers[code] = None
            else:
                try:
                    answers[code] = Decimal(raw)
                except InvalidOperation:
                    errors.append(
                        _("Indicator %(indicator)s needs a number.") % {"indicator": code}
                    )
        posted[code] = (value, note)
    return answers, notes, posted, errors


@login_required
@require_POST
def scores_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the scores and notes; a form opened before someone else's change saves nothing."""
    assessment = _assessment(request, pk)
    if not permissions.can_act(request.user, assessment, permissions.SCORE):
        raise Http404
    criteria_set = services.criteria_set_of(assessment)
    answers, notes, posted, errors = _parse_answers(request, criteria_set)
    version = request.POST.get("version", "")
    if not version.isdigit():
        errors.append(_("The form is incomplete. Reload the page."))
    if errors:
        return _render_detail(
            request, assessment, status=422, posted=posted, error=" ".join(errors)
        )
    try:
        services.scores_save(
            actor=request.user,
            assessment=assessment,
            version=int(version),
            answers=answers,
            notes=notes,
        )
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        return _render_detail(
            request,
            assessment,
            status=_status_of(error),
            posted=posted if not isinstance(error, ConflictError) else None,
            error=" ".join(error.messages),
            error_code=error.code or "",
        )
    messages.success(request, _("Scores saved."))
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file (a photo from the phone's camera, PDF, Word, Excel) to one indicator."""
    assessment = _assessment(request, pk)
    if not permissions.can_act(request.user, assessment, permissions.SCORE):
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, assessment, status=422, error=_("Choose a file to attach."))
    try:
        evidence_attach(
            actor=request.user,
            assessment=assessment,
            indicator=form.cleaned_data["indicator"],
            upload=form.cleaned_data["file"],
            name=form.cleaned_data["file"].name,
        )
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        return _render_detail(
            request,
            assessment,
            status=_status_of(error),
            error=" ".join(error.messages),
            error_code=error.code or "",
        )
    messages.success(request, _("File attached."))
    return redirect(f"{_detail_url(assessment)}#indicator-{form.cleaned_data['indicator']}")


def _detail_url(assessment: Assessment) -> str:
    return reverse("assessments:detail", kwargs={"pk": assessment.pk})


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one workflow step with the version the user saw; a second click changes nothing."""
    assessment = _assessment(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, assessment, status=422, error=_("The form is incomplete. Reload the page.")
        )
    action = form.cleaned_data["action"]
    if not permissions.can_act(request.user, assessment, action):
        raise Http404
    try:
        services.transition(
            actor=request.user,
            assessment=assessment,
            action=action,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        return _render_detail(
            request,
            assessment,
            status=_status_of(error),
            error=" ".join(error.messages),
            error_code=error.code or "",
            transition_form=form,
        )
    messages.success(request, _("Done: %(step)s.") % {"step": ACTION_LABELS[action]})
    return redirect("assessments:detail", pk=assessment.pk)


# -- bulk appraisal -------------------------------------------------------------------------


def _visible_hamlets(request: HttpRequest) -> list[AdminUnit]:
    paths = scope_paths(request.user)
    hamlets = unit_selectors.unit_list(user=request.user, level=Level.HAMLET)
    if paths is not None:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        hamlets = hamlets.filter(condition)
    return list(hamlets.order_by("parent__path", "search_name"))


def _bulk_rows(request: HttpRequest, filters: BulkFilterForm) -> QuerySet[Assessment]:
    data = filters.cleaned_data if filters.is_valid() else {}
    hamlet = filters.hamlets.get(data.get("hamlet") or "")
    return selectors.assessment_list(
        request.user,
        selectors.AssessmentFilter(
            title=data.get("title") or "",
            year=data.get("year"),
            state=data.get("state") or "",
            unit_path=hamlet.path if hamlet is not None else "",
        ),
    ).order_by("unit_path", "subject_name", "id")


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    """A hamlet's assessments in one table; one step on the ticked ones, all or none."""
    if not _has_scope(request):
        raise Http404
    hamlets = _visible_hamlets(request)
    filters = BulkFilterForm(request.GET, hamlets=hamlets)
    action_form = BulkActionForm(request.POST or None)
    refusals: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        status = 422
        if action_form.is_valid():
            picked: dict[int, int] = action_form.cleaned_data["picked"]
            chosen = list(selectors.assessment_list(request.user).filter(pk__in=picked))
            if len(chosen) != len(picked):
                raise Http404  # a row outside the user's area only comes from a tampered form
            for assessment in chosen:
                # The version the official saw, so a row moved meanwhile is refused.
                assessment.version = picked[assessment.pk]
            try:
                outcome = services.bulk_transition(
                    actor=request.user,
                    assessments=chosen,
                    action=action_form.cleaned_data["action"],
                    reason=action_form.cleaned_data["reason"],
                )
            except services.BulkTransitionRefused as error:
                refusals = error.refusals
                action_form.add_error(None, error)
            except BusinessError as error:
                action_form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(step)s: %(count)d assessments.")
                    % {"step": ACTION_LABELS[outcome.action], "count": outcome.count},
                )
                return redirect(request.get_full_path())
    rows = list(_bulk_rows(request, filters))
    names = {row.pk: row.subject_name for row in rows}
    if refusals:
        missing = set(refusals) - set(names)
        names.update(
            selectors.assessment_list(request.user)
            .filter(pk__in=missing)
            .values_list("pk", "subject_name")
        )
    context = {
        "filters": filters,
        "form": action_form,
        "rows": rows,
        "refusals": [(pk, names.get(pk, str(pk)), why) for pk, why in sorted(refusals.items())],
        "refused_ids": set(refusals),
        "picked": {
            int(value.partition(":")[0])
            for value in request.POST.getlist("picked")
            if value.partition(":")[0].isdigit()
        },
    }
    return render_page(request, "assessments/bulk.html", context, status=status)


# -- evidence files -------------------------------------------------------------------------


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send one evidence file to a user whose scope covers its assessment."""
    evidence = (
        Evidence.objects.filter(assessment__in=Assessment.objects.visible_to(request.user))
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # Cleaned photos may show in the page; documents are always downloaded, never rendered.
    is_photo = evidence.content_type.startswith("image/")
    response = FileResponse(
        stored,
        content_type=evidence.content_type,
        as_attachment=not is_photo,
        filename=download_name(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Scoped content: a browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=0"
    return response
