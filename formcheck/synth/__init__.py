"""Rendered ground truth: synthetic people doing formcheck's exercises in exactly known poses.

``kinematics`` (numpy) poses a body skeleton from sagittal angles; ``motions`` scripts each exercise, clean or with
planted faults; ``truth`` computes the truth angles with :mod:`formcheck.geometry` and validates
``truth_schema.json``; ``camera`` projects. ``body`` (torch + anny), ``render`` (pyrender) and ``generate`` make the
clips and need the ``synth`` extra: ``pip install -e '.[synth]'``.
"""
