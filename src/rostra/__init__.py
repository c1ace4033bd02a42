"""Rostra: self-hosted comments for news sites, with offline moderation."""

__version__ = "0.1.0"
