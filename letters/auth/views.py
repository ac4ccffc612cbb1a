from flask import render_template

from . import bp


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
def logout() -> str:
    return ""


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> str:
    return ""
