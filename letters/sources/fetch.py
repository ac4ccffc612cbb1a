"""Reading another instance's feed over the network, distrustfully (docs/feed.md, "Following").

A followed source is another group's server, and whoever runs it (or took it over) chooses
every byte it answers. So: https only (loopback excepted, for tests and a second instance on
the same machine), no redirects (a redirect could point the follower at an internal address),
a timeout on connecting and on each read plus a deadline on the whole answer (a server that
trickles a byte at a time never trips a read timeout), a size limit counted on the bytes as
they arrive (``Content-Length`` is the server's word, not a fact), and JSON only.

Every failure is a ``SourceError`` whose message a coordinator can act on; a 404 is a
``SourceNotFound``, because ``/api/v1/letters`` answers 404 when a group does not publish
its letters, which is not an error.
"""

from __future__ import annotations

import ipaddress
import json
import re
import time
from contextlib import suppress
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from flask_babel import lazy_gettext as _l

from ..models import MAX_LENGTH

#: The most a single answer may hold, counted while reading (the docs' "5 MB per page").
MAX_BYTES = 5 * 1024 * 1024
#: Seconds to connect, and to wait for each read (requests' ``(connect, read)``).
TIMEOUT: tuple[float, float] = (10, 10)
#: Seconds for a whole answer: the read timeout restarts with every byte received.
DEADLINE: float = 60
# Bytes per read: small enough that the size limit and the deadline are checked often.
_CHUNK = 64 * 1024
# An error answer is only read for its {"error": …} message: a few kilobytes are plenty.
_ERROR_BYTES = 16 * 1024


@cache
def _user_agent() -> str:
    # The source's logs then say who reads them, and which version asked (looked up once).
    try:
        return f"letters/{version('letters')}"
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "letters"


class SourceError(ValueError):
    """The source cannot be read, or answered something that is not its feed; the message
    says why for a coordinator."""


class SourceNotFound(SourceError):
    """The source answered 404: no such page there (for ``/api/v1/letters``: not published)."""


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(text: str) -> str:
    """The source's base URL as stored: ``"https://abc.example/"`` → ``"https://abc.example"``.

    Raises ``SourceError`` unless it is an http(s) address without credentials, query or
    fragment, and https unless the host is loopback (127.0.0.0/8, ::1, localhost): a feed read
    in clear over the internet could be rewritten on the way.
    """
    text = text.strip()
    if not text:
        raise SourceError(_l("Enter the source's address, for example https://abc.example."))
    if len(text) > MAX_LENGTH["link"]:
        raise SourceError(
            _l("The address is too long: at most %(limit)s characters.", limit=MAX_LENGTH["link"])
        )
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise SourceError(_l("The address cannot contain spaces or control characters."))
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(
            _l("The address must start with https://, for example https://abc.example.")
        )
    if "@" in parts.netloc:
        raise SourceError(_l("The address cannot contain a user name or password."))
    if "?" in text or "#" in text:
        raise SourceError(
            _l("Give the site's address only, without “?…” or “#…” (the part after it).")
        )
    try:
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        raise SourceError(_l("The address's port is not valid.")) from None
    if not host:
        raise SourceError(_l("The address has no host name."))
    if scheme == "http" and not _is_loopback(host):
        raise SourceError(
            _l(
                "The address must use https://: a list read over plain http could be changed "
                "on the way (plain http is allowed only to this machine, e.g. 127.0.0.1)."
            )
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def get_json(url: str, params: dict[str, Any] | None = None) -> Any:
    """The JSON the source answers at ``url``. Raises ``SourceError`` (``SourceNotFound`` for a
    404) for anything but a 2xx JSON answer within the limits above."""
    started = time.monotonic()
    try:
        response = requests.get(
            url,
            params=params,
            headers={"Accept": "application/json", "User-Agent": _user_agent()},
            timeout=TIMEOUT,
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout:
        raise SourceError(
            _l("The source did not answer in time (%(url)s).", url=_shown(url))
        ) from None
    except (requests.RequestException, UnicodeError) as exc:  # UnicodeError: a bad IDN host
        raise SourceError(
            _l(
                "Could not reach the source (%(url)s): %(reason)s",
                url=_shown(url),
                reason=_why(exc),
            )
        ) from None
    with response:
        status = response.status_code
        if 300 <= status < 400:
            location = _printable(response.headers.get("Location", ""))
            raise SourceError(
                _l(
                    "The source redirected to “%(location)s”; redirects are not followed. If "
                    "the group moved, change the source's address.",
                    location=location,
                )
            )
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not 200 <= status < 300:
            message = ""
            if media_type == "application/json":
                with suppress(SourceError):  # the status says enough
                    message = _error_message(_read(response, started, _ERROR_BYTES))
            if status == 404:
                raise SourceNotFound(
                    _l("The source has no such page (404): %(url)s", url=_shown(url))
                )
            if message:
                raise SourceError(
                    _l(
                        "The source answered with an error (%(status)s): %(message)s",
                        status=status,
                        message=message,
                    )
                )
            raise SourceError(_l("The source answered with an error (%(status)s).", status=status))
        if media_type in ("text/html", "application/xhtml+xml"):
            raise SourceError(
                _l("The source answered with an HTML page, not the feed; is the address right?")
            )
        if media_type != "application/json":
            raise SourceError(
                _l(
                    "The source answered with “%(type)s”, not JSON; is the address right?",
                    type=_printable(media_type) or "?",
                )
            )
        body = _read(response, started, MAX_BYTES)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise SourceError(_l("The source's answer is not valid JSON.")) from None


def _read(response: requests.Response, started: float, limit: int) -> bytes:
    """The body, at most ``limit`` bytes (after decompression, so a small gzip bomb counts as
    what it becomes), within ``DEADLINE`` of ``started``."""
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            # read1 returns what has arrived (up to _CHUNK) instead of waiting for a full
            # chunk, so a slow trickle still meets the deadline check between reads.
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise SourceError(
                    _l(
                        "The source's answer is larger than %(megabytes)s MB: refused.",
                        megabytes=round(limit / (1024 * 1024), 1),
                    )
                )
            if time.monotonic() - started > DEADLINE:
                raise SourceError(
                    _l(
                        "The source took longer than %(seconds)s seconds to answer.",
                        seconds=DEADLINE,
                    )
                )
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            raise SourceError(
                _l("The source stopped answering while sending its answer.")
            ) from None
        raise SourceError(
            _l("The source's answer broke off: %(reason)s", reason=_why(exc))
        ) from None
    return b"".join(chunks)


def _error_message(body: bytes) -> str:
    """The API's own ``{"error": "…"}`` message, shortened, or ``""``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    message = data.get("error") if isinstance(data, dict) else None
    if not isinstance(message, str):
        return ""
    return _printable(message)


# Control characters, NUL and lone surrogates: what a source says is shown and stored in
# Source.last_error, where none of them can go (PostgreSQL refuses NUL and surrogates).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _printable(text: str, limit: int = 300) -> str:
    """A source's words fit for a message: one line, storable, at most ``limit`` characters."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())[:limit]


def _shown(url: str) -> str:
    # Only ever our own URLs (a normalised base and a fixed path), but keep messages short.
    return url[:200]


def _why(exc: BaseException) -> str:
    """The innermost reason of a network error ("Connection refused"), without the nesting of
    pool and adapter messages requests wraps around it."""
    reason: BaseException = exc
    for _depth in range(10):  # a chain is a few links long; never follow one forever
        inner = getattr(reason, "reason", None) or reason.__context__ or reason.__cause__
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    text = str(reason)
    # "HTTPConnection(host=…, port=…): Failed to establish a new connection: [Errno 111] …"
    return (text.rsplit(": ", 1)[-1] if ": " in text else text)[:200] or type(reason).__name__
