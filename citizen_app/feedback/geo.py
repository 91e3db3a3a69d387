"""Small geometry: distances, bounding boxes, point-in-polygon for the city outline."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

Point = Annotated[list[float], Field(min_length=2, max_length=2)]
"""A ``[lon, lat]`` point in a data file (GeoJSON order)."""
EARTH_RADIUS_M = 6_371_000.0


def valid_point(lat: float, lon: float) -> bool:
    """A finite latitude and longitude within their ranges (NaN and infinities are nowhere)."""
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bbox_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a square containing the circle."""
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def in_ring(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_polygons(lat: float, lon: float, polygons: tuple[tuple[tuple[float, float], ...], ...]) -> bool:
    return any(in_ring(lon, lat, ring) for ring in polygons)
