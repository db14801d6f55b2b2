"""The LAN server's certificate: self-signed, made once and kept (key 0600 in a 0700 folder), remade only when it no
longer names this machine's address or is about to expire.

A phone's browser opens the camera only for a page served over HTTPS; with no public name to certify, the phone is
asked once to accept this certificate (its fingerprint is printed, to compare with what the phone shows).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from formcheck.lan.private import private_folder, write_private

CERT_NAME = "cert.pem"
KEY_NAME = "key.pem"
VALID_DAYS = 397  # the longest lifetime browsers accept for a TLS certificate
RENEW_BEFORE_DAYS = 30


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    sha256_fingerprint: str  # "AB:CD:…", as browsers show it


def ensure_certificate(folder: Path, address: str, hostname: str, now: dt.datetime | None = None) -> Certificate:
    """The certificate in ``folder`` for ``address`` and ``hostname``, made (or remade) when needed."""
    now = now or dt.datetime.now(dt.UTC)
    private_folder(folder)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    key = _load_or_make_key(key_path)
    existing = _load_certificate(cert_path)
    if existing is None or not _still_good(existing, address, hostname, now):
        existing = _self_signed(key, address, hostname, now)
        write_private(cert_path, existing.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, _fingerprint(existing))


def _load_or_make_key(key_path: Path) -> ec.EllipticCurvePrivateKey:
    if key_path.is_file():
        key_path.chmod(0o600)
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(loaded, ec.EllipticCurvePrivateKey):
            return loaded
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_private(key_path, pem)
    return key


def _load_certificate(cert_path: Path) -> x509.Certificate | None:
    if not cert_path.is_file():
        return None
    try:
        return x509.load_pem_x509_certificate(cert_path.read_bytes())
    except ValueError:
        return None


def _still_good(cert: x509.Certificate, address: str, hostname: str, now: dt.datetime) -> bool:
    if cert.not_valid_after_utc - now < dt.timedelta(days=RENEW_BEFORE_DAYS):
        return False
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    ips = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    return address in ips and hostname in names.get_values_for_type(x509.DNSName)


def _self_signed(key: ec.EllipticCurvePrivateKey, address: str, hostname: str, now: dt.datetime) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"formcheck on {hostname}")])
    alternative_names = x509.SubjectAlternativeName(
        [x509.IPAddress(ipaddress.ip_address(address)), x509.DNSName(hostname)]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(alternative_names, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )


def _fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{byte:02X}" for byte in cert.fingerprint(hashes.SHA256()))
