from django.core.management.base import BaseCommand

from wijkverband.tenancy.services import permissions_rebuild


class Command(BaseCommand):
    help = "Rebuild the guardian role groups from the Membership and RegionRole rows."

    def handle(self, *args, **options):
        permissions_rebuild()
        self.stdout.write(self.style.SUCCESS("Role groups are in line with memberships and region roles."))
