"""A followed source's server for tests: a real HTTP server on 127.0.0.1 (port 0), in a thread.

It serves ``/api/v1/prisoners`` and ``/api/v1/letters`` from the items a test gives it, paged
as the contract says, and records every request's path and query; a test replaces ``answer``
to send anything else (HTML, a redirect, an endless body, a slow one). It never touches the
database, so tests using it keep the usual rolled-back ``app`` fixture.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Query = dict[str, str]


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    body: Iterable[bytes] = ()


def json_answer(data: Any, status: int = 200) -> Answer:
    return Answer(status, {"Content-Type": "application/json"}, [json.dumps(data).encode()])


class FakeSource:
    """``people``: the feed's items (tombstones included) in the order it serves them;
    ``letter_days``: ``/api/v1/letters`` entries, or ``None`` for a 404 (not published)."""

    def __init__(self) -> None:
        self.people: list[Any] = []
        self.letter_days: list[Any] | None = None
        self.requests: list[tuple[str, Query]] = []
        self.headers: list[dict[str, str]] = []  # each request's headers
        self.answer: Callable[[str, Query], Answer] = self.contract
        self.sent = 0  # bytes of bodies written, for the endless-body test
        self.done = threading.Event()  # set when a request's handler has finished
        self.release = threading.Event()  # ends a slow answer's wait when the test is over
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                try:
                    parts = urlsplit(self.path)
                    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                    owner.requests.append((parts.path, query))
                    owner.headers.append(dict(self.headers))
                    answer = owner.answer(parts.path, query)
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    for chunk in answer.body:
                        self.wfile.write(chunk)
                        owner.sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the follower hung up, as it should on a body too large
                finally:
                    owner.done.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a slow answer must not hold the test's end
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll: shutting down waits for it, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeSource:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def paths(self) -> list[str]:
        return [path for path, _query in self.requests]

    def contract(self, path: str, query: Query) -> Answer:
        """What a well-behaved source answers (docs/feed.md)."""
        page = int(query.get("page", "1"))
        if path == "/api/v1/prisoners":
            per_page = int(query.get("per_page", "20"))
            return json_answer(paged("prisoners", self.people, page, per_page))
        if path == "/api/v1/letters" and self.letter_days is not None:
            per_page = int(query.get("per_page", "1000"))
            envelope = paged("days", self.letter_days, page, per_page)
            return json_answer({**envelope, "since": query.get("since")})
        return json_answer({"error": "Not found."}, status=404)


def paged(key: str, items: list[Any], page: int, per_page: int) -> dict[str, Any]:
    start = (page - 1) * per_page
    return {
        key: items[start : start + per_page],
        "page": page,
        "per_page": per_page,
        "total": len(items),
        "pages": -(-len(items) // per_page),
    }


def endless(chunk: bytes = b" " * 65536, total: int = 100 * 1024 * 1024) -> Iterator[bytes]:
    """``total`` bytes of body, made as they are sent (never held whole)."""
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)


# --- feed items ---------------------------------------------------------------------------------

PENZA = {
    "id": 3,
    "name": "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "label_name": "",
    "street_address": "ул. Каракозова, 30",
    "city": "г. Пенза",
    "city_area": "",
    "country_area": "Пензенская область",
    "postal_code": "440039",
    "country_code": "RU",
    "facility_name_first": None,
    "name_line_format": "",
    "mail_rules": {
        "photos": None,
        "cards": None,
        "paper": None,
        "envelopes": None,
        "stamps": None,
        "restrictions": "",
    },
}
# Another Russian prison, for transfers.
VLADIMIR = {
    **PENZA,
    "id": 4,
    "name": "ФКУ ИК-6 УФСИН России по Владимирской области",
    "street_address": "ул. Энергетиков, 1",
    "city": "пос. Мелехово",
    "country_area": "Владимирская область",
    "postal_code": "601966",
}


def item(remote_id: int, **changes: Any) -> dict[str, Any]:
    """A listed feed item as the publisher sends it: Dmitry Pchelintsev at the Penza SIZO (as
    conftest's ``make_prisoner`` makes him), with ``changes`` (``family_name=…`` goes in
    ``name``)."""
    name = {
        "display": "Пчелинцев Дмитрий Дмитриевич",
        "family_name": "Пчелинцев",
        "given_names": "Дмитрий",
        "patronymic": "Дмитриевич",
        "latin_name": "Dmitry Pchelintsev",
    }
    for key in list(changes):
        if key in name:
            name[key] = changes.pop(key)
    data: dict[str, Any] = {
        "id": remote_id,
        "listed": True,
        "updated_at": days_ago(10),
        "name": name,
        "gender": None,
        "birth_year": 1992,
        "birthday": None,
        "prisoner_number": "",
        "unit": "",
        "facility": PENZA,
        "address_since": None,
        "address": {"posted_from": None, "lines": ["…"], "needs_checking": False},
        "languages": [{"code": "ru", "name": "Russian"}],
        "status": "pre_trial",
        "release_date": None,
        "letters_sent": 12,
        "letters_last_30_days": 2,
    }
    data.update(changes)
    return data


def tombstone(remote_id: int, updated_at: str | None = None) -> dict[str, Any]:
    return {"id": remote_id, "listed": False, "updated_at": updated_at or days_ago(5)}


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()
