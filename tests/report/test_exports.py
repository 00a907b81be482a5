"""French export tables: names beside codes, rounded figures, « estimé » and « inconnu »."""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.report.exports import criticality_table
from proxisante.territory import load_communes


def test_criticality_table_publishes_estimates_and_unknowns():
    rank = pd.DataFrame({
        "rank": [1, 2, 3], "site_id": ["a", "b", "c"], "name": ["A", "B", "C"],
        "category": ["centre_de_sante"] * 3, "commune": ["62523", "12089", "12100"],
        "gp_fte": [2.0, 0.0, 0.0], "gp_staff_known": [True, False, False],
        "gp_estimated": [False, True, False], "consultations_lost": [10800.0, 9000.4, 0.0],
        "consultations_low": [np.nan, 5000.0, np.nan], "consultations_high": [np.nan, 12000.0, np.nan],
        "communes_affected": [40, 30, 0], "population_affected": [100890.4, 5000.0, 0.0],
        "newly_under": [18695.0, 120.0, 0.0], "max_apl_drop": [0.56312, 0.2, 0.0],
        "estimate_method": ["", "estimé : médiane", ""],
    })  # fmt: skip
    t = criticality_table(rank, load_communes()).set_index("site")
    assert t.loc["a", "commune"] == "Loison-sous-Lens" and t.loc["a", "habitants_touches"] == 100890
    assert t.loc["a", "baisse_max_apl"] == 0.563
    assert t.loc["b", "effectif_medecins_generalistes"] == "estimé"
    assert t.loc["b", "consultations_perdues_par_an"] == 9000
    assert t.loc["b", "consultations_perdues_haute"] == 12000
    # the estimate's FTE is shown with its range (9000.4 / 5400 = 1.67; 5000 / 5400 = 0.93)
    assert t.loc["b", "medecins_generalistes_etp"] == 1.7
    assert t.loc["b", "medecins_generalistes_etp_basse"] == 0.9
    assert t.loc["b", "medecins_generalistes_etp_haute"] == 2.2
    assert t.loc["b", "methode_estimation"].startswith("estimé")
    # a published staff has no range: its bounds are the published figures
    assert t.loc["a", "consultations_perdues_basse"] == 10800
    assert t.loc["a", "medecins_generalistes_etp_haute"] == 2.0
    assert t.loc["c", "medecins_generalistes_etp"] == "inconnu"
    assert t.loc["c", "habitants_passant_sous_2_5"] == "inconnu"  # never 0
    assert t.loc["c", "consultations_perdues_basse"] == "inconnu"
