"""Recording changes in the audit trail, in the same transaction as the change.

STUB: the API other packages call; the recording itself is being written (see the audit
package's work). Every function here keeps its signature.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..models import User

Change = tuple[str, str, str]  # field, old value, new value (as text)


@contextmanager
def audit_context(label: str) -> Iterator[None]:
    """Entries recorded inside are marked as part of ``label`` ("transfer", "CSV import")."""
    yield


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Entries recorded inside name ``user`` as who did it (a new account accepting an
    invitation, the first admin, someone logging in with a recovery code), where
    ``current_user`` is not yet them."""
    yield


def record_event(
    entity: str,
    entity_id: int | None,
    action: str,
    changes: Sequence[Change] = (),
    prisoner_id: int | None = None,
) -> None:
    """Add one explicit entry (not committed) for something that is not a column change:
    "sessions ended", "second factor reset", "recovery code used"."""
