"""The papers of recognition: the decision (Word and PDF) and the certificates (PDF, with QR).

Like the assessment dossier, these are official Vietnamese papers, so their text is Vietnamese
here rather than translated. The decision follows Decree 30/2020/NĐ-CP (issuing body top left,
the national motto top right, number and symbol, place and date, legal bases, articles,
recipients, signer block) and carries its annex, the list of the subjects it recognises or
revokes. Word uses Times New Roman, as every office has it; the PDFs embed DejaVu Serif from
`fonts/` (Times New Roman may not be redistributed) so they look the same on every machine, and
WeasyPrint may fetch nothing but those font files: no network, no other file.

The Word and the PDF decision are built from one `DecisionText`, so they cannot say different
things. Thousands of certificates are rendered in chunks and appended to one file, so memory
stays bounded whatever the size of the decision.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import datetime
import functools
import io
import itertools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string

from hoctap.adminunits.models import Level
from hoctap.assessments.dossier import (
    MOTTO,
    MOTTO_NATION,
    TITLE_NAMES,
    _first_paragraph,
    _layout_table,
    _new_document,
    _number,
    _paragraph,
    _rule,
    _run,
    _save,
    _table,
    day_line,
)
from hoctap.assessments.models import Title
from hoctap.recognition import verification
from hoctap.recognition.models import Certificate, Decision, DecisionKind

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    ("normal", "normal"): "DejaVuSerif.ttf",
    ("bold", "normal"): "DejaVuSerif-Bold.ttf",
    ("normal", "italic"): "DejaVuSerif-Italic.ttf",
    ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf",
}
# The family name the templates use (and the PDF's font name): unlike plain "DejaVu Serif" it
# cannot resolve to the machine's own copy, so what is embedded is always the file shipped here.
FONT_FAMILY = "DejaVu Serif Hoctap"
CHUNK = 100

# How Article 1 counts the subjects of each title.
SUBJECT_NOUNS: dict[str, str] = {
    Title.LEARNING_CITIZEN: "công dân",
    Title.LEARNING_FAMILY: "gia đình",
    Title.LEARNING_CLAN: "dòng họ",
    Title.LEARNING_COMMUNITY_HAMLET: "thôn, bản, tổ dân phố",
    Title.LEARNING_COMMUNITY_COMMUNE: "xã, phường",
    Title.LEARNING_UNIT_COMMUNE: "đơn vị",
    Title.LEARNING_UNIT_PROVINCE: "đơn vị",
}
# The word above the holder's name on a certificate.
HOLDER_LABELS: dict[str, str] = {
    Title.LEARNING_CITIZEN: "Ông (bà)",
    Title.LEARNING_FAMILY: "Gia đình",
    Title.LEARNING_CLAN: "Dòng họ",
    Title.LEARNING_COMMUNITY_HAMLET: "Cộng đồng",
    Title.LEARNING_COMMUNITY_COMMUNE: "Cộng đồng",
    Title.LEARNING_UNIT_COMMUNE: "Đơn vị",
    Title.LEARNING_UNIT_PROVINCE: "Đơn vị",
}
PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"


# -- wording shared by the decision and the certificates ------------------------------------


def _lower_first(text: str) -> str:
    """'Xã Mường Giôn' -> 'xã Mường Giôn', as a unit is named inside a sentence."""
    return text[:1].lower() + text[1:]


def date_words(day: datetime.date) -> str:
    """'ngày 05 tháng 12 năm 2026', padded as `dossier.day_line` pads (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _short_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def title_name(title: str) -> str:
    return TITLE_NAMES.get(title, title)


def _is_committee(decision: Decision) -> bool:
    return decision.issuing_body.upper().startswith(PEOPLES_COMMITTEE + " ")


def body_lines(decision: Decision) -> list[str]:
    """The issuing body as the top-left block prints it: 'ỦY BAN NHÂN DÂN' / 'XÃ NÔNG CỐNG'."""
    body = decision.issuing_body.strip().upper()
    if _is_committee(decision):
        return [PEOPLES_COMMITTEE, body[len(PEOPLES_COMMITTEE) :].strip()]
    return [body]


def authority_line(decision: Decision) -> str:
    """'CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ NÔNG CỐNG': who decides, above the legal bases."""
    body = decision.issuing_body.strip().upper()
    return f"CHỦ TỊCH {body}" if _is_committee(decision) else body


def issuer_phrase(decision: Decision) -> str:
    """'Chủ tịch Ủy ban nhân dân xã Nông Cống', as a citation of the decision names its author."""
    if _is_committee(decision):
        return f"Chủ tịch Ủy ban nhân dân {_lower_first(decision.authority.name)}"
    return decision.issuing_body.strip()


def result_text(level: str, total: Any) -> str:
    """'Mức 1', '91,5 điểm' or 'Đạt': what the annex and the certificate say was reached."""
    if level:
        return f"Mức {level}" if level.isdigit() else level
    if total is not None:
        return f"{_number(total)} điểm"
    return "Đạt"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".;:!?" else f"{text}."


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- the decision ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Article:
    label: str  # "Điều 1."
    text: str


@dataclasses.dataclass(frozen=True)
class DecisionText:
    """Every line of a decision and its annex, in order; the Word and PDF renderers share it."""

    parent_body: str
    body_lines: tuple[str, ...]
    reference_line: str
    day_line: str
    subject_line: str
    authority_line: str
    bases: tuple[str, ...]
    considering: tuple[str, ...]
    articles: tuple[Article, ...]
    recipients: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    annex_title: str
    annex_note: str
    annex_headers: tuple[str, ...]
    annex_widths: tuple[float, ...]  # cm, for Word; the PDF shares them out in proportion
    annex_rows: tuple[tuple[str, ...], ...]
    is_revocation: bool


def _place_cell(certificate: Certificate) -> str:
    # A hamlet or commune holding a community title has no hamlet of its own: show where it is.
    return certificate.hamlet_name or certificate.holder_place


def _executors(decision: Decision, noun: str) -> str:
    unit = _lower_first(decision.authority.name)
    if not _is_committee(decision):
        return f"Các cơ quan, đơn vị liên quan và các {noun} có tên tại Điều 1"
    if decision.authority.level == Level.PROVINCE:
        return (
            f"Chánh Văn phòng Ủy ban nhân dân {unit}, Giám đốc Sở Giáo dục và Đào tạo, "
            f"Chủ tịch Hội Khuyến học {unit}, Chủ tịch Ủy ban nhân dân các xã, phường có liên "
            f"quan và các {noun} có tên tại Điều 1"
        )
    return (
        f"Chánh Văn phòng Ủy ban nhân dân {unit}, Chủ tịch Hội Khuyến học {unit}, Trưởng các "
        f"thôn, bản, tổ dân phố và các {noun} có tên tại Điều 1"
    )


def decision_text(decision: Decision) -> DecisionText:
    """The wording of a decision, read in two queries (the decision's certificates)."""
    revocation = decision.kind == DecisionKind.REVOCATION
    name = title_name(decision.title)
    noun = SUBJECT_NOUNS.get(decision.title, "đối tượng")
    issuer = issuer_phrase(decision)
    articles: tuple[Article, ...]
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    if revocation:
        certificates = list(
            decision.revoked_certificates.select_related("decision").order_by(
                "serial_year", "serial_number"
            )
        )
        reason = _sentence(decision.reason)
        articles = (
            Article(
                "Điều 1.",
                f"Thu hồi danh hiệu “{name}” và Giấy chứng nhận đã cấp cho {len(certificates)} "
                f"{noun} (có danh sách kèm theo). Lý do: {reason}",
            ),
            Article(
                "Điều 2.",
                "Quyết định này có hiệu lực kể từ ngày ký. Các Giấy chứng nhận có tên tại "
                "Điều 1 không còn giá trị kể từ ngày Quyết định này có hiệu lực.",
            ),
        )
        annex_title = f"DANH SÁCH {noun.upper()} BỊ THU HỒI DANH HIỆU “{name.upper()}”"
        headers = (
            "STT",
            "Tên",
            "Thôn, bản, tổ dân phố",
            "Số Giấy chứng nhận",
            "Theo Quyết định công nhận",
            "Lý do thu hồi",
        )
        widths = (1.0, 3.9, 2.6, 3.6, 2.6, 2.3)
        rows = tuple(
            (
                str(number),
                certificate.holder_name,
                _place_cell(certificate),
                certificate.serial,
                f"{certificate.decision.reference} ngày "
                f"{_short_date(certificate.decision.issued_on)}",
                certificate.revoked_reason,
            )
            for number, certificate in enumerate(certificates, start=1)
        )
    else:
        certificates = list(decision.certificates.order_by("serial_year", "serial_number"))
        verify_address = f"{settings.HOCTAP_PUBLIC_URL}/verify/"
        articles = (
            Article(
                "Điều 1.",
                f"Công nhận danh hiệu “{name}” năm {decision.year} cho {len(certificates)} "
                f"{noun} (có danh sách kèm theo).",
            ),
            Article(
                "Điều 2.",
                f"Mỗi {noun} có tên tại Điều 1 được cấp Giấy chứng nhận danh hiệu “{name}” năm "
                f"{decision.year}, mang số ghi tại danh sách kèm theo; mã QR trên Giấy chứng "
                f"nhận dẫn đến trang kiểm tra {verify_address}. Quyết định này có hiệu lực kể "
                "từ ngày ký.",
            ),
        )
        annex_title = (
            f"DANH SÁCH {noun.upper()} ĐƯỢC CÔNG NHẬN DANH HIỆU “{name.upper()}” "
            f"NĂM {decision.year}"
        )
        headers = ("STT", "Tên", "Thôn, bản, tổ dân phố", "Kết quả", "Số Giấy chứng nhận")
        widths = (1.0, 5.9, 3.2, 2.3, 3.6)
        rows = tuple(
            (
                str(number),
                certificate.holder_name,
                _place_cell(certificate),
                result_text(certificate.level, certificate.total),
                certificate.serial,
            )
            for number, certificate in enumerate(certificates, start=1)
        )
    articles += (
        Article(
            "Điều 3.",
            f"{_executors(decision, noun)} chịu trách nhiệm thi hành Quyết định này./.",
        ),
    )
    recipients = [
        line if line.startswith(("-", "–")) else f"- {line}" for line in _lines(decision.recipients)
    ] or ["- Như Điều 3;", "- Lưu: VT."]
    signer_lines = [
        line for line in (decision.signer_authority, decision.signer_position) if line.strip()
    ]
    return DecisionText(
        parent_body=decision.parent_body.strip().upper(),
        body_lines=tuple(body_lines(decision)),
        reference_line=f"Số: {decision.reference}",
        day_line=day_line(decision.place, decision.issued_on),
        subject_line=decision.subject_line,
        authority_line=authority_line(decision),
        bases=tuple(_lines(decision.legal_bases)),
        considering=tuple(_lines(decision.body)),
        articles=articles,
        recipients=tuple(recipients),
        signer_lines=tuple(line.strip().upper() for line in signer_lines),
        signer_name=decision.signer_name,
        annex_title=annex_title,
        annex_note=(
            f"(Kèm theo Quyết định số {decision.reference} {date_words(decision.issued_on)} "
            f"của {issuer})"
        ),
        annex_headers=headers,
        annex_widths=widths,
        annex_rows=rows,
        is_revocation=revocation,
    )


def decision_docx(decision: Decision) -> bytes:
    """The decision and its annex as a Word file, to print, sign and stamp."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text = decision_text(decision)
    document = _new_document()

    # Issuing body | national motto; number | place and date (Decree 30, appendix I).
    left_width, right_width = 6.5, 9.5
    header = _layout_table(document, (left_width, right_width), rows=2)
    left, right = header.rows[0].cells
    first = _first_paragraph(left)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = list(text.body_lines)
    if text.parent_body:
        _run(first, text.parent_body, size=13)
    else:
        _run(first, lines.pop(0), bold=True, size=13)
    for line in lines:
        _paragraph(left, line, bold=True, size=13, center=True)
    _rule(left, left_width, 2.0)
    motto = _first_paragraph(right)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, MOTTO_NATION, bold=True, size=13)
    _paragraph(right, MOTTO, bold=True, size=14, center=True)
    _rule(right, right_width, 5.5)
    number, day = header.rows[1].cells
    for cell, line, italic in ((number, text.reference_line, False), (day, text.day_line, True)):
        paragraph = _first_paragraph(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line, italic=italic, size=13)

    _paragraph(document)
    _paragraph(document, "QUYẾT ĐỊNH", bold=True, size=14, center=True)
    _paragraph(document, text.subject_line, bold=True, size=14, center=True)
    _rule(document, 16.0, 3.0)
    _paragraph(document)
    _paragraph(document, text.authority_line, bold=True, size=14, center=True)
    _paragraph(document)
    for line in (*text.bases, *text.considering):
        _paragraph(document, line, italic=True, size=14, justify=True, first_line=True)
    _paragraph(document)
    _paragraph(document, "QUYẾT ĐỊNH:", bold=True, size=14, center=True)
    _paragraph(document)
    for article in text.articles:
        paragraph = _paragraph(document, justify=True, first_line=True)
        _run(paragraph, article.label, bold=True, size=14)
        _run(paragraph, f" {article.text}", size=14)

    _paragraph(document)
    footer = _layout_table(document, (7.5, 8.5))
    recipients, signer = footer.rows[0].cells
    _run(_first_paragraph(recipients), "Nơi nhận:", bold=True, italic=True, size=12)
    for line in text.recipients:
        _paragraph(recipients, line, size=11)
    first = _first_paragraph(signer)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    signer_lines = list(text.signer_lines) or [""]
    _run(first, signer_lines[0], bold=True, size=14)
    for line in signer_lines[1:]:
        _paragraph(signer, line, bold=True, size=14, center=True)
    for _ in range(4):
        _paragraph(signer)
    _paragraph(signer, text.signer_name, bold=True, size=14, center=True)

    document.add_page_break()
    _paragraph(document, text.annex_title, bold=True, size=14, center=True)
    _paragraph(document, text.annex_note, italic=True, size=13, center=True)
    _rule(document, 16.0, 3.0)
    _paragraph(document)
    table = _table(
        document,
        list(text.annex_headers),
        [list(row) for row in text.annex_rows],
        list(text.annex_widths),
    )
    _repeat_header_row(table)
    return _save(document)


def _repeat_header_row(table: Any) -> None:
    """Print the annex's column headings again on every page the table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def decision_pdf(decision: Decision) -> bytes:
    """The same decision and annex as `decision_docx`, as an A4 PDF with its font embedded."""
    text = decision_text(decision)
    total = sum(text.annex_widths)
    columns = [round(100 * width / total, 2) for width in text.annex_widths]
    return render_pdf(
        "recognition/pdf/decision.html",
        {
            "text": text,
            "motto_nation": MOTTO_NATION,
            "motto": MOTTO,
            "columns": columns,
            "reference": decision.reference,
        },
    )


# -- certificates ---------------------------------------------------------------------------


# A fixed mask pattern: choosing the best of the eight by their penalty scores takes segno
# ~45 ms a code, most of a certificate's budget when a decision prints a thousand; any of the
# eight is valid and scanners read them alike.
QR_MASK = 0


def qr_code(certificate: Certificate) -> Any:
    """The certificate's QR code: its verification address with the signed payload, level M."""
    return segno.make(
        verification.verify_url(certificate),
        error="m",
        boost_error=False,
        micro=False,
        mask=QR_MASK,
    )


def qr_svg(certificate: Certificate) -> str:
    """The QR code as inline SVG that scales to the box CSS gives it."""
    svg: str = qr_code(certificate).svg_inline(scale=1, border=2, omitsize=True)
    return svg


def qr_png(certificate: Certificate, scale: int = 4) -> bytes:
    """The QR code as a PNG image, `scale` pixels per module, with the standard quiet zone."""
    buffer = io.BytesIO()
    qr_code(certificate).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _qr_image(certificate: Certificate) -> str:
    """A data: URL of the QR code at one pixel per module, for the PDF to scale up unsmoothed."""
    return "data:image/png;base64," + base64.b64encode(qr_png(certificate, 1)).decode("ascii")


@dataclasses.dataclass(frozen=True)
class CertificateText:
    """What one certificate page shows."""

    serial: str
    authority_line: str
    title_name: str
    year: int
    holder_label: str
    holder_name: str
    holder_note: str
    holder_size: int  # pt: long names get smaller type so a certificate stays one page
    place: str
    result: str
    decision_line: str
    day_line: str
    signer_lines: tuple[str, ...]
    signer_name: str
    qr_image: str  # data: URL
    verify_address: str
    revoked_line: str


def _holder(certificate: Certificate) -> tuple[str, str]:
    """(name, note): the holder's name large; a note below it when there is one to print."""
    return certificate.holder_name, ""


def _holder_size(name: str) -> int:
    if len(name) <= 28:
        return 30
    if len(name) <= 44:
        return 24
    return 18 if len(name) <= 80 else 14


@dataclasses.dataclass(frozen=True)
class _DecisionFacts:
    authority_line: str
    decision_line: str
    signer_lines: tuple[str, ...]
    signer_name: str


def _decision_facts(decision: Decision) -> _DecisionFacts:
    return _DecisionFacts(
        authority_line=authority_line(decision),
        decision_line=(
            f"Theo Quyết định số {decision.reference} ngày {_short_date(decision.issued_on)} "
            f"của {issuer_phrase(decision)}"
        ),
        signer_lines=tuple(
            line.strip().upper()
            for line in (decision.signer_authority, decision.signer_position)
            if line.strip()
        ),
        signer_name=decision.signer_name,
    )


def certificate_text(
    certificate: Certificate, facts: dict[int, _DecisionFacts] | None = None
) -> CertificateText:
    """The wording of one certificate; `facts` caches what its decision contributes."""
    facts = {} if facts is None else facts
    decision = certificate.decision
    if decision.pk not in facts:
        facts[decision.pk] = _decision_facts(decision)
    shared = facts[decision.pk]
    name, note = _holder(certificate)
    label = HOLDER_LABELS.get(certificate.title, "")
    if name.startswith(label):
        label = ""  # “Gia đình ông …” says it already
    result = result_text(certificate.level, None) if certificate.level else ""
    revoked = ""
    if certificate.is_revoked:
        on = _short_date(certificate.revoked_on) if certificate.revoked_on else ""
        revoked = f"ĐÃ THU HỒI {on}".strip()
    return CertificateText(
        serial=certificate.serial,
        authority_line=shared.authority_line,
        title_name=title_name(certificate.title).upper(),
        year=certificate.year,
        holder_label=label,
        holder_name=name,
        holder_note=note,
        holder_size=_holder_size(name),
        place=certificate.holder_place,
        result=result,
        decision_line=shared.decision_line,
        day_line=day_line(decision.place, certificate.issued_on),
        signer_lines=shared.signer_lines,
        signer_name=shared.signer_name,
        qr_image=_qr_image(certificate),
        verify_address=f"{settings.HOCTAP_PUBLIC_URL}/verify/{certificate.serial}",
        revoked_line=revoked,
    )


def _certificates_html(certificates: Iterable[Certificate], facts: dict[int, Any]) -> str:
    return render_to_string(
        "recognition/pdf/certificate.html",
        {
            "certificates": [certificate_text(c, facts) for c in certificates],
            "motto_nation": MOTTO_NATION,
            "motto": MOTTO,
            **_font_context(),
        },
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate as a one-page A4 landscape PDF."""
    return _write_pdf(_certificates_html([certificate], {}))


def certificates_pdf_to(
    path: str | Path,
    certificates: Iterable[Certificate],
    on_progress: Callable[[int], Any] | None = None,
    chunk: int = CHUNK,
    workers: int | None = None,
) -> int:
    """Write many certificates, one page each, to one PDF at `path`; how many were written.

    WeasyPrint holds a whole document's layout in memory, so pages are rendered `chunk` at a
    time and appended to the output with pypdf; `on_progress(done)` follows every chunk. With
    `workers` > 1 (default `pdf_workers()`), chunks are rendered by that many processes while
    this one reads the next certificates, at most one chunk per worker waiting, so memory stays
    bounded either way. Give certificates with their decision and its authority loaded
    (`select_related`).
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    facts: dict[int, Any] = {}
    size = max(chunk, 1)
    iterator = iter(certificates)
    groups = iter(lambda: list(itertools.islice(iterator, size)), [])
    first, second = next(groups, []), next(groups, [])
    groups = (group for group in itertools.chain([first, second], groups) if group)
    pages = ((_certificates_html(group, facts), len(group)) for group in groups)
    # One chunk is done sooner here than by starting worker processes.
    count = (workers or pdf_workers()) if second else 1
    done = 0
    for rendered, length in _rendered(pages, count):
        writer.append(PdfReader(io.BytesIO(rendered)))
        done += length
        if on_progress is not None:
            on_progress(done)
    writer.add_metadata({"/Title": "Giấy chứng nhận", "/Producer": "hoctap"})
    with Path(path).open("wb") as handle:
        writer.write(handle)
    return done


def pdf_workers() -> int:
    """Processes rendering a many-chunk PDF: the `HOCTAP_PDF_WORKERS` setting, else 1.

    One process renders 1,000 certificates in about 40 CPU seconds and 200 MB
    (bench/bench_recognition.py); two halve the wait on an idle two-core machine but take both
    cores from the web server and more than double the memory, so they are opt-in.
    """
    configured = getattr(settings, "HOCTAP_PDF_WORKERS", None)
    return max(int(configured), 1) if configured else 1


def _rendered(pages: Iterator[tuple[str, int]], workers: int) -> Iterator[tuple[bytes, int]]:
    """PDF bytes of each (HTML, page count), in order; rendered here or by `workers` processes.

    Workers are spawned, not forked: a fork would copy this process's open database
    connections and threads into them. A spawned worker is a fresh interpreter, so it sets
    Django up before it imports this module to run `_write_pdf`.
    """
    import django

    if workers <= 1:
        for html, length in pages:
            yield _write_pdf(html), length
        return
    # Spawned workers read the settings module from the environment, as `hoctap` sets it.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=django.setup) as pool:
        pending: collections.deque[tuple[Future[bytes], int]] = collections.deque()
        for html, length in pages:
            pending.append((pool.submit(_write_pdf, html), length))
            if len(pending) > workers:
                future, done = pending.popleft()
                yield future.result(), done
        while pending:
            future, done = pending.popleft()
            yield future.result(), done


# -- WeasyPrint -----------------------------------------------------------------------------


def _font_context() -> dict[str, Any]:
    return {
        "font_family": FONT_FAMILY,
        "font_faces": [
            {"weight": weight, "style": style, "url": (FONTS_DIR / file).as_uri()}
            for (weight, style), file in FONT_FILES.items()
        ],
    }


def is_allowed_resource(url: str) -> bool:
    """Only data: URLs and the font files shipped here may be read while rendering."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return path.is_file() and path.is_relative_to(FONTS_DIR)


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Refuses everything but `is_allowed_resource`: a PDF never reaches the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not is_allowed_resource(url):
                raise ValueError(f"Refused to fetch {url!r} while rendering a PDF.")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def url_fetcher() -> Any:
    return _fetcher_class()(allowed_protocols=("file", "data"), timeout=5)


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(
        string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=url_fetcher()
    ).write_pdf()
    return pdf


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A PDF from a template under `templates/recognition/pdf/`, with the embedded font."""
    return _write_pdf(render_to_string(template, {**context, **_font_context()}))


_SLUG = re.compile(r"[^a-z0-9]+")


def decision_filename(decision: Decision, extension: str) -> str:
    """'quyet-dinh-15-qd-ubnd-2026.docx' for downloads."""
    from hoctap.core.text import search_key

    slug = _SLUG.sub("-", search_key(decision.reference)).strip("-")
    return f"quyet-dinh-{slug}-{decision.issued_year}.{extension}"
