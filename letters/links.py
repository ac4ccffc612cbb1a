"""Absolute links to the site's own pages, for what leaves the browser: a calendar feed, a QR
code on a printed poster. A page in the browser uses relative links and needs none of this."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str | None:
    """The absolute address of ``endpoint`` with ``values``, or ``None`` when the site does not
    know its own address (see ``external_url_builder``)."""
    return external_url_builder(endpoint)(**values)


def external_url_builder(endpoint: str) -> Callable[..., str | None]:
    """``external_url`` for one endpoint and many values (a feed's thousands of events): how
    to build the links is settled once.

    Never from the request's ``Host`` header, which anyone can forge (a feed fetched, or a
    poster printed, with a forged host would send readers elsewhere, and caches and paper keep
    it): from ``SERVER_NAME`` (with ``PREFERRED_URL_SCHEME`` and ``APPLICATION_ROOT``) when it is
    set; or from the request when ``TRUSTED_HOSTS`` is set, because Flask has then refused every
    other host with a 400.
    """
    adapter = current_app.create_url_adapter(None)  # bound to SERVER_NAME, or None
    if adapter is not None:
        bound = adapter
        return lambda **values: bound.build(endpoint, values, force_external=True)
    if current_app.config["TRUSTED_HOSTS"]:
        return lambda **values: url_for(endpoint, **values, _external=True)
    return lambda **values: None
