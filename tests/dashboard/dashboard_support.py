"""Helpers the dashboard tests share, importable as a plain module (tests/dashboard is on sys.path)."""

STAFF_PASSWORD = "a long staff password"
