.PHONY: up down status test unit lint format contracts bench chaos

up:
	@deploy/local/stack.sh up

down:
	@deploy/local/stack.sh down

status:
	@deploy/local/stack.sh status

# Everything the tests need is started by `up`; then the whole suite runs against it.
test: up
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest

unit:
	.venv/bin/pytest tests/unit

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: up
	.venv/bin/python -m bench.run $(BENCH_ARGS)

# Not part of `test`: minutes of load while every part is killed in turn, then the
# accounting (docs/reliability.md). Runs its own FerretDB and RabbitMQ node; `up` only
# installs and builds what it needs.
chaos: up
	.venv/bin/python -m bench.chaos $(CHAOS_ARGS)

contracts:
	.venv/bin/harbour contracts generate
