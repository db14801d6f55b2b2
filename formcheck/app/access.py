"""Who may open the Clients workspace: anyone on this computer; a device on the LAN only after the passphrase.

A device on the LAN reaches the app only through :mod:`formcheck.lan.proxy`, which names it in the
``X-Formcheck-Device`` header (Streamlit itself listens on loopback). Such a session must log in: the passphrase is
set on first use, kept as an Argon2id hash, and a session idle for 15 min asks again.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import streamlit as st

from formcheck.lan.passphrase import MIN_LENGTH, PassphraseError, PassphraseStore, session_expired
from formcheck.lan.private import access_db

DEVICE_HEADER = "X-Formcheck-Device"
LOGIN_KEY = "formcheck_login_s"  # when this session last used the workspace while logged in


def lan_device() -> str | None:
    """The paired device this session comes from, or None on this computer."""
    device = st.context.headers.get(DEVICE_HEADER)
    return str(device) if device else None


def workspace_open() -> bool:
    """True on this computer, or for a LAN session logged in within the idle timeout (which this renews)."""
    if lan_device() is None:
        return True
    last_s = st.session_state.get(LOGIN_KEY)
    now_s = time.time()
    if last_s is None or session_expired(float(last_s), now_s):
        st.session_state.pop(LOGIN_KEY, None)
        return False
    st.session_state[LOGIN_KEY] = now_s
    return True


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """``render`` behind the passphrase for LAN sessions."""

    @functools.wraps(render)
    def guarded_render() -> None:
        if workspace_open():
            if lan_device() is not None and st.sidebar.button("Log out of the Clients workspace"):
                st.session_state.pop(LOGIN_KEY, None)
                st.rerun()
            render()
            return
        _login()

    return guarded_render


def _login() -> None:
    st.title("Clients")
    st.info(
        "The Clients workspace holds your clients' videos and history. From another device it needs the passphrase.",
        icon=":material/lock:",
    )
    store = PassphraseStore(access_db())
    if store.is_set():
        _ask_passphrase(store)
    else:
        _choose_passphrase(store)


def _ask_passphrase(store: PassphraseStore) -> None:
    with st.form("login"):
        passphrase = st.text_input("Passphrase", type="password")
        if not st.form_submit_button("Log in", type="primary"):
            return
    result = store.verify(passphrase, time.time())
    if not result.ok:
        st.error(result.message, icon=":material/error:")
        return
    st.session_state[LOGIN_KEY] = time.time()
    st.rerun()


def _choose_passphrase(store: PassphraseStore) -> None:
    with st.form("set_passphrase"):
        st.markdown(f"No passphrase is set yet. Choose one (at least {MIN_LENGTH} characters).")
        first = st.text_input("New passphrase", type="password")
        again = st.text_input("The same passphrase again", type="password")
        if not st.form_submit_button("Set the passphrase", type="primary"):
            return
    if first != again:
        st.error("The two passphrases differ.", icon=":material/error:")
        return
    try:
        store.set_first(first)
    except PassphraseError as error:
        st.error(f"{str(error).capitalize()}.", icon=":material/error:")
        return
    st.session_state[LOGIN_KEY] = time.time()
    st.rerun()
