"""Flask extensions, created once and bound to the app in ``create_app``."""

from datetime import datetime

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, registry

# Registers the default store's scheme (letters-memory://) with limits.
from . import rate_limits  # noqa: F401

# Named constraints, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every timestamp is aware UTC; PostgreSQL stores it as timestamptz.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: DateTime(timezone=True)},
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# Limits are counted in memory (per process) unless LETTERS_RATELIMIT_STORAGE_URI names a shared
# store such as Redis, which keeps its counters for the window only: a network address is never
# written to the database or a file. Routes opt in with @limiter.limit; no global limit. The
# store is named by RATELIMIT_STORAGE_URI (config.DEFAULTS): a storage_uri given here would
# override the configuration, so it is not.
limiter = Limiter(key_func=get_remote_address)
