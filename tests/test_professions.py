"""The profession registry: one definition per profession, read by every layer."""

from __future__ import annotations

import pytest

from proxisante.access.decay import DREES_APL_STEP
from proxisante.errors import InputError
from proxisante.offer.model import PROFESSIONS as OFFER_PROFESSIONS
from proxisante.plan.assumptions import PROFESSION_FR, SHORT_FR
from proxisante.professions import (
    APL_PROFESSIONS,
    PROFESSION_CODES,
    PROFESSIONS,
    get_profession,
)
from proxisante.scenarios.model import PROFESSIONS as SCENARIO_PROFESSIONS
from proxisante.scenarios.model import Retirements


def test_the_five_professions_of_sante_de_proximite_have_an_apl_and_a_bpe_code():
    assert APL_PROFESSIONS == ("gp", "nurse", "physiotherapist", "midwife", "dentist")
    assert {c: PROFESSIONS[c].bpe_code for c in APL_PROFESSIONS} == {
        "gp": "D201", "nurse": "D232", "physiotherapist": "D233", "midwife": "D231",
        "dentist": "D221",
    }  # fmt: skip
    assert PROFESSIONS["care_assistant"].apl is None


def test_every_layer_reads_the_registry():
    assert OFFER_PROFESSIONS == SCENARIO_PROFESSIONS == PROFESSION_CODES
    assert {c: p.plural_fr for c, p in PROFESSIONS.items()} == PROFESSION_FR
    assert SHORT_FR["physiotherapist"] == "kinésithérapeutes"


def test_units_and_official_status():
    gp, nurse, midwife = (PROFESSIONS[c] for c in ("gp", "nurse", "midwife"))
    assert gp.apl.unit == "consultations" and gp.apl.scale == 1 and gp.apl.official
    assert not gp.estimated and nurse.estimated
    assert nurse.apl.unit == "fte" and nurse.apl.scale == 100_000
    assert midwife.apl.unit_fr == "ETP pour 100 000 femmes" and midwife.apl.demand == "women"
    for code in APL_PROFESSIONS[1:]:
        method = PROFESSIONS[code].apl
        assert method.assumptions, f"{code}: an estimate must state its assumptions"
        assert "estimé" in method.method_fr() and "hypothèses" in method.method_fr()


def test_the_gp_decay_of_the_registry_is_the_engine_decay():
    gp = PROFESSIONS["gp"].apl
    assert gp.decay_minutes == DREES_APL_STEP.uppers
    assert gp.decay_weights == DREES_APL_STEP.values


def test_references_are_the_published_national_means():
    # INSEE, La France et ses territoires 2021 (APL 2019): 152, 105, 18 (per 100,000 women)
    assert [PROFESSIONS[c].reference.value for c in ("nurse", "physiotherapist", "midwife")] == [
        152.0, 105.0, 18.0,
    ]  # fmt: skip
    assert PROFESSIONS["dentist"].reference is None  # none found: not invented
    assert PROFESSIONS["gp"].underserved_below == 2.5


@pytest.mark.parametrize(
    ("name", "code"),
    [("physio", "physiotherapist"), ("Kiné", "physiotherapist"), ("sage-femme", "midwife"),
     ("GP", "gp"), (" dentiste ", "dentist"), ("infirmière", "nurse")],
)  # fmt: skip
def test_aliases(name, code):
    assert get_profession(name).code == code


def test_unknown_profession_is_a_one_line_error():
    with pytest.raises(InputError, match=r"profession 'plumber' is not known; expected one of gp"):
        get_profession("plumber")
    with pytest.raises(InputError, match="care_assistant"):
        get_profession("care_assistant", with_apl=True)


def test_scenarios_accept_aliases_and_store_the_code():
    r = Retirements(year=2026, age_at_least=60, profession="physio")
    assert r.profession == "physiotherapist"
    with pytest.raises(ValueError, match="profession 'plumber' is not known"):
        Retirements(year=2026, age_at_least=60, profession="plumber")
