"""Alembic migrations, shipped inside the package so `rostra serve` can apply them."""
