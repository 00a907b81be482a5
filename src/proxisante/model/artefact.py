"""The calibrated model as a versioned Parquet artefact (bundled, or in the store).

One row per commune; the model's metadata (format version, year, travel parameters, fit
figures, ensemble members, inputs' provenance) is a JSON document in the Parquet schema
metadata under the key ``proxisante_model``. In the store, the Parquet bytes and the
metadata are one row of the ``models`` table, written in one transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from proxisante._bundled import bundled_path
from proxisante._output import write_output
from proxisante.access import CONSULTATIONS_PER_FTE
from proxisante.access.baseline import range_with_central
from proxisante.errors import DataFileError, InputError
from proxisante.model.calibrate import gp_practising, least_supply
from proxisante.model.travel import TravelParameters

__all__ = [
    "BUNDLED_MODEL",
    "FORMAT_VERSION",
    "MODEL_COLUMNS",
    "CalibratedModel",
    "bundled_model",
    "list_store_models",
    "load_store_model",
    "model_from_calibration",
    "read_model",
    "save_store_model",
    "write_model",
]

FORMAT_VERSION = 3
#: Bundled calibrated model (APL 2023), rebuilt by ``scripts/build_model.py``.
BUNDLED_MODEL = "model_gp_apl_2023.parquet"
_META_KEY = b"proxisante_model"

#: Columns of the artefact, with their unit.
MODEL_COLUMNS: dict[str, str] = {
    "code_insee": "commune code (str)",
    "departement": "département code (str)",
    "supply_consultations": "calibrated GP supply, counted consultations per year (estimé)",
    "supply_fte": "same in full-time equivalents (5,400 consultations, DREES)",
    "supply_p10": "P10 of the supply over the model and its ensemble members (estimé)",
    "supply_p90": "P90 of the supply over the model and its ensemble members (estimé)",
    "supply_under65_consultations": "supply of the GPs under 65, consultations per year (estimé)",
    "gp": "GPs of the commune: known staff held + libéral supply ÷ activity (estimé)",
    "gp_65_plus": "GPs aged 65 and over (estimé: supply not under 65 ÷ activity)",
    "gp_low": "lower bound of the commune's libéral GPs (SupplyBounds)",
    "gp_high": "upper bound of the commune's libéral GPs (SupplyBounds)",
    "bpe2021_gp": "libéral GPs of the commune in INSEE BPE 2021 (D201), the prior",
    "staff_gp": "published or imported GP staff of the offer's sites, FTE, held here",
    "staff_consultations": "same in consultations per year",
    "least_consultations": "consultations the commune certainly holds (known staff, imported "
    "supply): the official APL bounds what they give any commune (model.reach)",
    "gp_practising": "1 where GPs practise (BPE 2021 GP, centre de santé, known staff): a "
    "commune whose official APL is 0 reaches none of them within 20 minutes (model.reach)",
    "consultations_per_gp": "consultations per libéral GP of the département (a_d)",
    "apl_official": "official DREES APL of the year",
    "apl_official_under65": "official DREES APL of the GPs under 65",
    "apl_model": "APL computed by the engine with the calibrated supply and travel",
    "apl_model_under65": "APL of the under-65 supply",
    "residual": "official APL − model APL (what the fit does not explain)",
    "apl_heldout": "APL predicted with the commune's département left out (NaN: not run)",
    "apl_heldout_low": "P10 of the held-out APL over the model and its ensemble members "
    "(each fitted without the département's APL; NaN: not run)",
    "apl_heldout_high": "P90 of the same",
    "apl_prior": "APL of the prior alone (BPE 2021 × activity + known staff)",
    "speed_class": "speed class (0 rural, 1 small urban unit, 2 larger urban unit)",
}


@dataclass(frozen=True)
class CalibratedModel:
    """A calibrated model read back from an artefact.

    Attributes
    ----------
    table
        One row per commune (:data:`MODEL_COLUMNS`, plus ``member_<k>`` columns: the supply
        of each ensemble member, consultations per year).
    metadata
        Year, travel parameters, fit figures, ensemble members, provenance, version.
    """

    table: pd.DataFrame
    metadata: dict

    @property
    def year(self) -> int:
        return int(self.metadata["year"])

    @property
    def model_id(self) -> str:
        return str(self.metadata["model_id"])

    @property
    def travel(self) -> TravelParameters | None:
        """The calibrated offline travel parameters (None: the model used given times)."""
        t = self.metadata["travel"]
        if "speed_kmh" not in t:
            return None
        return TravelParameters(tuple(t["speed_kmh"]), t["detour_factor"], t["terminal_minutes"])

    @property
    def members(self) -> list[dict]:
        return list(self.metadata.get("ensemble", []))

    def member_supply(self) -> np.ndarray:
        """Consultations per year of every ensemble member (communes × members)."""
        cols = [f"member_{k}" for k in range(len(self.members))]
        return self.table[cols].to_numpy(dtype=float)

    def member_travel(self, k: int) -> TravelParameters:
        t = self.members[k]["travel"]
        return TravelParameters(tuple(t["speed_kmh"]), t["detour_factor"], t["terminal_minutes"])


#: Columns stored in single precision (the supply, the model's APL and the residual stay
#: exact: the baseline and the tests recompute them).
_SINGLE_PRECISION = (
    "supply_fte", "supply_p10", "supply_p90", "supply_under65_consultations", "gp", "gp_65_plus",
    "gp_low", "gp_high", "bpe2021_gp", "staff_gp", "staff_consultations", "consultations_per_gp",
    "apl_official_under65", "apl_model_under65", "apl_heldout", "apl_heldout_low",
    "apl_heldout_high", "apl_prior",
)  # fmt: skip


def model_from_calibration(cal, *, members=(), provenance: dict | None = None) -> CalibratedModel:
    """Build the artefact of a :class:`~proxisante.model.Calibration` and its ensemble.

    ``members`` are ``(description dict, consultations array)`` pairs.
    """
    inp = cal.inputs
    nan = np.full(inp.n, np.nan)

    def col(values):
        return nan if values is None else np.asarray(values, dtype=float)

    stack = np.vstack([cal.consultations] + [np.asarray(s, dtype=float) for _, s in members])
    p10, p90 = range_with_central(stack)
    table = pd.DataFrame(
        {
            "code_insee": inp.codes,
            "departement": inp.departement,
            "supply_consultations": cal.consultations,
            "supply_fte": cal.consultations / CONSULTATIONS_PER_FTE,
            "supply_p10": p10,
            "supply_p90": p90,
            "supply_under65_consultations": col(cal.consultations_under65),
            "gp": cal.gp_estimate,
            "gp_65_plus": cal.gp65_estimate,
            "gp_low": col(cal.gp_low),
            "gp_high": col(cal.gp_high),
            "bpe2021_gp": inp.prior_gp,
            "staff_gp": inp.held_gp(),
            "staff_consultations": inp.held_consultations(),
            "least_consultations": least_supply(inp),
            "gp_practising": gp_practising(inp).astype(np.int8),
            "consultations_per_gp": col(cal.activity),
            "apl_official": inp.apl,
            "apl_official_under65": col(inp.apl_under65),
            "apl_model": cal.predicted_apl,
            "apl_model_under65": col(cal.predicted_apl_under65),
            "residual": inp.apl - cal.predicted_apl,
            "apl_heldout": cal.heldout_apl,
            "apl_heldout_low": col(cal.heldout_low),
            "apl_heldout_high": col(cal.heldout_high),
            "apl_prior": col(cal.prior_apl),
            "speed_class": inp.speed_class.astype(np.int8),
        }
    )
    for c in _SINGLE_PRECISION:  # 7 significant digits are plenty for these; smaller file
        table[c] = table[c].astype(np.float32)
    described = []
    for k, (desc, supply) in enumerate(members):
        table[f"member_{k}"] = np.asarray(supply, dtype=np.float32)
        described.append(desc)
    digest = hashlib.sha256(np.ascontiguousarray(cal.consultations).tobytes()).hexdigest()[:12]
    meta = {
        "format_version": FORMAT_VERSION,
        "model_id": f"gp-apl-{inp.year}-{digest}",
        "kind": "GP APL calibration (proxisante.model)",
        "year": inp.year,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "travel": cal.figures["travel"],
        "consultations_per_gp": cal.consultations_per_gp,
        "figures": cal.figures,
        "ensemble": described,
        "provenance": provenance or {},
    }
    return CalibratedModel(table=table, metadata=meta)


def _to_bytes(model: CalibratedModel) -> bytes:
    tbl = pa.Table.from_pandas(model.table, preserve_index=False)
    meta = dict(tbl.schema.metadata or {})
    meta[_META_KEY] = json.dumps(model.metadata, default=_json_default).encode()
    buf = io.BytesIO()
    pq.write_table(tbl.replace_schema_metadata(meta), buf, compression="zstd")
    return buf.getvalue()


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    msg = f"not JSON serialisable: {type(value).__name__}"
    raise TypeError(msg)


def _from_bytes(data: bytes, where: str) -> CalibratedModel:
    try:
        tbl = pq.read_table(io.BytesIO(data))
        meta = json.loads((tbl.schema.metadata or {})[_META_KEY])
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        msg = f"not a proxisante model artefact ({type(exc).__name__})"
        raise DataFileError(where, msg) from None
    if meta.get("format_version") != FORMAT_VERSION:
        msg = f"model format {meta.get('format_version')!r}; this proxisante reads {FORMAT_VERSION}"
        raise DataFileError(where, msg)
    return CalibratedModel(table=tbl.to_pandas(), metadata=meta)


def write_model(model: CalibratedModel, path: str | Path) -> Path:
    """Write the artefact to a Parquet file (atomically: temporary file, then rename)."""
    return write_output(path, _to_bytes(model), option="model file")


def read_model(path: str | Path) -> CalibratedModel:
    """Read an artefact written by :func:`write_model`."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(str(path), "model file not found")
    return _from_bytes(path.read_bytes(), str(path))


@cache
def bundled_model() -> CalibratedModel:
    """The calibrated 2023 model shipped with the package (``scripts/build_model.py``)."""
    path = bundled_path(BUNDLED_MODEL)
    if not path.is_file():
        msg = (
            "bundled model is missing; reinstall proxisante or rebuild it (scripts/build_model.py)"
        )
        raise DataFileError(str(path), msg)
    return read_model(path)


def save_store_model(store, model: CalibratedModel) -> str:
    """Insert ``model`` into the store's ``models`` table (one transaction); return its id."""
    data = _to_bytes(model)
    created = datetime.fromisoformat(model.metadata["created_at"]).replace(tzinfo=None)
    with store.transaction() as con:
        con.execute("DELETE FROM models WHERE model_id = ?", [model.model_id])
        con.execute(
            "INSERT INTO models VALUES (?, ?, ?, ?, ?)",
            [
                model.model_id,
                model.year,
                created,
                json.dumps(model.metadata, default=_json_default),
                data,
            ],
        )
    return model.model_id


def list_store_models(store) -> pd.DataFrame:
    """Models in the store: ``model_id``, ``year``, ``created_at`` (newest first)."""
    return store.con.execute(
        "SELECT model_id, year, created_at FROM models ORDER BY created_at DESC"
    ).df()


def load_store_model(store, model_id: str | None = None, *, year: int | None = None):
    """A model of the store (by id, else the newest of ``year``, else the newest); None if none."""
    if model_id is not None:
        rows = store.con.execute(
            "SELECT parquet FROM models WHERE model_id = ?", [model_id]
        ).fetchall()
        if not rows:
            msg = f"no model '{model_id}' in the store; see `proxisante model show --list`"
            raise InputError(msg)
    else:
        sql = "SELECT parquet FROM models"
        args: list = []
        if year is not None:
            sql += " WHERE year = ?"
            args.append(int(year))
        rows = store.con.execute(sql + " ORDER BY created_at DESC LIMIT 1", args).fetchall()
        if not rows:
            return None
    return _from_bytes(bytes(rows[0][0]), f"{store.path} (models)")
