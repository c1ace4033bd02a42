"""Thin HTTP handlers (FastAPI) over `rostra.actions`; errors answer as `application/problem+json`."""
