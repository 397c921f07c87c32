"""The `rc-gateway` command line: parses arguments and delegates."""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> None:
    from gateway.serve import serve

    serve(host=args.host, port=args.port, workers=args.workers)


def _sandbox(args: argparse.Namespace) -> None:
    raise SystemExit("rc-gateway sandbox: not implemented yet")


def _export_schema(args: argparse.Namespace) -> None:
    from strawberry.printer import print_schema

    from gateway.schema import schema

    sys.stdout.write(print_schema(schema) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rc-gateway",
        description="GraphQL gateway over Rocket.Chat's livechat REST API.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL gateway")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)

    sandbox = commands.add_parser("sandbox", help="run the livechat REST sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=3000)
    sandbox.set_defaults(func=_sandbox)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(func=_export_schema)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)
