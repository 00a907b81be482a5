r"""The nurses' measure of a plan: the 75+ home-care access of :mod:`proxisante.needs`.

For commune :math:`i`, with :math:`S_j` the (estimated) nurses of commune :math:`j`,
:math:`P_k` its inhabitants aged 75 or more and :math:`w_{ij} = 1` when :math:`j` is less
than 20 minutes from :math:`i` (the pairs of the DREES step catchment), the measure is the
two-step floating catchment of Luo & Wang (2003) per 1,000 aged 75+:

.. math::

    A_i = 1000 \sum_j w_{ij} \frac{S_j}{D_j}, \qquad D_j = \sum_k w_{kj} P_k,

so one more nurse at :math:`j` adds :math:`1000\,w_{ij}/D_j` to :math:`A_i` (the exact
marginal effect the plan optimises). The under-served level is half the national value
:math:`1000 \sum S / \sum P` (« hypothèse » of the needs layer).

The inputs (nurses and 75+ per commune, bundled data only) take about 40 s to estimate for
France (bassin attachment and age estimate); they are kept on disk, keyed by the bundled
data manifest and the needs layer's source, so later plans read them in well under a
second. Only the inputs are cached: the measure itself is computed on the plan's own
catchment, so today's value and the effects of hires share one set of travel times.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

import proxisante.needs as needs
from proxisante._bundled import bundled_path
from proxisante._output import write_output
from proxisante.access import Catchment
from proxisante.access.fca import site_demand
from proxisante.needs import load_needs
from proxisante.needs.home_care import UNDER_SERVED_FRACTION
from proxisante.travel.cache import default_cache_dir

__all__ = ["HomeCareInputs", "home_care_catchment", "home_care_inputs", "home_care_measure"]

PER_1000 = 1000.0


class HomeCareInputs:
    """Nurses and inhabitants aged 75+ per commune (index INSEE code), and where from."""

    def __init__(self, nurses: pd.Series, pop_75_plus: pd.Series, *, cached: bool) -> None:
        self.nurses = nurses
        self.pop_75_plus = pop_75_plus
        self.cached = cached

    @property
    def nurse_france(self) -> float:
        """National value: nurses per 1,000 inhabitants aged 75+."""
        return PER_1000 * float(self.nurses.sum()) / float(self.pop_75_plus.sum())


def _cache_file(cache_dir: Path | None) -> Path:
    """Cache file named by the bundled manifest and the needs layer's source files."""
    h = hashlib.sha256(bundled_path("manifest.json").read_bytes())
    for f in sorted(Path(needs.__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    folder = cache_dir or default_cache_dir().parent / "needs"
    return folder / f"home-care-inputs-{h.hexdigest()[:20]}.npz"


def home_care_inputs(*, cache_dir: Path | None = None) -> HomeCareInputs:
    """Nurses and 75+ per commune from the bundled data, read from the disk cache when there.

    A missing or unreadable cache entry is rebuilt from :func:`proxisante.needs.load_needs`.
    """
    path = _cache_file(cache_dir)
    if path.is_file():
        try:
            z = np.load(path, allow_pickle=False)
            idx = pd.Index(z["codes"].astype(str), name="code_insee")
            return HomeCareInputs(pd.Series(z["nurses"], index=idx),
                                  pd.Series(z["pop_75_plus"], index=idx), cached=True)  # fmt: skip
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    data = load_needs()
    nurses = data.home_care.table["nurses"].fillna(0.0).astype(float)
    p75 = data.pop_75_plus.reindex(nurses.index).fillna(0.0).astype(float)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_output(path, lambda fh: np.savez_compressed(
        fh, codes=nurses.index.to_numpy(dtype=str), nurses=nurses.to_numpy(),
        pop_75_plus=p75.to_numpy()), option="cache file")  # fmt: skip
    return HomeCareInputs(nurses, p75, cached=False)


def home_care_catchment(weights: sp.sparray, pop_75_plus: np.ndarray):
    """Binary catchment (weight 1 on every pair of ``weights``) over the aged 75+."""
    w = sp.csr_array(weights, copy=True)
    w.data = np.ones_like(w.data)
    p = np.asarray(pop_75_plus, dtype=float)
    return Catchment(weights=w, weights_csc=sp.csc_array(w), demand=p,
                     site_demand=site_demand(w, p))  # fmt: skip


def home_care_measure(codes: np.ndarray, weights: sp.sparray, inputs: HomeCareInputs):
    """Catchment, today's value per commune of ``codes``, threshold and its French source.

    ``weights``: the DREES step weights between ``codes`` (square); their non-zero pairs
    (less than 20 minutes) form the binary catchment.
    """
    p75 = inputs.pop_75_plus.reindex(codes).fillna(0.0).to_numpy(dtype=float)
    s = inputs.nurses.reindex(codes).fillna(0.0).to_numpy(dtype=float)
    catchment = home_care_catchment(weights, p75)
    today = catchment.accessibility(s) * PER_1000
    france = inputs.nurse_france
    source = (
        f"hypothèse : moitié de la valeur France ({france:.1f} infirmiers pour 1 000 "
        "habitants de 75 ans et plus ; couche « besoins », offre infirmière estimée)"
    ).replace(".", ",", 1)
    return catchment, today, UNDER_SERVED_FRACTION * france, source
