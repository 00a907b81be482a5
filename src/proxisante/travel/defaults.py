"""Default parameters of the offline travel-time estimate (:mod:`proxisante.travel.estimate`),
in a module of their own so that the command line can show them without loading numpy."""

__all__ = ["DEFAULT_DETOUR_FACTOR", "DEFAULT_SPEED_KMH"]

DEFAULT_DETOUR_FACTOR = 1.3
"""Road distance ÷ great-circle distance (circuity). Héran (2009), "Des distances à vol
d'oiseau aux distances réelles ou de l'origine des détours", *Flux* n°76-77, discusses car
detour factors of about 1.2–1.4 that fall with trip length; 1.3 is the middle of that range."""

DEFAULT_SPEED_KMH = 60.0
"""Mean car speed over the road distance, km/h: an *assumption* for intercommunal trips
(departmental roads and town crossings), not a calibrated value. On the only road network
available offline (Monaco, dense one-way streets) OSRM times are a median 2.85 times the
estimate (tests/travel/test_osrm.py), so the estimate is optimistic in dense towns; fit the
speed on a regional network with ``proxisante travel calibrate``
(:func:`proxisante.travel.fit_estimate`), or use OSRM or an imported INSEE Metric distancier
when precision matters."""
