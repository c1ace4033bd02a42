"""Perspective API compatibility and Coral's external moderation phase, as pure request/response logic.

The HTTP routers in `rostra.api.perspective` and `rostra.api.coral` are thin wrappers over this package.
"""
