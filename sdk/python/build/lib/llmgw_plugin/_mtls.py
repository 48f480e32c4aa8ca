"""go-plugin's AutoMTLS, the plugin's side: the host passes its certificate in
PLUGIN_CLIENT_CERT; the plugin makes its own self-signed certificate for
"localhost", serves TLS that requires the host's certificate, and sends its
certificate (DER, base64 without padding) in the handshake line."""

import base64
import datetime
from typing import Tuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def make_server_cert() -> Tuple[bytes, bytes, str]:
    """Returns (cert PEM, key PEM, cert DER as unpadded base64)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "llmgw plugin"),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True,
                data_encipherment=False, key_agreement=True, key_cert_sign=True, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    der_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii").rstrip("=")
    return cert_pem, key_pem, der_b64


class TLSFrontend:
    """Terminates go-plugin's mutual TLS in front of the gRPC server.

    gRPC's own TLS (BoringSSL) does not offer the ECDSA P-521 signature
    scheme that go-plugin's host certificate needs, so the host could not
    present its certificate. Python's ssl module (OpenSSL) can: this listener
    on 127.0.0.1 requires and verifies the host's certificate, speaks ALPN h2,
    and relays each connection to the gRPC server on a private unix socket
    (in a 0700 directory), so nothing reaches the server unauthenticated.
    """

    def __init__(self, cert_pem: bytes, key_pem: bytes, client_cert_pem: bytes, backend_path: str, logger):
        import asyncio
        import os
        import ssl
        import tempfile
        import threading

        self._asyncio = asyncio
        self._backend = backend_path
        self._logger = logger
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cadata=client_cert_pem.decode("ascii"))
        ctx.set_alpn_protocols(["h2"])
        d = tempfile.mkdtemp(prefix="llmgw-plugin-tls-")
        try:
            cert_file, key_file = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
            with open(cert_file, "wb") as f:
                f.write(cert_pem)
            with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
                f.write(key_pem)
            ctx.load_cert_chain(cert_file, key_file)
        finally:
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
            os.rmdir(d)
        self._ctx = ctx
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.port = 0
        self._error = None

        def run():
            asyncio.set_event_loop(self._loop)
            try:
                server = self._loop.run_until_complete(
                    asyncio.start_server(self._relay, "127.0.0.1", 0, ssl=self._ctx))
                self.port = server.sockets[0].getsockname()[1]
            except Exception as e:  # noqa: BLE001 - reported by the caller
                self._error = e
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True, name="llmgw-plugin-tls").start()
        ready.wait()
        if self._error is not None:
            raise self._error

    async def _relay(self, reader, writer):
        asyncio = self._asyncio
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(self._backend)
        except OSError as e:
            self._logger.error("tls relay: cannot reach the gRPC server: %s" % e)
            writer.close()
            return

        async def pipe(src, dst):
            try:
                while True:
                    data = await src.read(65536)
                    if not data:
                        break
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError, asyncio.CancelledError):
                pass
            finally:
                try:
                    dst.close()
                except Exception:  # noqa: BLE001
                    pass

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
