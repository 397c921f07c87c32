"""OperationRecorder: names the operation being run for the access log and metrics.

Runs once per operation, after parsing (never per field): it copies the
operation's name and type, nothing of its variables or literals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.extensions import SchemaExtension

from gateway.telemetry.requests import current

if TYPE_CHECKING:
    from collections.abc import Iterator


class OperationRecorder(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        record = current()
        if record is not None:
            context = self.execution_context
            try:
                record.operation_type = context.operation_type.value
            except RuntimeError:  # no operation of that name in the document
                pass
            else:
                record.operation_name = context.operation_name
        yield
