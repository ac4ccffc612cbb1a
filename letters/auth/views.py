"""Log in, log out, change the password, and the first-run set-up page.

Thin: each view parses a form, calls :mod:`letters.auth.services`, and shows the result.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from ..extensions import db, limiter
from ..models import User
from ..security import is_safe_next
from . import first_run, services
from .forms import ChangePasswordForm, LoginForm, SetupForm
from .sessions import current_session, end_all_sessions, sessions_of, start_browser_session

bp = Blueprint("auth", __name__)

Page = str | tuple[str, int] | Response


@bp.before_app_request
def _sweep_expired_failures() -> None:
    # Expired login failures go within a minute even when nobody logs in (docs/security.md).
    services.sweep_if_due()


def login_rate_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def login_global_rate_limit() -> str:
    return str(current_app.config["LOGIN_GLOBAL_RATE_LIMIT"])


def _everyone() -> str:
    # One key for all clients: the global limit on password checks the server can afford.
    return "everyone"


def _client() -> str:
    # Only ever held in memory (the per-client throttle), never stored.
    return request.remote_addr or ""


def _start_session(user: User) -> None:
    start_browser_session(user)


def _safe_next() -> str | None:
    target = request.args.get("next")
    return target if is_safe_next(target) else None


@bp.route("/login", methods=["GET", "POST"])
# Each POST costs an Argon2 hash: limited per network address (counted in memory only) and
# for everyone together, so a burst of logins cannot take the CPU from visitors' pages.
@limiter.limit(login_rate_limit, methods=["POST"])
@limiter.limit(login_global_rate_limit, methods=["POST"], key_func=_everyone)
def login() -> Page:
    form = LoginForm()
    next_url = _safe_next()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "", _client())
        except services.LoginThrottled as error:
            form.form_errors.append(str(error))
            status = 429
        else:
            if user is not None:
                _start_session(user)
                return redirect(next_url or url_for("prisoners.manage_list"))
            # One message for an unknown address and a wrong password alike.
            form.form_errors.append(_("Wrong e-mail address or password."))
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        # Deleting the session row is what ends the session for good: a copy of the cookie
        # taken before this point no longer names anyone.
        services.log_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("prisoners.public_list"))


@bp.route("/account")
@login_required
def account() -> Page:
    """The account's overview: role, second factor, and every browser logged in to it."""
    user: User = current_user._get_current_object()
    this_session = current_session(user)
    return render_template(
        "auth/account.html",
        sessions=sessions_of(user),
        this_session_id=this_session.id if this_session else None,
    )


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    user: User = current_user._get_current_object()
    ended = end_all_sessions(user, keep=user.session_token)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d other session was logged out.",
            "%(num)d other sessions were logged out.",
            ended,
        ),
        "success",
    )
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user: User = current_user._get_current_object()
        try:
            services.change_password(
                user, form.current_password.data or "", form.new_password.data or "", _client()
            )
        except services.WrongPasswordError as error:
            form.current_password.errors.append(str(error))
        except services.PasswordError as error:
            form.new_password.errors.append(str(error))
        except services.LoginThrottled as error:
            form.form_errors.append(str(error))
        else:
            # Every session, this one included, died with the old token; carry this one on.
            _start_session(user)
            flash(
                _("Your password has been changed. Every other session has been logged out."),
                "success",
            )
            return redirect(url_for("auth.change_password"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> Page:
    if not first_run.setup_token_is_valid(token):
        abort(404)
    if services.any_user_exists():
        # The link is one-time: once an account exists it opens nothing.
        return render_template("auth/setup.html", form=None), 404
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = services.create_first_admin(form.email.data or "", form.password.data or "")
        except services.EmailError as error:
            form.email.errors.append(str(error))
        except services.PasswordError as error:
            form.password.errors.append(str(error))
        except services.AccountError:
            # Someone else finished set-up between the check above and now.
            return render_template("auth/setup.html", form=None), 404
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Your administrator account is ready."), "success")
            return redirect(url_for("prisoners.manage_list"))
    return render_template("auth/setup.html", form=form)
