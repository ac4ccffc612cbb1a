"""Command-line tools: ``flask --app app users …``, ``… prisoners …``, ``… print …``,
``… translate …`` and ``… sources …``.

Every command runs after ``create_app``, which has already brought the database to the latest
migration (unless ``LETTERS_AUTO_MIGRATE=0``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .accounts import cli as accounts_cli  # noqa: F401  (adds its commands to `users`)
    from .auth.cli import users
    from .backup.cli import backup_command, restore_command
    from .csv_io.cli import prisoners
    from .letterlog.cli import letters
    from .printing.cli import printing
    from .sources.cli import sources
    from .translate import translate

    app.cli.add_command(users)
    app.cli.add_command(prisoners)
    app.cli.add_command(letters)
    app.cli.add_command(printing)
    app.cli.add_command(translate)
    app.cli.add_command(sources)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
