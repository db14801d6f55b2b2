"""The ``formcheck`` command line: one sub-command per module in :mod:`formcheck.commands`.

Each command module exposes ``register(subparsers) -> None``, which adds its parser and sets ``handler`` to a
function taking the parsed arguments and returning an exit code. Errors meant for people (``FormcheckError``) are
printed as one plain line, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from formcheck import __version__
from formcheck.logs import silence_native_stderr
from formcheck.types import FormcheckError

COMMAND_MODULES = (
    "formcheck.commands.analyze",
    "formcheck.commands.landmarks",
    "formcheck.commands.synth",
    "formcheck.commands.bench_angles",
    "formcheck.commands.evaluate",
    "formcheck.commands.evaluate_frames",
    "formcheck.commands.clients",
    "formcheck.commands.serve",
)

log = logging.getLogger("formcheck")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formcheck",
        description="Local-first form checker for back-friendly strength training.",
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    parser.add_argument("--verbose", action="store_true", help="show debug logs, including MediaPipe's own")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verbose:
        silence_native_stderr()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s: %(message)s" if args.verbose else "%(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting in PDF reports chats at INFO
    try:
        code: int = args.handler(args)
    except FormcheckError as error:
        log.error("formcheck: %s", error)
        return 2
    except KeyboardInterrupt:
        log.error("formcheck: interrupted")
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
