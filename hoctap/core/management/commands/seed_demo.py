"""`hoctap seed-demo`: a believable demo in Sơn La and Thanh Hóa. Running it again adds nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from hoctap.accounts import demo as accounts_demo
from hoctap.adminunits import demo as adminunits_demo
from hoctap.assessments import demo as assessments_demo
from hoctap.portal import demo as portal_demo
from hoctap.recognition import demo as recognition_demo
from hoctap.registry import demo as registry_demo
from hoctap.reports import demo as reports_demo
from hoctap.targets import demo as targets_demo
from hoctap.targets import registry_counts, rollups


class Command(BaseCommand):
    help = "Build the demo data set (needs load-admin-units first) and print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        with transaction.atomic():
            admin = accounts_demo.demo_admin()
            units = adminunits_demo.seed(actor=admin, stdout=self.stdout)
            accounts_demo.seed(actor=admin, stdout=self.stdout, van_hoa_now=units["van_hoa_now"])
            registry_demo.seed(actor=admin, stdout=self.stdout)
            assessments_demo.seed(actor=admin, stdout=self.stdout)
            recognition_demo.seed(stdout=self.stdout)
            targets_demo.seed(actor=admin, stdout=self.stdout, van_hoa_now=units["van_hoa_now"])
            reports_demo.seed(actor=admin, stdout=self.stdout, van_hoa_now=units["van_hoa_now"])
            portal_demo.seed(actor=admin, stdout=self.stdout, van_hoa_now=units["van_hoa_now"])
            accounts_demo.link_citizen(actor=admin, stdout=self.stdout)
            # The services keep the roll-ups in step; this also covers any demo rows written
            # around them, now or by a later demo module.
            rollups.rebuild()
            registry_counts.rebuild()
