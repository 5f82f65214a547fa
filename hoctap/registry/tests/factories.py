"""Factories for registry rows, placed as the services place them.

Each row needs a commune, usually a hamlet, the unit path of the place and a search form of
its name; the factories derive them the way `hoctap.registry.services` does, so tests built
on factories see the same rows a page or an import would have saved.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from hoctap.adminunits.models import AdminUnit
from hoctap.adminunits.tests import factories as units
from hoctap.core.text import search_key
from hoctap.registry.models import (
    Clan,
    Household,
    LearningCentre,
    Organisation,
    OrganisationKind,
    Person,
    Relation,
    Sex,
)


def _place(kwargs: dict[str, Any]) -> None:
    """Fill commune, hamlet and unit_path from whichever of them was given."""
    commune: AdminUnit | None = kwargs.get("commune")
    hamlet: AdminUnit | None = kwargs.get("hamlet")
    if commune is None:
        if hamlet is None:
            hamlet = units.hamlet(units.commune(units.province()))
        commune = hamlet.parent
    assert commune is not None
    kwargs["commune"] = commune
    kwargs["hamlet"] = hamlet
    kwargs["unit_path"] = hamlet.path if hamlet is not None else commune.path


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    commune = None
    hamlet = None
    code = factory.Sequence(lambda n: f"HO-{n:05d}")
    address = ""
    phone = ""

    @classmethod
    def _create(cls, model_class: type[Household], *args: Any, **kwargs: Any) -> Household:
        _place(kwargs)
        kwargs.setdefault("search_name", search_key(kwargs["code"]))
        return super()._create(model_class, *args, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person; given a household, they live where it is."""

    class Meta:
        model = Person

    commune = None
    hamlet = None
    household = None
    full_name = factory.Sequence(lambda n: f"Lò Văn Thử {n}")
    sex = Sex.MALE
    birth_date = None
    birth_year = 1980
    ethnicity = "Thái"
    cccd = None
    relation = ""

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        household: Household | None = kwargs.get("household")
        if household is not None:
            kwargs["commune"], kwargs["hamlet"] = household.commune, household.hamlet
        _place(kwargs)
        birth_date: datetime.date | None = kwargs.get("birth_date")
        if birth_date is not None:
            kwargs["birth_year"] = birth_date.year
        kwargs.setdefault("search_name", search_key(kwargs["full_name"]))
        kwargs.setdefault("is_adult", timezone.localdate().year - kwargs["birth_year"] >= 18)
        person: Person = super()._create(model_class, *args, **kwargs)
        if household is not None and person.relation == Relation.HEAD and household.head is None:
            household.head = person
            household.save(update_fields=["head"])
        return person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    commune = None
    hamlet = None
    name = factory.Sequence(lambda n: f"Trường Tiểu học Thử {n}")
    kind = OrganisationKind.SCHOOL

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        _place(kwargs)
        kwargs.setdefault("search_name", search_key(kwargs["name"]))
        return super()._create(model_class, *args, **kwargs)


class ClanFactory(factory.django.DjangoModelFactory):
    """A clan; `households=[…]` adds member households (which may lie in other hamlets)."""

    class Meta:
        model = Clan
        skip_postgeneration_save = True

    commune = None
    hamlet = None
    name = factory.Sequence(lambda n: f"Dòng họ Lò {n}")

    @classmethod
    def _create(cls, model_class: type[Clan], *args: Any, **kwargs: Any) -> Clan:
        _place(kwargs)
        kwargs.setdefault("search_name", search_key(kwargs["name"]))
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def households(self, create: bool, extracted: list[Household] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.households.add(*extracted)


class LearningCentreFactory(factory.django.DjangoModelFactory):
    """The commune's community learning centre (one per commune)."""

    class Meta:
        model = LearningCentre

    commune = None
    hamlet = None
    name = "Trung tâm học tập cộng đồng"
    director = "Lò Thị Thu"
    staff_count = 3

    @classmethod
    def _create(
        cls, model_class: type[LearningCentre], *args: Any, **kwargs: Any
    ) -> LearningCentre:
        if kwargs.get("commune") is None and kwargs.get("hamlet") is None:
            kwargs["commune"] = units.commune(units.province())
        _place(kwargs)
        kwargs.setdefault("search_name", search_key(kwargs["name"]))
        return super()._create(model_class, *args, **kwargs)
