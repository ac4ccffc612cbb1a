"""Role gates: kept importable here; they live in :mod:`letters.roles`."""

from ..roles import admin_required

__all__ = ["admin_required"]
