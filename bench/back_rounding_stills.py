"""Back outline of rendered deadlift bottoms against commanded spine flexion (needs the synth extra and MediaPipe).

    .venv/bin/python bench/back_rounding_stills.py                      # five bodies, flexion 0/10/20/30/45°
    .venv/bin/python bench/back_rounding_stills.py --loose-shirt --out DIR   # the shirt drawn across the back; PNGs

Each body is posed at the bottom of the deadlift script (trunk 58° from vertical) with the commanded flexion, filmed
exactly from its left side, and measured the way formcheck measures a clip: MediaPipe's person mask and
``back_bulge_of`` (the outline's bulge over the shoulder–hip chord, as a fraction of trunk length). One camera frames
all flexions of a body, so they are seen from the same place. Real flat backs read at most 0.023, real rounded
backs 0.031-0.091 (docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.pose.extract import back_bulge_of
from formcheck.pose.landmarker import LandmarkerSettings, PoseLandmarker, RunningMode
from formcheck.synth.body import RenderedBody, configure_caches
from formcheck.synth.camera import frame_camera
from formcheck.synth.generate import BODIES
from formcheck.synth.kinematics import pose
from formcheck.synth.motions import ClipPlan, build_motion
from formcheck.synth.render import Renderer, vertex_colours


def _bottom_meshes(body: RenderedBody, flexions_deg: list[float]) -> list[Any]:
    """The body at the deepest frame of a one-rep deadlift with ``rounded_back`` = each flexion."""
    meshes = []
    for flexion in flexions_deg:
        faults = {"rounded_back": flexion} if flexion else {}
        motion = build_motion(ClipPlan("deadlift", "conventional", faults, fps=10.0, reps=1), body.skeleton)
        spec = motion.specs[int(np.argmax([s.trunk for s in motion.specs]))]
        vertices, _, _ = body.posed(pose(body.skeleton, spec).rotations, np.asarray(spec.translation))
        vertices[:, 2] += min(0.0, -float(vertices[:, 2].min()))
        meshes.append(vertices)
    return meshes


def _measure(name: str, flexions_deg: list[float], loose_shirt: bool, out: Path | None, landmarker: Any) -> list[float]:
    phenotype, look = BODIES[name]
    body = RenderedBody.load(phenotype, loose_shirt=loose_shirt)
    meshes = _bottom_meshes(body, flexions_deg)
    cloud = np.concatenate([m[::25] for m in meshes])
    rng = np.random.default_rng(1)
    renderer = Renderer(frame_camera(cloud, 0.0, "left", 480, 360, 45.0, 0.9), look, rng, cloud.mean(axis=0))
    colours = vertex_colours(body, body.rest_vertices, look, rng)
    bulges = []
    try:
        for flexion, vertices in zip(flexions_deg, meshes, strict=True):
            image = renderer.render(vertices, body.faces, colours)
            found = landmarker.detect(image)
            bulges.append(back_bulge_of(found[0], image.shape) if found else float("nan"))
            if out is not None:
                _save(out / f"{name}_flex{flexion:g}", image, found[0].mask if found else None)
    finally:
        renderer.close()
    return bulges


def _save(stem: Path, image: Any, mask: Any) -> None:
    from PIL import Image  # noqa: PLC0415 - only when pictures are asked for

    Image.fromarray(image).save(stem.with_suffix(".png"))
    if mask is not None:
        Image.fromarray((np.clip(mask, 0.0, 1.0) * 255).astype(np.uint8)).save(f"{stem}_mask.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bodies", default="ava,ben,carl,dina,eli")
    parser.add_argument("--flexions", default="0,10,20,30,45", help="commanded spine flexion, degrees")
    parser.add_argument("--loose-shirt", action="store_true", help="draw the shirt across the back's hollows")
    parser.add_argument("--out", type=Path, default=None, help="also save each still and its person mask here")
    args = parser.parse_args(argv)
    flexions = [float(v) for v in args.flexions.split(",")]
    configure_caches(Path.home() / ".cache" / "formcheck-synth")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    sys.stdout.write("body   " + "".join(f"{f:>8g}°" for f in flexions) + "\n")
    with PoseLandmarker(LandmarkerSettings(mode=RunningMode.IMAGE, segmentation=True)) as landmarker:
        for name in args.bodies.split(","):
            bulges = _measure(name, flexions, args.loose_shirt, args.out, landmarker)
            sys.stdout.write(f"{name:6s} " + "".join(f"{b:9.3f}" for b in bulges) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
