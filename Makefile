.PHONY: demo test run setup lint format bench

# Set up everything and run the system with demo data on SQLite (eager tasks).
demo:
	scripts/demo.sh

# The whole test suite on MariaDB and Redis (installs and starts them when missing).
test:
	scripts/test.sh

# The full stack on MariaDB and Redis: gunicorn, Celery worker and beat.
run:
	scripts/run.sh

setup:
	scripts/bootstrap.sh

# Ruff, the layers contract (import-linter, pyproject.toml; docs/architecture.md) and the
# deployment checklist.
lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	scripts/typecheck.sh
	scripts/check-deploy.sh

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench:
	scripts/bench.sh
