"""Migrations: none missing, and every one of them reversible."""

from io import StringIO

from django.core.management import call_command

from tests.embedded import manage


def test_no_model_change_is_missing_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_all_migrations_unapply_and_apply_again(tmp_path):
    """Run on the embedded default in a separate process, so the suite's database is untouched:
    migrate, unapply everything that depends on the custom user model (all our apps), migrate
    again."""
    for args in (
        ("migrate",),
        ("migrate", "accounts", "zero"),
        ("migrate", "core", "zero"),
        ("migrate",),
    ):
        result = manage(tmp_path, *args, "-v0")
        assert result.returncode == 0, (args, result.stderr[-3000:])
