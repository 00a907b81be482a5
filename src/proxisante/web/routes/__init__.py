"""The web app's routers, one per concern, each testable alone on a small app."""

from proxisante.web.routes.offer import router as offer_router
from proxisante.web.routes.pages import router as pages_router
from proxisante.web.routes.scenarios import router as scenarios_router
from proxisante.web.routes.territories import router as territories_router

__all__ = [
    "READ_ROUTERS",
    "ROUTERS",
    "WRITE_ROUTERS",
    "offer_router",
    "pages_router",
    "scenarios_router",
    "territories_router",
]

#: Routers open to every client (reads).
READ_ROUTERS = (pages_router, territories_router)
#: Routers whose every route needs the token: mounted only when the server has one.
WRITE_ROUTERS = (scenarios_router, offer_router)
#: Every router of the application, in the order they are included.
ROUTERS = READ_ROUTERS + WRITE_ROUTERS
