"""Command line of the engine: ``python -m trellis.engine SUBCOMMAND ...``.

``evaluate`` fits a mastery model and prints one JSON line with its scores::

    python -m trellis.engine evaluate --train A.csv --test B.csv --format dkt --model best
    python -m trellis.engine evaluate --train A.csv --cv 5 --seed 0 --format dkt --model bkt

Bad arguments, unreadable or malformed data exit with status 2 and one line
on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from trellis.engine.datasets import FORMATS, DatasetError, read
from trellis.engine.evaluate import cross_validate, evaluate_split
from trellis.engine.models import MODELS, get_model

KEYS = (
    "model",
    "auc",
    "rmse",
    "n_train",
    "n_test",
    "fit_seconds",
    "predict_seconds",
    "peak_rss_mb",
)


def _fail(message: str) -> int:
    print(f"trellis.engine: error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def _evaluate(args: argparse.Namespace) -> int:
    try:
        train = read(args.train, args.format)
        test = read(args.test, args.format) if args.test is not None else None
    except (OSError, DatasetError, UnicodeDecodeError) as e:
        return _fail(str(e))
    if len(train) == 0:
        return _fail(f"{args.train}: no responses to train on")
    cls = get_model(args.model)
    try:
        if test is not None:
            result = evaluate_split(cls, train, test)
        else:
            result = cross_validate(cls, train, k=args.cv, seed=args.seed)
    except ValueError as e:
        return _fail(str(e))
    print(json.dumps({k: result[k] for k in KEYS}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trellis.engine", description="Trellis mastery engine."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ev = sub.add_parser(
        "evaluate",
        help="fit a model and score it on held-out learners",
        description="Fit a model and print one JSON line of scores.",
    )
    ev.add_argument("--train", required=True, metavar="FILE", help="training data")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--test", metavar="FILE", help="test data (other learners)")
    which.add_argument(
        "--cv", type=int, metavar="K", help="K-fold cross-validation by learner on --train"
    )
    ev.add_argument("--format", required=True, choices=FORMATS)
    ev.add_argument("--model", default="best", choices=sorted(MODELS))
    ev.add_argument("--seed", type=int, default=0, help="seed of the --cv learner folds")
    ev.set_defaults(func=_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "cv", None) is not None and args.cv < 2:
        parser.error(f"--cv must be at least 2, got {args.cv}")
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
