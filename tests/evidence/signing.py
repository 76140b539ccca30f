"""A certificate authority of the tests' own and PDFs signed with it, as a province's signing
token would sign them (PAdES, a detached CMS signature in the PDF's /Contents).

Keys are made once per run (RSA 2048 is slow to generate); certificates carry fixed dates so
nothing depends on the calendar the tests run on.
"""

import datetime
import functools
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evidence.signatures.verify import call_outside_event_loop
from tests.evidence.corpus import pdf_bytes

UTC = datetime.UTC
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=UTC)
FAR_AHEAD = datetime.datetime(2045, 1, 1, tzinfo=UTC)


@functools.cache
def _key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


@dataclass(frozen=True)
class Party:
    """A certificate and its key; `.pem` is what a province puts in its trust-roots folder."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        der = self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return asn1_keys.PrivateKeyInfo.load(der)


def _certificate(
    *, subject, issuer_name, public_key, signing_key, ca: bool, not_before, not_after, tsa=False
):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(signing_key, hashes.SHA256())


def make_ca(name: str = "CA Thử nghiệm NQ57", *, key_name: str = "root") -> Party:
    key = _key(key_name)
    subject = _name(name, "Ban Cơ yếu Chính phủ (thử nghiệm)")
    cert = _certificate(
        subject=subject,
        issuer_name=subject,
        public_key=key.public_key(),
        signing_key=key,
        ca=True,
        not_before=LONG_AGO,
        not_after=FAR_AHEAD,
    )
    return Party(cert, key)


def make_signer(
    ca: Party | None,
    *,
    common: str = "Nguyễn Văn An",
    organisation: str = "Sở Tư pháp tỉnh",
    not_before=LONG_AGO,
    not_after=FAR_AHEAD,
    key_name: str = "signer",
    tsa: bool = False,
) -> Party:
    """A signer's certificate issued by `ca`; self-signed when `ca` is None."""
    key = _key(key_name)
    subject = _name(common, organisation)
    cert = _certificate(
        subject=subject,
        issuer_name=ca.cert.subject if ca else subject,
        public_key=key.public_key(),
        signing_key=ca.key if ca else key,
        ca=False,
        not_before=not_before,
        not_after=not_after,
        tsa=tsa,
    )
    return Party(cert, key)


def sign_pdf(
    data: bytes,
    signer: Party,
    *,
    chain=(),
    field_name: str = "ChuKySo1",
    timestamper_party: Party | None = None,
    timestamp_at: datetime.datetime | None = None,
) -> bytes:
    """`data` signed by `signer` (with `chain` embedded), in a new incremental revision."""
    store = SimpleCertificateStore.from_certs([p.asn1_cert for p in chain])
    pdf_signer = signers.SimpleSigner(
        signing_cert=signer.asn1_cert, signing_key=signer.asn1_key, cert_registry=store
    )
    timestamper = None
    if timestamper_party is not None:
        timestamper = timestamps.DummyTimeStamper(
            tsa_cert=timestamper_party.asn1_cert,
            tsa_key=timestamper_party.asn1_key,
            certs_to_embed=SimpleCertificateStore.from_certs([p.asn1_cert for p in chain]),
            fixed_dt=timestamp_at,
        )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = call_outside_event_loop(
        signers.sign_pdf,
        writer,
        signers.PdfSignatureMetadata(field_name=field_name),
        signer=pdf_signer,
        timestamper=timestamper,
    )
    return out.getvalue()


def append_page(signed: bytes) -> bytes:
    """An incremental update after the signature that adds a page (what a forger would do to
    slip content in while the signature still checks)."""
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    content = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 720 Td (Trang them) Tj ET")
    content_ref = writer.add_object(content)
    root = writer.root
    pages = root["/Pages"]
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/Parent"): root.raw_get("/Pages"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.NameObject("/Contents"): content_ref,
        }
    )
    page_ref = writer.add_object(page)
    pages["/Kids"].append(page_ref)
    pages[generic.NameObject("/Count")] = generic.NumberObject(int(pages["/Count"]) + 1)
    writer.update_container(pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def alter_signed_bytes(signed: bytes, old: bytes, new: bytes) -> bytes:
    """The same file with bytes inside the signed range changed (same length, so offsets hold)."""
    assert len(old) == len(new) and signed.count(old) >= 1
    return signed.replace(old, new, 1)


@functools.cache
def standard_world():
    """(ca, signer) made once: the trusted authority and a head of unit it certified."""
    ca = make_ca()
    return ca, make_signer(ca)


def signed_pdf(text: str = "Quyet dinh so 12/QD-UBND") -> bytes:
    ca, signer = standard_world()
    return sign_pdf(pdf_bytes(text), signer, chain=[ca])
