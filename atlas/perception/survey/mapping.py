"""Declarative mapping of a delivered survey file's columns to the survey model.

A mapping file (YAML) says, for one file of a survey institute, which column holds each
field of :data:`~atlas.perception.survey.model.RESPONDENT_COLUMNS` (or gives a constant),
how the file's values or value labels translate into the model's ids, how the ranking
question was coded
(one rank column per item, or "first choice", "second choice"… columns naming an item) and
the waves' metadata. A second form, ``form: aggregates``, maps a published table to
:data:`atlas.perception.survey.model.AGGREGATE_COLUMNS`.

:func:`load_mapping` reads and validates a file into frozen dataclasses; every error names
the mapping file and the key. ``mapping_template.yaml`` (:data:`TEMPLATE`) is a documented
template to copy and fill.

A mapping file comes from a user: it is refused above :data:`MAX_MAPPING_BYTES`, YAML
anchors and aliases are refused (no "billion laughs" expansion), and no error echoes the
file's content: a YAML error gives the line, the column and a generic reason, values are
shown truncated (:data:`SHOWN_CHARS`) and every message is capped
(:data:`MAX_MESSAGE_CHARS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from atlas.perception.survey.model import ACTORS, AGGREGATE_COLUMNS, MODES, TERRITORY_LEVELS, Wave
from indicators.domains import DIMENSION_BY_ID, DOMAIN_BY_ID

TEMPLATE = files("atlas.perception.survey") / "mapping_template.yaml"
"""The documented template (a respondent-level mapping to copy and fill)."""

FORMS = ("respondents", "aggregates")
SHARE_UNITS = {"proportion": 1.0, "percent": 100.0}
"""How a published table writes its shares (divisor to bring them into [0, 1])."""
MEASURES = ("first", "first_or_second")
AGGREGATE_LEVELS = (*TERRITORY_LEVELS, "france")
RESPONDENT_LEVELS = AGGREGATE_LEVELS
"""Levels a respondent's territory may have: a respondent known only to live in France
(national panel) has level ``"france"`` and code ``"FR"``, as
:mod:`~atlas.perception.survey.estimates` reads them (the model's ``TERRITORY_LEVELS``
lists only the three local levels)."""
AGGREGATE_ACTORS = (*ACTORS, "tous")
ITEMS = {"dimension": DIMENSION_BY_ID, "domain": DOMAIN_BY_ID}
"""Ranked items: kind → id → :class:`indicators.domains.Dimension` or ``Domain``."""

_EMPTY: Mapping[str, str] = MappingProxyType({})
_TOP_KEYS = {
    "respondents": ("form", "survey", "file", "waves", "columns", "dimensions", "domains"),
    "aggregates": ("form", "survey", "file", "waves", "columns", "share_unit"),
}
_SURVEY_KEYS = ("name", "notes")
_FILE_KEYS = ("separator", "encoding", "decimal", "sheet", "header_row")
_WAVE_KEYS = ("id", "name", "start", "end", "mode", "actors")
_FIELD_KEYS = ("column", "constant", "values")
_RESPONDENT_FIELDS = ("respondent_id", "actor", "wave", "territory_code", "territory_level",
                      "weight")
_OPTIONAL_AGGREGATE_FIELDS = ("n_unweighted", "n_effective")
_RANKING_KEYS = ("ranks", "choices", "values")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")

MAX_MAPPING_BYTES = 1_000_000
"""Largest mapping file read (1 MB; a filled template is about 6 kB)."""
MAX_MESSAGE_CHARS = 500
"""Longest :class:`MappingError` message; longer ones are cut and end with `` …``."""
SHOWN_CHARS = 60
"""Longest value of the mapping file shown in a message (its ``repr``, cut with `` …``)."""
KEY_CHARS = 160
"""Longest key path shown in a message; each key of the user's in it is cut to
:data:`SHOWN_CHARS`."""


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with `` …`` when cut.

    Examples
    --------
    >>> clip("abcdefgh", 6), clip("abc", 6)
    ('abcd …', 'abc')
    """
    return text if len(text) <= limit else text[:max(limit - 2, 0)] + " …"


def shown(value: object) -> str:
    """A value of the mapping file as shown in a message: its cut ``repr``.

    At most :data:`SHOWN_CHARS` characters, so that no message repeats a long value.

    Examples
    --------
    >>> shown("maire")
    "'maire'"
    >>> len(shown("x" * 1000))
    60
    """
    return clip(repr(value), SHOWN_CHARS)


class MappingError(ValueError):
    """A mapping file is malformed; the message names the file and the key.

    The message is capped at :data:`MAX_MESSAGE_CHARS` characters.
    """

    def __init__(self, message: str):
        super().__init__(clip(str(message), MAX_MESSAGE_CHARS))


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader refusing anchors (``&a``) and aliases (``*a``).

    An alias repeats a node without copying it; nested aliases expand exponentially when
    the data is walked or printed ("billion laughs"). A mapping file never needs them.
    """

    def compose_node(self, parent, index):  # noqa: D102 (PyYAML's hook)
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "YAML anchors and aliases (& and *) are not allowed in a "
                "mapping file: write each value out", event.start_mark)
        return super().compose_node(parent, index)


def _yaml_reason(error: yaml.YAMLError) -> str:
    """Where and why YAML failed, without any of the file's content.

    PyYAML's own message quotes the offending line; only the line, the column and the
    problem are kept, quoted text in the problem (the file's characters, tags…) replaced by
    ``…`` unless it is a short piece of syntax.
    """
    if isinstance(error, yaml.reader.ReaderError):
        return f"character {error.position + 1}: a character not allowed in YAML text"
    if not isinstance(error, yaml.MarkedYAMLError):
        return "unreadable YAML"
    mark = error.problem_mark or error.context_mark
    problem = _QUOTED.sub(lambda m: m.group() if len(m.group()) <= 5
                          or m.group()[1:2] == "<" else "…", error.problem or "syntax error")
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + clip(problem, 120)


def normalize_key(value: object) -> str:
    """Canonical form used to match a file's value or label with a mapping key.

    Integers lose leading zeros and a trailing ``.0`` (``"01"``, ``1`` and ``1.0`` all give
    ``"1"``, so SPSS codes match YAML keys); text loses accents, case and repeated spaces.

    Examples
    --------
    >>> normalize_key("  Élus   / Maires ")
    'elus / maires'
    >>> normalize_key(2.0), normalize_key("02")
    ('2', '2')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if _INTEGER.match(text):
        return str(int(text.split(".")[0]))
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Field:
    """Where one model field comes from: a column of the file, or a constant.

    ``values`` maps the file's values, or (SPSS) their value labels, to model ids; keys are
    matched through :func:`normalize_key`. Without ``values`` the model's own ids and French
    labels are recognised.
    """

    column: str | None = None
    constant: str | float | None = None
    values: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    zero_pad: bool = False
    """Territory codes only: restore leading zeros lost by a spreadsheet (``"1001"`` →
    ``"01001"`` for a commune, ``"1"`` → ``"01"`` for a département or région)."""

    @property
    def is_constant(self) -> bool:
        """Whether the field is a constant rather than a column."""
        return self.column is None


@dataclass(frozen=True)
class Ranking:
    """How the ranking of the dimensions (or of the domains) is coded in the file.

    Either ``ranks`` (item id → column holding that item's rank, 1 = first priority), or
    ``choices`` (columns holding the item ranked first, second…; rank = position + 1), with
    ``values`` mapping the file's values or labels to item ids.
    """

    kind: str
    """``"dimension"`` or ``"domain"``."""
    ranks: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    choices: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns of the file read for this ranking."""
        return tuple(self.ranks.values()) if self.ranks else self.choices

    @property
    def n_items(self) -> int:
        """Number of items that can be ranked (4 dimensions, 16 domains)."""
        return len(ITEMS[self.kind])


@dataclass(frozen=True)
class FileOptions:
    """How to read the file; ``None`` means detect (CSV separator, encoding, decimal mark)."""

    separator: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    sheet: str | int = 0
    """XLSX: sheet name or 0-based position."""
    header_row: int = 1
    """CSV/XLSX: row of the column names (1 = first row); data start on the next row."""


@dataclass(frozen=True)
class RespondentMapping:
    """Mapping of a respondent-level file (one row per respondent)."""

    source: str
    """The mapping file, named in every error."""
    name: str
    """Survey name, recorded as :attr:`atlas.perception.survey.model.Survey.source`."""
    waves: tuple[Wave, ...]
    respondent_id: Field
    actor: Field
    wave: Field
    territory_code: Field
    territory_level: Field
    weight: Field
    dimensions: Ranking | None = None
    domains: Ranking | None = None
    file: FileOptions = FileOptions()
    notes: tuple[str, ...] = ()

    def fields(self) -> dict[str, Field]:
        """The six scalar fields by model column."""
        return {name: getattr(self, name) for name in _RESPONDENT_FIELDS}

    def columns(self) -> dict[str, str]:
        """File column → key of the mapping that uses it (for error messages)."""
        used = {f.column: f"columns.{name}" for name, f in self.fields().items()
                if f.column is not None}
        for ranking in (self.dimensions, self.domains):
            if ranking is not None:
                where = "dimensions" if ranking.kind == "dimension" else "domains"
                used.update({c: where for c in ranking.columns})
        return used


@dataclass(frozen=True)
class AggregateMapping:
    """Mapping of a published (aggregated) table to :data:`AGGREGATE_COLUMNS`."""

    source: str
    name: str
    fields: Mapping[str, Field | None] = field(hash=False)
    """Model column → field; ``None`` for an optional column the table does not give."""
    share_unit: str = "proportion"
    file: FileOptions = FileOptions()
    waves: tuple[Wave, ...] = ()
    notes: tuple[str, ...] = ()

    def columns(self) -> dict[str, str]:
        """File column → key of the mapping that uses it."""
        return {f.column: f"columns.{name}" for name, f in self.fields.items()
                if f is not None and f.column is not None}

    @classmethod
    def identity(cls, name: str, present: tuple[str, ...] = AGGREGATE_COLUMNS
                 ) -> AggregateMapping:
        """The mapping of a table whose columns already bear the model's names.

        ``n_unweighted`` and ``n_effective`` are read only if they are in ``present``.
        """
        fields = {c: Field(column=c, zero_pad=c == "territory_code") for c in AGGREGATE_COLUMNS
                  if c not in _OPTIONAL_AGGREGATE_FIELDS or c in present}
        fields.update({c: None for c in _OPTIONAL_AGGREGATE_FIELDS if c not in fields})
        return cls(source="<default aggregate mapping>", name=name,
                   fields=MappingProxyType(fields))


AnyMapping = RespondentMapping | AggregateMapping


def load_mapping(path: str | PathLike[str]) -> AnyMapping:
    """Read and validate a mapping file.

    Parameters
    ----------
    path
        A YAML file following ``mapping_template.yaml``.

    Returns
    -------
    RespondentMapping or AggregateMapping
        According to the file's ``form`` (``respondents`` by default).

    Raises
    ------
    MappingError
        Naming the file and the key at fault.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)
    except OSError as error:
        raise MappingError(f"{path}: cannot read the mapping file "
                           f"({error.strerror or type(error).__name__})") from None
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(f"{path}: the mapping file is too large (over "
                           f"{MAX_MAPPING_BYTES / 1e6:g} MB); a mapping is a few kB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: not UTF-8 text (byte {error.start + 1}); save the "
                           "mapping file as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML: {_yaml_reason(error)}") from None
    return parse_mapping(data, source=str(path))


def load_template() -> RespondentMapping:
    """Parse the shipped template (it must always be a valid mapping)."""
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return parse_mapping(data, source="mapping_template.yaml")


def parse_mapping(data: object, source: str = "<mapping>") -> AnyMapping:
    """Build a mapping from parsed YAML, validating every key; ``source`` names it in errors."""
    check = _Checker(source)
    if not isinstance(data, dict):
        check.fail("", "the file must be a YAML mapping (key: value lines)")
    form = data.get("form", "respondents")
    if form not in FORMS:
        check.fail("form", f"must be one of {list(FORMS)}, not {shown(form)}")
    check.keys(data, _TOP_KEYS[form], "")
    survey = check.section(data, "survey", required=True)
    check.keys(survey, _SURVEY_KEYS, "survey")
    name = check.text(survey.get("name"), "survey.name")
    notes = survey.get("notes") or ()
    notes = tuple(check.text(n, "survey.notes") for n in
                  ([notes] if isinstance(notes, str) else notes))
    options = _file_options(check.section(data, "file"), check)
    waves = _waves(data.get("waves"), check, required=form == "respondents")
    columns = check.section(data, "columns", required=True)
    if form == "aggregates":
        return _aggregate_mapping(data, columns, check, name=name, notes=notes,
                                  options=options, waves=waves)
    check.keys(columns, _RESPONDENT_FIELDS, "columns")
    wave_ids = tuple(w.id for w in waves)
    fields = {
        "respondent_id": check.field(columns, "respondent_id", constant=False,
                                     values=False),
        "actor": check.field(columns, "actor", targets=tuple(ACTORS)),
        "territory_code": check.field(columns, "territory_code", values=False, zero_pad=True),
        "territory_level": check.field(columns, "territory_level", targets=RESPONDENT_LEVELS),
        "weight": check.field(columns, "weight", values=False, number=True),
    }
    if "wave" in columns:
        fields["wave"] = check.field(columns, "wave", targets=wave_ids)
    elif len(waves) == 1:
        fields["wave"] = Field(constant=waves[0].id)
    else:
        check.fail("columns.wave", f"required when there are several waves ({list(wave_ids)}): "
                   "give the column holding the wave, or a constant")
    rankings = {key: _ranking(data[key], kind, key, check)
                for key, kind in (("dimensions", "dimension"), ("domains", "domain"))
                if data.get(key) is not None}
    if not rankings:
        check.fail("dimensions", "give the ranking of the dimensions, of the domains, or both "
                   "(keys 'dimensions' and/or 'domains')")
    mapping = RespondentMapping(source=source, name=name, waves=waves, **fields,
                                dimensions=rankings.get("dimensions"),
                                domains=rankings.get("domains"), file=options, notes=notes)
    _check_distinct_columns(mapping, check)
    return mapping


def _aggregate_mapping(data: dict, columns: dict, check: _Checker, **common: Any
                       ) -> AggregateMapping:
    check.keys(columns, AGGREGATE_COLUMNS, "columns")
    targets = {"territory_level": AGGREGATE_LEVELS, "actor": AGGREGATE_ACTORS,
               "measure": MEASURES,
               "item": tuple(f"{kind}:{i}" for kind, ids in ITEMS.items() for i in ids)}
    fields: dict[str, Field | None] = {}
    for name in AGGREGATE_COLUMNS:
        if name in _OPTIONAL_AGGREGATE_FIELDS and columns.get(name) is None:
            fields[name] = None
        elif name in targets:
            fields[name] = check.field(columns, name, targets=targets[name])
        else:
            number = name in ("share", *_OPTIONAL_AGGREGATE_FIELDS)
            fields[name] = check.field(columns, name, values=False, number=number,
                                       zero_pad=name == "territory_code")
    unit = data.get("share_unit", "proportion")
    if unit not in SHARE_UNITS:
        check.fail("share_unit", f"must be one of {list(SHARE_UNITS)}, not {shown(unit)}")
    mapping = AggregateMapping(source=check.source, fields=MappingProxyType(fields),
                               share_unit=unit, file=common.pop("options"), **common)
    _check_distinct_columns(mapping, check)
    return mapping


def _file_options(entry: dict, check: _Checker) -> FileOptions:
    check.keys(entry, _FILE_KEYS, "file")
    options = FileOptions(**entry)
    if options.separator not in (None, ";", ",", "\t", "|"):
        check.fail("file.separator",
                   f"must be ';', ',', '\\t' or '|', not {shown(options.separator)}")
    if options.decimal not in (None, ".", ","):
        check.fail("file.decimal", f"must be '.' or ',', not {shown(options.decimal)}")
    if options.encoding is not None:
        try:
            "".encode(options.encoding)
        except (LookupError, TypeError):
            check.fail("file.encoding", f"unknown encoding {shown(options.encoding)}")
    if not isinstance(options.sheet, str | int) or isinstance(options.sheet, bool):
        check.fail("file.sheet", "must be a sheet name or a 0-based position")
    if not isinstance(options.header_row, int) or options.header_row < 1:
        check.fail("file.header_row",
                   f"must be a row number ≥ 1, not {shown(options.header_row)}")
    return options


def _waves(entries: object, check: _Checker, required: bool) -> tuple[Wave, ...]:
    if entries is None:
        if required:
            check.fail("waves", "missing: list at least one wave (id, name, start, end, mode)")
        return ()
    if not isinstance(entries, list) or (required and not entries):
        check.fail("waves", "must be a list of waves (id, name, start, end, mode)")
    waves = []
    for i, entry in enumerate(entries):
        where = f"waves[{i}]"
        if not isinstance(entry, dict):
            check.fail(where, "must be a mapping with id, name, start, end, mode")
        check.keys(entry, _WAVE_KEYS, where)
        wave_id = check.text(entry.get("id"), f"{where}.id")
        where = f"waves[{shown(wave_id)}]"
        start, end = (check.date(entry.get(k), f"{where}.{k}") for k in ("start", "end"))
        if end < start:
            check.fail(f"{where}.end", f"{end} is before start {start}")
        mode = entry.get("mode")
        if mode not in MODES:
            check.fail(f"{where}.mode", f"must be one of {list(MODES)}, not {shown(mode)}")
        actors = entry.get("actors") or ()
        if isinstance(actors, str) or not all(a in ACTORS for a in actors):
            check.fail(f"{where}.actors", f"must be a list of actors among {list(ACTORS)}, "
                       f"not {shown(actors)}")
        waves.append(Wave(id=wave_id, name=check.text(entry.get("name"), f"{where}.name"),
                          start=start, end=end, mode=mode, actors=tuple(actors)))
    ids = [w.id for w in waves]
    if len(set(ids)) < len(ids):
        check.fail("waves", f"duplicate wave ids in {shown(ids)}")
    return tuple(waves)


def _ranking(entry: object, kind: str, key: str, check: _Checker) -> Ranking:
    if not isinstance(entry, dict):
        check.fail(key, "must be a mapping with 'ranks' or 'choices'")
    check.keys(entry, _RANKING_KEYS, key)
    valid = ITEMS[kind]
    if ("ranks" in entry) == ("choices" in entry):
        check.fail(key, "give either 'ranks' (one rank column per item) or 'choices' "
                   "(first choice, second choice… columns), not both nor neither")
    if "ranks" in entry:
        ranks = entry["ranks"]
        if not isinstance(ranks, dict) or not ranks:
            check.fail(f"{key}.ranks", f"must map {kind} ids to columns")
        for item, column in ranks.items():
            if item not in valid:
                check.fail(f"{key}.ranks.{clip(str(item), SHOWN_CHARS)}",
                           f"unknown {kind} {shown(item)}; valid {kind}s: {list(valid)}")
            check.text(column, f"{key}.ranks.{item}")
        if "values" in entry:
            check.fail(f"{key}.values", "only used with 'choices' (ranks are numbers)")
        return Ranking(kind=kind, ranks=MappingProxyType(dict(ranks)))
    choices = entry["choices"]
    if isinstance(choices, str):
        choices = [choices]
    if not isinstance(choices, list) or not 1 <= len(choices) <= len(valid):
        check.fail(f"{key}.choices", f"must list 1 to {len(valid)} columns, first choice first")
    choices = tuple(check.text(c, f"{key}.choices") for c in choices)
    values = check.values(entry.get("values"), f"{key}.values", tuple(valid))
    return Ranking(kind=kind, choices=choices, values=values)


def _check_distinct_columns(mapping: AnyMapping, check: _Checker) -> None:
    seen: dict[str, str] = {}
    uses = [(f.column, f"columns.{name}") for name, f in
            (mapping.fields() if isinstance(mapping, RespondentMapping)
             else mapping.fields).items() if f is not None and f.column is not None]
    if isinstance(mapping, RespondentMapping):
        for key, ranking in (("dimensions", mapping.dimensions), ("domains", mapping.domains)):
            if ranking is not None:
                uses += [(c, key) for c in ranking.columns]
    for column, key in uses:
        if column in seen:
            check.fail(key, f"column {shown(column)} is already used by {seen[column]}")
        seen[column] = key


class _Checker:
    """Validation helpers that raise :class:`MappingError` naming the file and key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, message: str) -> NoReturn:
        key = clip(key, KEY_CHARS)
        where = f"{self.source}: {key}: " if key else f"{self.source}: "
        raise MappingError(where + message)

    def keys(self, entry: dict, allowed: tuple[str, ...], where: str) -> None:
        for key in entry:
            if key not in allowed:
                full = f"{where}.{clip(str(key), SHOWN_CHARS)}" if where else clip(
                    str(key), SHOWN_CHARS)
                self.fail(full, f"unknown key; valid keys here: {list(allowed)}")

    def section(self, data: dict, key: str, required: bool = False) -> dict:
        entry = data.get(key)
        if entry is None:
            if required:
                self.fail(key, "missing")
            return {}
        if not isinstance(entry, dict):
            self.fail(key, "must be a mapping (indented key: value lines)")
        return entry

    def text(self, value: object, key: str) -> str:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            self.fail(key, f"must be a text value, not {shown(value)}")
        text = str(value).strip()
        if not text:
            self.fail(key, "must not be empty")
        return text

    def date(self, value: object, key: str) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"must be a date YYYY-MM-DD, not {shown(value)}")

    def values(self, entry: object, key: str, targets: tuple[str, ...]) -> Mapping[str, str]:
        if entry is None:
            return _EMPTY
        if not isinstance(entry, dict) or not entry:
            self.fail(key, "must map the file's values (or labels) to ids")
        values: dict[str, str] = {}
        seen: dict[str, str] = {}
        for raw, target in entry.items():
            if isinstance(raw, bool) or raw is None:
                self.fail(key, f"key {shown(raw)} is read by YAML as {shown(raw)}: quote it "
                          "(e.g. \"yes\": …)")
            text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
            where = f"{key}.{clip(text, SHOWN_CHARS)}"
            if target not in targets:
                self.fail(where, f"unknown id {shown(target)}; valid: {list(targets)}")
            norm = normalize_key(text)
            if seen.get(norm, target) != target:
                self.fail(where, f"matches the same file value as another key "
                          f"mapped to {shown(seen[norm])} (keys are compared without case, accents "
                          "or leading zeros)")
            seen[norm] = target
            values[text] = target
        return MappingProxyType(values)

    def field(self, columns: dict, name: str, *, targets: tuple[str, ...] = (),
              constant: bool = True, values: bool = True, number: bool = False,
              zero_pad: bool = False) -> Field:
        key = f"columns.{name}"
        entry = columns.get(name)
        if entry is None:
            self.fail(key, "missing: give {column: <name in the file>}"
                      + (" or {constant: <value>}" if constant else ""))
        if isinstance(entry, str):
            entry = {"column": entry}
        if not isinstance(entry, dict):
            self.fail(key, "must be a column name, {column: …} or {constant: …}")
        allowed = ("column", *(("constant",) if constant else ()),
                   *(("values",) if values else ()), *(("zero_pad",) if zero_pad else ()))
        self.keys(entry, allowed, key)
        if ("column" in entry) == ("constant" in entry):
            self.fail(key, "give either 'column' or 'constant'")
        pad = entry.get("zero_pad", zero_pad)
        if not isinstance(pad, bool):
            self.fail(f"{key}.zero_pad", "must be true or false")
        if "column" in entry:
            mapped = self.values(entry.get("values"), f"{key}.values", targets)
            return Field(column=self.text(entry["column"], f"{key}.column"), values=mapped,
                         zero_pad=pad)
        if "values" in entry:
            self.fail(f"{key}.values", "only used with 'column'")
        value = entry["constant"]
        if number:
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                self.fail(f"{key}.constant", f"must be a positive number, not {shown(value)}")
            return Field(constant=float(value))
        value = self.text(value, f"{key}.constant")
        if targets and value not in targets:
            self.fail(f"{key}.constant", f"unknown id {shown(value)}; valid: {list(targets)}")
        return Field(constant=value, zero_pad=pad)
