"""Login, logout, own password, and (for admins) the user accounts."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from seminars.accounts import self_service, services
from seminars.accounts.access import current_actor
from seminars.accounts.forms import (
    ChangePasswordForm,
    EditUserForm,
    ForgotPasswordForm,
    LoginForm,
    NewUserForm,
    SetPasswordForm,
)
from seminars.core.actions import refusal_on
from seminars.core.clients import pseudonym
from seminars.core.email_address import normalise_email
from seminars.core.forms import clean_line
from seminars.core.redirects import local_path
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/verwaltung")


def _safe_next(target: str | None) -> str:
    target = local_path(target, fallback="")
    if target.startswith("/verwaltung"):
        return target
    return url_for("backoffice.dashboard")


def login_account_key() -> str:
    """The account a login attempt aims at: the address typed in, cleaned and normalised as
    the login itself does, so that no spelling of it counts apart. Whether an account with
    that address exists plays no part. The limiter's storage sees only a keyed hash."""
    typed = normalise_email(clean_line(request.form.get("email", "")) or "")
    return "account:" + pseudonym("login", typed)


def _login_throttled(_limit):
    """A throttled login: the login page again, with a message that is the same whether the
    address belongs to an account or not (and whether the address or the account was counted)."""
    message = _(
        "Zu viele Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann "
        "noch einmal."
    )
    page = render_template("accounts/login.html", form=LoginForm(), throttled=message)
    return make_response(page, 429)


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], on_breach=_login_throttled
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=login_account_key,
    on_breach=_login_throttled,
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, now=utcnow())
        if user is not None:
            target = _safe_next(session.get("next_path"))
            session.clear()  # a new session at login
            login_user(user)
            return redirect(target, code=303)
        # The same answer for unknown addresses, wrong passwords and inactive accounts.
        form.password.errors.append(_("E-Mail-Adresse oder Passwort stimmen nicht."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.post("/abmelden")
def logout():
    services.end_sessions(current_actor())
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/passwort", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_actor()
        with refusal_on(form) as refused:
            services.change_own_password(user, current=form.current.data, new=form.new.data)
        if not refused:
            login_user(user)  # this session continues with the new version
            flash(_("Ihr Passwort ist geändert. Andere Sitzungen sind beendet."), "success")
            return redirect(url_for("backoffice.dashboard"), code=303)
    return render_template("accounts/password.html", form=form), 200 if not form.errors else 422


@bp.get("/benutzer")
def users():
    return render_template("accounts/users.html", users=services.list_users())


@bp.route("/benutzer/neu", methods=["GET", "POST"])
def user_new():
    form = NewUserForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            if form.password.data:
                services.create_user(
                    email=form.email.data,
                    name=form.name.data or "",
                    role=form.role.data,
                    password=form.password.data,
                    actor=current_actor(),
                )
            else:
                self_service.invite_user(
                    email=form.email.data,
                    name=form.name.data or "",
                    role=form.role.data,
                    actor=current_actor(),
                    now=utcnow(),
                )
        if not refused:
            if form.password.data:
                flash(_("Das Konto ist angelegt."), "success")
            else:
                flash(_("Das Konto ist angelegt und die Einladung verschickt."), "success")
            return redirect(url_for("accounts.users"), code=303)
    return render_template("accounts/user_new.html", form=form), 200 if not form.errors else 422


@bp.route("/benutzer/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = services.find_user(user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        actor = current_actor()
        with refusal_on(form) as refused:
            if form.role.data != user.role:
                services.set_role(actor, user, role=form.role.data)
            if form.active.data != user.active:
                services.set_active(actor, user, active=form.active.data)
            if form.new_password.data:
                services.reset_password(actor, user, new=form.new_password.data)
        if not refused:
            flash(_("Das Konto ist gespeichert."), "success")
            return redirect(url_for("accounts.users"), code=303)
    return render_template("accounts/user_edit.html", form=form, user=user), (
        200 if not form.errors else 422
    )


def _reset_throttled(_limit):
    """The same page and message whether the address belongs to an account or not."""
    message = _(
        "Zu viele Anfragen. Bitte warten Sie eine Weile und versuchen Sie es dann noch einmal."
    )
    page = render_template(
        "accounts/forgot_password.html", form=ForgotPasswordForm(), throttled=message
    )
    return make_response(page, 429)


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
    methods=["POST"],
    on_breach=_reset_throttled,
)
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=login_account_key,
    on_breach=_reset_throttled,
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        self_service.request_password_reset(form.email.data, now=utcnow())
        # The same answer whether or not an account has this address.
        flash(
            _(
                "Wenn es ein Konto mit dieser Adresse gibt, kommt gleich eine E-Mail mit einem "
                "Link. Sehen Sie bitte auch im Spam-Ordner nach."
            ),
            "success",
        )
        return redirect(url_for("accounts.login"), code=303)
    page = render_template("accounts/forgot_password.html", form=form)
    return page, 200 if not form.errors else 422


@bp.route("/passwort-festlegen/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The page behind a reset or invitation link: the link is the key, so it is never
    cached and never leaves in a Referer header."""
    now = utcnow()
    user = self_service.account_for_link(token, now=now)
    if user is None:
        page = render_template(
            "accounts/set_password.html", form=None, refusal=self_service.LinkNotValid().message
        )
        return keep_personal_page_private(make_response(page, 404))
    form = SetPasswordForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            self_service.set_password_by_link(token, new=form.new.data, now=now)
        if not refused:
            logout_user()
            session.clear()
            flash(_("Ihr Passwort ist gespeichert. Bitte melden Sie sich damit an."), "success")
            return keep_personal_page_private(redirect(url_for("accounts.login"), code=303))
    page = render_template("accounts/set_password.html", form=form, user=user, token=token)
    return keep_personal_page_private(make_response(page, 200 if not form.errors else 422))
