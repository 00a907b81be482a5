"""French number and date formatting of the reports (defined in :mod:`proxisante._fr`, shared
with the plan's labels)."""

from proxisante._fr import (
    MINUS,
    fmt_date,
    fmt_dec,
    fmt_int,
    fmt_pct,
    fmt_signed_dec,
    fmt_signed_int,
)

__all__ = ["MINUS", "fmt_date", "fmt_dec", "fmt_int", "fmt_pct", "fmt_signed_dec", "fmt_signed_int"]
