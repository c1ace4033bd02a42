"""Protections in front of the actions: rate limits and the request-size limit."""
