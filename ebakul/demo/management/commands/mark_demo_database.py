from django.core.management.base import BaseCommand, CommandError

from ebakul.demo import seeder as demo


class Command(BaseCommand):
    help = (
        "Mark this database as a demo database, so that seed_demo may write to it. Refused with "
        "the production settings and on a database that holds data other than the demo's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", default="", help="who or what made this demo database")

    def handle(self, *args, **opts):
        try:
            created = demo.mark_demo_database(note=opts["note"])
        except demo.NotADemoDatabase as exc:
            raise CommandError(str(exc)) from exc
        if created:
            self.stdout.write("This database is now marked as a demo database.")
