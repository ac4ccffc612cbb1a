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

from ..audit.recording import record_event
from ..extensions import db, limiter
from ..models import User
from ..security import is_safe_next
from . import first_run, second_factor, services
from .forms import (
    ChangePasswordForm,
    EnrolSecondFactorForm,
    LoginCodeForm,
    LoginForm,
    RecoveryCodesForm,
    SetupForm,
    TurnOffSecondFactorForm,
)
from .sessions import current_session, end_all_sessions, sessions_of, start_browser_session

bp = Blueprint("auth", __name__)

Page = str | tuple[str, int] | Response

#: Where the Flask session keeps a login waiting for its second factor.
PENDING_LOGIN_KEY = "pending_login"
#: What an account without a second factor may still open while the group requires one.
ENROLMENT_GATE_EXEMPT = frozenset(
    {"static", "auth.account", "auth.enrol_second_factor", "auth.logout"}
)


@bp.before_app_request
def _sweep_expired_failures() -> None:
    # Expired login failures go within a minute even when nobody logs in (docs/security.md).
    services.sweep_if_due()


@bp.before_app_request
def _require_second_factor() -> Response | None:
    """While the group requires a second factor, an account without one can only enrol (or
    log out): every other page sends it to the enrolment page."""
    if request.endpoint is None or request.endpoint in ENROLMENT_GATE_EXEMPT:
        return None
    if not current_user.is_authenticated or current_user.has_second_factor:
        return None
    if not second_factor.group_requires_second_factor():
        return None
    flash(_("The group requires a second factor for every account. Set yours up to go on."))
    return redirect(url_for("auth.enrol_second_factor"))


def login_rate_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def login_global_rate_limit() -> str:
    return str(current_app.config["LOGIN_GLOBAL_RATE_LIMIT"])


def everyone() -> str:
    # One key for all clients: the global limit on password checks the server can afford.
    return "everyone"


def _client() -> str:
    # Only ever held in memory (the per-client throttle), never stored.
    return request.remote_addr or ""


def _safe_next() -> str | None:
    target = request.args.get("next")
    return target if is_safe_next(target) else None


@bp.route("/login", methods=["GET", "POST"])
# Each POST costs an Argon2 hash: limited per network address (counted in memory only) and
# for everyone together, so a burst of logins cannot take the CPU from visitors' pages.
@limiter.limit(login_rate_limit, methods=["POST"])
@limiter.limit(login_global_rate_limit, methods=["POST"], key_func=everyone)
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
            if user is not None and user.has_second_factor:
                # The password alone opens no session: it waits (five minutes at most) for
                # the code, in a cookie that holds no session token yet.
                session.clear()
                session[PENDING_LOGIN_KEY] = second_factor.pending_login(user, next_url)
                return redirect(url_for("auth.login_code"))
            if user is not None:
                start_browser_session(user)
                return redirect(next_url or url_for("prisoners.manage_list"))
            # One message for an unknown address and a wrong password alike.
            form.form_errors.append(_("Wrong e-mail address or password."))
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/login/code", methods=["GET", "POST"])
# Limited like /login: the throttle in the database counts wrong codes per account, these
# count requests per network address and for everyone.
@limiter.limit(login_rate_limit, methods=["POST"])
@limiter.limit(login_global_rate_limit, methods=["POST"], key_func=everyone)
def login_code() -> Page:
    """The second step of logging in, for an account with a second factor."""
    pending = second_factor.pending_user(session.get(PENDING_LOGIN_KEY))
    if pending is None:
        if PENDING_LOGIN_KEY in session:
            session.pop(PENDING_LOGIN_KEY)
            flash(_("Your login has expired. Please log in again."), "error")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            kind = second_factor.finish_login(pending, form.code.data or "", _client())
        except services.LoginThrottled as error:
            form.form_errors.append(str(error))
            status = 429
        except second_factor.SecondFactorError as error:
            session.pop(PENDING_LOGIN_KEY, None)
            flash(str(error), "error")
            return redirect(url_for("auth.login"))
        else:
            if kind is not None:
                start_browser_session(pending.user)
                if kind is second_factor.CodeKind.RECOVERY:
                    _flash_recovery_codes_left(pending.user)
                target = pending.next_url
                if target is None or not is_safe_next(target):
                    target = url_for("prisoners.manage_list")
                return redirect(target)
            form.code.errors.append(_("That code is not right, or it was used already."))
    return render_template("auth/login_code.html", form=form), status


def _flash_recovery_codes_left(user: User) -> None:
    left = second_factor.recovery_codes_left(user)
    flash(
        ngettext(
            "You used a recovery code. %(num)d recovery code is left.",
            "You used a recovery code. %(num)d recovery codes are left.",
            left,
        )
        + " "
        + _("Make new ones on your account page if you are running out."),
        "success" if left > 2 else "error",
    )


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
        recovery_codes_left=second_factor.recovery_codes_left(user),
        second_factor_required=second_factor.group_requires_second_factor(),
    )


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    user: User = current_user._get_current_object()
    ended = end_all_sessions(user, keep=user.session_token)
    if ended:
        # A bulk delete the audit hook does not see; worth a line: it may answer a theft.
        record_event("account", user.id, "other sessions ended")
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


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def enrol_second_factor() -> Page:
    """Set up (or replace) the authenticator app: scan, then confirm with a code and the
    password. The ten recovery codes are shown once, on the page that answers."""
    user: User = current_user._get_current_object()
    form = EnrolSecondFactorForm()
    secret = None
    if form.is_submitted():
        try:
            secret = second_factor.secret_from_token(user, form.token.data or "")
        except second_factor.EnrolmentExpired as error:
            form.form_errors.append(str(error))
    if secret is not None and form.validate():
        try:
            codes = second_factor.enable_second_factor(
                user, secret, form.code.data or "", form.password.data or "", _client()
            )
        except second_factor.WrongCodeError as error:
            form.code.errors.append(str(error))
        except services.WrongPasswordError as error:
            form.password.errors.append(str(error))
        except services.LoginThrottled as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, enrolled=True)
    if secret is None:
        secret = second_factor.new_secret()
    # A new page keeps the secret it showed, so a mistyped code does not mean scanning again.
    form.token.data = second_factor.enrolment_token(user, secret)
    uri = second_factor.provisioning_uri(secret, user.email, second_factor.issuer())
    return render_template(
        "auth/second_factor.html",
        form=form,
        secret=secret,
        qr=second_factor.qr_svg(uri),
    )


@bp.route("/account/second-factor/off", methods=["GET", "POST"])
@login_required
def turn_off_second_factor() -> Page:
    user: User = current_user._get_current_object()
    if not user.has_second_factor:
        return redirect(url_for("auth.account"))
    form = TurnOffSecondFactorForm()
    required = second_factor.group_requires_second_factor()
    if not required and form.validate_on_submit():
        try:
            second_factor.turn_off_second_factor(
                user, form.password.data or "", form.code.data or "", _client()
            )
        except services.WrongPasswordError as error:
            form.password.errors.append(str(error))
        except second_factor.WrongCodeError as error:
            form.code.errors.append(str(error))
        except (second_factor.SecondFactorRequired, services.LoginThrottled) as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The second factor is off. Your recovery codes no longer work."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/second_factor_off.html", form=form, required=required)


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@login_required
def new_recovery_codes() -> Page:
    user: User = current_user._get_current_object()
    if not user.has_second_factor:
        return redirect(url_for("auth.account"))
    form = RecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.regenerate_recovery_codes(
                user, form.password.data or "", _client()
            )
        except services.WrongPasswordError as error:
            form.password.errors.append(str(error))
        except services.LoginThrottled as error:
            form.form_errors.append(str(error))
        else:
            return render_template("auth/recovery_codes.html", codes=codes, enrolled=False)
    return render_template("auth/new_recovery_codes.html", form=form)


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
            start_browser_session(user)
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
            start_browser_session(user)
            flash(_("Your administrator account is ready."), "success")
            return redirect(url_for("prisoners.manage_list"))
    return render_template("auth/setup.html", form=form)
