"""INSEE POP1B importer (official layout written by the test) and DREES standardised population."""

from __future__ import annotations

import pytest

from proxisante.errors import DataFileError, UnavailableYearError
from proxisante.territory import (
    AGE_BANDS,
    age_weights,
    read_insee_pop_by_age,
    standardised_population,
)

HEADER = "NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB\n"


def _write(tmp_path, rows, header=HEADER, name="TD_POP1B_2021.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(header + "".join(rows), encoding=encoding)
    return path


def test_bands_and_weights_match_drees_table():
    assert len(AGE_BANDS) == 19
    assert AGE_BANDS[0] == ("0-4", 0, 4) and AGE_BANDS[-1] == ("90+", 90, None)
    assert age_weights(2022).tolist()[:2] == [0.93, 0.59]
    assert age_weights(2023).tolist()[-1] == 2.26
    with pytest.raises(UnavailableYearError):
        age_weights(2020)


def test_import_and_standardise_by_hand(tmp_path):
    rows = [
        "COM;62523;Loison-sous-Lens;1;000;10\n",  # band 0-4
        "COM;62523;Loison-sous-Lens;2;004;5,5\n",  # band 0-4, comma decimal
        "COM;62523;Loison-sous-Lens;1;037;20\n",  # band 35-39
        "COM;62523;Loison-sous-Lens;2;092;3\n",  # 90+
        "COM;62523;Loison-sous-Lens;2;100;1\n",  # 100 or older -> 90+
        "COM;12013;Aubin;1;070;7\n",  # band 70-74
    ]
    bands = read_insee_pop_by_age(_write(tmp_path, rows))
    assert list(bands.columns) == [b[0] for b in AGE_BANDS]
    assert bands.loc["62523", "0-4"] == pytest.approx(15.5)
    assert bands.loc["62523", "35-39"] == 20
    assert bands.loc["62523", "90+"] == 4
    assert bands.loc["12013"].sum() == 7
    std = standardised_population(bands, year=2023)
    # 2023 weights: 0-4 1.12, 35-39 0.85, 90+ 2.26, 70-74 1.46
    assert std["62523"] == pytest.approx(15.5 * 1.12 + 20 * 0.85 + 4 * 2.26)
    assert std["12013"] == pytest.approx(7 * 1.46)
    std22 = standardised_population(bands, year=2022)
    assert std22["62523"] == pytest.approx(15.5 * 0.93 + 20 * 0.88 + 4 * 2.39)


def test_latin1_file_is_read(tmp_path):
    path = _write(tmp_path, ["COM;62523;Loison-sous-Lens Ã©;1;010;2\n"], encoding="latin-1")
    assert read_insee_pop_by_age(path).loc["62523", "10-14"] == 2


@pytest.mark.parametrize(
    ("rows", "header", "pattern"),
    [
        (["COM;62523;X;1;000;1\n"], "CODGEO,SEXE,AGED100,NB\n", r"missing column"),
        (["COM;62523;X;3;000;1\n"], HEADER, r"line 2, field 'SEXE'.*1 \(men\) or 2"),
        (["COM;62523;X;1;000;1\n", "COM;62523;X;1;1O1;1\n"], HEADER, r"line 3, field 'AGED100'"),
        (["COM;62523;X;1;000;-4\n"], HEADER, r"field 'NB'.*between 0 and"),
        (
            ["COM;62523;X;1;000;1\n", "COM;99999;X;1;000;1\n"],
            HEADER,
            r"line 3, field 'CODGEO'.*99999",
        ),
        (["DEP;62;X;1;000;1\n"], HEADER, r"field 'NIVGEO'"),
    ],
)
def test_bad_files_name_line_and_field(tmp_path, rows, header, pattern):
    with pytest.raises(DataFileError, match=pattern):
        read_insee_pop_by_age(_write(tmp_path, rows, header=header))


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        read_insee_pop_by_age(tmp_path / "nope.csv")
