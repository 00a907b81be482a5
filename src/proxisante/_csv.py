"""CSV for people and for scripts: one encoder for every CSV proxisante writes (files, standard
output, web downloads), without pandas (the CLI's quick paths use it too).

``fr`` (the default) is what French spreadsheets open at the first click: « ; » between
fields, decimal comma, UTF-8 with a byte-order mark (Excel then reads the accents right and
the numbers as numbers). ``international`` keeps « , », the decimal point and no BOM, for
scripts.

>>> csv_text(["commune", "apl"], [["Lens", 2.5], ["Avion", None]]).splitlines()
['\\ufeffcommune;apl', 'Lens;2,5', 'Avion;']
>>> csv_text(["commune", "apl"], [["Lens", 2.5]], csv_format="international").splitlines()
['commune,apl', 'Lens,2.5']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from proxisante.errors import InputError

__all__ = ["CSV_FORMATS", "check_csv_format", "csv_text"]

#: CSV dialects: ``fr`` (« ; », decimal comma, UTF-8 BOM) and ``international`` (« , »,
#: decimal point, no BOM).
CSV_FORMATS = ("fr", "international")
BOM = "\ufeff"


def check_csv_format(csv_format: str) -> str:
    """``csv_format`` if it is one of :data:`CSV_FORMATS`, else :class:`InputError`."""
    if csv_format not in CSV_FORMATS:
        msg = f"--csv-format must be one of {', '.join(CSV_FORMATS)}; got '{csv_format}'"
        raise InputError(msg)
    return csv_format


def _cell(value: object, *, french: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, float):  # numpy floats too
        if value != value:
            return ""
        text = repr(float(value))
        return text.replace(".", ",") if french else text
    return value


def csv_text(columns: Sequence[object], rows: Iterable[Sequence[object]], *,
             csv_format: str = "fr") -> str:  # fmt: skip
    """The rows as CSV text in ``csv_format`` (:data:`CSV_FORMATS`); ``None`` and NaN are
    written as empty fields, floats in full (round them before: values a person reads
    are rounded by the table that holds them)."""
    french = check_csv_format(csv_format) == "fr"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(v, french=french) for v in row] for row in rows)
    return (BOM if french else "") + buffer.getvalue()
