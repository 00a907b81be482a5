"""Importer for the FINESS extract published on data.gouv.fr (``etalab-cs1100507-stock-*.csv``).

Specification: FINESS, "Extraction du Fichier National des Établissements Sanitaires et
Sociaux" (jeu de données etalab, DREES / ministère chargé de la santé, data.gouv.fr), as
published since 2014 and read here:

- ``;``-separated, no quoting; encoding UTF-8 or Windows-1252 (older extracts);
- line 1 is a header line ``finess;etalab;<version>;<date>``;
- ``structureet`` lines, 32 fields: ``structureet; nofinesset; nofinessej; rs; rslongue;
  complrs; compldistrib; numvoie; typvoie; voie; compvoie; lieuditbp; commune; departement;
  libdepartement; ligneacheminement; telephone; telecopie; categetab; libcategetab;
  categagretab; libcategagretab; siret; codeape; codemft; libmft; codesph; libsph; dateouv;
  dateautor; datemaj; numuai``;
- ``geolocalisation`` lines, 6 fields: ``geolocalisation; nofinesset; coordxet; coordyet;
  sourcecoordet; datemaj``, joined to ``structureet`` by ``nofinesset``. ``sourcecoordet``
  is a comma list ending with the projection: ``LAMBERT_93`` (EPSG:2154, metropolitan
  France), ``UTM_N20`` (EPSG:5490, Guadeloupe, Martinique), ``UTM_N21`` (EPSG:4467,
  Saint-Pierre-et-Miquelon), ``UTM_N22`` (EPSG:2972, Guyane), ``UTM_S40`` (EPSG:2975,
  La Réunion), ``UTM_S38`` (EPSG:4471, Mayotte); converted to WGS84 with pyproj;
- INSEE commune code: ``departement`` + ``commune`` (3 characters) in metropolitan France;
  overseas (``departement`` 9A…9F) ``'97'`` + ``commune``.

Category codes (``categetab``) follow the nomenclature TRE_R66 and are kept with their
label; :data:`~proxisante.offer.model.CATEGORY_OF_FINESS_CODE` maps the ones proxisante
models. The extract holds no capacity (places): ``capacity_places`` stays empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyproj import Transformer

from proxisante._textfiles import DEFAULT_ENCODINGS, read_scanned_table, scan_text
from proxisante.errors import DataFileError, shorten
from proxisante.offer.model import CATEGORY_OF_FINESS_CODE
from proxisante.offer.validation import (
    FINESS_PATTERN,
    RowErrors,
    check_coordinates_in_france,
    isin_known,
    text_to_float,
)

__all__ = ["ENCODINGS", "FILIERIS_EJ", "STRUCTUREET_FIELDS", "read_finess"]

STRUCTUREET_FIELDS = [
    "structureet", "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib",
    "numvoie", "typvoie", "voie", "compvoie", "lieuditbp", "commune", "departement",
    "libdepartement", "ligneacheminement", "telephone", "telecopie", "categetab",
    "libcategetab", "categagretab", "libcategagretab", "siret", "codeape", "codemft",
    "libmft", "codesph", "libsph", "dateouv", "dateautor", "datemaj", "numuai",
]  # fmt: skip
GEO_FIELDS = ["geolocalisation", "nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj"]

#: FINESS EJ of the CANSSM (Filieris): its établissements get operator 'filieris'.
FILIERIS_EJ = "750050759"

#: ``sourcecoordet`` projection → EPSG code.
_EPSG = {
    "LAMBERT_93": 2154, "UTM_N20": 5490, "UTM_N21": 4467, "UTM_N22": 2972, "UTM_S40": 2975,
    "UTM_S38": 4471,
}  # fmt: skip
ENCODINGS = DEFAULT_ENCODINGS


def read_finess(path: str | Path, *, communes: set[str] | frozenset[str], lenient: bool = False):
    """Parse a FINESS etalab extract into sites (columns of ``offer.SITE_COLUMNS``).

    Parameters
    ----------
    path
        The ``etalab-cs1100507-stock-*.csv`` file.
    communes
        Known INSEE commune codes (rows in other communes are errors).
    lenient
        Skip bad rows (each reported in the returned :class:`RowErrors`) instead of failing.

    Returns
    -------
    (sites, errors)
        A DataFrame of valid sites and the row errors (empty unless ``lenient``).
    """
    path = Path(path)
    scan = scan_text(path, encodings=ENCODINGS, sep=";")
    head = scan.header.strip()
    if not head.lower().startswith("finess;"):
        sep_hint = " (it looks ','-separated)" if head.count(",") > head.count(";") else ""
        msg = f"line 1 should be the header 'finess;etalab;…', got '{shorten(head, 40)}'{sep_hint}"
        raise DataFileError(str(path), msg, line=1)
    n_st, n_geo = len(STRUCTUREET_FIELDS), len(GEO_FIELDS)
    errors = RowErrors(str(path), lenient=lenient, rows_read=int(scan.lines.size))
    wide = scan.fields > n_st
    expected_fields = f"{n_st} ';'-separated fields (structureet) or {n_geo} (geolocalisation)"
    errors.add_lines(scan.lines[wide], "(line)", expected_fields)
    raw = read_scanned_table(
        scan, what="a FINESS ';'-separated extract", sep=";", header=None,
        names=range(n_st), quoting=3, skiprows=1, on_bad_lines="skip",
    )  # fmt: skip
    if len(raw) != int((~wide).sum()):  # every non-empty line is read or reported
        msg = (
            f"{scan.lines.size:,} non-empty data line(s), {len(raw):,} read and "
            f"{int(wide.sum()):,} too long: lines unaccounted for; check the separator"
        )
        raise DataFileError(str(path), msg)
    raw["_line"] = scan.lines[~wide]
    raw["_fields"] = scan.fields[~wide]
    kind = raw[0]
    unknown = ~kind.isin(["structureet", "geolocalisation"])
    errors.add(unknown.to_numpy(), raw["_line"], "type", "line type structureet or geolocalisation")
    bad_width = ((kind == "structureet") & (raw["_fields"] != n_st)) | (
        (kind == "geolocalisation") & (raw["_fields"] != n_geo)
    )
    errors.add(bad_width.to_numpy(), raw["_line"], "(line)", expected_fields)
    # ids whose geolocalisation line is refused: their site is refused too (below)
    refused_geo_ids = set(raw.loc[(kind == "geolocalisation") & bad_width, 1].tolist())
    ok = errors.keep_mask(raw["_line"])
    # each kind of line with its own fields only (no copy of the 32 columns for both)
    st = raw.loc[ok & (kind == "structureet").to_numpy(), [*range(n_st), "_line"]].rename(
        columns=dict(enumerate(STRUCTUREET_FIELDS))
    )
    geo = raw.loc[ok & (kind == "geolocalisation").to_numpy(), [*range(n_geo), "_line"]].rename(
        columns=dict(enumerate(GEO_FIELDS))
    )
    if st.empty and not lenient:
        raise DataFileError(str(path), "no 'structureet' line")
    _check_ids_and_communes(st, geo, errors, communes)

    geo = geo[errors.keep_mask(geo["_line"])]
    geo = geo.drop_duplicates("nofinesset", keep="first").set_index("nofinesset")
    g = geo.reindex(st["nofinesset"])
    geo_line = g["_line"].to_numpy()  # geolocalisation errors name the geolocalisation line
    lat, lon = _wgs84(g, geo_line, errors)
    # a site whose geolocalisation line is refused is refused too (never kept without it)
    refused_geo = np.isin(geo_line, errors.bad_lines) if errors.count else np.zeros(len(st), bool)
    if refused_geo_ids:
        refused_geo |= isin_known(st["nofinesset"], refused_geo_ids)
    errors.add(refused_geo, st["_line"], "geolocalisation", "a valid geolocalisation line")
    keep = errors.keep_mask(st["_line"])
    st = st[keep].reset_index(drop=True)  # text columns stay Series (no object copies)
    lat, lon = lat[keep], lon[keep]
    return _sites_frame(st, lat, lon, path.name), errors


def _check_ids_and_communes(st: pd.DataFrame, geo: pd.DataFrame, errors: RowErrors,
                            communes) -> None:  # fmt: skip
    """Report bad or repeated FINESS numbers, orphan geolocalisation lines and unknown
    communes; add ``code_insee`` (département + commune) to ``st``."""
    bad_id = ~st["nofinesset"].str.fullmatch(FINESS_PATTERN)
    errors.add(bad_id.to_numpy(), st["_line"], "nofinesset", "a 9-character FINESS number")
    bad_ej = ~st["nofinessej"].str.fullmatch(FINESS_PATTERN)
    errors.add(bad_ej.to_numpy(), st["_line"], "nofinessej", "a 9-character FINESS number")
    dup = st["nofinesset"].duplicated(keep="first")
    errors.add(dup.to_numpy(), st["_line"], "nofinesset", "a FINESS number not repeated")
    geo_dup = geo["nofinesset"].duplicated(keep="first")
    errors.add(geo_dup.to_numpy(), geo["_line"], "nofinesset",
               "one geolocalisation line per établissement")  # fmt: skip
    orphan = ~_isin(geo["nofinesset"], st["nofinesset"])
    errors.add(orphan, geo["_line"], "nofinesset",
               "the nofinesset of a structureet line of the file")  # fmt: skip
    dep = st["departement"].str.strip().str.upper()
    com = st["commune"].str.strip()
    insee = np.where(dep.str.startswith("9") & ~dep.str.fullmatch(r"\d\d"), "97" + com, dep + com)
    st["code_insee"] = insee
    bad_com = ~isin_known(st["code_insee"], communes)
    errors.add(bad_com, st["_line"], "commune",
               "a known INSEE commune (departement + commune)")  # fmt: skip


def _wgs84(
    g: pd.DataFrame, geo_line: np.ndarray, errors: RowErrors
) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of each site from its geolocalisation line (Lambert and the
    overseas projections of :data:`_EPSG`), the bad ones reported on that line."""
    x = text_to_float(g["coordxet"])
    y = text_to_float(g["coordyet"])
    # the projection is the last item of the comma list (no list per value: large files)
    proj = g["sourcecoordet"].fillna("").str.replace(r"^.*,", "", regex=True).str.strip()
    proj = proj.to_numpy()
    lat = np.full(len(g), np.nan)
    lon = np.full(len(g), np.nan)
    has_xy = np.isfinite(x) & np.isfinite(y)
    bad_proj = has_xy & ~np.isin(proj, list(_EPSG))
    errors.add(bad_proj, geo_line, "sourcecoordet", f"a projection among {sorted(_EPSG)}")
    for name, epsg in _EPSG.items():
        m = has_xy & (proj == name)
        if m.any():
            tr = Transformer.from_crs(epsg, 4326, always_xy=True)
            lon[m], lat[m] = tr.transform(x[m], y[m])
    outside = has_xy & ~bad_proj & ~check_coordinates_in_france(lat, lon)
    bad_xy = (
        g["coordxet"].notna().to_numpy()
        & ~has_xy
        & ((g["coordxet"].fillna("") != "") | (g["coordyet"].fillna("") != "")).to_numpy()
    )
    errors.add(bad_xy, geo_line, "coordxet,coordyet", "two finite numbers (metres) or both empty")
    errors.add(outside, geo_line, "coordxet,coordyet", "coordinates inside France")
    return lat, lon


def _sites_frame(st: pd.DataFrame, lat: np.ndarray, lon: np.ndarray,
                 file_name: str) -> pd.DataFrame:  # fmt: skip
    """The kept structureet lines as sites of the offer (source: the file's name)."""
    code = st["categetab"].str.strip()
    sites = pd.DataFrame({
        "site_id": st["nofinesset"],
        "finess_et": st["nofinesset"],
        "finess_ej": st["nofinessej"],
        "name": st["rslongue"].where(st["rslongue"] != "", st["rs"]),
        "category": code.map(CATEGORY_OF_FINESS_CODE).fillna("other"),
        "category_code": code,
        "category_label": st["libcategetab"],
        "operator": np.where(st["nofinessej"] == FILIERIS_EJ, "filieris", ""),
        "legal_status": st["libsph"],
        "address": _collapse_whitespace(st["numvoie"] + " " + st["typvoie"] + " " + st["voie"]
                                        + ", " + st["ligneacheminement"]).str.strip(" ,"),
        "commune": st["code_insee"],
        "lat": lat,
        "lon": lon,
        "location_source": np.where(np.isfinite(lat), "finess", "none"),
        "status": "open",
        "source": file_name,
        "source_date": st["datemaj"],
        "line": st["_line"].to_numpy(),
    })  # fmt: skip
    return sites


def _isin(values: pd.Series, among: pd.Series) -> np.ndarray:
    """True where a value is one of ``among`` (pyarrow's hash lookup: ``Series.isin`` on
    Arrow text builds one Python object per value)."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    found = pc.is_in(arr, value_set=pa.array(among, type=pa.string(), from_pandas=True),
                     skip_nulls=True)  # fmt: skip
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


#: The characters of Python's ``\s`` (``str.isspace``), for pyarrow's RE2 (whose ``\s`` is
#: ASCII only): tab to CR, the file/group/record/unit separators, space, NEL, no-break
#: space and the Unicode spaces.
_WHITESPACE = "".join(chr(c) for c in (
    *range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000))  # fmt: skip


def _collapse_whitespace(text: pd.Series) -> pd.Series:
    r"""Every run of whitespace as one space, as ``re.sub(r"\s+", " ", value)`` of each value,
    without a Python call per value."""
    arr = pa.array(text, type=pa.string(), from_pandas=True)
    out = pc.replace_substring_regex(arr, f"[{_WHITESPACE}]+", " ")
    return out.to_pandas().set_axis(text.index)  # text dtype of this pandas version
