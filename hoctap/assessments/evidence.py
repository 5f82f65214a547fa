"""Evidence files: recognise the type from the bytes, clean photos, attach and remove.

The uploaded name and the browser's content type are never trusted: the type comes from
the file's signature and must be on the allowlist (photos, PDF, Word, Excel); the stored
name is generated from the SHA-256 of the stored bytes (see `models.evidence_path`); the
file is served only through the scoped view in `views.py`.

Photos are decoded and re-encoded: this turns the camera's orientation into pixels, shrinks
them to a size a reviewer needs, and drops every piece of metadata (EXIF with the GPS
position, XMP, comments), so a household's location never leaves the phone through us.
The re-encoding also cuts off anything smuggled after the image data.

`evidence_attach` and `evidence_remove` live here rather than in `services.py` so the upload
rules stay in one module; `services.py` may re-export them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hoctap.assessments.models import Assessment, Evidence, State
from hoctap.assessments.permissions import SCORE, can_act
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.criteria import engine
from hoctap.criteria.selectors import criteria_set_for
from hoctap.registry.permissions import can_edit
from hoctap.registry.services import NotPermitted

# Ten megabytes covers a phone photo, a scanned PDF or an Excel sheet; settings may change it.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Photos are kept at a size that shows a certificate or a bookshelf legibly on a screen.
PHOTO_MAX_SIDE = 1600
PHOTO_JPEG_QUALITY = 85
# Checked on the header before decoding: a small file claiming a huge canvas is a
# decompression bomb. 64 megapixels is above any phone camera's default mode and below
# Pillow's own warning threshold (about 89 megapixels).
PHOTO_MAX_PIXELS = 64_000_000
# Evidence may be added or removed only while the subject is still working on the file.
EDITABLE_STATES = frozenset({State.REGISTERED, State.RETURNED})


@dataclass(frozen=True)
class FileKind:
    """A file type recognised from its bytes, with the extension and type it is stored as."""

    name: str
    extension: str
    content_type: str
    is_photo: bool = False


JPEG = FileKind("jpeg", ".jpg", "image/jpeg", is_photo=True)
PNG = FileKind("png", ".png", "image/png", is_photo=True)
WEBP = FileKind("webp", ".webp", "image/webp", is_photo=True)
# Recognised only to be converted to JPEG (when Pillow has a decoder for it) or refused with
# a useful message; never stored as such.
HEIF = FileKind("heif", ".heic", "image/heif", is_photo=True)
PDF = FileKind("pdf", ".pdf", "application/pdf")
DOCX = FileKind(
    "docx",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "xlsx",
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
PPTX = FileKind(
    "pptx",
    ".pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ALLOWED_KINDS = frozenset({JPEG, PNG, WEBP, PDF, DOCX, XLSX})

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"


def max_bytes() -> int:
    """The upload size limit in bytes."""
    return int(getattr(settings, "HOCTAP_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))


def _office_kind(data: bytes) -> FileKind | None:
    # Only the central directory is read; no member is decompressed, so a zip bomb costs nothing.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    # Macros have no place in evidence, whatever the extension the file claims.
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    found = [
        kind
        for kind, part in (
            (DOCX, "word/document.xml"),
            (XLSX, "xl/workbook.xml"),
            (PPTX, "ppt/presentation.xml"),
        )
        if part in names
    ]
    # A file that is two kinds at once is neither.
    return found[0] if len(found) == 1 else None


def sniff(data: bytes) -> FileKind | None:
    """The file's type from its signature, or None when it is not one we recognise."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return HEIF
    if data.startswith(b"%PDF-"):
        return PDF
    # The archive must start at byte 0: zipfile also accepts data prepended to an archive,
    # which is how an HTML page and a "document" share one file.
    if data.startswith(_ZIP_SIGNATURE):
        return _office_kind(data)
    return None


@dataclass(frozen=True)
class PreparedFile:
    """The bytes to store, their type and the name the user knows the file by."""

    data: bytes
    kind: FileKind
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _clean_name(name: str) -> str:
    # Browsers may send a full client path ("C:\fakepath\..."); keep the last part, printable.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    if len(base) > 255:
        stem, extension = os.path.splitext(base)
        base = stem[: 255 - len(extension[:16])] + extension[:16]
    return base or "evidence"


def read_limited(upload: UploadedFile | IO[bytes], limit: int | None = None) -> bytes:
    """The upload's bytes, refused when empty or over `limit` bytes (the evidence limit when
    None) — whether its declared size says so or only its content."""
    limit = max_bytes() if limit is None else limit
    too_large = BusinessError(
        _("The file is larger than %(size)s MB.") % {"size": f"{limit / 1024 / 1024:g}"},
        code="too_large",
    )
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_large
    if getattr(upload, "seekable", lambda: False)():
        upload.seek(0)
    # Read one byte past the limit: a stream that lied about its size is still caught.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise BusinessError(_("The file is empty."), code="empty")
    return data


def _photo_target_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, PHOTO_MAX_SIDE / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _reencode_photo(data: bytes, kind: FileKind) -> tuple[bytes, FileKind]:
    """Decode, orient, shrink and re-encode a photo with no metadata at all."""
    unreadable = BusinessError(
        _("The photo could not be read. Take it again or send it as a JPEG file."),
        code="unreadable",
    )
    bomb = BusinessError(
        _("The photo has too many pixels (more than %(megapixels)s megapixels).")
        % {"megapixels": PHOTO_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
    with warnings.catch_warnings():
        # Pillow only warns between its two thresholds; a warning is as good as a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > PHOTO_MAX_PIXELS:
                    raise bomb
                if image.format == "JPEG":
                    # Decodes at 1/2, 1/4 or 1/8 scale when that still covers the target:
                    # a 48-megapixel photo then never occupies memory at full size.
                    image.draft("RGB", _photo_target_size(width, height))
                oriented = ImageOps.exif_transpose(image)
                oriented.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise bomb from error
        except BusinessError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            if kind == HEIF:
                raise BusinessError(
                    _(
                        "HEIC photos are not accepted. Set the camera to JPEG "
                        "(“Most compatible”) or send the photo as a JPEG file."
                    ),
                    code="heic",
                ) from error
            raise unreadable from error

    # Keep transparency and lossless screenshots in their own format; everything else,
    # including HEIC a Pillow plugin could read, becomes a JPEG every browser shows.
    target = kind if kind in (PNG, WEBP) else JPEG
    if target == JPEG:
        mode = "L" if oriented.mode in ("1", "L") else "RGB"
    else:
        has_alpha = "A" in oriented.getbands() or "transparency" in oriented.info
        mode = "RGBA" if has_alpha else "RGB"
    if oriented.mode != mode:
        oriented = oriented.convert(mode)
    icc_profile = oriented.info.get("icc_profile")
    # A fresh image carries pixels only: no EXIF, XMP, comments or text chunks can follow.
    clean = Image.new(mode, oriented.size)
    clean.paste(oriented)
    options: dict[str, Any] = {}
    if icc_profile:
        # The colour profile describes the camera's colours, not the place; dropping it
        # would wash out photos from phones that shoot in Display P3.
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    if target == JPEG:
        clean.save(buffer, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True, **options)
    elif target == PNG:
        clean.save(buffer, format="PNG", optimize=True, **options)
    else:
        clean.save(buffer, format="WEBP", quality=PHOTO_JPEG_QUALITY, **options)
    return buffer.getvalue(), target


def evidence_prepare(
    *,
    upload: UploadedFile | IO[bytes],
    name: str | None = None,
    allowed: frozenset[FileKind] = ALLOWED_KINDS,
    refusal: str | None = None,
) -> PreparedFile:
    """Check an upload's size and type and return the bytes to store (photos cleaned).

    `allowed` narrows or widens the kinds accepted (the portal's learning materials also take
    slides), with `refusal` the message naming them."""
    original_name = _clean_name(name or getattr(upload, "name", None) or "")
    data = read_limited(upload)
    kind = sniff(data)
    if kind is not None and kind not in allowed and not (kind.is_photo and JPEG in allowed):
        kind = None
    if kind is None:
        if data.startswith(_OLE_SIGNATURE):
            raise BusinessError(
                _(
                    "Old Word and Excel files (.doc, .xls) are not accepted. "
                    "Save the file as .docx or .xlsx and send it again."
                ),
                code="old_office",
            )
        raise BusinessError(
            refusal
            or _(
                "This type of file is not accepted. Send a photo (JPEG, PNG, WebP), "
                "a PDF, a Word (.docx) or an Excel (.xlsx) file."
            ),
            code="type",
        )
    if kind.is_photo:
        data, kind = _reencode_photo(data, kind)
    # Whatever the branch above did, only allowlisted types reach storage.
    assert kind in allowed
    return PreparedFile(data=data, kind=kind, original_name=original_name)


def download_name(evidence: Evidence) -> str:
    """The user's file name with the extension of the stored type (a PNG named .pdf is a .png)."""
    stem, extension = os.path.splitext(evidence.original_name)
    same_type = (
        {evidence.extension, ".jpeg"} if evidence.extension == ".jpg" else {evidence.extension}
    )
    if extension.lower() in same_type:
        return evidence.original_name
    return f"{stem or 'evidence'}{evidence.extension}"


def _check_can_change(actor: Any, assessment: Assessment) -> None:
    # The registry's editors of the assessment's place may change it, and so may whoever the
    # rules let score it: the subject itself (a citizen, an adult of the household).
    if not can_edit(actor, assessment) and not can_act(actor, assessment, SCORE):
        raise NotPermitted(_("You may not change this assessment."), code="forbidden")
    if assessment.state not in EDITABLE_STATES:
        raise ConflictError(
            _(
                "Evidence can be added or removed only while the assessment is registered "
                "or returned for changes."
            ),
            code="state",
        )


def _check_indicator(assessment: Assessment, indicator: str) -> None:
    criteria_set = criteria_set_for(
        assessment.criteria_code, assessment.commune, datetime.date(assessment.year, 1, 1)
    )
    try:
        criteria_set.indicator(indicator)
    except engine.UnknownIndicator as error:
        raise BusinessError(
            _("The indicator %(code)s is not part of this assessment's criteria.")
            % {"code": indicator},
            code="indicator",
        ) from error


def evidence_attach(
    *,
    actor: Any,
    assessment: Assessment,
    indicator: str,
    upload: UploadedFile | IO[bytes],
    name: str | None = None,
) -> Evidence:
    """Attach a file to one indicator of an assessment after checking its size and type."""
    # Cheap refusals first, then the photo work outside the transaction: decoding a camera
    # photo takes a noticeable moment, and the assessment's row lock (and SQLite's write
    # lock) should not wait on it.
    _check_can_change(actor, assessment)
    _check_indicator(assessment, indicator)
    prepared = evidence_prepare(upload=upload, name=name)
    with transaction.atomic():
        return _evidence_store(
            actor=actor, assessment=assessment, indicator=indicator, prepared=prepared
        )


def _evidence_store(
    *, actor: Any, assessment: Assessment, indicator: str, prepared: PreparedFile
) -> Evidence:
    # The lock makes a concurrent submission wait, so no file slips in after it; the checks
    # are repeated on the locked row because the state may have moved meanwhile.
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_can_change(actor, assessment)
    evidence = Evidence(
        assessment=assessment,
        indicator=indicator,
        original_name=prepared.original_name,
        content_type=prepared.kind.content_type,
        extension=prepared.kind.extension,
        size=len(prepared.data),
        sha256=prepared.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.full_clean(exclude=["file"], validate_unique=False, validate_constraints=False)
    # upload_to builds the generated name from the row (year, digest, extension).
    evidence.file.save(prepared.original_name, ContentFile(prepared.data), save=False)
    stored_name = evidence.file.name
    assert stored_name is not None
    try:
        try:
            with transaction.atomic():
                evidence.save()
        except IntegrityError as error:
            # The unique constraint decides, so two simultaneous uploads cannot both pass.
            raise BusinessError(
                _("This file is already attached to the assessment."), code="duplicate"
            ) from error
        audit_event_record(
            actor=actor,
            action="evidence.attach",
            obj=evidence,
            unit_path=assessment.unit_path,
            data={
                "assessment": assessment.pk,
                "indicator": indicator,
                "original_name": evidence.original_name,
                "content_type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
            },
        )
    except BaseException:
        # The row never existed: the file written above would be an orphan. (A rollback of
        # an outer transaction after we return can still leave one; it is unreachable, since
        # files are served only through rows.)
        evidence.file.storage.delete(stored_name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    """Remove a file from an assessment; the audit trail keeps what it was and who removed it."""
    assessment = Assessment.objects.select_for_update().get(pk=evidence.assessment_id)
    current = Evidence.objects.filter(pk=evidence.pk, assessment=assessment).first()
    if current is None:
        raise ConflictError(_("This file has already been removed."), code="gone")
    _check_can_change(actor, assessment)
    storage, stored_name = current.file.storage, current.file.name
    assert stored_name is not None
    audit_event_record(
        actor=actor,
        action="evidence.remove",
        obj=current,
        unit_path=assessment.unit_path,
        data={
            "assessment": assessment.pk,
            "indicator": current.indicator,
            "original_name": current.original_name,
            "content_type": current.content_type,
            "size": current.size,
            "sha256": current.sha256,
            "file": stored_name,
        },
    )
    current.delete()
    # Only once the removal is final: a rollback must find the file still there.
    transaction.on_commit(lambda: storage.delete(stored_name))
