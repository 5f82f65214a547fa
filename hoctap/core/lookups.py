"""`field__any=[...]`: `IN` for a long list of plain values, as one array parameter on
PostgreSQL.

A dashboard asks for the rows of hundreds of units at once. With `__in` every value becomes a
parameter of its own: the ORM prepares each, the driver rewrites a query too long for its cache
and the server parses hundreds of parameters, which costs more than reading the rows. On
PostgreSQL `column = ANY(%s)` sends the list as one array; elsewhere it is the usual `IN`.

The values must be plain (str, int) of the field's type (ids for a foreign key): they are not
converted one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        if self.rhs_is_direct_value():
            return list(self.rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Sequence[Any]]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        # An empty array matches nothing, as `IN ()` would.
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


Field.register_lookup(AnyOf)
# A foreign key looks up only what is registered from `ForeignObject` down.
ForeignObject.register_lookup(AnyOf)
