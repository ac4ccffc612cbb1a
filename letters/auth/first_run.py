from flask import Flask


def announce_setup_link(app: Flask) -> None:
    """Placeholder: replaced by the auth work."""
