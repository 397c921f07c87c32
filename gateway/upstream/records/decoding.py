"""The one decoder: each record field names its JSON key and coercer, once.

    class RoomRecord(Record):
        id: str = record_id()
        message_count: int | None = key("msgs", as_int)
        department: DepartmentRecord | None = derived(None)

A `Record` subclass is a frozen dataclass. At class creation its fields are
read into a `Decoder`: for each keyed field, how to read it (JSON key or
dotted path into nested objects, coercer, default). Every field is either
keyed, the record's id, or `derived` by the class's own `from_json`; a field
that is none of these, or a variant naming a field that is not keyed, is a
TypeError when the module is imported, not a silent None at run time.

Decoding is lazy. `from_json` checks the id and keeps the JSON object; each
keyed field is read from it on first access and then kept on the record, so
a page of 100 rooms of which a query asks three fields costs three reads a
room, not thirty. Nothing is lost by waiting: coercers never raise, and the
JSON of an answer is not changed once decoded.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Self,
    TypeVar,
    dataclass_transform,
)

from gateway.errors import UpstreamError

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from gateway.upstream.records.values import JsonObject


T = TypeVar("T")
R = TypeVar("R", bound="Record")
KEY = "rc-gateway.key"
DERIVED = "rc-gateway.derived"


def malformed(what: str) -> UpstreamError:
    return UpstreamError(
        f"Rocket.Chat sent an answer this gateway cannot read: {what}.",
        upstreamStatus=200,
    )


def record_of(value: Any, what: str) -> JsonObject:
    """`value` as a record: an object with a non-empty string `_id`."""
    if not isinstance(value, dict):
        raise malformed(f"{what} is not an object")
    record_id = value.get("_id")
    if not isinstance(record_id, str) or not record_id:
        raise malformed(f"{what} has no `_id`")
    return value


@dataclass(frozen=True, slots=True)
class Key:
    """Where a field's value is in the JSON: a path, and how to coerce it."""

    path: tuple[str, ...]
    coerce: Callable[[Any], Any]
    required: bool = False


def _path(path: str) -> tuple[str, ...]:
    parts = tuple(path.split(".")) if isinstance(path, str) else ("",)
    if not all(parts):
        raise TypeError(f"{path!r} is not a JSON key or a dotted path of keys")
    return parts


def key(path: str, coerce: Callable[[Any], T]) -> T:
    """A field read from `path` through `coerce`; absent or null is `coerce(None)`."""
    if not callable(coerce):
        raise TypeError(f"the coercer of {path!r} is not callable")
    spec = Key(_path(path), coerce)
    return field(default=coerce(None), metadata={KEY: spec})


def record_id(path: str = "_id") -> Any:
    """The record's required string id: without it the record is malformed."""
    parts = _path(path)
    if len(parts) != 1:
        raise TypeError(f"an id is a key of the record itself, not {path!r}")
    return field(metadata={KEY: Key(parts, str, required=True)})


def derived(default: T) -> T:
    """A field the class's `from_json` computes itself (a special case)."""
    return field(default=default, metadata={DERIVED: True})


@dataclass_transform(frozen_default=True, field_specifiers=(record_id,))
class Record:
    """A frozen dataclass whose fields say where in the JSON they come from."""

    decoder: ClassVar[Decoder[Any]]
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if hasattr(cls, "__post_init__"):
            raise TypeError(f"{cls.__name__}: decoded records skip __post_init__")
        dataclass(frozen=True)(cls)
        for f in fields(cls):
            if KEY in f.metadata and not f.metadata[KEY].required:
                setattr(cls, f.name, _Decoded(f.name, f.default))
        cls.decoder = Decoder(cls)

    @classmethod
    def from_json(cls, data: JsonObject) -> Self:
        """The record from its JSON object; raises UpstreamError without its id."""
        return cls.decode(data)

    @classmethod
    def decode(cls, data: JsonObject, /, **derived: Any) -> Self:
        """`from_json`, given the values of the class's derived fields."""
        record: Self = cls.decoder.build(data, derived)
        return record


# Where a decoded record keeps its JSON object and its decoder, beside the
# fields' values in its `__dict__` (no field name starts with an underscore).
_JSON = "_json"
_DECODER = "_decoder"


class _Decoded:
    """A keyed field read from the record's JSON on first access.

    A non-data descriptor: once the value is in the record's `__dict__`,
    Python finds it there and this is not called again. Records built by
    their `__init__` have every value there from the start. On the class it
    is the field's default, as a dataclass attribute would be.
    """

    __slots__ = ("default", "name")

    def __init__(self, name: str, default: Any) -> None:
        self.name = name
        self.default = default

    def __get__(self, record: Record | None, owner: type | None = None) -> Any:
        if record is None:
            return self.default
        values = record.__dict__
        value = values[_DECODER].readers[self.name](values[_JSON])
        values[self.name] = value
        return value


def _flat_reader(
    json_key: str, coerce: Callable[[Any], Any], absent: Any
) -> Callable[[JsonObject], Any]:
    def read(data: JsonObject) -> Any:
        value = data.get(json_key)
        return absent if value is None else coerce(value)

    return read


def _deep_reader(
    path: tuple[str, ...], coerce: Callable[[Any], Any], absent: Any
) -> Callable[[JsonObject], Any]:
    def read(data: JsonObject) -> Any:
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        return absent if value is None else coerce(value)

    return read


class Decoder(Generic[R]):
    """The key map of one record class, or of a variant of it.

    `only` keeps some keyed fields (the others take their defaults) and
    `rename` reads some from other keys: an embedded shape of the record.
    Called on a value, a decoder is the coercer of an embedded record: None
    unless the value is an object with the record's id.

    A record is built by giving it its `__dict__` at once: its id, derived
    fields and the defaults of what a variant leaves out, with the JSON
    object its keyed fields are read from on first use (see `_Decoded`).
    Records may not have a `__post_init__`, which this skips.
    """

    __slots__ = ("cls", "derived", "fixed", "id", "readers")

    def __init__(
        self,
        cls: type[R],
        *,
        only: Collection[str] | None = None,
        rename: Mapping[str, str] | None = None,
    ) -> None:
        self.cls = cls
        rename = rename or {}
        specs: dict[str, Key] = {}
        for f in fields(cls):
            if KEY in f.metadata:
                specs[f.name] = f.metadata[KEY]
            elif not f.metadata.get(DERIVED):
                raise TypeError(
                    f"{cls.__name__}.{f.name} has no JSON key: declare it with "
                    "key(...), record_id() or derived(...)"
                )
        unknown = sorted({*(only or ()), *rename} - specs.keys())
        if unknown:
            raise TypeError(f"{cls.__name__} has no keyed field {', '.join(unknown)}")
        defaults = {f.name: f.default for f in fields(cls)}
        self.readers: dict[str, Callable[[JsonObject], Any]] = {}
        self.id: tuple[str, str] | None = None  # (attribute, JSON key)
        for name, spec in specs.items():
            if only is not None and name not in only and not spec.required:
                continue
            path = _path(rename[name]) if name in rename else spec.path
            if spec.required:
                self.id = (name, path[0])
                del defaults[name]
            elif len(path) == 1:
                absent = defaults.pop(name)
                self.readers[name] = _flat_reader(path[0], spec.coerce, absent)
            else:
                absent = defaults.pop(name)
                self.readers[name] = _deep_reader(path, spec.coerce, absent)
        # What no key fills: derived fields, and the ones a variant leaves out.
        self.fixed = defaults
        self.derived = frozenset(f.name for f in fields(cls) if DERIVED in f.metadata)

    def build(self, data: JsonObject, derived: Mapping[str, Any] | None = None) -> R:
        """The record from its JSON object, with derived fields' values if given."""
        values = self.fixed.copy()
        values[_JSON] = data
        values[_DECODER] = self
        if self.id is not None:
            name, json_key = self.id
            found = data.get(json_key)
            if not isinstance(found, str) or not found:
                raise malformed(f"a record has no `{json_key}`")
            values[name] = found
        if derived:
            if not derived.keys() <= self.derived:
                wrong = ", ".join(sorted(derived.keys() - self.derived))
                raise TypeError(f"{self.cls.__name__} has no derived field {wrong}")
            values.update(derived)
        record = _new(self.cls)
        _set(record, "__dict__", values)
        return record

    def __call__(self, value: Any) -> R | None:
        if not isinstance(value, dict):
            return None
        if self.id is not None:
            found = value.get(self.id[1])
            if not isinstance(found, str) or not found:
                return None
        return self.build(value)


_new = object.__new__
_set = object.__setattr__


def nested(
    cls: type[R],
    *,
    only: Collection[str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> Callable[[Any], R | None]:
    """The coercer of an embedded record (of a variant when `only`/`rename`)."""
    if only is None and rename is None:
        return cls.decoder
    return Decoder(cls, only=only, rename=rename)


def many(cls: type[R]) -> Callable[[Any], tuple[R, ...]]:
    """The coercer of a list of embedded records; other items are dropped."""
    decode = cls.decoder

    def records(value: Any) -> tuple[R, ...]:
        if not isinstance(value, list):
            return ()
        return tuple(r for item in value if (r := decode(item)) is not None)

    return records
