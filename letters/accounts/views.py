"""The accounts page (admins only) and the page where an invited person sets their password.

Thin: each view parses a form, calls :mod:`letters.accounts.services`, and shows the result.
Every change is a POST with a CSRF token; an unknown account or invitation is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from ..auth.services import AccountError, EmailError, PasswordError
from ..auth.sessions import start_browser_session
from ..auth.views import everyone, login_global_rate_limit, login_rate_limit
from ..extensions import db, limiter
from ..models import Role, User
from ..roles import admin_required
from . import services
from .forms import ROLE_LABELS, AcceptInvitationForm, InviteForm, RoleForm

bp = Blueprint("accounts", __name__)


def _index(invite_form: InviteForm | None = None, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "accounts/index.html",
            accounts=services.list_accounts(),
            invitations=services.pending_invitations(),
            invite_form=invite_form or InviteForm(formdata=None),
            role_labels=ROLE_LABELS,
            role_form=RoleForm,
        ),
        status,
    )


@bp.route("/manage/accounts")
@admin_required
def index() -> ResponseReturnValue:
    """Every account with its role, state, last login day and second factor; pending
    invitations; the form to invite someone."""
    return _index()


@bp.route("/manage/accounts/invite", methods=["POST"])
@admin_required
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    try:
        invitation, signed = services.invite(
            form.email.data or "", Role(form.role.data), current_user._get_current_object()
        )
    except EmailError as error:
        db.session.rollback()
        form.email.errors = [*form.email.errors, str(error)]
        return _index(form, 400)
    db.session.commit()
    # The link is in this response only: not stored, not flashed (the flash would put it in
    # the session cookie), not logged. Reloading the page cannot show it again.
    return render_template(
        "accounts/invited.html",
        invitation=invitation,
        link=url_for("accounts.accept_invitation", token=signed, _external=True),
        role_labels=ROLE_LABELS,
        hours=int(services.INVITATION_LIFETIME.total_seconds() // 3600),
    )


@bp.route("/manage/accounts/invitations/<int:invitation_id>/revoke", methods=["POST"])
@admin_required
def revoke_invitation(invitation_id: int) -> Response:
    invitation = services.revoke_invitation(invitation_id)
    if invitation is None:
        abort(404)
    email = invitation.email
    db.session.commit()
    flash(
        _("The invitation for %(email)s was revoked: its link no longer works.", email=email),
        "success",
    )
    return redirect(url_for("accounts.index"))


def _account(user_id: int) -> User:
    user: User = db.get_or_404(User, user_id)
    return user


def _is_me(user: User) -> bool:
    return bool(user.id == current_user.id)


@bp.route("/manage/accounts/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int) -> Response:
    user = _account(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role: coordinator or admin."), "error")
        return redirect(url_for("accounts.index"))
    role = Role(form.role.data)
    try:
        changed = services.change_role(user, role)
    except services.LastAdminError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("accounts.index"))
    db.session.commit()
    if changed:
        flash(
            _("%(email)s is now: %(role)s.", email=user.email, role=ROLE_LABELS[role]),
            "success",
        )
    if changed and _is_me(user) and role != Role.ADMIN:
        # The accounts page is an admin's; the dashboard is what they may still see.
        return redirect(url_for("dashboard.overview"))
    return redirect(url_for("accounts.index"))


@bp.route("/manage/accounts/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(user_id: int) -> Response:
    user = _account(user_id)
    myself = _is_me(user)
    try:
        changed = services.deactivate(user)
    except services.LastAdminError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("accounts.index"))
    db.session.commit()
    if myself and changed:
        # Their own session row is gone too: say so on the way out, not with a refusal.
        logout_user()
        session.clear()
        flash(_("Your account was deactivated and you were logged out."), "success")
        return redirect(url_for("auth.login"))
    if changed:
        flash(
            _(
                "%(email)s was deactivated and logged out everywhere. They can no longer log in.",
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("accounts.index"))


@bp.route("/manage/accounts/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(user_id: int) -> Response:
    user = _account(user_id)
    if services.reactivate(user):
        db.session.commit()
        flash(_("%(email)s was reactivated and can log in again.", email=user.email), "success")
    return redirect(url_for("accounts.index"))


@bp.route("/manage/accounts/<int:user_id>/reset-second-factor", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int) -> Response:
    user = _account(user_id)
    if services.reset_second_factor(user):
        db.session.commit()
        flash(
            _(
                "The second factor of %(email)s was removed, with their recovery codes. They "
                "log in with their password alone until they set up a new one.",
                email=user.email,
            ),
            "success",
        )
    else:
        flash(_("%(email)s has no second factor to reset.", email=user.email), "error")
    return redirect(url_for("accounts.index"))


# --- accepting an invitation (public) ---------------------------------------------------------


def _link_does_not_work() -> ResponseReturnValue:
    return render_template("accounts/invitation_invalid.html"), 404


@bp.route("/invite/<token>", methods=["GET", "POST"])
# Each POST with a working link costs an Argon2 hash, as a login does: the same limits.
@limiter.limit(login_rate_limit, methods=["POST"])
@limiter.limit(login_global_rate_limit, methods=["POST"], key_func=everyone)
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = services.find_invitation(token)
    if invitation is None:
        return _link_does_not_work()
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.password.data or "")
        except services.InvitationError:
            db.session.rollback()
            return _link_does_not_work()
        except PasswordError as error:
            db.session.rollback()
            form.password.errors = [*form.password.errors, str(error)]
        except AccountError as error:
            # An account with this address was created since the invitation.
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            start_browser_session(user)
            flash(_("Welcome. Your account is ready."), "success")
            return redirect(url_for("prisoners.manage_list"))
    return render_template(
        "accounts/accept.html",
        form=form,
        email=invitation.email,
        role_label=ROLE_LABELS[invitation.role],
    )
