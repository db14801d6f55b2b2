"""On the computer running ``formcheck serve --lan``: a pairing code for a phone, and the paired devices to revoke.

Shown only to a session on the computer itself (never to a LAN device, which could otherwise pair more devices or
revoke others), and only in LAN mode (``FORMCHECK_LAN_URL``, set by ``formcheck serve --lan``).
"""

from __future__ import annotations

import datetime as dt
import os
import time

import segno
import streamlit as st

from formcheck.app import access
from formcheck.lan.pairing import TOKEN_TTL_S, PairingStore
from formcheck.lan.private import LAN_URL_ENV, access_db


def render() -> None:
    lan_url = os.environ.get(LAN_URL_ENV)
    if not lan_url or access.lan_device() is not None:
        return
    store = PairingStore(access_db())
    with st.expander("Use a phone as the camera"):
        st.markdown(
            f"formcheck is also served on your network at `{lan_url}`. Scan a pairing code with the phone's camera "
            f"(each works once, for {TOKEN_TTL_S / 60:.0f} min); the phone warns about formcheck's own certificate "
            "once — the terminal shows its fingerprint to compare."
        )
        if st.button("Show a pairing code", key="pair_phone"):
            link = f"{lan_url}/pair?token={store.issue_token(time.time())}"
            st.html(segno.make(link, error="m").svg_inline(scale=5, border=2))
            st.code(link, language=None)
        _devices(store)


def _devices(store: PairingStore) -> None:
    now_s = time.time()
    active = [device for device in store.devices() if device.active(now_s)]
    if not active:
        st.caption("No paired devices.")
        return
    st.markdown("**Paired devices**")
    for device in active:
        about, action = st.columns([4, 1])
        seen = dt.datetime.fromtimestamp(device.last_seen_s).strftime("%Y-%m-%d %H:%M")
        about.text(f"{device.id} · {device.label[:60]} · last seen {seen}")
        if action.button("Revoke", key=f"revoke_{device.id}"):
            store.revoke(device.id, time.time())
            st.rerun()
