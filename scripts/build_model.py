"""Build the calibrated GP APL model bundled with the package (proxisante/data).

Runs the national calibration of the APL 2023 on the bundled inputs (travel search, final
fit, held-out validation by département) and its ensemble (Dask LocalCluster), then writes
``src/proxisante/data/model_gp_apl_2023.parquet`` with the inputs' provenance and the fit
figures. Usage: ``python scripts/build_model.py [--year 2023] [--folds 4]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from proxisante.model import calibrate, load_inputs
from proxisante.model.artefact import BUNDLED_MODEL, model_from_calibration, write_model
from proxisante.model.ensemble import run_ensemble
from proxisante.model.inputs import input_provenance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    inputs = load_inputs(args.year)
    cal = calibrate(inputs, folds=args.folds, iterations=args.iterations)
    print("fit:", cal.figures["in_sample"], cal.figures.get("held_out"), flush=True)
    t0 = time.perf_counter()
    members = run_ensemble(cal, iterations=args.iterations)
    cal.figures["timings_s"]["ensemble"] = time.perf_counter() - t0
    model = model_from_calibration(cal, members=members, provenance=input_provenance(args.year))
    out = (
        args.out
        or Path(__file__).resolve().parents[1] / "src" / "proxisante" / "data" / BUNDLED_MODEL
    )
    write_model(model, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB), model {model.model_id}")


if __name__ == "__main__":
    main()
