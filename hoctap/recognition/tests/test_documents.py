"""The decision (Word and PDF) and the certificates (PDF with QR), read back as a person would."""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from docx import Document
from pypdf import PdfReader

from hoctap.assessments.models import Assessment
from hoctap.recognition import documents, services, signing, verification
from hoctap.recognition.models import Certificate, Decision
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families

pytestmark = pytest.mark.django_db

NAMES = [
    "Nguyễn Thị Hương",
    "Đặng Thị Ngọc Ánh",
    "Lường Văn Mến",
    "Trần Đức Ửng",
    "Hoàng Văn Thắng",
]
# Kept when PDFs are wanted for a look: HOCTAP_KEEP_PDFS=/some/folder pytest …
KEEP = os.environ.get("HOCTAP_KEEP_PDFS", "")


def _keep(name: str, data: bytes) -> None:
    if KEEP:
        Path(KEEP).mkdir(parents=True, exist_ok=True)
        (Path(KEEP) / name).write_bytes(data)


def _issue(tree: Any, people: Any, names: list[str], number: int = 15) -> Decision:
    chosen = proposed_families(tree.hamlet, len(names))
    for assessment, name in zip(chosen, names, strict=True):
        # What the registry shows for a household: its code and its head's name.
        assert assessment.household is not None
        code = assessment.household.code
        Assessment.objects.filter(pk=assessment.pk).update(subject_name=f"{code} · {name}")
    return services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in chosen],
        draft=draft(
            number,
            recipients="Như Điều 3;\nHội Khuyến học tỉnh Sơn La;\nLưu: VT.",
            body="Xét đề nghị của Chủ tịch Hội Khuyến học xã Mường Giôn.",
        ),
    )


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Line breaks fall where the layout wraps a cell, so read the words as one running text.
    return reader, " ".join(unicodedata.normalize("NFC", text).split())


def _embedded_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(base font name, has an embedded TrueType file) for every font the pages use."""
    fonts = []
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor_owner = descendants[0].get_object() if descendants else font
            descriptor = descriptor_owner.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def test_the_word_decision_has_the_decree_30_layout_and_every_holder(tree, people) -> None:
    decision = _issue(tree, people, NAMES)

    data = documents.decision_docx(decision)

    text = _docx_text(data)
    _keep("decision.docx", data)
    assert "Số: 15/QĐ-UBND" in text
    assert "ỦY BAN NHÂN DÂN\nXÃ MƯỜNG GIÔN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mường Giôn, ngày 20 tháng 12 năm {YEAR}" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN" in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương" in text
    assert "Xét đề nghị của Chủ tịch Hội Khuyến học xã Mường Giôn." in text
    assert f"Công nhận danh hiệu “Gia đình học tập” năm {YEAR} cho 5 gia đình" in text
    assert "chịu trách nhiệm thi hành Quyết định này" in text
    assert "Nơi nhận:" in text
    assert "- Hội Khuyến học tỉnh Sơn La;" in text
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in text
    assert "Lò Văn Pọm" in text  # the signer
    assert f"(Kèm theo Quyết định số 15/QĐ-UBND ngày 20 tháng 12 năm {YEAR}" in text
    document = Document(io.BytesIO(data))
    annex = document.tables[-1]
    assert [cell.text for cell in annex.rows[0].cells] == [
        "STT",
        "Tên",
        "Thôn, bản, tổ dân phố",
        "Kết quả",
        "Số Giấy chứng nhận",
    ]
    rows = [[cell.text for cell in row.cells] for row in annex.rows[1:]]
    certificates = list(decision.certificates.order_by("serial_number"))
    assert len(rows) == len(NAMES)
    for number, (row, certificate) in enumerate(zip(rows, certificates, strict=True), start=1):
        assert row == [
            str(number),
            certificate.holder_name,
            "Bản Hày",
            "91,5 điểm",
            certificate.serial,
        ]
    assert sorted(row[1].split(" · ")[1] for row in rows) == sorted(NAMES)
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_the_pdf_decision_says_the_same_with_its_font_embedded(tree, people) -> None:
    decision = _issue(tree, people, NAMES)

    data = documents.decision_pdf(decision)

    _keep("decision.pdf", data)
    reader, text = _pdf_text(data)
    assert len(reader.pages) == 2  # the decision, then its annex
    for expected in (
        "Số: 15/QĐ-UBND",
        "ỦY BAN NHÂN DÂN",
        "XÃ MƯỜNG GIÔN",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN",
        f"Mường Giôn, ngày 20 tháng 12 năm {YEAR}",
        "QUYẾT ĐỊNH",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        *NAMES,
        *decision.certificates.values_list("serial", flat=True),
    ):
        assert expected in text, expected
    fonts = _embedded_fonts(reader)
    assert fonts
    assert all("DejaVu" in name and embedded for name, embedded in fonts), fonts


def test_a_revocation_decision_lists_the_revoked_certificates_with_the_reason(tree, people) -> None:
    decision = _issue(tree, people, NAMES[:3])
    revoked = list(decision.certificates.order_by("serial_number")[:2])
    revocation = services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[c.pk for c in revoked],
        draft=draft(16, reason="Hồ sơ khai không đúng sự thật"),
    )

    word = _docx_text(documents.decision_docx(revocation))
    pdf = documents.decision_pdf(revocation)

    _keep("revocation.pdf", pdf)
    _reader, text = _pdf_text(pdf)
    for content in (word, text):
        assert "Số: 16/QĐ-UBND" in content
        assert "Thu hồi danh hiệu “Gia đình học tập”" in content
        assert "Lý do: Hồ sơ khai không đúng sự thật." in content
        for certificate in revoked:
            assert certificate.serial in content
        assert NAMES[0] in content
        assert NAMES[1] in content
        assert NAMES[2] not in content  # still valid: not in the revocation's annex
    assert "15/QĐ-UBND ngày 20/12/" in word  # the decision each certificate rested on


def test_the_certificate_pdf_is_one_landscape_page_with_the_holder_and_the_decision(
    tree, people
) -> None:
    decision = _issue(tree, people, NAMES[:1])
    certificate = decision.certificates.get()

    data = documents.certificate_pdf(certificate)

    _keep("certificate.pdf", data)
    reader, text = _pdf_text(data)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "GIA ĐÌNH HỌC TẬP",
        f"NĂM {YEAR}",
        NAMES[0],
        "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La",
        f"Số: {certificate.serial}",
        f"Theo Quyết định số 15/QĐ-UBND ngày 20/12/{YEAR} của Chủ tịch Ủy ban nhân dân xã",
        "Quét mã để kiểm tra",
        "TM. ỦY BAN NHÂN DÂN",
        "Lò Văn Pọm",
    ):
        assert expected in text, expected
    fonts = _embedded_fonts(reader)
    assert fonts
    assert all("DejaVu" in name and embedded for name, embedded in fonts), fonts


def test_the_qr_code_decodes_to_the_verify_address_whose_token_checks(tree, people) -> None:
    import zxingcpp
    from PIL import Image

    decision = _issue(tree, people, NAMES[:1])
    certificate = decision.certificates.get()

    image = Image.open(io.BytesIO(documents.qr_png(certificate)))
    found = zxingcpp.read_barcodes(image)

    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].ec_level == "M"
    address = found[0].text
    assert address == verification.verify_url(certificate)
    parts = urlsplit(address)
    assert f"{parts.scheme}://{parts.netloc}" == settings.HOCTAP_PUBLIC_URL
    assert parts.path == f"/verify/{certificate.serial}"
    token = parse_qs(parts.query)["c"][0]
    check = signing.check_token(token)
    assert check.valid
    assert check.payload is not None
    assert check.payload["h"] == certificate.holder_name
    assert verification.verify(certificate.serial, token).status == verification.VALID
    # The SVG (for pages) draws the same symbol: 4 + modules + 4 wide with a border of 4.
    size = documents.qr_code(certificate).symbol_size(border=2)[0]
    assert documents.qr_svg(certificate).startswith(f'<svg viewBox="0 0 {size} {size}"')


def test_the_qr_code_printed_on_the_certificate_decodes_too(tree, people) -> None:
    import zxingcpp
    from PIL import Image

    decision = _issue(tree, people, NAMES[:1])
    certificate = decision.certificates.get()
    reader = PdfReader(io.BytesIO(documents.certificate_pdf(certificate)))

    images = reader.pages[0].images
    assert len(images) == 1
    assert images[0].image is not None
    printed = images[0].image.convert("L")
    # One pixel per module in the file: enlarge it as a printer does, without smoothing.
    enlarged = printed.resize((printed.width * 4, printed.height * 4), Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(enlarged)

    assert [code.text for code in found] == [verification.verify_url(certificate)]


@pytest.mark.parametrize("workers", [1, 2])
def test_many_certificates_make_one_pdf_page_each_in_chunks(
    tree, people, tmp_path, workers
) -> None:
    # The longest name the register holds still leaves every certificate on one page.
    longest = ("Hợp tác xã Dịch vụ Nông nghiệp và Phát triển Nông thôn " * 5)[:230].strip()
    decision = _issue(tree, people, [*NAMES, longest])
    certificates = Certificate.objects.filter(decision=decision).select_related(
        "decision__authority"
    )
    progress: list[int] = []
    target = tmp_path / "all.pdf"

    written = documents.certificates_pdf_to(
        target, certificates, progress.append, chunk=2, workers=workers
    )

    assert written == 6
    assert progress == [2, 4, 6]
    reader, text = _pdf_text(target.read_bytes())
    assert len(reader.pages) == 6
    for name in NAMES:
        assert name in text
    # In serial order, whichever process rendered which chunk.
    serials = certificates.order_by("serial_number").values_list("serial", flat=True)
    for page, serial in zip(reader.pages, serials, strict=True):
        assert serial in page.extract_text()


def test_a_revoked_certificate_prints_as_revoked(tree, people) -> None:
    decision = _issue(tree, people, NAMES[:1])
    certificate = decision.certificates.get()
    services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[certificate.pk],
        draft=draft(16, reason="Khai sai"),
    )
    certificate.refresh_from_db()

    _reader, text = _pdf_text(documents.certificate_pdf(certificate))

    assert f"ĐÃ THU HỒI {certificate.revoked_on:%d/%m/%Y}" in text


def test_rendering_fetches_nothing_but_the_shipped_fonts(tmp_path) -> None:
    font = documents.FONTS_DIR / "DejaVuSerif.ttf"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    assert documents.is_allowed_resource(font.as_uri())
    assert documents.is_allowed_resource("data:text/plain,hello")
    assert not documents.is_allowed_resource(outside.as_uri())
    assert not documents.is_allowed_resource((documents.FONTS_DIR / ".." / "models.py").as_uri())
    assert not documents.is_allowed_resource("https://example.com/font.ttf")
    assert not documents.is_allowed_resource("http://127.0.0.1:8000/verify/")
    fetcher = documents.url_fetcher()
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch(outside.as_uri())
    assert fetcher.fetch(font.as_uri()).read(4) == b"\x00\x01\x00\x00"


def test_an_image_from_outside_is_not_fetched_into_a_pdf(tmp_path) -> None:
    from PIL import Image

    picture = tmp_path / "outside.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    html = (
        f'<html><body><p>x</p><img src="{picture.as_uri()}">'
        '<img src="http://127.0.0.1:9/none.png"></body></html>'
    )
    reader = PdfReader(io.BytesIO(documents._write_pdf(html)))
    resources: Any = reader.pages[0]["/Resources"].get_object()
    assert not resources.get("/XObject")  # neither image was loaded


def test_the_fonts_ship_with_their_licence() -> None:
    for file in documents.FONT_FILES.values():
        assert (documents.FONTS_DIR / file).stat().st_size > 100_000
    licence = (documents.FONTS_DIR / "LICENSE.txt").read_text()
    assert "Bitstream" in licence
    assert "DejaVu changes are in public domain" in licence
