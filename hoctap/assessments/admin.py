"""Django admin for the workflow configuration: superusers only, writes through `rules`.

The pages under /assessments/config/ are the everyday tool; the admin lists every row of
every province at once, for a superuser looking into a problem. Saving or deleting a row here
calls the same services as the pages, so it is validated and audited the same way.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import permissions, rules
from hoctap.assessments.models import Deadline, WorkflowRule


class _SuperuserOnly(admin.ModelAdmin):
    """Staff who are not superusers do not see these models at all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "province":
            kwargs["queryset"] = (
                AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProvinceFilter(admin.SimpleListFilter):
    """Nationwide or one province: a plain foreign-key filter would list every commune."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        provinces = AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("name")
        return [("national", _("Nationwide")), *((p.key, p.name) for p in provinces)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "national":
            return queryset.filter(province__isnull=True)
        if value:
            return queryset.filter(province__key=value)
        return queryset


def _roles_of(title: str, action: str, province: AdminUnit | None) -> list[str]:
    return list(
        WorkflowRule.objects.filter(title=title, action=action, province=province).values_list(
            "role", flat=True
        )
    )


class WorkflowRuleForm(forms.ModelForm):
    action = forms.ChoiceField(label=_("action"), choices=[(a, a) for a in permissions.ACTIONS])
    role = forms.ChoiceField(label=_("role"), choices=[(r, r) for r in rules.RULE_ROLES])

    class Meta:
        model = WorkflowRule
        fields = ["title", "action", "role", "province"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if {"title", "action", "role"} <= set(data):
            rules.rule_check(data["title"], data["action"], [data["role"]])
        return data


@admin.register(WorkflowRule)
class WorkflowRuleAdmin(_SuperuserOnly):
    form = WorkflowRuleForm
    list_display = ["title", "action", "role", "province"]
    list_filter = ["title", "action", ProvinceFilter]
    ordering = ["province__name", "title", "action", "role"]
    list_select_related = ["province"]

    def save_model(self, request: HttpRequest, obj: WorkflowRule, form: Any, change: bool) -> None:
        if change:
            old = WorkflowRule.objects.get(pk=obj.pk)
            if (old.title, old.action, old.role, old.province_id) == (
                obj.title,
                obj.action,
                obj.role,
                obj.province_id,
            ):
                return
            remaining = [
                role for role in _roles_of(old.title, old.action, old.province) if role != old.role
            ]
            rules.workflow_rule_set(
                actor=request.user,
                title=old.title,
                action=old.action,
                roles=remaining,
                province=old.province,
            )
        wanted = [*_roles_of(obj.title, obj.action, obj.province), obj.role]
        rows = rules.workflow_rule_set(
            actor=request.user,
            title=obj.title,
            action=obj.action,
            roles=wanted,
            province=obj.province,
        )
        obj.pk = next(row.pk for row in rows if row.role == obj.role)

    def delete_model(self, request: HttpRequest, obj: WorkflowRule) -> None:
        remaining = [
            role for role in _roles_of(obj.title, obj.action, obj.province) if role != obj.role
        ]
        rules.workflow_rule_set(
            actor=request.user,
            title=obj.title,
            action=obj.action,
            roles=remaining,
            province=obj.province,
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkflowRule]) -> None:
        for obj in queryset.select_related("province"):
            self.delete_model(request, obj)


class DeadlineForm(forms.ModelForm):
    step = forms.ChoiceField(label=_("step"), choices=[(s, s) for s in rules.DEADLINE_STEPS])

    class Meta:
        model = Deadline
        fields = ["title", "step", "month", "day", "year_offset", "source", "province"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if {"title", "step", "month", "day", "year_offset"} <= set(data):
            rules.deadline_check(
                title=data["title"],
                step=data["step"],
                month=data["month"],
                day=data["day"],
                year_offset=data["year_offset"],
                source=data.get("source", ""),
            )
        return data


@admin.register(Deadline)
class DeadlineAdmin(_SuperuserOnly):
    form = DeadlineForm
    list_display = ["title", "step", "day", "month", "year_offset", "province", "source"]
    list_filter = ["title", "step", ProvinceFilter]
    ordering = ["province__name", "title", "month", "day"]
    list_select_related = ["province"]

    def save_model(self, request: HttpRequest, obj: Deadline, form: Any, change: bool) -> None:
        if change:
            old = Deadline.objects.get(pk=obj.pk)
            if (old.title, old.step, old.province_id) != (obj.title, obj.step, obj.province_id):
                rules.deadline_remove(
                    actor=request.user, title=old.title, step=old.step, province=old.province
                )
        row = rules.deadline_set(
            actor=request.user,
            title=obj.title,
            step=obj.step,
            month=obj.month,
            day=obj.day,
            year_offset=obj.year_offset,
            source=obj.source,
            province=obj.province,
        )
        obj.pk = row.pk

    def delete_model(self, request: HttpRequest, obj: Deadline) -> None:
        rules.deadline_remove(
            actor=request.user, title=obj.title, step=obj.step, province=obj.province
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> None:
        for obj in queryset.select_related("province"):
            self.delete_model(request, obj)
