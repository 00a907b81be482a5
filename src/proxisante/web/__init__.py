"""Web application (FastAPI): map, territory pages, scenario editor, JSON API.

:func:`create_app` builds the application; its routers (:mod:`proxisante.web.routes`) and
the :class:`WebContext` they work on can be assembled into smaller apps for tests.
"""

from proxisante.web.app import create_app
from proxisante.web.context import WebContext, configure

__all__ = ["WebContext", "configure", "create_app"]
