"""“My titles”: the pages of the subject itself (issue 4).

An account linked to a registry person (`User.person`) sees the person's own assessments and
their household's, year by year, and registers themself as a learning citizen, or their
household as a learning family when they are an adult member of it, where the workflow rules
let the subject register (`permissions.SUBJECT`). Scoring, evidence and submission then happen
on the ordinary assessment page, which lets them in through the same rules.

The subject is never taken from the form: the title decides it (the person, or their
household), so nobody can register someone else from here. An account without a linked person
gets 404, like any page that is not theirs.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from hoctap.assessments import permissions, services
from hoctap.assessments.models import Assessment, State, Title
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.rendering import render_page
from hoctap.registry.models import Household, Person
from hoctap.registry.services import NotPermitted

# The titles a subject registers for itself, in the order the page offers them.
SELF_TITLES = (Title.LEARNING_CITIZEN, Title.LEARNING_FAMILY)


class SelfRegisterForm(forms.Form):
    """What the register button sends: the title and the year it was offered for."""

    title = forms.ChoiceField(
        label=gettext_lazy("Title"), choices=[(title.value, title.label) for title in SELF_TITLES]
    )
    year = forms.IntegerField(label=gettext_lazy("Year"))

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered_year = year

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year != self.offered_year:
            # A page left open over New Year: the button was for a year no longer offered.
            raise forms.ValidationError(
                _("Registration is open for %(year)d only. Reload the page.")
                % {"year": self.offered_year},
                code="year",
            )
        return year


@dataclasses.dataclass(frozen=True)
class Offer:
    """A registration the subject may make now."""

    title: str
    year: int
    subject_name: str


def _person(request: HttpRequest) -> Person:
    person = permissions.linked_person(request.user)
    if person is None:
        raise Http404
    return person


def _subject_of(person: Person, title: str) -> Person | Household | None:
    """The subject a title registers from this page: the person, or their household."""
    if title == Title.LEARNING_CITIZEN:
        return person
    return person.household


def _subject_name(subject: Person | Household) -> str:
    if isinstance(subject, Person):
        return subject.full_name
    head = subject.head
    return f"{subject.code} · {head.full_name}" if head is not None else subject.code


def _offering_year() -> int:
    return timezone.localdate().year


def _own_assessments(request: HttpRequest, person: Person) -> list[Assessment]:
    own = Q(person=person)
    if person.household_id is not None:
        own |= Q(household_id=person.household_id)
    # Through the one visibility entry point, narrowed to the subject's own candidacies (an
    # official linked to their person sees their area elsewhere, not here).
    return list(
        Assessment.objects.visible_to(request.user).filter(own).order_by("-year", "title", "id")
    )


def _offers(request: HttpRequest, person: Person, assessments: list[Assessment]) -> list[Offer]:
    year = _offering_year()
    taken = {(assessment.title, assessment.year) for assessment in assessments}
    rules: permissions.RulesCache = {}
    offers = []
    for title in SELF_TITLES:
        subject = _subject_of(person, title)
        if subject is None or (title, year) in taken:
            continue
        if permissions.can_register(request.user, title, subject, subject.unit_path, cache=rules):
            offers.append(
                Offer(
                    title=title,
                    year=year,
                    subject_name=_subject_name(subject),
                )
            )
    return offers


def _render_mine(
    request: HttpRequest, person: Person, *, error: str = "", status: int = 200
) -> HttpResponse:
    assessments = _own_assessments(request, person)
    rules: permissions.RulesCache = {}
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for assessment in assessments:
        editable = assessment.state in services.EDITABLE_STATES
        by_year[assessment.year].append(
            {
                "assessment": assessment,
                "is_household": assessment.household_id is not None,
                "can_fill_in": editable
                and permissions.can_act(request.user, assessment, permissions.SCORE, cache=rules),
                "submitted": assessment.passed is not None and assessment.state != State.REGISTERED,
            }
        )
    household = person.household
    context = {
        "person": person,
        "household": household,
        "years": sorted(by_year.items(), reverse=True),
        "offers": _offers(request, person, assessments),
        # Tells a minor why the family's button is missing.
        "household_needs_adult": household is not None and not person.is_adult,
        "error": error,
    }
    return render_page(request, "assessments/mine.html", context, status=status)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's own and household's assessments, and what they may register."""
    return _render_mine(request, _person(request))


@login_required
@require_POST
def mine_register(request: HttpRequest) -> HttpResponse:
    """Register the citizen (learning citizen) or their household (learning family)."""
    person = _person(request)
    form = SelfRegisterForm(request.POST, year=_offering_year())
    if not form.is_valid():
        if form.has_error("title"):
            raise Http404  # only a tampered form names another title
        return _render_mine(
            request,
            person,
            error=" ".join(str(message) for message in form.errors["year"]),
            status=422,
        )
    title = form.cleaned_data["title"]
    subject = _subject_of(person, title)
    if subject is None:
        raise Http404  # no household: the page offered no such button
    try:
        assessment = services.assessment_register(
            actor=request.user, title=title, year=form.cleaned_data["year"], subject=subject
        )
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        status = 409 if isinstance(error, ConflictError) else 422
        return _render_mine(request, person, error=" ".join(error.messages), status=status)
    messages.success(
        request, _("Registered. Now fill in the self-assessment, attach evidence and submit.")
    )
    return redirect("assessments:detail", pk=assessment.pk)
