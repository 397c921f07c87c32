"""The `rc-gateway` command line: parses arguments and delegates."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# serve options that are also settings: option → Settings field.
SERVE_SETTINGS = {
    "log_level": "--log-level",
    "log_format": "--log-format",
    "root_path": "--root-path",
    "forwarded_allow_ips": "--forwarded-allow-ips",
}


def package_version() -> str:
    try:
        return version("rc-gateway")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _serve(args: argparse.Namespace) -> None:
    from gateway.config import ConfigError
    from gateway.documents import ManifestError
    from gateway.serve import serve

    overrides = {
        field: getattr(args, field)
        for field in SERVE_SETTINGS
        if getattr(args, field) is not None
    }
    try:
        serve(
            host=args.host,
            port=args.port,
            workers=args.workers,
            overrides=overrides,
            options=SERVE_SETTINGS,
        )
    except ConfigError as exc:
        raise SystemExit(f"rc-gateway: {exc}") from None
    except ManifestError as exc:
        raise SystemExit(f"rc-gateway serve: GATEWAY_TRUSTED_DOCUMENTS: {exc}") from exc


def _config(args: argparse.Namespace) -> None:
    from gateway.config import ConfigError, effective, load_settings, unknown_variables

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise SystemExit(f"rc-gateway: {exc}") from None
    rows = effective(settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        sys.stdout.write(f"{name:<{width}}  {value}  ({source})\n")
    for warning in unknown_variables():
        sys.stderr.write(f"rc-gateway: warning: {warning}\n")


def _sandbox(args: argparse.Namespace) -> None:
    from gateway.sandbox import SandboxOptions
    from gateway.sandbox.run import serve_sandbox
    from gateway.sandbox.store.fixtures import FixtureError

    # Options not given keep SandboxOptions' defaults (argparse.SUPPRESS).
    given = vars(args)
    options = SandboxOptions(
        **{
            f.name: given[f.name]
            for f in dataclasses.fields(SandboxOptions)
            if f.name in given
        }
    )
    try:
        serve_sandbox(options, args.host, args.port)
    except (FixtureError, OSError) as exc:
        raise SystemExit(f"rc-gateway sandbox: {exc}") from exc


def _export_schema(args: argparse.Namespace) -> None:
    from strawberry.printer import print_schema

    from gateway.schema import schema

    sys.stdout.write(print_schema(schema) + "\n")


def _check_documents(args: argparse.Namespace) -> None:
    from gateway.documents import ManifestError
    from gateway.documents.check import check_manifest
    from gateway.schema import schema

    try:
        count, problems = check_manifest(args.file, schema)
    except ManifestError as exc:
        raise SystemExit(f"rc-gateway trusted-documents: {exc}") from exc
    for document_id, found in problems.items():
        for problem in found:
            print(f"{document_id}: {problem}", file=sys.stderr)
    if problems:
        raise SystemExit(f"{args.file}: {len(problems)} of {count} documents fail")
    print(f"{args.file}: {count} documents OK")


def _schema_diff(args: argparse.Namespace) -> None:
    from graphql import GraphQLError

    from gateway.schema import schema
    from gateway.schema.diff import schema_changes

    try:
        with open(args.old, encoding="utf-8") as file:
            old_sdl = file.read()
        changes = schema_changes(old_sdl, schema._schema)
    except (OSError, GraphQLError) as exc:
        raise SystemExit(f"rc-gateway schema diff: {exc}") from exc
    for change in changes:
        sys.stdout.write(change.line() + "\n")
    breaking = sum(change.breaking for change in changes)
    sys.stdout.write(
        f"{breaking} breaking, {len(changes) - breaking} dangerous change(s) "
        f"against {args.old}\n"
    )
    if breaking:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rc-gateway",
        description="GraphQL gateway over Rocket.Chat's livechat REST API.",
        epilog="Settings come from environment variables; see `rc-gateway config`.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {package_version()}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the GraphQL gateway",
        description=(
            "Serve /graphql, /healthz, /readyz and /metrics. Fronts ROCKETCHAT_URL, "
            "or the embedded demo sandbox when it is unset (unless "
            "GATEWAY_SANDBOX=false). Options override the matching GATEWAY_* "
            "variables."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (each with its own upstream pool); metrics are "
        "aggregated across them",
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error", "critical"],
        help="least severe level logged (GATEWAY_LOG_LEVEL, default info)",
    )
    serve.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="readable text or one JSON object a line (GATEWAY_LOG_FORMAT, "
        "default text)",
    )
    serve.add_argument(
        "--root-path",
        help="path prefix the gateway is reached under behind a proxy, e.g. /chat "
        "(GATEWAY_ROOT_PATH)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="proxies trusted to set X-Forwarded-For, comma-separated addresses "
        "or networks, or * (GATEWAY_FORWARDED_ALLOW_IPS); logs then show the "
        "real client",
    )
    serve.set_defaults(func=_serve)

    config = commands.add_parser(
        "config",
        help="print the effective settings (secrets masked)",
        description="Validate the environment and print every setting, its value "
        "and where it came from; warn about unknown GATEWAY_* variables.",
    )
    config.set_defaults(func=_config)

    sandbox = commands.add_parser(
        "sandbox",
        help="run the livechat REST sandbox",
        description="A local stand-in for Rocket.Chat's livechat REST API.",
        # Unset options keep SandboxOptions' defaults, spelled only there.
        argument_default=argparse.SUPPRESS,
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=3000, help="port to listen on")
    sandbox.add_argument(
        "--db",
        default="rc-sandbox.sqlite3",
        help="SQLite file, kept across restarts (':memory:' for none)",
    )
    sandbox.add_argument("--fixture", help="JSON file of Rocket.Chat collections")
    sandbox.add_argument("--seed", type=int, help="demo data RNG seed")
    sandbox.add_argument("--visitors", type=int, help="demo visitors to generate")
    sandbox.add_argument("--rooms", type=int, help="demo rooms")
    sandbox.add_argument("--contacts", type=int, help="demo contacts")
    sandbox.add_argument("--password", help="demo users' password")
    sandbox.add_argument(
        "--latency-ms",
        type=float,
        help="delay added to every /api/v1 request",
    )
    sandbox.add_argument(
        "--jitter-ms", type=float, help="random extra delay, up to this"
    )
    sandbox.add_argument(
        "--fault-rate",
        type=float,
        help="share of /api/v1 requests that fail (0 to 1)",
    )
    sandbox.add_argument(
        "--fault-kind",
        choices=["500", "drop"],
        help="how a failing request fails: a 500 answer or a dropped connection",
    )
    sandbox.add_argument(
        "--rate-limit", action="store_true", help="apply Rocket.Chat's rate limiter"
    )
    sandbox.set_defaults(func=_sandbox)

    export = commands.add_parser(
        "export-schema",
        help="print the GraphQL SDL",
        description="Print the schema as SDL (what schema.graphql holds).",
    )
    export.set_defaults(func=_export_schema)

    schema_cmd = commands.add_parser(
        "schema", help="compare schemas", description="Compare GraphQL schemas."
    )
    schema_commands = schema_cmd.add_subparsers(
        dest="schema_command", required=True, metavar="COMMAND"
    )
    diff = schema_commands.add_parser(
        "diff",
        help="list breaking and dangerous changes from OLD to this gateway's schema",
        description=(
            "Prints each change graphql-core finds from the SDL file OLD to the "
            "schema in code; exits 1 when any change is breaking."
        ),
    )
    diff.add_argument("old", metavar="OLD.graphql", help="the SDL to compare with")
    diff.set_defaults(func=_schema_diff)

    trusted = commands.add_parser(
        "trusted-documents",
        help="trusted documents",
        description="Work with a manifest of trusted documents (hash → document).",
    )
    trusted_commands = trusted.add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    check = trusted_commands.add_parser(
        "check",
        help="validate a manifest against the schema",
        description="Parse and validate every document of a trusted manifest.",
    )
    check.add_argument("file", type=Path, help="JSON manifest (hash → document)")
    check.set_defaults(func=_check_documents)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)
