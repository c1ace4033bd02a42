"""Comment bodies: a small Markdown subset rendered to HTML, then sanitized with nh3."""

from rostra.render.markdown import render_comment

__all__ = ["render_comment"]
