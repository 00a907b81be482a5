"""Web application (FastAPI): map, territory pages, scenario editor, JSON API."""

from proxisante.web.app import create_app

__all__ = ["create_app"]
