"""Rostra's moderation engine: offline scores, the characters responsible, and a decision.

A library with no web or database imports; the server, the CLI and the Perspective adapter all
call it through the names exported here.
"""

from rostra.moderation.engine import Engine
from rostra.moderation.policy import Policy, PolicyError
from rostra.moderation.verdict import (ATTRIBUTES, AuthorHistory, CommentInput, Reason, StoryContext,
                                       Verdict)

__all__ = ["ATTRIBUTES", "AuthorHistory", "CommentInput", "Engine", "Policy", "PolicyError", "Reason",
           "StoryContext", "Verdict"]
