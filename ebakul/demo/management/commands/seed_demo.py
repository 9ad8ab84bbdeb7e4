import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ebakul.demo import seeder as demo


class Command(BaseCommand):
    help = (
        "Build the reproducible demo data set (employees, merchants, months of purchases with "
        "receipt images, a login for every role). Demo only: every account shares a password "
        "printed on screen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=500)
        parser.add_argument("--merchants", type=int, default=150)
        parser.add_argument("--months", type=int, default=3, help="periods, ending this month")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
        parser.add_argument(
            "--exists",
            action="store_true",
            help="exit 0 when demo data is present, 1 otherwise; print nothing",
        )
        parser.add_argument("--logins", action="store_true", help="print the demo logins only")
        parser.add_argument("--reset", action="store_true", help="delete the demo data first")

    def handle(self, *args, **opts):
        if opts["exists"]:
            sys.exit(0 if demo.demo_exists() else 1)
        if opts["logins"]:
            self._print_logins()
            return
        if not demo.is_demo_database():
            raise CommandError(demo.MSG_NOT_A_DEMO_DATABASE)
        if opts["reset"]:
            demo.reset_all(log=self.stdout.write)
        elif demo.demo_exists():
            self.stdout.write("Demo data is already present (use --reset to build it again).")
            self._print_logins()
            return
        started = time.monotonic()
        demo.seed_all(
            employees=opts["employees"],
            merchants=opts["merchants"],
            months=opts["months"],
            seed=opts["seed"],
            log=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s.")
        )
        self._print_logins()

    def _print_logins(self):
        logins = demo.demo_logins()
        keys = [x for x in logins if x.kind == "api_key"]
        logins = [x for x in logins if x.kind != "api_key"]
        self.stdout.write(
            f"Demo logins (password for every account: {demo.DEMO_PASSWORD}; demo only):"
        )
        width = max(len(x.role) for x in logins)
        uwidth = max(len(x.username) for x in logins)
        for x in logins:
            extra = f"  (password: {x.password})" if x.password != demo.DEMO_PASSWORD else ""
            self.stdout.write(f"  {x.role:<{width}}  {x.username:<{uwidth}}  {x.note}{extra}")
        for x in keys:
            self.stdout.write(f"{x.role} key (demo only): {x.password}  ({x.note})")
