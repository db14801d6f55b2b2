"""Offscreen rendering of a posed anny body in a simple room (pyrender on EGL; Mesa llvmpipe on CPU works).

Needs the ``synth`` extra and the Debian packages libegl1 libegl-mesa0 libgl1-mesa-dri.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from formcheck.synth.body import RenderedBody, _import_pyrender
from formcheck.synth.camera import RenderCamera
from formcheck.synth.kinematics import rot_axis
from formcheck.types import FloatArray

SKIN_TONES = {
    "very_light": (0.95, 0.80, 0.70),
    "light": (0.88, 0.68, 0.55),
    "medium": (0.76, 0.56, 0.40),
    "tan": (0.63, 0.45, 0.30),
    "brown": (0.45, 0.30, 0.20),
    "dark": (0.28, 0.18, 0.12),
}
FLOORS = {
    "wood": (0.55, 0.38, 0.22),
    "rubber_mat": (0.16, 0.17, 0.19),
    "grey_tiles": (0.55, 0.55, 0.53),
    "blue_mat": (0.18, 0.30, 0.55),
}
WALLS = {
    "white": (0.88, 0.88, 0.85),
    "beige": (0.80, 0.74, 0.62),
    "grey": (0.60, 0.62, 0.64),
    "green": (0.55, 0.65, 0.55),
}


@dataclass(frozen=True)
class Appearance:
    skin: str = "medium"
    shirt: tuple[float, float, float] = (0.2, 0.3, 0.6)
    shorts: tuple[float, float, float] = (0.1, 0.1, 0.12)
    shoes: tuple[float, float, float] = (0.9, 0.9, 0.9)
    hair: tuple[float, float, float] = (0.15, 0.1, 0.07)
    long_pants: bool = False
    long_sleeves: bool = False
    floor: str = "wood"
    wall: str = "white"
    shadows: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "skin": self.skin,
            "shirt": list(self.shirt),
            "shorts": list(self.shorts),
            "shoes": list(self.shoes),
            "hair": list(self.hair),
            "long_pants": self.long_pants,
            "long_sleeves": self.long_sleeves,
            "floor": self.floor,
            "wall": self.wall,
            "shadows": self.shadows,
        }


def vertex_colours(
    body: RenderedBody, rest_vertices: FloatArray, look: Appearance, rng: np.random.Generator
) -> npt.NDArray[np.uint8]:
    """RGBA per vertex from the dominant bone: skin, shirt, shorts/pants, shoes, hair; light per-vertex mottling."""
    skin = np.array(SKIN_TONES[look.skin])
    head_z = float(body.skeleton.rest["head"][2])
    head_y = float(body.skeleton.rest["head"][1])
    colours = np.empty((len(body.vertex_bone), 3))
    for i, bone in enumerate(body.vertex_bone):
        base = bone.split(".")[0]
        z, y = rest_vertices[i, 2], rest_vertices[i, 1]
        if base.startswith(("foot", "toe")):
            c = look.shoes
        elif base.startswith("lowerleg"):
            c = look.shorts if look.long_pants else tuple(skin)
        elif base in ("root", "pelvis", "upperleg01", "upperleg02", "spine05") and z < 0.06:
            c = look.shorts
        elif base.startswith(("spine", "clavicle", "shoulder01", "breast", "root", "pelvis", "upperarm01")):
            c = look.shirt
        elif base == "upperarm02":
            c = look.shirt if look.long_sleeves else tuple(skin)
        elif base.startswith("lowerarm") and look.long_sleeves:
            c = look.shirt
        elif base in ("head", "neck03") and (z > head_z + 0.085 or (y > head_y + 0.03 and z > head_z - 0.03)):
            c = look.hair
        else:
            c = tuple(skin)
        colours[i] = c
    colours *= rng.uniform(0.93, 1.05, size=(len(colours), 1))
    rgba = np.concatenate([np.clip(colours, 0, 1) * 255, np.full((len(colours), 1), 255.0)], axis=1)
    return rgba.astype(np.uint8)


class Renderer:
    """One pyrender scene (room, lights, camera) reused for every frame of a clip."""

    def __init__(
        self, camera: RenderCamera, look: Appearance, rng: np.random.Generator, body_centre: FloatArray
    ) -> None:
        pyrender = _import_pyrender()
        import trimesh  # noqa: PLC0415 - optional dependency, imported when used

        self._pyrender = pyrender
        self._trimesh = trimesh
        self.camera = camera
        self.look = look
        self.scene = pyrender.Scene(bg_color=[0.0, 0.0, 0.0, 1.0], ambient_light=[0.28, 0.28, 0.28])
        floor_colour = np.array(FLOORS[look.floor])
        wall_colour = np.array(WALLS[look.wall])
        self._add_box((12.0, 12.0, 0.02), (body_centre[0], body_centre[1], -0.01), floor_colour, tiles=True)
        # A wall behind the person, facing the camera, with a few boxes (shelves, a bench) for clutter.
        view = camera.position - camera.target
        view[2] = 0.0
        view = view / np.linalg.norm(view)
        wall_centre = np.array([body_centre[0], body_centre[1], 0.0]) - view * rng.uniform(1.6, 2.6)
        yaw = math.atan2(view[1], view[0])
        wall_rot = rot_axis(np.array([0.0, 0.0, 1.0]), math.degrees(yaw))
        self._add_box((0.05, 12.0, 6.0), wall_centre + np.array([0.0, 0.0, 3.0]), wall_colour, rotation=wall_rot)
        side = np.cross(np.array([0.0, 0.0, 1.0]), view)
        for _ in range(int(rng.integers(2, 5))):
            size = (rng.uniform(0.2, 0.5), rng.uniform(0.3, 1.2), rng.uniform(0.2, 1.4))
            along = rng.uniform(-2.5, 2.5)
            centre = wall_centre + view * (size[0] / 2 + 0.05) + side * along + np.array([0.0, 0.0, size[2] / 2])
            if rng.random() < 0.4:
                centre[2] += rng.uniform(0.6, 1.2)
            self._add_box(size, centre, rng.uniform(0.15, 0.85, size=3), rotation=wall_rot)
        key_dir = np.array([rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), 1.0])
        self._add_light(pyrender.DirectionalLight(color=np.ones(3), intensity=rng.uniform(2.5, 3.5)), key_dir)
        fill_dir = np.array([view[0], view[1], 0.5])
        self._add_light(pyrender.DirectionalLight(color=np.ones(3), intensity=rng.uniform(0.8, 1.4)), fill_dir)
        cam = pyrender.PerspectiveCamera(yfov=math.radians(camera.yfov_deg), aspectRatio=camera.width / camera.height)
        self.scene.add(cam, pose=camera.pose)
        self.renderer = pyrender.OffscreenRenderer(camera.width, camera.height)
        self._person: Any = None

    def _add_box(
        self,
        extents: tuple[float, float, float],
        centre: FloatArray | tuple[float, float, float],
        colour: FloatArray,
        rotation: FloatArray | None = None,
        tiles: bool = False,
    ) -> None:
        mesh = self._trimesh.creation.box(extents=extents)
        if tiles:
            mesh = mesh.subdivide().subdivide().subdivide().subdivide()
            cells = np.floor(mesh.vertices[:, 0] / 0.6) + np.floor(mesh.vertices[:, 1] / 0.6)
            shade = np.where(cells % 2 == 0, 1.0, 0.9)[:, None]
            mesh.visual.vertex_colors = np.concatenate(
                [np.clip(colour * shade, 0, 1) * 255, np.full((len(shade), 1), 255)], axis=1
            ).astype(np.uint8)
        else:
            mesh.visual.vertex_colors = np.append(np.clip(colour, 0, 1) * 255, 255).astype(np.uint8)
        pose = np.eye(4)
        if rotation is not None:
            pose[:3, :3] = rotation
        pose[:3, 3] = centre
        self.scene.add(self._pyrender.Mesh.from_trimesh(mesh, smooth=False), pose=pose)

    def _add_light(self, light: Any, towards_light: FloatArray) -> None:
        back = towards_light / np.linalg.norm(towards_light)
        right = np.cross(np.array([0.0, 0.0, 1.0]), back)
        if np.linalg.norm(right) < 1e-6:
            right = np.array([1.0, 0.0, 0.0])
        right = right / np.linalg.norm(right)
        up = np.cross(back, right)
        pose = np.eye(4)
        pose[:3, :3] = np.stack([right, up, back], axis=1)
        self.scene.add(light, pose=pose)

    def render(
        self, vertices: FloatArray, faces: npt.NDArray[np.int64], colours: npt.NDArray[np.uint8]
    ) -> npt.NDArray[np.uint8]:
        mesh = self._trimesh.Trimesh(vertices=vertices, faces=faces, vertex_colors=colours, process=False)
        if self._person is not None:
            self.scene.remove_node(self._person)
        self._person = self.scene.add(self._pyrender.Mesh.from_trimesh(mesh, smooth=True))
        flags = self._pyrender.RenderFlags.SHADOWS_DIRECTIONAL if self.look.shadows else self._pyrender.RenderFlags.NONE
        colour, _ = self.renderer.render(self.scene, flags=flags)
        return np.ascontiguousarray(colour[:, :, :3])

    def close(self) -> None:
        self.renderer.delete()
