"""About page: what formcheck checks, how to film, and the safety note."""

from __future__ import annotations

import streamlit as st

from formcheck.app import components
from formcheck.exercises import EXERCISES
from formcheck.reporting.summary import fault_title


def render() -> None:
    st.title("How formcheck works")
    components.coaching_note()
    st.markdown(
        """
formcheck watches one recorded set (**Review a set**) or your webcam (**Live coach**), finds your body in every frame
with MediaPipe Pose Landmarker, and checks the positions that matter most for your back. Trainers keep their clients'
reviews, corrections and progress on the **Clients** page. Everything runs on this computer; your video is not sent
anywhere.

**How to film**
- Put the camera to your side, at about hip height, 2–4 m away, so your whole body — head to feet — is in frame.
- Good, even light helps; avoid a bright window behind you.
- One person in view is best; if others walk through, formcheck tries to keep following you.
"""
    )
    st.subheader("What each exercise is checked for")
    for exercise in EXERCISES.values():
        with st.expander(exercise.title):
            if exercise.description:
                st.caption(exercise.description)
            for check in exercise.checks:
                st.markdown(f"**{fault_title(check.code)}** — {check.cue}  \n*Why:* {check.why}")
