"""LAN mode's pieces without a network: pairing tokens and devices, the passphrase, the certificate, the proxy's
refusals and header hygiene (the proxy is called as an ASGI app in-process)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import stat
import warnings
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from cryptography import x509
from starlette.websockets import WebSocketDisconnect

from formcheck.lan.network import usable_lan_address
from formcheck.lan.pairing import COOKIE_NAME, TOKEN_TTL_S, PairingError, PairingStore
from formcheck.lan.passphrase import (
    FIRST_LOCK_S,
    FREE_ATTEMPTS,
    MAX_LOCK_S,
    PassphraseError,
    PassphraseStore,
    lock_s,
    session_expired,
)
from formcheck.lan.proxy import DEVICE_HEADER, LanProxy, forwarded_headers
from formcheck.lan.tls import ensure_certificate

with warnings.catch_warnings():  # starlette's test client asks for httpx2; httpx is what formcheck uses
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

T0 = 1_800_000_000.0
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the same code path, quicker


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def pairings(tmp_path: Path) -> PairingStore:
    return PairingStore(tmp_path / "lan" / "access.db")


def test_a_token_pairs_one_device_once(pairings: PairingStore) -> None:
    token = pairings.issue_token(T0)
    pairing = pairings.pair(token, "phone", T0 + 1)
    assert pairings.device_for_cookie(pairing.cookie, T0 + 2) == pairing.device
    with pytest.raises(PairingError, match="already used"):
        pairings.pair(token, "another phone", T0 + 3)
    assert [device.id for device in pairings.devices()] == [pairing.device.id]


def test_a_token_expires_after_ten_minutes(pairings: PairingStore) -> None:
    assert TOKEN_TTL_S == 600.0
    token = pairings.issue_token(T0)
    with pytest.raises(PairingError, match="expired"):
        pairings.pair(token, "phone", T0 + TOKEN_TTL_S)
    assert pairings.pair(pairings.issue_token(T0), "phone", T0 + TOKEN_TTL_S - 1).device.label == "phone"


def test_unknown_and_forged_cookies_are_refused(pairings: PairingStore) -> None:
    with pytest.raises(PairingError, match="unknown"):
        pairings.pair("guessed", "phone", T0)
    cookie = pairings.pair(pairings.issue_token(T0), "phone", T0).cookie
    device_id = cookie.partition(".")[0]
    assert pairings.device_for_cookie(f"{device_id}.forged", T0) is None
    assert pairings.device_for_cookie("", T0) is None


def test_a_device_expires_and_can_be_revoked(pairings: PairingStore) -> None:
    first = pairings.pair(pairings.issue_token(T0), "phone", T0, days=30)
    second = pairings.pair(pairings.issue_token(T0), "tablet", T0, days=30)
    assert pairings.device_for_cookie(first.cookie, T0 + 30 * 86400 - 1) is not None
    assert pairings.device_for_cookie(first.cookie, T0 + 30 * 86400) is None
    assert pairings.revoke(second.device.id, T0 + 5)
    assert pairings.device_for_cookie(second.cookie, T0 + 6) is None
    assert not pairings.revoke(second.device.id, T0 + 7)  # already revoked
    assert not pairings.revoke("nosuchid", T0)


def test_the_store_is_owner_only_and_keeps_no_secret(pairings: PairingStore) -> None:
    token = pairings.issue_token(T0)
    cookie = pairings.pair(token, "phone", T0).cookie
    assert mode(pairings.path) == 0o600
    assert mode(pairings.path.parent) == 0o700
    stored = pairings.path.read_bytes()
    assert token.encode() not in stored
    assert cookie.partition(".")[2].encode() not in stored


def test_the_passphrase_is_set_once_and_kept_only_as_an_argon2_hash(tmp_path: Path) -> None:
    store = PassphraseStore(tmp_path / "access.db", FAST_HASHER)
    assert not store.is_set()
    with pytest.raises(PassphraseError, match="at least 10"):
        store.set_first("short")
    store.set_first("correct horse battery")
    assert store.is_set()
    with pytest.raises(PassphraseError, match="already set"):
        store.set_first("another passphrase")
    assert b"correct horse" not in (tmp_path / "access.db").read_bytes()
    assert b"$argon2id$" in (tmp_path / "access.db").read_bytes()
    assert store.verify("correct horse battery", T0).ok
    assert not store.verify("wrong horse battery", T0).ok
    assert PassphraseStore(tmp_path / "access.db").verify("correct horse battery", T0).ok  # default hasher reads it


def test_wrong_passphrases_lock_everyone_out_with_a_doubling_wait(tmp_path: Path) -> None:
    assert [lock_s(failures) for failures in range(FREE_ATTEMPTS + 3)] == [0, 0, 0, 0, 0, 30, 60, 120]
    assert lock_s(100) == MAX_LOCK_S
    store = PassphraseStore(tmp_path / "access.db", FAST_HASHER)
    store.set_first("correct horse battery")
    results = [store.verify("guess", T0) for _ in range(FREE_ATTEMPTS)]
    assert [result.wait_s for result in results] == [0, 0, 0, 0, FIRST_LOCK_S]
    locked = store.verify("correct horse battery", T0 + 10)  # right, but locked: not even checked
    assert (locked.ok, locked.wait_s) == (False, FIRST_LOCK_S - 10)
    assert locked.message == "Too many wrong passphrases. Try again in 20 s."
    assert store.verify("guess again", T0 + FIRST_LOCK_S).wait_s == 2 * FIRST_LOCK_S
    reopened = PassphraseStore(tmp_path / "access.db", FAST_HASHER)  # the count survives a restart
    assert not reopened.verify("correct horse battery", T0 + FIRST_LOCK_S + 1).ok
    assert reopened.verify("correct horse battery", T0 + 3 * FIRST_LOCK_S + 1).ok
    assert reopened.verify("guess", T0 + 200).wait_s == 0  # a success clears the count


def test_reset_forgets_the_passphrase(tmp_path: Path) -> None:
    store = PassphraseStore(tmp_path / "access.db", FAST_HASHER)
    assert not store.reset()
    store.set_first("correct horse battery")
    assert store.reset()
    assert not store.is_set()
    store.set_first("a new passphrase")
    assert store.verify("a new passphrase", T0).ok


def test_a_logged_in_session_expires_after_15_idle_minutes() -> None:
    assert not session_expired(T0, T0 + 15 * 60 - 1)
    assert session_expired(T0, T0 + 15 * 60)


def test_the_certificate_names_the_address_and_is_reused(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    first = ensure_certificate(folder, "192.168.1.20", "gym-laptop", now)
    assert (mode(folder), mode(first.key_path), mode(first.cert_path)) == (0o700, 0o600, 0o600)
    cert = x509.load_pem_x509_certificate(first.cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.168.1.20")]
    assert names.get_values_for_type(x509.DNSName) == ["gym-laptop"]
    key_bytes = first.key_path.read_bytes()
    assert ensure_certificate(folder, "192.168.1.20", "gym-laptop", now + dt.timedelta(days=100)) == first
    moved = ensure_certificate(folder, "10.0.0.5", "gym-laptop", now)  # a new network: a new certificate, same key
    assert moved.sha256_fingerprint != first.sha256_fingerprint
    assert first.key_path.read_bytes() == key_bytes
    renewed = ensure_certificate(folder, "10.0.0.5", "gym-laptop", now + dt.timedelta(days=380))
    assert renewed.sha256_fingerprint != moved.sha256_fingerprint


def test_only_reachable_ipv4_addresses_are_served_on() -> None:
    assert usable_lan_address("192.168.1.20")
    assert usable_lan_address("10.0.0.5")
    for address in ("127.0.0.1", "169.254.3.4", "0.0.0.0", "::1", "fe80::1", "224.0.0.1", "laptop"):
        assert not usable_lan_address(address), address


def test_the_proxy_drops_the_device_cookie_and_forged_device_headers(pairings: PairingStore) -> None:
    device = pairings.pair(pairings.issue_token(T0), "phone", T0).device
    raw = [
        (b"Cookie", f"_streamlit_xsrf=abc; {COOKIE_NAME}=id.secret; other=1".encode()),
        (b"X-Formcheck-Device", b"someone-else"),
        (b"Connection", b"keep-alive"),
        (b"Host", b"192.168.1.20:8443"),
        (b"Accept", b"*/*"),
    ]
    assert forwarded_headers(raw, device) == [
        (b"Cookie", b"_streamlit_xsrf=abc; other=1"),
        (b"Accept", b"*/*"),
        (DEVICE_HEADER.encode(), device.id.encode()),
    ]


def test_the_proxy_refuses_everything_unpaired_and_pairs_with_a_secure_cookie(pairings: PairingStore) -> None:
    proxy = LanProxy(pairings, "http://127.0.0.1:9", clock=lambda: T0)
    with TestClient(proxy, base_url="https://192.168.1.20:8443") as client:
        for path in ("/", "/live", "/clients", "/_stcore/health", "/media/abc.mp4", "/component/x/index.html"):
            answer = client.get(path)
            assert (answer.status_code, answer.headers["cache-control"]) == (401, "no-store"), path
            assert "not paired" in answer.text
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/_stcore/stream"):
            pass
        assert refused.value.code == 1008
        token = pairings.issue_token(T0)
        paired = client.get(f"/pair?token={token}", follow_redirects=False)
        assert (paired.status_code, paired.headers["location"]) == (303, "/live")
        cookie = paired.headers["set-cookie"]
        assert f"Max-Age={30 * 86400}" in cookie
        assert all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=lax"))
        assert client.get(f"/pair?token={token}").status_code == 403


def test_files_in_the_lan_folder_are_not_world_readable_even_with_a_lax_umask(tmp_path: Path) -> None:
    previous = os.umask(0o000)
    try:
        store = PairingStore(tmp_path / "lan" / "access.db")
        ensure_certificate(tmp_path / "lan" / "tls", "192.168.1.20", "gym-laptop")
    finally:
        os.umask(previous)
    assert mode(store.path) == 0o600
    assert mode(tmp_path / "lan" / "tls" / "key.pem") == 0o600
    assert mode(tmp_path / "lan" / "tls") == 0o700
