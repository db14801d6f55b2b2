"""LAN mode: formcheck served to a phone or another computer on the same network, over HTTPS, to paired devices only.

Streamlit listens on loopback; :mod:`formcheck.lan.proxy` (the only network edge) terminates TLS with a certificate
made here (:mod:`formcheck.lan.tls`), lets through only devices paired with a one-time token
(:mod:`formcheck.lan.pairing`), and the Clients workspace asks such devices for a passphrase
(:mod:`formcheck.lan.passphrase`). Everything is kept owner-only under the user's data folder
(:mod:`formcheck.lan.private`).
"""
