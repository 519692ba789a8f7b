"""Flask extensions, created once and bound to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from seminars.core.clients import client_address

# Stable constraint names, so that migrations can address every constraint on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

# The base class of every model. Flask-SQLAlchemy builds ``db.Model`` at run time, which a
# type checker cannot follow; to it, models derive from a plain declarative base.
if TYPE_CHECKING:
    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase):
        pass
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
mail = Mail()
# Limits are set per view and counted per client address (IPv6: per /64) unless a view says
# otherwise; storage comes from RATELIMIT_STORAGE_URI (see config.py).
limiter = Limiter(key_func=client_address)
