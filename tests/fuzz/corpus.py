"""Generated malformed files for the importers and scenario files, each with its oracle.

Every format has a small valid *seed* in its official layout and a list of *mutations*.
A mutation turns the seed into a file and says what must happen to it:

- ``refuse``: the import must be refused with a one-line message naming the file and, when
  the oracle gives them, the line and the field at fault;
- ``same``: the file holds the seed's data in another acceptable form (byte-order mark,
  CRLF, Windows-1252, blank lines…): it must be accepted and store exactly the seed's rows;
- ``accept``: it must be accepted (large valid files: time and memory are what is measured);
- ``any``: no oracle (random byte flips): any outcome but a traceback or internal error,
  and a refusal must leave the store unchanged.

:func:`cases` draws ``n`` cases of a format deterministically from a seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tests.offer.fixtures import RPPS_HEADER, good_finess_lines, rpps_line

__all__ = ["FORMATS", "Case", "cases", "mutations", "seed_bytes"]


@dataclass(frozen=True)
class Case:
    """One generated file and what must happen to it."""

    format: str
    mutation: str
    data: bytes
    expect: str  # refuse | same | accept | any
    line: int | None = None
    field: str | None = None
    suffix: str = ".csv"


@dataclass(frozen=True)
class TextFormat:
    """A line-oriented official layout and where its mutations apply."""

    name: str
    kind: str  # offer import kind
    sep: str
    suffix: str
    lines: Callable[[], list[str]]  # header first
    text_field: int  # a free-text field (quotes, accents, long values)
    number: tuple[int, str, tuple[str, ...]] | None  # field index, name, bad values
    code: tuple[int, str, tuple[str, ...]]  # commune code field, name, bad values
    duplicates: str  # refuse (field name) or "same" (merged by a stated rule)
    checked: Callable[[str], bool]  # lines whose values are validated


def _bpe_lines() -> list[str]:
    return [
        "AN;DEPCOM;LIBCOM;DCIRIS;TYPEQU;NB_EQUIP",
        "2021;62523;Loison-sous-Lens;62523;D265;4",
        "2021;62510;Liévin;62510_0101;D281;7",
        "2021;62510;Liévin;62510_0102;D281;3",
        "2021;62498;Lens;62498_0201;D265;12",
        "2021;62523;Loison-sous-Lens;62523;D277;1",
        "2021;62523;Loison-sous-Lens;62523;A101;1",
        "2021;62413;Harnes;62413;D280;5",
    ]


def _pop_lines() -> list[str]:
    rows = ["NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB"]
    for code, name in (("62523", "Loison-sous-Lens"), ("62510", "Liévin")):
        for sex in ("1", "2"):
            for age in ("000", "001", "045", "080", "100"):
                rows.append(f"COM;{code};{name};{sex};{age};{int(age) % 7 + 3}.5")
    return rows


def _rpps_lines() -> list[str]:
    head = "|".join(RPPS_HEADER) + "|"
    body = [
        rpps_line("10001", "10", "SM54", "L", "620000001", "62523"),
        rpps_line("10002", "10", "SM54", "S", "620000001", "62523"),
        rpps_line("10003", "60", "", "L", "", "62510"),
        rpps_line("10004", "70", "", "L", "", "62498"),
        rpps_line("10005", "40", "", "L", "", "62413"),
        rpps_line("10006", "21", "", "L", "", "62523"),  # pharmacist: not modelled
        rpps_line("10007", "10", "SM54", "L", "", "62510"),
    ]
    body = [b.replace("|NOM|", "|Lefèvre|", 1) if i % 2 else b for i, b in enumerate(body)]
    return [head, *body]


def _finess_lines() -> list[str]:
    return ["finess;etalab;95;2024-01-10", *good_finess_lines()]


TEXT_FORMATS: dict[str, TextFormat] = {
    "bpe": TextFormat(
        "bpe", "bpe", ";", ".csv", _bpe_lines, 2,
        (5, "NB_EQUIP", ("inf", "-inf", "nan", "1e400", "1e308", "-3", "abc", "", "1" * 5000,
                         "2.5", "0x10", "１２")),
        (1, "DEPCOM", ("99999", "6" * 5000, "", "62 523", "0")),
        "DEPCOM,TYPEQU", lambda ln: ";D2" in ln,
    ),
    "pop-age": TextFormat(
        "pop-age", "pop-age", ";", ".csv", _pop_lines, 2,
        (5, "NB", ("inf", "-inf", "nan", "1e400", "1e308", "-3", "abc", "", "1" * 5000)),
        (1, "CODGEO", ("99999", "6" * 5000, "", "62 523", "0")),
        "CODGEO", lambda ln: True,
    ),
    "rpps": TextFormat(
        "rpps", "rpps", "|", ".txt", _rpps_lines, 4, None,
        (14, "Code commune (coord. structure)", ("99999", "6" * 5000, "62 523", "0")),
        "same", lambda ln: "|21|" not in ln,
    ),
    "finess": TextFormat(
        "finess", "finess", ";", ".csv", _finess_lines, 6,
        (2, "coordxet,coordyet", ("inf", "nan", "1e400", "abc", "1e308", "-1e308")),
        (13, "commune", ("ZZ", "6" * 5000, "")),
        "nofinesset", lambda ln: True,
    ),
}  # fmt: skip


def seed_bytes(fmt: str) -> bytes:
    """The valid seed file of a format."""
    if fmt in TEXT_FORMATS:
        return ("\n".join(TEXT_FORMATS[fmt].lines()) + "\n").encode()
    return _scenario_text(fmt).encode()


# -- text formats ---------------------------------------------------------------------------


def _join(lines: list[str], eol: str = "\n") -> bytes:
    return (eol.join(lines) + eol).encode()


def _text_cases(f: TextFormat, rng: random.Random) -> list[Callable[[], Case]]:
    """Factories of one case each (drawing their parameters from ``rng`` when called)."""
    base = f.lines()
    sep = f.sep

    def case(mutation, data, expect, line=None, field=None) -> Case:
        return Case(f.name, mutation, data, expect, line, field, f.suffix)

    def data_line(pred=f.checked) -> int:
        """0-based index (in ``base``) of a random data line satisfying ``pred``."""
        return rng.choice([i for i in range(1, len(base)) if pred(base[i])])

    def geo(ln: str) -> bool:
        return ln.startswith("geolocalisation")

    def structure(ln: str) -> bool:
        return ln.startswith("structureet")

    def with_line(i: int, text: str) -> list[str]:
        out = list(base)
        out[i] = text
        return out

    def set_field(i: int, k: int, value: str) -> list[str]:
        fields = base[i].split(sep)
        fields[k] = value
        return with_line(i, sep.join(fields))

    first = 1 if f.name == "finess" else 0  # FINESS: the line type stays readable

    def text_field(i: int) -> int:
        return min(f.text_field, len(base[i].split(sep)) - 1)

    def extra_field():
        i = data_line(lambda ln: True)
        fields = base[i].split(sep)
        k = rng.randrange(first, len(fields))
        cut = rng.randrange(len(fields[k]) + 1)
        fields[k] = fields[k][:cut] + sep + fields[k][cut:]
        return case("extra separator in a value", _join(with_line(i, sep.join(fields))),
                    "refuse", i + 1, "(line)")  # fmt: skip

    def missing_field():
        i = data_line(lambda ln: True)
        fields = base[i].split(sep)
        k = rng.randrange(1 + first, len(fields))
        merged = [*fields[: k - 1], fields[k - 1] + fields[k], *fields[k + 1 :]]
        return case("separator removed", _join(with_line(i, sep.join(merged))), "refuse",
                    i + 1, "(line)")  # fmt: skip

    def trailing_separator():
        i = data_line(lambda ln: True)
        return case("trailing separator", _join(with_line(i, base[i] + sep)), "refuse", i + 1,
                    "(line)")  # fmt: skip

    def bad_number():
        k, name, values = f.number
        pred = geo if f.name == "finess" else f.checked
        i = data_line(pred)
        v = rng.choice(values)
        return case(f"bad number {v[:12]!r}", _join(set_field(i, k, v)), "refuse", i + 1, name)

    def bad_code():
        k, name, values = f.code
        pred = structure if f.name == "finess" else f.checked
        i = data_line(pred)
        v = rng.choice(values)
        return case(f"bad code {v[:12]!r}", _join(set_field(i, k, v)), "refuse", i + 1, name)

    def latin1_line():
        i = data_line(lambda ln: True)
        fields = base[i].split(sep)
        fields[text_field(i)] += "é"
        lines = [ln.encode() for ln in base]
        lines[i] = sep.join(fields).encode("latin-1", errors="replace")
        return case("one Windows-1252 line in a UTF-8 file", b"\n".join(lines) + b"\n",
                    "refuse", i + 1)  # fmt: skip

    def undefined_byte():
        i = data_line(lambda ln: True)
        lines = [ln.encode() for ln in base]
        lines[i] = lines[i] + b"\x81" if f.name != "rpps" else lines[i][:-1] + b"\x81|"
        return case("byte 0x81 (no encoding)", b"\n".join(lines) + b"\n", "refuse", i + 1)

    def nul_byte():
        i = data_line(lambda ln: True)
        raw = base[i].encode()
        cut = rng.randrange(len(raw))
        lines = [ln.encode() for ln in base]
        lines[i] = raw[:cut] + b"\x00" + raw[cut:]
        return case("NUL byte", b"\n".join(lines) + b"\n", "refuse", i + 1)

    def lone_cr():
        i = data_line(lambda ln: True)
        cut = rng.randrange(1, len(base[i]))
        return case("carriage return inside a line",
                    _join(with_line(i, base[i][:cut] + "\r" + base[i][cut:])), "refuse", i + 1)  # fmt: skip

    def long_line():
        i = data_line(lambda ln: True)
        fields = base[i].split(sep)
        fields[text_field(i)] = "x" * rng.choice([70_000, 300_000, 2_000_000])
        return case("line longer than 64 KiB", _join(with_line(i, sep.join(fields))), "refuse",
                    i + 1)  # fmt: skip

    def wide_header():
        head = base[0] + sep + sep.join(f"c{j}" for j in range(rng.choice([2000, 20_000])))
        return case("header with thousands of columns", _join([head, *base[1:]]), "refuse", 1)

    def duplicate_line():
        i = data_line()
        lines = [*base, base[i]]
        if f.duplicates == "same":
            return case("a line repeated", _join(lines), "same")
        return case("a line repeated", _join(lines), "refuse", len(lines), f.duplicates)

    def data_twice():
        lines = [*base, *base[1:]]
        if f.duplicates == "same":
            return case("the data twice", _join(lines), "same")
        first = next(j for j in range(len(base), len(lines)) if f.checked(lines[j]))
        return case("the data twice", _join(lines), "refuse", first + 1, f.duplicates)

    def truncated():
        i = len(base) - 1
        raw = base[i]
        cut = rng.randrange(1, raw.rfind(sep) + 1)
        data = _join(base[:i]) + raw[:cut].encode()
        field = None if f.name == "finess" else "(line)"  # FINESS: the type may be cut
        return case("file cut inside its last line", data, "refuse", i + 1, field)

    def header_only():
        return case("header only", _join(base[:1]), "refuse")

    def empty():
        return case("empty file", b"", "refuse")

    def random_bytes():
        return case("random bytes", rng.randbytes(rng.choice([1, 100, 4000])), "refuse")

    def utf16():
        return case("UTF-16", "\n".join(base).encode("utf-16"), "refuse", 1)

    def leading_blank():
        return case("blank line before the header", b"\n" + _join(base), "refuse", 1)

    def wrong_separator():
        other = "," if sep != "," else ";"
        lines = [ln.replace(sep, other) for ln in base]
        if f.name == "bpe":  # BPE files may be ','-separated
            return case("','-separated", _join(lines), "same")
        return case("wrong separator", _join(lines), "refuse", 1)

    def renamed_column():
        if f.name == "finess":
            return case("header line changed", _join(["structureet;etalab", *base[1:]]),
                        "refuse", 1)  # fmt: skip
        names = base[0].split(sep)
        k = f.code[0]
        names[k] = names[k] + "X"
        return case("required column renamed", _join([sep.join(names), *base[1:]]), "refuse", 1)

    def bom():
        return case("UTF-8 byte-order mark", b"\xef\xbb\xbf" + _join(base), "same")

    def crlf():
        return case("CRLF line endings", _join(base, "\r\n"), "same")

    def mixed_eol():
        body = "".join(ln + rng.choice(["\n", "\r\n"]) for ln in base)
        return case("mixed CRLF and LF", body.encode(), "same")

    def cp1252():
        return case("Windows-1252 file", ("\n".join(base) + "\n").encode("cp1252"), "same")

    def blank_lines():
        lines = list(base)
        for _ in range(rng.randint(1, 4)):  # "\r": a blank CRLF line among LF lines
            lines.insert(rng.randint(1, len(lines)), rng.choice(["", "", "\r"]))
        return case("blank lines", _join(lines), "same")

    def no_final_newline():
        return case("no final line feed", "\n".join(base).encode(), "same")

    def quote_in_text():
        i = data_line(lambda ln: True)
        if f.name == "finess" and not structure(base[i]):
            i = 1
        fields = base[i].split(sep)
        fields[f.text_field] = '"' + fields[f.text_field]
        return case("unbalanced quote", _join(with_line(i, sep.join(fields))), "same")

    def big_valid():
        n = 200_000
        if f.name == "bpe":  # non-health lines: read and ignored
            extra = [f"2021;62523;Loison-sous-Lens;62523_{j:06d};A101;1" for j in range(n)]
            return case(f"{n:,} more lines", _join([*base, *extra]), "same")
        if f.name == "rpps":  # pharmacists: read and ignored
            extra = [rpps_line(str(20_000 + j), "21", "", "L", "", "62523") for j in range(n)]
            return case(f"{n:,} more lines", _join([*base, *extra]), "same")
        if f.name == "pop-age":
            from proxisante.territory import load_communes

            codes = [c for c in load_communes()["code_insee"] if c not in ("62523", "62510")]
            extra = [f"COM;{c};X;{s};{a:03d};1" for c in codes[:1000] for s in "12"
                     for a in range(101)]  # fmt: skip
            return case(f"{len(extra):,} more lines", _join([*base, *extra]), "accept")
        lines = list(base)
        for j in range(n // 4):
            lines.append(lines[1].replace("620000001", f"64{j:07d}"))
        return case(f"{n // 4:,} more sites", _join(lines), "accept")

    def bad_value_specific():
        if f.name == "pop-age":
            i = data_line()
            k, name, v = rng.choice([(3, "SEXE", "3"), (4, "AGED100", "101"),
                                     (4, "AGED100", "1e2"), (4, "AGED100", "-1"),
                                     (0, "NIVGEO", "DEP")])  # fmt: skip
            return case(f"bad {name}", _join(set_field(i, k, v)), "refuse", i + 1, name)
        if f.name == "finess":
            choice = rng.randrange(4)
            if choice == 0:
                i = data_line(lambda ln: True)
                return case("bad line type", _join(set_field(i, 0, "structureex")), "refuse",
                            i + 1, "type")  # fmt: skip
            if choice == 1:
                i = data_line(geo)
                return case("unknown projection",
                            _join(set_field(i, 4, "1,ATLASANTE,MERCATOR")), "refuse", i + 1,
                            "sourcecoordet")  # fmt: skip
            if choice == 2:
                i = data_line(geo)
                return case("coordinates outside France",
                            _join(set_field(i, 2, "100.0")), "refuse", i + 1,
                            "coordxet,coordyet")  # fmt: skip
            i = data_line(structure)
            return case("bad FINESS number", _join(set_field(i, 1, "62000001")), "refuse", i + 1,
                        "nofinesset")  # fmt: skip
        if f.name == "rpps":
            i = data_line()
            return case("empty Identifiant PP", _join(set_field(i, 1, "")), "refuse", i + 1,
                        "Identifiant PP")  # fmt: skip
        return case("column names repeated",
                    _join([base[0].replace("LIBCOM", "DEPCOM"), *base[1:]]), "refuse", 1)  # fmt: skip

    def byte_flips():
        data = bytearray(_join(base))
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return case("random byte flips", bytes(data), "any")

    return [
        extra_field, missing_field, trailing_separator, bad_code, latin1_line, undefined_byte,
        nul_byte, lone_cr, long_line, wide_header, duplicate_line, data_twice, truncated,
        header_only, empty, random_bytes, utf16, leading_blank, wrong_separator,
        renamed_column, bom, crlf, mixed_eol, cp1252, blank_lines, no_final_newline,
        quote_in_text, bad_value_specific, byte_flips, big_valid,
        *([bad_number] if f.number else []),
    ]  # fmt: skip


# -- scenario files -------------------------------------------------------------------------

_SCENARIO = {
    "name": "fuzz-seed",
    "description": "Fermeture et ouverture à Loison",
    "edits": [
        {"kind": "close_sites", "sites": ["620000001", "9D0000003"], "note": "Départ"},
        {"kind": "change_staff", "site": "620000002", "profession": "gp", "delta_fte": 1.5},
        {"kind": "open_site", "site": "new-1", "name": "Centre de santé", "commune": "62523",
         "fte": {"gp": 2.0, "nurse": 1.0}},
        {"kind": "population_change", "territory": "dep:62", "factor": 1.05},
    ],
}  # fmt: skip


def _scenario_text(fmt: str, data: dict | None = None) -> str:
    import yaml

    data = _SCENARIO if data is None else data
    if fmt == "scenario-json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _scenario_cases(fmt: str, rng: random.Random) -> list[Callable[[], Case]]:
    suffix = ".json" if fmt == "scenario-json" else ".yaml"
    text = _scenario_text(fmt)

    def case(mutation, data, expect, line=None, field=None) -> Case:
        return Case(fmt, mutation, data, expect, line, field, suffix)

    def edited(path: tuple, value) -> dict:
        data = json.loads(json.dumps(_SCENARIO))
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    def raw_value(path: tuple, token: str, field: str):
        marker = 123456.25
        body = _scenario_text(fmt, edited(path, marker)).replace(str(marker), token)
        return case(f"{field} = {token[:12]}", body.encode(), "refuse", None, field)

    def bad_fte():
        token = rng.choice([".nan", ".inf", "-.inf"] if suffix == ".yaml" else
                           ["NaN", "Infinity", "-Infinity"])  # fmt: skip
        if rng.random() < 0.5:
            return raw_value(("edits", 1, "delta_fte"), token, "delta_fte")
        return raw_value(("edits", 2, "fte", "gp"), token, "fte")

    def huge_fte():
        return raw_value(("edits", 1, "delta_fte"), rng.choice(["1e308", "-1e308", "1e400"]),
                         "delta_fte")  # fmt: skip

    def huge_int():
        case_ = raw_value(("edits", 3, "factor"), "9" * rng.choice([5000, 100_000]), "factor")
        return Case(fmt, "integer of thousands of digits", case_.data, "refuse", None, None,
                    suffix)  # fmt: skip

    def latin1():
        line = next(i for i, ln in enumerate(text.splitlines(), 1) if not ln.isascii())
        return case("Latin-1 file", text.encode("latin-1", errors="replace"), "refuse", line)

    def utf16():
        return case("UTF-16", text.encode("utf-16"), "refuse", 1)

    def binary():
        return case("binary", rng.randbytes(2000) + b"\x00", "refuse")

    def nul():
        cut = rng.randrange(len(text))
        data = text.encode()
        line = data.count(b"\n", 0, cut) + 1
        return case("NUL byte", data[:cut] + b"\x00" + data[cut:], "refuse", line)

    def deep():
        depth = rng.choice([40, 1000, 100_000])
        nested = "[" * depth + "]" * depth
        body = _scenario_text(fmt, edited(("description",), "@@")).replace('"@@"', nested)
        body = body.replace("'@@'", nested).replace("@@", nested)
        return case(f"nested {depth} levels", body.encode(), "refuse")

    def alias_bomb():
        if suffix == ".json":
            return case("duplicate site", _scenario_text(fmt, edited(
                ("edits", 0, "sites"), ["620000001", "620000001"])).encode(), "refuse",
                None, "sites")  # fmt: skip
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
        return case("YAML alias bomb", ("\n".join(lines) + "\n" + text).encode(), "refuse")

    def unknown_field():
        data = edited(("edits", 1, "delta_ftee"), 1.0)
        return case("unknown field", _scenario_text(fmt, data).encode(), "refuse", None,
                    "delta_ftee")  # fmt: skip

    def unknown_kind():
        data = edited(("edits", 3, "kind"), "population_changes")
        return case("unknown kind", _scenario_text(fmt, data).encode(), "refuse")

    def duplicate_site():
        data = edited(("edits", 0, "sites"), ["620000001", "9D0000003", "620000001"])
        return case("site listed twice", _scenario_text(fmt, data).encode(), "refuse", None,
                    "sites")  # fmt: skip

    def wrong_type():
        data = edited(("edits", 2, "fte"), ["gp", 2])
        return case("wrong type", _scenario_text(fmt, data).encode(), "refuse", None, "fte")

    def truncated():
        data = text.encode()
        return case("truncated", data[: rng.randrange(1, len(data) - 2)], "any")

    def empty():
        return case("empty file", b"", "refuse")

    def too_big():
        return case("17 MiB", text.encode() + b" " * (17 << 20), "refuse")

    def bom():
        return case("byte-order mark", b"\xef\xbb\xbf" + text.encode(), "same")

    def crlf():
        return case("CRLF", text.replace("\n", "\r\n").encode(), "same")

    def byte_flips():
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return case("random byte flips", bytes(data), "any")

    def yaml_coercion():
        """A number written as YAML 1.1 reads it (1:30 = 90, 0x10 = 16, true = 1…) or as
        text: never a number."""
        tokens = (["1:30", "0x10", "true", "0o7", ".inf", "1_000", "yes", "'3'", "١", "+.5e"]
                  if suffix == ".yaml" else ["true", '"3"', '"1:30"', '"0x10"'])  # fmt: skip
        return raw_value(("edits", 1, "delta_fte"), rng.choice(tokens), "delta_fte")

    def duplicate_key():
        """A key given twice in one mapping (the last one was kept silently)."""
        lines = text.splitlines()
        if suffix == ".yaml":
            return case("key given twice", (text + "name: autre\n").encode(), "refuse",
                        len(lines) + 1)  # fmt: skip
        body = text.replace('"name": ', '"name": "autre",\n  "name": ', 1)
        line = next(i for i, ln in enumerate(body.splitlines(), 1) if '"name"' in ln) + 1
        return case("key given twice", body.encode(), "refuse", line)

    return [
        bad_fte, huge_fte, huge_int, latin1, utf16, binary, nul, deep, alias_bomb,
        unknown_field, unknown_kind, duplicate_site, wrong_type, truncated, empty, too_big, bom,
        crlf, byte_flips, yaml_coercion, duplicate_key,
    ]  # fmt: skip


FORMATS = ("finess", "rpps", "bpe", "pop-age", "scenario-yaml", "scenario-json",
           "assumptions", "plan-options", "output-target", "resource-limit")  # fmt: skip


def _factories(fmt: str, rng: random.Random) -> list[Callable[[], Case]]:
    if fmt in TEXT_FORMATS:
        return _text_cases(TEXT_FORMATS[fmt], rng)
    if fmt.startswith("scenario"):
        return _scenario_cases(fmt, rng)
    from tests.fuzz.hostile import hostile_cases  # absurd parameters, targets, limits

    return hostile_cases(fmt, rng)


def mutations(fmt: str) -> list[str]:
    """Names of the mutations of ``fmt`` (the generators :func:`cases` draws from)."""
    return [f.__name__ for f in _factories(fmt, random.Random(0))]


def cases(
    fmt: str, n: int, *, seed: int = 0, big: bool = True, only: tuple[str, ...] | None = None
) -> Iterator[Case]:
    """``n`` cases of ``fmt``: every mutation in turn, parameters drawn from ``seed``.

    ``big=False`` leaves out the large valid files (used by the quick test run); ``only``
    keeps the mutations of those names (:func:`mutations`), e.g. to re-run the slow ones.
    """
    rng = random.Random(f"{fmt}-{seed}")
    factories = _factories(fmt, rng)
    if not big:
        factories = [f for f in factories if f.__name__ not in ("big_valid", "too_big")]
    if only is not None:
        factories = [f for f in factories if f.__name__ in only]
        if not factories:
            return
    random.Random(seed).shuffle(factories)  # a short run covers a varied subset
    for i in range(n):
        yield factories[i % len(factories)]()
