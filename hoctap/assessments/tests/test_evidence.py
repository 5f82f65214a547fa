"""Evidence: type from the bytes, size limit, photos cleaned, duplicates, state, scoped download."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from hoctap.assessments import evidence as evidence_module
from hoctap.assessments.evidence import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    WEBP,
    XLSX,
    evidence_attach,
    evidence_remove,
    sniff,
)
from hoctap.assessments.models import Assessment, Evidence, State, Title
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import AuditEvent
from hoctap.criteria.selectors import criteria_set_shipped
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import HouseholdFactory

INDICATOR = "TC1.1"
GPS_IFD = 0x8825  # 34853, GPSInfo


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are matched in English; one test checks what a Vietnamese user reads.
    with translation.override("en"):
        yield


def make_assessment(unit: Any, state: str = State.REGISTERED) -> Assessment:
    """A learning-family assessment of a new household in the given hamlet."""
    household = HouseholdFactory.create(hamlet=unit)
    code = "gia-dinh-hoc-tap"
    return Assessment.objects.create(
        title=Title.LEARNING_FAMILY,
        year=2026,
        household=household,
        subject_key=f"household:{household.pk}",
        subject_name=household.code,
        commune=unit.parent,
        unit_path=household.unit_path,
        criteria_code=code,
        criteria_version=criteria_set_shipped(code, datetime.date(2026, 1, 1)).version,
        state=state,
    )


@pytest.fixture
def assessment(tree: Tree) -> Assessment:
    return make_assessment(tree.hamlet)


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), **save: Any) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (200, 30, 30)).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def photo_with_gps(size: tuple[int, int]) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (21.0, 19.0, 30.0)
    gps[3] = "E"
    gps[4] = (103.0, 54.0, 12.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Biên bản</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Họ tên", "Điểm"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(actor: Any, assessment: Assessment, data: bytes, name: str) -> Evidence:
    return evidence_attach(
        actor=actor,
        assessment=assessment,
        indicator=INDICATOR,
        upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
    )


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# -- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes("JPEG"), JPEG),
        (image_bytes("PNG"), PNG),
        (image_bytes("WEBP"), WEBP),
        (PDF_BYTES, PDF),
        (docx_bytes(), DOCX),
        (xlsx_bytes(), XLSX),
    ],
)
def test_sniff_recognises_allowed_types_by_their_bytes(data: bytes, kind: Any) -> None:
    assert sniff(data) == kind


def _zip_of(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"#!/bin/sh\nrm -rf /\n",
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"\x7fELF\x02\x01\x01",
        OLE_DOC,
        _zip_of(["readme.txt", "payload.exe"]),
        _zip_of(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),
        b"<html>" + docx_bytes(),
        b"",
    ],
    ids=["html", "script", "exe", "elf", "ole", "zip", "docm", "html-prefixed-zip", "empty"],
)
def test_sniff_refuses_everything_else(data: bytes) -> None:
    assert sniff(data) is None


# -- attaching ------------------------------------------------------------------------------


def test_png_renamed_to_pdf_is_stored_as_png(assessment: Assessment, people: People) -> None:
    # The type comes from the bytes and the name is only a label the user knows the file by:
    # phones name files oddly, and refusing a mismatch would add no safety because the name
    # never decides the type, the stored name or how the file is served.
    evidence = attach(people.collector, assessment, image_bytes("PNG"), "bien-ban.pdf")

    assert evidence.content_type == "image/png"
    assert evidence.extension == ".png"
    assert str(evidence.file.name).endswith(".png")
    assert evidence.original_name == "bien-ban.pdf"
    assert evidence_module.download_name(evidence) == "bien-ban.png"
    with evidence.file.open("rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"


def test_html_renamed_to_jpg_is_refused_and_nothing_saved(
    assessment: Assessment, people: People, settings: Any
) -> None:
    html = b"<!DOCTYPE html><html><body><script>document.cookie</script></body></html>"

    with pytest.raises(BusinessError, match="not accepted") as raised:
        attach(people.collector, assessment, html, "anh.jpg")

    assert raised.value.code == "type"
    assert not Evidence.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.attach").exists()
    assert stored_files(settings) == []


def test_refusal_is_explained_in_vietnamese(assessment: Assessment, people: People) -> None:
    with translation.override("vi"), pytest.raises(BusinessError) as raised:
        attach(people.collector, assessment, b"<html></html>", "anh.jpg")

    assert raised.value.messages == [
        "Không nhận loại tệp này. Hãy gửi ảnh (JPEG, PNG, WebP), tệp PDF, Word (.docx) "
        "hoặc Excel (.xlsx)."
    ]


def test_oversized_file_is_refused(assessment: Assessment, people: People, settings: Any) -> None:
    settings.HOCTAP_EVIDENCE_MAX_BYTES = 1024
    data = PDF_BYTES + b"0" * 2048

    with pytest.raises(BusinessError, match="larger than") as raised:
        attach(people.collector, assessment, data, "lon.pdf")

    assert raised.value.code == "too_large"
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_a_stream_that_hides_its_size_is_still_limited(
    assessment: Assessment, people: People, settings: Any
) -> None:
    settings.HOCTAP_EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(BusinessError, match="larger than"):
        evidence_attach(
            actor=people.collector,
            assessment=assessment,
            indicator=INDICATOR,
            upload=io.BytesIO(PDF_BYTES + b"0" * 2048),
            name="lon.pdf",
        )


def test_photo_with_gps_is_stored_without_metadata_and_downscaled(
    assessment: Assessment, people: People
) -> None:
    # given a camera photo, sideways with an orientation tag, larger than the limit, with GPS
    original = photo_with_gps((2400, 1800))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    # when
    evidence = attach(people.collector, assessment, original, "IMG_0001.JPG")

    # then the stored photo has its pixels upright, shrunk, and no metadata at all
    with evidence.file.open("rb") as handle:
        stored_bytes = handle.read()
    stored = Image.open(io.BytesIO(stored_bytes))
    exif = stored.getexif()
    assert stored.format == "JPEG"
    assert 34853 not in exif
    assert not exif.get_ifd(GPS_IFD)
    assert len(exif) == 0
    assert "exif" not in stored.info
    assert b"Exif" not in stored_bytes[:4096]
    assert stored.size == (1200, 1600)  # rotated upright, long side at the limit
    assert evidence.size == len(stored_bytes)
    assert evidence.sha256 == hashlib.sha256(stored_bytes).hexdigest()


def test_small_png_and_webp_are_reencoded_without_metadata(
    assessment: Assessment, people: People
) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[1] = "N"
    png = image_bytes("PNG", exif=exif)
    webp = image_bytes("WEBP", exif=exif)

    stored_png = attach(people.collector, assessment, png, "man-hinh.png")
    stored_webp = attach(people.collector, assessment, webp, "anh.webp")

    for evidence, fmt in ((stored_png, "PNG"), (stored_webp, "WEBP")):
        with evidence.file.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
        assert image.format == fmt
        assert len(image.getexif()) == 0
        assert image.size == (64, 48)


def test_same_photo_twice_is_refused_and_one_row_kept(
    assessment: Assessment, people: People, settings: Any
) -> None:
    photo = photo_with_gps((800, 600))
    attach(people.collector, assessment, photo, "anh.jpg")

    with pytest.raises(BusinessError, match="already attached") as raised:
        attach(people.collector, assessment, photo, "anh-lan-hai.jpg")

    assert raised.value.code == "duplicate"
    assert Evidence.objects.filter(assessment=assessment).count() == 1
    assert len(stored_files(settings)) == 1


def test_same_photo_on_two_assessments_is_allowed(tree: Tree, people: People) -> None:
    photo = image_bytes("JPEG")
    first = attach(people.collector, make_assessment(tree.hamlet), photo, "anh.jpg")
    second = attach(people.collector, make_assessment(tree.hamlet), photo, "anh.jpg")

    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name


def test_docx_and_xlsx_are_accepted(assessment: Assessment, people: People) -> None:
    docx = attach(people.collector, assessment, docx_bytes(), "bao-cao.docx")
    xlsx = attach(people.collector, assessment, xlsx_bytes(), "bang-diem.xlsx")
    pdf = attach(people.collector, assessment, PDF_BYTES, "giay-khen.pdf")

    assert (docx.extension, docx.content_type) == (DOCX.extension, DOCX.content_type)
    assert (xlsx.extension, xlsx.content_type) == (XLSX.extension, XLSX.content_type)
    assert (pdf.extension, pdf.content_type) == (".pdf", "application/pdf")
    # Documents are stored byte for byte.
    with docx.file.open("rb") as handle:
        assert handle.read() == docx_bytes()


def test_old_ole_doc_is_refused_with_advice(assessment: Assessment, people: People) -> None:
    with pytest.raises(BusinessError, match=r"\.docx") as raised:
        attach(people.collector, assessment, OLE_DOC, "bao-cao.doc")

    assert raised.value.code == "old_office"
    assert not Evidence.objects.exists()


def test_heic_that_pillow_cannot_read_is_refused_asking_for_jpeg(
    assessment: Assessment, people: People
) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64

    with pytest.raises(BusinessError, match="JPEG") as raised:
        attach(people.collector, assessment, heic, "IMG_0002.HEIC")

    assert raised.value.code == "heic"


def test_decompression_bomb_is_refused(
    assessment: Assessment, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_module, "PHOTO_MAX_PIXELS", 100 * 100)

    with pytest.raises(BusinessError, match="too many pixels") as raised:
        attach(people.collector, assessment, image_bytes("PNG", (200, 200)), "bom.png")

    assert raised.value.code == "too_many_pixels"


def test_corrupt_photo_is_refused(assessment: Assessment, people: People) -> None:
    truncated = b"\xff\xd8\xff\xe0" + b"\x00" * 100

    with pytest.raises(BusinessError, match="could not be read"):
        attach(people.collector, assessment, truncated, "hong.jpg")


def test_evidence_on_a_submitted_assessment_is_refused(tree: Tree, people: People) -> None:
    submitted = make_assessment(tree.hamlet, state=State.SUBMITTED)

    with pytest.raises(ConflictError):
        attach(people.collector, submitted, PDF_BYTES, "muon.pdf")

    assert not Evidence.objects.exists()


def test_evidence_is_refused_when_the_assessment_was_submitted_meanwhile(
    assessment: Assessment, people: People
) -> None:
    # given a page opened while the assessment was registered, submitted since
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)

    # when the stale object is used, the locked row decides
    with pytest.raises(ConflictError):
        attach(people.collector, assessment, PDF_BYTES, "muon.pdf")

    assert not Evidence.objects.exists()


def test_evidence_on_a_returned_assessment_is_accepted(tree: Tree, people: People) -> None:
    returned = make_assessment(tree.hamlet, state=State.RETURNED)

    assert attach(people.collector, returned, PDF_BYTES, "bo-sung.pdf").pk


def test_unknown_indicator_is_refused(assessment: Assessment, people: People) -> None:
    with pytest.raises(BusinessError, match="not part of"):
        evidence_attach(
            actor=people.collector,
            assessment=assessment,
            indicator="TC9.9",
            upload=io.BytesIO(PDF_BYTES),
            name="x.pdf",
        )


def test_official_of_another_commune_may_not_attach(assessment: Assessment, people: People) -> None:
    with pytest.raises(NotPermitted):
        attach(people.other_commune_official, assessment, PDF_BYTES, "x.pdf")

    assert not Evidence.objects.exists()


def test_attach_writes_an_audit_event(assessment: Assessment, people: People) -> None:
    evidence = attach(people.collector, assessment, PDF_BYTES, "giay-khen.pdf")

    event = AuditEvent.objects.get(action="evidence.attach")
    assert event.object_id == str(evidence.pk)
    assert event.unit_path == assessment.unit_path
    assert event.data["sha256"] == evidence.sha256
    assert evidence.uploaded_by == people.collector


# -- removing -------------------------------------------------------------------------------


def test_remove_deletes_row_and_file_after_commit_and_keeps_the_audit(
    assessment: Assessment,
    people: People,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    evidence = attach(people.collector, assessment, PDF_BYTES, "giay-khen.pdf")
    path = Path(evidence.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(actor=people.commune_official, evidence=evidence)

    assert not Evidence.objects.exists()
    assert not path.exists()
    removed = AuditEvent.objects.get(action="evidence.remove")
    assert removed.data["original_name"] == "giay-khen.pdf"
    assert removed.actor == people.commune_official
    assert AuditEvent.objects.filter(action="evidence.attach").exists()


def test_remove_on_a_submitted_assessment_is_refused(
    assessment: Assessment, people: People
) -> None:
    evidence = attach(people.collector, assessment, PDF_BYTES, "giay-khen.pdf")
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)

    with pytest.raises(ConflictError):
        evidence_remove(actor=people.collector, evidence=evidence)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert Path(evidence.file.path).exists()


def test_remove_twice_is_refused(assessment: Assessment, people: People) -> None:
    evidence = attach(people.collector, assessment, PDF_BYTES, "giay-khen.pdf")
    evidence_remove(actor=people.collector, evidence=evidence)

    with pytest.raises(ConflictError):
        evidence_remove(actor=people.collector, evidence=evidence)


# -- download: the scope matrix -------------------------------------------------------------


@pytest.fixture
def photo_evidence(assessment: Assessment, people: People) -> Evidence:
    return attach(people.collector, assessment, image_bytes("JPEG"), "Ảnh nhà văn hóa.jpg")


def test_anonymous_download_redirects_to_login(client: Client, photo_evidence: Evidence) -> None:
    response = client.get(reverse("assessments:evidence_download", args=[photo_evidence.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url("accounts:login"))


def test_official_of_another_commune_gets_404(
    client: Client, people: People, photo_evidence: Evidence
) -> None:
    client.force_login(people.other_commune_official)

    response = client.get(reverse("assessments:evidence_download", args=[photo_evidence.pk]))

    assert response.status_code == 404


def test_missing_evidence_gets_404(client: Client, people: People) -> None:
    client.force_login(people.province_official)

    response = client.get(reverse("assessments:evidence_download", args=[999999]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["commune_official", "province_official", "collector"])
def test_users_whose_scope_covers_it_get_the_bytes(
    client: Client, people: People, photo_evidence: Evidence, role: str
) -> None:
    client.force_login(getattr(people, role))

    response = client.get(reverse("assessments:evidence_download", args=[photo_evidence.pk]))

    assert response.status_code == 200
    with photo_evidence.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_documents_are_downloaded_as_attachments_with_the_detected_extension(
    client: Client, people: People, assessment: Assessment
) -> None:
    evidence = attach(people.collector, assessment, PDF_BYTES, "giay-khen.docx")
    client.force_login(people.commune_official)

    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="giay-khen.pdf"'


def test_download_refuses_post(client: Client, people: People, photo_evidence: Evidence) -> None:
    client.force_login(people.commune_official)

    response = client.post(reverse("assessments:evidence_download", args=[photo_evidence.pk]))

    assert response.status_code == 405
