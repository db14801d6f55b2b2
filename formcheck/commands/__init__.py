"""CLI sub-commands; each module exposes ``register(subparsers)`` (see :mod:`formcheck.cli`)."""
