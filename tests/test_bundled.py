"""Bundled data reader: a table lacking an expected column is a DataFileError naming both."""

import pytest

from proxisante._bundled import read_bundled_parquet
from proxisante.errors import DataFileError


def test_expected_columns_present_reads_the_table() -> None:
    df = read_bundled_parquet("communes.parquet", expected=["code_insee", "nom"])
    assert {"code_insee", "nom"} <= set(df.columns)


def test_missing_expected_column_names_file_and_column() -> None:
    with pytest.raises(DataFileError) as info:
        read_bundled_parquet("communes.parquet", expected=["code_insee", "no_such_column"])
    text = str(info.value)
    assert "communes.parquet" in text
    assert "no_such_column" in text
    assert "build_default_data.py" in text
