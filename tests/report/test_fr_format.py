"""French number formatting: one minus sign (U+2212), no negative zero."""

from __future__ import annotations

from proxisante.report.fr import MINUS, fmt_dec, fmt_int, fmt_pct, fmt_signed_dec, fmt_signed_int


def test_negative_numbers_use_the_minus_sign():
    assert fmt_dec(-1.17, 2) == MINUS + "1,17"
    assert fmt_int(-10800) == MINUS + "10\u202f800"
    assert fmt_signed_int(-10800) == MINUS + "10\u202f800"
    assert fmt_pct(-0.05) == MINUS + "5,0\u202f%"
    assert fmt_signed_dec(-0.25) == MINUS + "0,25"
    assert fmt_signed_dec(0.25) == "+0,25"


def test_values_rounding_to_zero_have_no_sign():
    assert fmt_dec(-0.0004, 2) == "0,00"
    assert fmt_signed_dec(-0.0004, 2) == "0,00"
    assert fmt_dec(-1234.5, 0) == MINUS + "1\u202f234"  # Python rounds half to even: 1234
