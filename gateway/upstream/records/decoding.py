"""The one decoder: each record field names its JSON key and coercer, once.

    class RoomRecord(Record):
        id: str = record_id()
        message_count: int | None = key("msgs", as_int)
        department: DepartmentRecord | None = derived(None)

A `Record` subclass is a frozen dataclass. At class creation its fields are
read into a `Decoder`: a list of (attribute, JSON key, coercer, default)
that `from_json` walks in one loop (a page of 100 rooms is decoded per
call). A key may be a dotted path into nested objects. Every field is either
keyed, the record's id, or `derived` by the class's own `from_json`; a field
that is none of these, or a variant naming a field that is not keyed, is a
TypeError when the module is imported, not a silent None at run time.
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

    Entry = tuple[str, Any, Callable[[Any], Any], Any]

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


class Decoder(Generic[R]):
    """The key map of one record class, or of a variant of it.

    `only` keeps some keyed fields (the others take their defaults) and
    `rename` reads some from other keys: an embedded shape of the record.
    Called on a value, a decoder is the coercer of an embedded record: None
    unless the value is an object with the record's id.

    A record is built by giving it its whole `__dict__` at once. That is all
    the dataclass's `__init__` would do, one `object.__setattr__` per field
    (the frozen way), which was a third of the decoding time; records may
    not have a `__post_init__` that this would skip.
    """

    __slots__ = ("cls", "deep", "derived", "fixed", "flat", "id")

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
        flat: list[Entry] = []
        deep: list[Entry] = []
        self.id: tuple[str, str] | None = None  # (attribute, JSON key)
        for name, spec in specs.items():
            if only is not None and name not in only and not spec.required:
                continue
            path = _path(rename[name]) if name in rename else spec.path
            if spec.required:
                self.id = (name, path[0])
            elif len(path) == 1:
                flat.append((name, path[0], spec.coerce, defaults.pop(name)))
            else:
                deep.append((name, path, spec.coerce, defaults.pop(name)))
        self.flat = tuple(flat)
        self.deep = tuple(deep)
        if self.id is not None:
            del defaults[self.id[0]]
        # What no key fills: derived fields, and the ones a variant leaves out.
        self.fixed = defaults
        self.derived = frozenset(f.name for f in fields(cls) if DERIVED in f.metadata)

    def build(self, data: JsonObject, derived: Mapping[str, Any] | None = None) -> R:
        """The record from its JSON object, with derived fields' values if given."""
        get = data.get
        values = self.fixed.copy()
        if self.id is not None:
            name, json_key = self.id
            found = get(json_key)
            if not isinstance(found, str) or not found:
                raise malformed(f"a record has no `{json_key}`")
            values[name] = found
        for name, json_key, coerce, absent in self.flat:
            value = get(json_key)
            values[name] = absent if value is None else coerce(value)
        for name, path, coerce, absent in self.deep:
            value = data
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            values[name] = absent if value is None else coerce(value)
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
