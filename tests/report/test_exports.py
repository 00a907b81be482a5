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


def test_scenario_communes_table_rounds_names_and_labels():
    from proxisante.report.exports import scenario_communes_table

    impact = pd.DataFrame({
        "code_insee": ["62523", "62498", "99999"], "apl_before": [2.51234, 4.0, np.nan],
        "delta_apl": [-0.0204999, -0.00001, 0.0], "apl_after": [2.4918401, 3.99999, np.nan],
        "pop_totale": [5043.0, 100890.4, 12.0], "pop_totale_after": [5043.0, 100890.4, 12.0],
        "delta_apl_p10": [-0.05, -0.00002, 0.0], "delta_apl_p90": [-0.01, 0.0, 0.0],
        "newly_under": [True, False, False], "lifted": [False] * 3, "no_gp_after": [False] * 3,
    })  # fmt: skip
    t = scenario_communes_table(impact, load_communes(), baseline="officielle DREES 2023",
                                method="m").set_index("code_commune")  # fmt: skip
    a, b, unknown = t.loc["62523"], t.loc["62498"], t.loc["99999"]
    assert a["commune"] == "Loison-sous-Lens" and a["population"] == 5043
    assert a["apl_avant"] == 2.512 and a["variation_apl"] == -0.02 and a["apl_apres"] == 2.492
    assert a["apl_apres_p10"] == 2.462 and a["apl_apres_p90"] == 2.502  # before + P10 / P90
    assert a["statut_apl_apres"] == "estimée" and a["methode"] == "m"
    assert a["passe_sous_2_5"] == "oui" and b["passe_sous_2_5"] == "non"
    # a change rounding to 0 is written 0.0, not -0.0, and is still an estimate
    assert str(b["variation_apl"]) == "0.0" and b["statut_apl_apres"] == "estimée"
    assert b["population"] == 100890
    # a missing APL is « inconnu », never 0
    assert unknown["apl_avant"] == "inconnu" and unknown["statut_apl_apres"] == "inconnu"
    assert unknown["source_apl_avant"] == "inconnu" and unknown["commune"] == "inconnu"
    assert unknown["departement"] == "inconnu"
    assert "population_apres" not in t.columns
