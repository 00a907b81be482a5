"""French number and date formatting (narrow no-break space as thousands separator), shared by
the reports (:mod:`proxisante.report.fr`) and the plan's French labels.

>>> fmt_int(1459154)
'1\u202f459\u202f154'
>>> fmt_dec(6.558, 2)
'6,56'
>>> fmt_pct(0.189)
'18,9\u202f%'
>>> fmt_dec(-1.17)
'\u22121,17'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "MINUS", "fmt_date", "fmt_dec", "fmt_int", "fmt_num", "fmt_pct", "fmt_signed_dec",
    "fmt_signed_int", "unbreakable_numbers", "unbreakable_numbers_html",
]  # fmt: skip

NNBSP = "\u202f"
#: The typographic minus sign (U+2212), used for every negative number of the reports.
MINUS = "\u2212"
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x != x


def fmt_int(x) -> str:
    """Integer with French thousands separator; '—' when missing."""
    if _missing(x):
        return "—"
    return f"{round(float(x)):,}".replace(",", NNBSP).replace("-", MINUS)


def fmt_signed_int(x) -> str:
    """Integer with an explicit sign (+1 234 / −1 234 / 0)."""
    if _missing(x):
        return "—"
    v = round(float(x))
    if v == 0:
        return "0"
    return ("+" if v > 0 else MINUS) + fmt_int(abs(v))


def fmt_dec(x, digits: int = 2) -> str:
    """Decimal number with a comma; '—' when missing."""
    if _missing(x):
        return "—"
    text = f"{float(x):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", NNBSP)
    if text.startswith("-"):
        # a value rounding to zero is written without sign
        text = text[1:] if set(text[1:]) <= set("0," + NNBSP) else MINUS + text[1:]
    return text


def fmt_num(x, max_digits: int = 3) -> str:
    """Decimal number with a comma and at most ``max_digits`` decimals, trailing zeros dropped
    (parameters, FTE, coordinates: ``1,3``, ``50``, ``2,5``); '—' when missing.

    >>> fmt_num(1.30), fmt_num(50.0), fmt_num(-0.25, 1)
    ('1,3', '50', '−0,2')
    """
    text = fmt_dec(x, max_digits)
    if "," not in text:
        return text
    return text.rstrip("0").removesuffix(",")


def fmt_signed_dec(x, digits: int = 2) -> str:
    """Decimal number with an explicit sign (+0,25 / −0,25 / 0,00).

    >>> fmt_signed_dec(-0.0304, 2)
    '\u22120,03'
    """
    text = fmt_dec(x, digits)
    if text == "—" or text.startswith(MINUS) or set(text) <= set("0," + NNBSP):
        return text
    return "+" + text


def fmt_pct(share, digits: int = 1) -> str:
    """A 0–1 share as a French percentage."""
    if _missing(share):
        return "—"
    return fmt_dec(100 * float(share), digits) + NNBSP + "%"


def fmt_date(d: date) -> str:
    """``25 novembre 2026``."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# --- Place names with their article and preposition ---------------------------------------
#
# INSEE's Code officiel géographique (COG) gives every commune, département and région an
# article type, TNCC (« type de nom en clair »): 0 no article, name starting with a consonant
# (charnière « de »); 1 no article, vowel or mute h (« d' »); 2 « le » (« du »); 3 « la »
# (« de la »); 4 « les » (« des »); 5 « l' » (« de l' »); 6 « aux » (« des »); 7 « las »
# (« de las »); 8 « los » (« de los »). Source: INSEE, COG 2023, files v_departement_2023 and
# v_region_2023 (https://www.insee.fr/fr/information/6800675), documentation of the TNCC
# variable (https://www.insee.fr/fr/information/2560684#tncc).

#: TNCC of each département (INSEE COG 2023, v_departement_2023).
DEPARTEMENT_TNCC: dict[str, int] = {
    "01": 5, "02": 5, "03": 5, "04": 4, "05": 4, "06": 4, "07": 5, "08": 4, "09": 5, "10": 5,
    "11": 5, "12": 5, "13": 4, "14": 2, "15": 2, "16": 3, "17": 3, "18": 2, "19": 3, "2A": 3,
    "2B": 3, "21": 3, "22": 4, "23": 3, "24": 3, "25": 2, "26": 3, "27": 5, "28": 1, "29": 2,
    "30": 2, "31": 3, "32": 2, "33": 3, "34": 5, "35": 1, "36": 5, "37": 1, "38": 5, "39": 2,
    "40": 4, "41": 0, "42": 3, "43": 3, "44": 3, "45": 2, "46": 2, "47": 0, "48": 3, "49": 0,
    "50": 3, "51": 3, "52": 3, "53": 3, "54": 0, "55": 3, "56": 2, "57": 3, "58": 3, "59": 2,
    "60": 5, "61": 5, "62": 2, "63": 2, "64": 4, "65": 4, "66": 4, "67": 2, "68": 2, "69": 2,
    "70": 3, "71": 0, "72": 3, "73": 3, "74": 3, "75": 0, "76": 3, "77": 0, "78": 4, "79": 4,
    "80": 3, "81": 2, "82": 0, "83": 2, "84": 2, "85": 3, "86": 3, "87": 3, "88": 4, "89": 5,
    "90": 2, "91": 5, "92": 4, "93": 3, "94": 2, "95": 2, "971": 3, "972": 3, "973": 3,
    "974": 0, "976": 0,
}  # fmt: skip

#: TNCC of each région (INSEE COG 2023, v_region_2023).
REGION_TNCC: dict[str, int] = {
    "01": 3, "02": 3, "03": 3, "04": 0, "06": 0, "11": 1, "24": 2, "27": 0, "28": 0, "32": 4,
    "44": 2, "52": 4, "53": 0, "75": 1, "76": 1, "84": 1, "93": 0, "94": 0,
}  # fmt: skip

#: Territories named without article but with « à » (islands and the city-département).
_AT = {"Paris", "Mayotte", "La Réunion"}
#: Feminine names with an article said with « en » (« en Guadeloupe »).
_EN = {"Guadeloupe", "Martinique", "Guyane"}
_VOWELS = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆaeiouyàâäéèêëîïôöùûüœæ"
#: Article written at the start of an official commune name → TNCC.
_NAME_ARTICLES = (("L'", 5), ("L’", 5), ("Le ", 2), ("La ", 3), ("Les ", 4), ("Aux ", 6),
                  ("Las ", 7), ("Los ", 8))  # fmt: skip
_ARTICLE = {2: "le ", 3: "la ", 4: "les ", 5: "l'", 6: "aux ", 7: "las ", 8: "los "}
_OF = {2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des ", 7: "de las ", 8: "de los "}
_TO = {2: "au ", 3: "à la ", 4: "aux ", 5: "à l'", 6: "aux ", 7: "à las ", 8: "à los "}


def _starts_with_vowel(name: str) -> bool:
    """Elision before a vowel; « y » before a vowel is a consonant (« de Yenne », « d'Yvetot »)."""
    if name[:1] in ("Y", "y") and name[1:2] and name[1] in _VOWELS:
        return False
    return bool(name) and name[0] in _VOWELS


@dataclass(frozen=True)
class PlaceName:
    """A French place name with its INSEE article type, to write it inside a sentence.

    Attributes
    ----------
    name
        The name as written alone (official; a commune's name keeps its article: « Le Havre »).
    tncc
        INSEE article type (0–8, see :data:`DEPARTEMENT_TNCC`).
    article_in_name
        True when ``name`` starts with its article (communes: « Le Havre », « La Rochelle »);
        False when the article is added (départements: « Gard » → « le Gard »).
    locative
        How to say "in": ``"à"`` (communes, « au Havre »), ``"en"`` (« en Occitanie ») or
        ``"dans"`` (« dans le Gard »).

    >>> PlaceName("Aveyron", 5).of
    "de l'Aveyron"
    >>> PlaceName("Le Havre", 2, article_in_name=True, locative="à").at
    'au Havre'
    >>> PlaceName("Bouches-du-Rhône", 4, locative="dans").at
    'dans les Bouches-du-Rhône'
    """

    name: str
    tncc: int
    article_in_name: bool = False
    locative: str = "dans"

    @property
    def bare(self) -> str:
        """The name without a contracting article (« Havre » for « Le Havre »)."""
        if self.article_in_name and self.tncc in (2, 4, 6):
            return self.name.split(" ", 1)[1]
        return self.name

    @property
    def the(self) -> str:
        """The name with its article: « l'Aveyron », « le Gard », « Le Havre »."""
        if self.article_in_name or self.tncc in (0, 1):
            return self.name
        return _ARTICLE[self.tncc] + self.name

    @property
    def of(self) -> str:
        """« de » with the name: « de l'Aveyron », « du Havre », « d'Avion », « de La Rochelle »."""
        if self.tncc in (0, 1) or (self.article_in_name and self.tncc not in (2, 4, 6)):
            return ("d'" if _starts_with_vowel(self.name) else "de ") + self.name
        return _OF[self.tncc] + self.bare

    @property
    def at(self) -> str:
        """Where: « à Lens », « au Havre », « en Occitanie », « dans le Gard »."""
        if self.locative == "à":
            if self.tncc in (0, 1) or (self.article_in_name and self.tncc not in (2, 4, 6)):
                return "à " + self.name
            return _TO[self.tncc] + self.bare
        if self.tncc in (0, 1):
            return ("à " if self.name in _AT else "en ") + self.name
        if self.name in _EN or (self.locative == "en" and self.tncc in (3, 5)):
            return "en " + self.name
        return "dans " + self.the

    def __str__(self) -> str:
        return self.name


def commune_place(name: str) -> PlaceName:
    """A commune's name: its article type is the article its official name starts with (the
    COG writes the commune name as article + name, by its TNCC); names starting with « H »
    are taken as aspirated (« de Hazebrouck »): the bundled table has no TNCC to tell a mute h.

    >>> commune_place("Loison-sous-Lens").of, commune_place("Avion").of
    ('de Loison-sous-Lens', "d'Avion")
    >>> commune_place("Les Abymes").of, commune_place("L'Haÿ-les-Roses").at
    ('des Abymes', "à L'Haÿ-les-Roses")
    """
    for prefix, tncc in _NAME_ARTICLES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return PlaceName(name, tncc, article_in_name=True, locative="à")
    return PlaceName(name, 1 if _starts_with_vowel(name) else 0, locative="à")


def departement_place(code: str, name: str) -> PlaceName:
    """A département's name with its COG article type (:data:`DEPARTEMENT_TNCC`).

    >>> departement_place("30", "Gard").of, departement_place("12", "Aveyron").at
    ('du Gard', "dans l'Aveyron")
    """
    tncc = DEPARTEMENT_TNCC.get(code)
    if tncc is None:  # not in the COG table: no article, elision before a vowel
        tncc = 1 if _starts_with_vowel(name) else 0
    return PlaceName(name, tncc, locative="dans")


def region_place(code: str, name: str) -> PlaceName:
    """A région's name with its COG article type (:data:`REGION_TNCC`).

    >>> region_place("76", "Occitanie").of, region_place("32", "Hauts-de-France").at
    ("d'Occitanie", 'dans les Hauts-de-France')
    """
    tncc = REGION_TNCC.get(code)
    if tncc is None:
        tncc = 1 if _starts_with_vowel(name) else 0
    return PlaceName(name, tncc, locative="en")


#: EPCI natures (INSEE NATURE_EPCI) → how the name of a nature is written in a sentence.
EPCI_NATURE_FR = {
    "CC": "communauté de communes",
    "CA": "communauté d'agglomération",
    "CU": "communauté urbaine",
    "ME": "métropole",
    "MET69": "métropole",
    "EPT": "établissement public territorial",
}
_NATURE_WORDS = ("Communauté", "Métropole", "Établissement", "Etablissement")
_EMBEDDED = ("Métropole", "Agglomération", "Communauté", "Agglo", "Eurométropole",
             "Intercom", "Communauté de communes")  # fmt: skip


def epci_place(name: str, nature: str | None = None) -> PlaceName:
    """An EPCI's name as written in a sentence, by its nature.

    A name starting with its nature is written with a lower-case nature and « la »
    (« de la communauté d'agglomération de Lens-Liévin », « de la métropole du Grand
    Paris »); a name holding its nature inside (« Toulouse Métropole ») is a proper name
    without article; any other name gets its nature in front (``nature``, INSEE
    NATURE_EPCI: « de la communauté de communes Creuse Sud Ouest »). Spaced hyphens of
    INSEE names (« Lens - Liévin ») are joined.

    >>> epci_place("Communauté d'agglomération de Lens - Liévin").of
    "de la communauté d'agglomération de Lens-Liévin"
    >>> epci_place("Toulouse Métropole", "ME").of, epci_place("Creuse Sud Ouest", "CC").at
    ('de Toulouse Métropole', 'dans la communauté de communes Creuse Sud Ouest')
    >>> epci_place("Eurométropole de Strasbourg", "ME").of
    "de l'Eurométropole de Strasbourg"
    """
    text = " ".join(name.replace(" - ", "-").split())
    first = text.split(" ", 1)[0]
    if first in _NATURE_WORDS:
        text = text[0].lower() + text[1:]
        if first in ("Établissement", "Etablissement"):
            return PlaceName(text, 5, locative="dans")
        return PlaceName(text, 3, locative="dans")
    if first in ("Agglomération", "Eurométropole"):
        return PlaceName(text, 5, locative="dans")
    if any(word in text.split() or text.endswith(word) for word in _EMBEDDED):
        return PlaceName(text, 1 if _starts_with_vowel(text) else 0, locative="dans")
    kind = EPCI_NATURE_FR.get(nature or "", "intercommunalité")
    tncc = 5 if _starts_with_vowel(kind) else 3
    return PlaceName(f"{kind} {text}", tncc, locative="dans")


def ordinal(n: int) -> str:
    """French abbreviated ordinal: « 1re », « 2e »."""
    return "1re" if n == 1 else f"{n}e"


def circonscription_place(number: int, departement: PlaceName) -> PlaceName:
    """A legislative constituency: « la 2e circonscription de l'Aveyron ».

    >>> circonscription_place(2, departement_place("12", "Aveyron")).at
    "dans la 2e circonscription de l'Aveyron"
    """
    return PlaceName(f"{ordinal(number)} circonscription {departement.of}", 3, locative="dans")


_SPACED_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})[ \u00a0](?=\d{3}(?!\d))")
_MARKUP = re.compile(r"(<script.*?</script>|<style.*?</style>|<[^>]+>)", re.S | re.I)


def unbreakable_numbers(text: str) -> str:
    """Join the thousands of numbers written with a plain or no-break space (« 16 258 »,
    « 1 000 habitants ») with a narrow no-break space, so that a line never wraps inside a
    number (browsers do not break at U+202F).

    >>> unbreakable_numbers("16 258 habitants, 1 000 000 €, en 2023 100 fois")
    '16\\u202f258 habitants, 1\\u202f000\\u202f000 €, en 2023 100 fois'
    """
    return _SPACED_THOUSANDS.sub("\\1" + NNBSP, _SPACED_THOUSANDS.sub("\\1" + NNBSP, text))


def unbreakable_numbers_html(html: str) -> str:
    """:func:`unbreakable_numbers` on the text of an HTML page (tags, scripts and styles
    untouched)."""
    parts = _MARKUP.split(html)
    return "".join(p if i % 2 else unbreakable_numbers(p) for i, p in enumerate(parts))
