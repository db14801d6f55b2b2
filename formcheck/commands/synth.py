"""``formcheck synth``: render exercise clips with exact ground truth (needs the ``synth`` extra).

torch, anny and pyrender are imported only when the command runs, so ``formcheck --help`` works without them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from formcheck.synth.motions import MOTIONS
from formcheck.types import FormcheckError

log = logging.getLogger(__name__)

DEFAULT_CACHE = Path(os.environ.get("FORMCHECK_SYNTH_CACHE", str(Path.home() / ".cache" / "formcheck-synth")))


def _exercise_list() -> str:
    names = [name.replace("_", " ") for name in MOTIONS]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="render exercise clips with exact ground truth (needs: pip install -e '.[synth]')",
        description=(
            f"Render people doing {_exercise_list()}, clean or with planted faults, as H.264 clips with "
            "CLIP.truth.json beside each. --preset samples renders the committed sample set; --preset eval renders "
            "COUNT randomised clips; --exercise renders one clip."
        ),
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--preset", choices=("samples", "eval", "one"), default="one")
    parser.add_argument("--count", type=int, default=300, help="eval preset: number of clips (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed (eval preset and single clips)")
    parser.add_argument("--only", default="", help="samples preset: comma-separated clip names to render")
    parser.add_argument(
        "--exercise",
        default="plank",
        choices=tuple(MOTIONS),
        help="one clip: the exercise (default plank)",
    )
    parser.add_argument(
        "--exercises",
        default="",
        metavar="NAME,NAME",
        help="eval preset: only these exercises, taken in turn in this order (default: all)",
    )
    variants = "; ".join(f"{name}: {'/'.join(motion.variants)}" for name, motion in MOTIONS.items())
    parser.add_argument("--variant", default="", help=f"one clip (default: the first): {variants}")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="CODE=MAGNITUDE",
        help="one clip: plant a fault, e.g. hips_sag=15 (repeatable)",
    )
    parser.add_argument("--yaw", type=float, default=5.0, help="one clip: camera yaw from the side view (0-90)")
    parser.add_argument("--near-side", choices=("left", "right"), default="left")
    parser.add_argument(
        "--camera-height",
        type=float,
        default=None,
        metavar="METRES",
        help="one clip: camera height above the floor (default 0.9 standing, 0.45 floor exercises; a phone on the "
        "floor is ~0.2)",
    )
    parser.add_argument("--body", default="ava", help="one clip: ava|ben|carl|dina|eli")
    parser.add_argument("--fps", type=float, default=20.0)
    parser.add_argument("--skip-existing", action="store_true", help="skip clips whose truth file exists")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"anny/warp cache (~800 MB; default {DEFAULT_CACHE}; or set ANNY_CACHE_DIR)",
    )
    parser.set_defaults(handler=run)


def _single_spec(args: argparse.Namespace) -> Any:
    from formcheck.synth.generate import BODIES, ClipSpec  # noqa: PLC0415 - optional dependency, imported when used
    from formcheck.synth.motions import VARIANTS, ClipPlan  # noqa: PLC0415 - optional dependency, imported when used

    if args.body not in BODIES:
        raise FormcheckError(f"unknown body {args.body!r}; choose from {', '.join(BODIES)}")
    faults: dict[str, float] = {}
    for item in args.fault:
        code, _, value = item.partition("=")
        try:
            faults[code] = float(value)
        except ValueError as error:
            raise FormcheckError(f"--fault wants CODE=MAGNITUDE, got {item!r}") from error
    variant = args.variant or VARIANTS[args.exercise][0]
    plan = ClipPlan(args.exercise, variant, faults, fps=args.fps)
    plan.validate()
    phenotype, look = BODIES[args.body]
    fault_part = "_".join(f"{k}_{v:g}" for k, v in faults.items()) or "clean"
    height_part = "" if args.camera_height is None else f"_h{args.camera_height:g}"
    name = f"{args.exercise}_{variant}_{fault_part}_yaw{args.yaw:g}{height_part}_{args.body}_s{args.seed}"
    if args.camera_height is not None and not 0.05 <= args.camera_height <= 3.0:
        raise FormcheckError(f"--camera-height wants metres between 0.05 and 3, got {args.camera_height:g}")
    return ClipSpec(
        name, plan, phenotype, look, args.yaw, args.near_side, camera_height=args.camera_height, seed=args.seed
    )


def run(args: argparse.Namespace) -> int:
    from formcheck.synth.body import configure_caches, require_synth_extra  # noqa: PLC0415 - optional dependency, imported when used

    configure_caches(args.cache_dir)
    require_synth_extra()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    from formcheck.synth.generate import eval_specs, render_clip, sample_specs  # noqa: PLC0415 - optional dependency, imported when used

    if args.preset == "samples":
        specs = sample_specs(fps=args.fps)
        if args.only:
            wanted = set(args.only.split(","))
            specs = [s for s in specs if s.name in wanted]
    elif args.preset == "eval":
        exercises = [name.strip() for name in args.exercises.split(",") if name.strip()] or None
        specs = eval_specs(args.count, args.seed, fps=args.fps, exercises=exercises)
    else:
        specs = [_single_spec(args)]
    started = time.perf_counter()
    rendered: list[dict[str, Any]] = []
    for number, spec in enumerate(specs, 1):
        if args.skip_existing and (args.out / f"{spec.name}.truth.json").exists():
            continue
        video, truth, per_frame = render_clip(spec, args.out)
        log.info("[%d/%d] %s (%.2f s/frame)", number, len(specs), video, per_frame)
        rendered.append({"clip": video.name, "truth": truth.name, "seconds_per_frame": round(per_frame, 3)})
    elapsed = time.perf_counter() - started
    log.info("rendered %d clips in %.0f s", len(rendered), elapsed)
    if args.preset == "samples":
        from formcheck.synth import manifest  # noqa: PLC0415 - optional dependency, imported when used

        manifest.write(args.out)
    if args.preset == "eval" and rendered:
        (args.out / "eval_manifest.json").write_text(json.dumps(rendered, indent=1) + "\n", encoding="utf-8")
    return 0
