"""Flask extensions that are not the database, created unbound and initialised in the factory."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# Default limits stay off: only the routes that need it (login) declare a limit.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
