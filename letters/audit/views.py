"""The audit trail for admins: ``/manage/audit`` with filters, and the same entries as CSV.

Read only: there is no route that edits or deletes an entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from ..database import read_transaction
from ..roles import admin_required
from . import services
from .fields import field_label, value_label
from .forms import AuditFilterForm
from .recording import COMMAND_LINE, SOURCE_CONTEXT

bp = Blueprint("audit", __name__)

# How entries read on a page; anything not listed (an event another package records) is shown
# as recorded.
ENTITY_LABELS = {
    "prisoner": _l("Prisoner"),
    "facility": _l("Facility"),
    "campaign": _l("Campaign"),
    "campaign call": _l("Public call"),
    "letters": _l("Letters recorded"),
    "mail": _l("Reply or returned letter"),
    "address report": _l("Address report"),
    "reported action": _l("Reported action"),
    "reported action photo": _l("Photo of a reported action"),
    "guideline": _l("Guideline"),
    "template": _l("Letter template"),
    "phrase": _l("Phrase"),
    "avoid term": _l("Word to avoid"),
    "settings": _l("Settings"),
    "account": _l("Account"),
    "invitation": _l("Invitation"),
    "source": _l("Group followed"),
}
ACTION_LABELS = {
    "created": _l("created"),
    "changed": _l("changed"),
    "deleted": _l("deleted"),
    # Events that are not a column change (recorded with record_event).
    "second factor reset": _l("second factor reset"),
    "recovery code used": _l("recovery code used"),
    "recovery codes regenerated": _l("recovery codes regenerated"),
    "other sessions ended": _l("other sessions logged out"),
    "used": _l("used"),
}
CONTEXT_LABELS = {
    "transfer": _l("transfer"),
    "CSV import": _l("CSV import"),
    "unlisting": _l("unlisting"),
    "listing": _l("listing again"),
}


def context_label(name: str) -> str:
    """A stored context in the reader's language ("from source ABC Moscow" names the source)."""
    if name.startswith(SOURCE_CONTEXT):
        return str(_l("from source %(name)s", name=name.removeprefix(SOURCE_CONTEXT)))
    return str(CONTEXT_LABELS.get(name, name))


# How an entry is shown wherever entries are listed (the trail, a prisoner's page, the
# dashboard): template globals, so the shared macro in templates/audit/_entries.html sees them.
_HELPERS: dict[str, Callable[..., Any]] = {
    "audit_changes": services.changes_of,
    "audit_who": lambda entry: (
        # The stored token stays English (it is data, and the CSV keeps it); the page says it
        # in the reader's language.
        str(_l("command line")) if entry.actor == COMMAND_LINE else services.who(entry)
    ),
    "audit_entity": lambda name: ENTITY_LABELS.get(name, name),
    "audit_action": lambda name: ACTION_LABELS.get(name, name),
    "audit_context": lambda name: context_label(name),
    "audit_field": field_label,
    "audit_value": value_label,
}
for _name, _helper in _HELPERS.items():
    bp.add_app_template_global(_helper, _name)


# Larger than any id either database gives; a bigger "older than" is a hand-made URL.
MAX_ID = 2**31 - 1


def _older_than() -> int | None:
    value = request.args.get("older_than", "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _filter_form() -> tuple[AuditFilterForm, bool]:
    form = AuditFilterForm(formdata=request.args)
    ok = form.validate() if any(request.args.get(f.name) for f in form) else True
    return form, ok


@bp.route("/manage/audit")
@admin_required
def index() -> ResponseReturnValue:
    form, ok = _filter_form()
    if not ok:
        page = services.EntryPage([], None)
        return render_template("audit/index.html", form=form, page=page, args={}), 422
    page = services.entries_page(form.filters(), _older_than())
    return render_template("audit/index.html", form=form, page=page, args=form.args())


@bp.route("/manage/audit.csv")
@admin_required
def export() -> ResponseReturnValue:
    form, ok = _filter_form()
    if not ok:
        page = services.EntryPage([], None)
        return render_template("audit/index.html", form=form, page=page, args={}), 422
    filters = form.filters()
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def chunks() -> Iterator[str]:
        # Sent after the view has returned, when the request's context is gone: each batch
        # reads in an app context (a session) of its own, opened and closed within the batch.
        # Entries are only ever appended, so reading older ids batch by batch is consistent.
        yield services.csv_header()
        older_than: int | None = None
        while True:
            with app.app_context(), read_transaction():  # on SQLite: no write lock
                text, older_than = services.csv_batch(filters, older_than)
            yield text
            if older_than is None:
                return

    response = Response(chunks(), mimetype="text/csv")
    filename = f"audit-{date.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    # The trail names accounts and holds the registry's history: no cache may keep it
    # (as ``downloads.private_download``, which needs the whole file in memory).
    response.headers["Cache-Control"] = "no-store"
    return response
