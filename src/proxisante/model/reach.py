"""Travel times made consistent with the official APL: what real doctors cannot reach.

The offline travel model (:mod:`proxisante.model.travel`) places every commune pair from a
straight line, one detour factor and a mean speed. Where it puts a commune closer to real
doctors than the official APL allows, the official figure wins: DREES's road times (INSEE
Metric distancier) cannot be as short as the model's for those pairs. Two rules:

1. A commune whose official APL is 0 has no GP activity within 20 minutes: its pairs to
   the communes where GPs practise (``practising``: a GP in INSEE BPE 2021, a centre de
   santé, known staff) leave its catchment. Its own supply stays (0 minutes).
2. In the DREES APL (``APL_i = Σ_j f(t_ij) S_j / D_j``, every term ≥ 0) the staff a commune
   ``j`` certainly holds (``L_j``: the known staff held there, or an imported supply) gives
   ``i`` at least ``Σ_j f(t_ij) L_j / D_j``. While that exceeds the official ``APL_i``, the
   farthest such pair of ``i`` moves one DREES step farther (< 10 → 10–15 → 15–20 →
   beyond 20 minutes), one pair per commune and round, ``D`` recomputed every round.

Each change is made to both directions of a pair (a road is as long both ways). Without
them, a closure of a site whose staff is published could remove more APL from a commune
than DREES counts there: the APL after would be floored at 0 and part of the closure would
not be seen. With them, closing any set of known-staff sites keeps every official APL +
ΔAPL ≥ 0 (tested on the national model). On the APL 2023 model rule 1 removes 2,654 pairs
(each direction counted) around 436 communes (in-sample r 0.789 → 0.808; held out, where
no APL is read, 0.567 either way) and rule 2 moves one pair one step (Malbosc – Bessèges);
applying rule 2 to the lower end of every
commune's libéral GPs' bound as well moved 7,388 pairs and lowered the held-out r
(docs/calibration.md).

Only communes whose official APL is fitted are checked (``fitted``): a held-out commune's
APL is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from proxisante.access._checks import as_csr, check_vector
from proxisante.access.decay import DREES_APL_STEP
from proxisante.access.fca import supply_ratio
from proxisante.errors import InputError

__all__ = ["ReachAdjustment", "official_reach"]

#: Slack of the check (APL units): the least supply may exceed the official APL by this.
REACH_TOLERANCE = 1e-9
#: Safety cap on the rounds of rule 2 (each moves at least one pair one step; the national
#: APL 2023 model settles in 2 rounds, and with the lower end of every commune's bound as
#: least supply, an experiment, in 28).
MAX_ROUNDS = 500


@dataclass(frozen=True)
class ReachAdjustment:
    """What :func:`official_reach` changed.

    Attributes
    ----------
    rounds
        Rounds run.
    communes
        Communes whose catchment was changed (official APL 0 with GPs within reach, or
        their least supply within reach above their official APL).
    pairs_farther
        Commune pairs (each direction counted) moved to a farther DREES step but still within
        20 minutes.
    pairs_removed
        Commune pairs (each direction counted) moved beyond 20 minutes.
    communes_left
        Communes still inconsistent: their own least supply alone exceeds the official APL
        (no other pair left to move).
    """

    rounds: int
    communes: int
    pairs_farther: int
    pairs_removed: int
    communes_left: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def official_reach(minutes, demand, apl, least_supply, *, practising=None, fitted=None):
    """Travel minutes whose catchments the official APL can hold (module docstring).

    Parameters
    ----------
    minutes
        Square sparse minutes over the communes (CSR; origins × destinations; pairs beyond
        20 minutes not stored), e.g. :meth:`proxisante.model.travel.CommunePairs.minutes`.
    demand
        DREES standardised population of each commune.
    apl
        Official APL of each commune.
    least_supply
        Least GP consultations per year each commune holds (the known staff held there).
    practising
        Communes where GPs practise (default: ``least_supply > 0``), e.g. those with a GP
        in INSEE BPE 2021 or a centre de santé: a commune whose official APL is 0 reaches
        none of them within 20 minutes.
    fitted
        Communes whose official APL may be read (default: all).

    Returns
    -------
    (minutes, ReachAdjustment)
        The adjusted minutes (same shape; removed pairs no longer stored) and what changed.

    >>> m = sp.csr_array((np.array([0.0, 5.0, 5.0, 0.0]), ([0, 0, 1, 1], [0, 1, 0, 1])))
    >>> out, adj = official_reach(m, np.array([100.0, 100.0]), np.array([0.0, 9.0]),
    ...                           np.array([0.0, 900.0]))
    >>> out.toarray().tolist(), adj.pairs_removed
    ([[0.0, 0.0], [0.0, 0.0]], 2)
    """
    m = as_csr(minutes)
    n = m.shape[0]
    p = check_vector(demand, name="demand", length=n, unit="inhabitants")
    y = check_vector(apl, name="apl", length=n, unit="APL")
    floor = check_vector(least_supply, name="least_supply", length=n, unit="consultations")
    asked = np.ones(n, dtype=bool) if fitted is None else _mask(fitted, n, "fitted")
    present = floor > 0
    if practising is not None:
        present = present | _mask(practising, n, "practising")
    if not present.any():  # no doctors anywhere: nothing to check
        return m, ReachAdjustment(0, 0, 0, 0, 0)
    pairs = _Pairs.of(m)
    touched = _cut_apl_zero(pairs, asked & (y <= REACH_TOLERANCE), present)
    rounds, moved, left = _step_out_least_supply(pairs, p, y, floor, asked.copy())
    gone = (pairs.t > _EDGES[-1]) & (pairs.t0 <= _EDGES[-1])  # given pairs beyond 20 min stay
    adjustment = ReachAdjustment(
        rounds=rounds,
        communes=int((touched | moved).sum()),
        pairs_farther=int(np.sum(~gone & (pairs.t != pairs.t0))),
        pairs_removed=int(gone.sum()),
        communes_left=int(left.sum()),
    )
    return pairs.minutes(gone), adjustment


def _mask(values, n: int, name: str) -> np.ndarray:
    """A boolean vector of ``n`` communes (InputError naming ``name`` otherwise)."""
    out = np.asarray(values, dtype=bool)
    if out.shape != (n,):
        msg = f"{name} has shape {out.shape}; expected one value per commune ({n},)"
        raise InputError(msg)
    return out


_EDGES = np.asarray(DREES_APL_STEP.uppers, dtype=float)
_BEYOND = float(_EDGES[-1]) + 1.0


@dataclass
class _Pairs:
    """The stored pairs of a square minutes matrix in CSR order (times ``t`` are edited)."""

    n: int
    indptr: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    keys: np.ndarray  # row × n + col, ascending
    t: np.ndarray
    t0: np.ndarray  # the times given

    @classmethod
    def of(cls, m: sp.csr_array) -> _Pairs:
        m = m.sorted_indices()  # CSR order: the keys ascend, so twins are a search
        n = m.shape[0]
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(m.indptr))
        cols = m.indices.astype(np.int64)
        t = m.data.astype(float)
        return cls(n, m.indptr, rows, cols, rows * n + cols, t, t.copy())

    def twins(self, entries) -> np.ndarray:
        """Index of the pair ``(j, i)`` of each entry ``(i, j)`` (−1 if not stored)."""
        want = self.cols[entries] * self.n + self.rows[entries]
        pos = np.minimum(np.searchsorted(self.keys, want), len(self.keys) - 1)
        return np.where(self.keys[pos] == want, pos, -1)

    def move(self, entries, value) -> None:
        """Set the time of ``entries`` and of their twins to at least ``value``."""
        if not len(entries):
            return
        twins = self.twins(entries)
        self.t[entries] = np.maximum(self.t[entries], value)
        ok = twins >= 0
        self.t[twins[ok]] = np.maximum(self.t[twins[ok]], value[ok])

    def minutes(self, gone) -> sp.csr_array:
        """The edited minutes, without the pairs ``gone`` beyond 20 minutes."""
        keep = ~gone
        indptr = np.r_[0, np.cumsum(np.bincount(self.rows[keep], minlength=self.n))]
        return sp.csr_array((self.t[keep], self.cols[keep], indptr), shape=(self.n, self.n))


def _cut_apl_zero(pairs: _Pairs, zero, present) -> np.ndarray:
    """Rule 1: communes ``zero`` (official APL 0) lose their pairs to the communes where GPs
    practise; returns the communes changed."""
    cut = np.flatnonzero(zero[pairs.rows] & present[pairs.cols] & (pairs.rows != pairs.cols))
    pairs.move(cut, np.full(len(cut), _BEYOND))
    touched = np.zeros(pairs.n, dtype=bool)
    touched[pairs.rows[cut]] = True
    return touched


def _step_out_least_supply(pairs: _Pairs, demand, apl, floor, check):
    """Rule 2, round after round; returns ``(rounds, communes changed, communes left)``."""
    e = np.flatnonzero(floor[pairs.cols] > 0)  # only pairs to known supply weigh in
    rows, cols = pairs.rows[e], pairs.cols[e]
    movable = rows != cols
    zero = apl <= REACH_TOLERANCE
    asked = check.copy()
    touched = np.zeros(pairs.n, dtype=bool)
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 - the count is reported
        bad = _inconsistent(pairs.t[e], rows, cols, demand, apl, floor) & check
        if not bad.any():
            break
        cand = bad[rows] & movable & (pairs.t[e] <= _EDGES[-1])
        stuck = bad & (np.bincount(rows[cand], minlength=pairs.n) == 0)
        check &= ~stuck  # only their own supply is left: reported, not moved
        touched |= bad & ~stuck
        out_all = np.flatnonzero(cand & zero[rows])
        pairs.move(e[out_all], np.full(len(out_all), _BEYOND))
        pick = _farthest_per_row(np.flatnonzero(cand & ~zero[rows]), rows, pairs.t[e])
        step = np.searchsorted(_EDGES, pairs.t[e][pick], side="right")
        last = len(_EDGES) - 1
        pairs.move(e[pick], np.where(step < last, _EDGES[np.minimum(step, last)], _BEYOND))
    left = _inconsistent(pairs.t[e], rows, cols, demand, apl, floor) & asked
    return rounds, touched, left


def _inconsistent(t, rows, cols, demand, apl, floor) -> np.ndarray:
    """Communes whose least supply within reach exceeds the official APL (``t``, ``rows``,
    ``cols``: every stored pair to a commune holding some; beyond 20 minutes weighs 0)."""
    n = len(apl)
    w = DREES_APL_STEP(t)
    site = np.bincount(cols, weights=w * demand[rows], minlength=n)
    ratio = supply_ratio(floor, site)
    return np.bincount(rows, weights=w * ratio[cols], minlength=n) > apl + REACH_TOLERANCE


def _farthest_per_row(entries, rows, t) -> np.ndarray:
    """Of ``entries``, the one with the longest time in each row."""
    if not len(entries):
        return entries
    order = entries[np.lexsort((t[entries], rows[entries]))]
    last = np.r_[rows[order][1:] != rows[order][:-1], True]
    return order[last]
