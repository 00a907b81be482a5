"""Mining basins: named territories that are no administrative division (the perimeter of a
former coal field), each a bundled list of communes and a contour.

The bassin minier du Nord-Pas-de-Calais is the perimeter of the Mission Bassin Minier (330
communes, 1.2 million inhabitants), the territory of the CANSSM-Filieris network's largest
area; ``PROVENANCE.md`` of the package data says where the list and the contour come from.
Selected as ``bassin:npdc`` or by its name (« bassin minier du Nord-Pas-de-Calais »).
Read without pandas (the name search knows the basins' names without loading tables).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from functools import cache

from proxisante._bundled import bundled_path
from proxisante.errors import DataFileError, UnknownCodeError

__all__ = ["MINING_BASINS", "MiningBasin", "mining_basin", "mining_basin_codes",
           "mining_basin_contour"]  # fmt: skip


@dataclass(frozen=True)
class MiningBasin:
    """A mining basin that can be selected.

    Attributes
    ----------
    key
        The selector's value (``bassin:<key>``).
    name
        French name as written in a sentence, without capital (« bassin minier du
        Nord-Pas-de-Calais »: « du bassin minier… », « dans le bassin minier… »).
    aliases
        Other names people type (compared in search form).
    communes_file, contour_file
        Bundled files: the communes (``code_insee, nom, statut``) and the contour (GeoJSON).
    """

    key: str
    name: str
    aliases: tuple[str, ...]
    communes_file: str
    contour_file: str

    @property
    def label(self) -> str:
        """Label for titles: « Bassin minier du Nord-Pas-de-Calais »."""
        return self.name[:1].upper() + self.name[1:]


MINING_BASINS: dict[str, MiningBasin] = {
    "npdc": MiningBasin(
        "npdc", "bassin minier du Nord-Pas-de-Calais",
        ("bassin minier", "bassin minier npdc", "bassin minier nord pas de calais",
         "bassin minier du nord", "bassin minier nord", "bassin minier du pas de calais"),
        "bassin_minier_npdc_communes.csv", "bassin_minier_npdc_contour.geojson.gz",
    ),
}  # fmt: skip


def mining_basin(key: str) -> MiningBasin:
    """The basin of selector value ``key`` (case-insensitive).

    Raises
    ------
    UnknownCodeError
        No basin of that key; the message lists the known keys.
    """
    found = MINING_BASINS.get(key.strip().lower())
    if found is None:
        raise UnknownCodeError("mining basin", key, list(MINING_BASINS))
    return found


@cache
def mining_basin_codes(key: str) -> tuple[str, ...]:
    """INSEE codes of the basin's communes, sorted."""
    basin = mining_basin(key)
    path = bundled_path(basin.communes_file)
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"cannot read the bundled file ({exc}); reinstall "
                            "proxisante") from None  # fmt: skip
    if not rows or "code_insee" not in rows[0]:
        raise DataFileError(str(path), "no code_insee column; reinstall proxisante")
    return tuple(sorted(r["code_insee"] for r in rows))


@cache
def mining_basin_contour(key: str) -> str:
    """The basin's contour as GeoJSON text (EPSG:4326), for the maps."""
    path = bundled_path(mining_basin(key).contour_file)
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as exc:
        raise DataFileError(str(path), f"cannot read the bundled contour ({exc}); reinstall "
                            "proxisante") from None  # fmt: skip
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
