"""Demo content of the public portal: national guidance on the five titles, the legal texts
they rest on, the year's events, news of Sơn La and of Xã Nông Cống, and learning materials.

Everything goes through `hoctap.portal.services` as the people who would write it: the demo
administrator for the national pages, the province's editor (`bientap.sonla`) for Sơn La's
and the commune's editor (`bientap.nongcong`) for Nông Cống's, so the scope rules and the
audit trail are those of the editor pages. One Sơn La article is scheduled for next week and
one Nông Cống article stays a draft, so editors see the workflow. The learning materials are
small PDF files rendered here (with the certificates' embedded font) and links to public
pages; a link is only a link, nothing is fetched.

The guidance and the summaries of the legal texts say only what the texts and
`DOMAIN.md` say; where the law leaves something to each province (who recognises a family,
a clan, a hamlet), the pages say so. An item is known by its unit and title: running the demo
again adds nothing (the events carry the year, so a later year's run adds that year's).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from hoctap.accounts import services as accounts_services
from hoctap.accounts.demo import DEMO_PASSWORD
from hoctap.accounts.models import Role, User
from hoctap.adminunits.models import AdminUnit
from hoctap.core.text import normalize_text
from hoctap.portal import services
from hoctap.portal.models import (
    Article,
    ArticleKind,
    Audience,
    Licence,
    Material,
    MaterialFormat,
    Topic,
)
from hoctap.registry.models import LearningCentre

SON_LA_KEY = "14"
# Where an item belongs: the country, the province of Sơn La, or the commune that holds old
# Xã Vạn Hòa today (Xã Nông Cống).
NATIONAL, SON_LA, NONG_CONG = "national", "son_la", "nong_cong"

SON_LA_EDITOR = "bientap.sonla"
NONG_CONG_EDITOR = "bientap.nongcong"
EDITORS = {
    SON_LA: (SON_LA_EDITOR, "Quàng Thị Thu"),
    NONG_CONG: (NONG_CONG_EDITOR, "Lê Thị Hồng Nhung"),
}

PUBLISHED, SCHEDULED, DRAFT = "published", "scheduled", "draft"
# The scheduled article goes out this many days after the demo is seeded, at 7:00.
SCHEDULED_AFTER = datetime.timedelta(days=7)
PUBLISH_HOUR = datetime.time(7, 0)

KIND_WORDS = {
    ArticleKind.NEWS: "Tin",
    ArticleKind.GUIDANCE: "Hướng dẫn",
    ArticleKind.LEGAL: "Văn bản",
    ArticleKind.EVENT: "Sự kiện",
}
FORMAT_WORDS = {
    MaterialFormat.DOCUMENT: "tài liệu PDF",
    MaterialFormat.SLIDES: "bài trình chiếu PDF",
    MaterialFormat.VIDEO: "video (liên kết)",
    MaterialFormat.AUDIO: "âm thanh (liên kết)",
    MaterialFormat.LINK: "trang web (liên kết)",
}
LICENCE_WORDS: dict[str, str] = {
    Licence.CC_BY: "Giấy phép CC BY 4.0",
    Licence.CC_BY_SA: "Giấy phép CC BY-SA 4.0",
    Licence.CC0: "Dành cho công chúng (CC0)",
    Licence.PUBLIC_DOCUMENT: "Văn bản của cơ quan nhà nước, được tự do chia sẻ",
}


@dataclasses.dataclass(frozen=True)
class DemoArticle:
    place: str  # NATIONAL, SON_LA or NONG_CONG
    kind: str
    title: str
    summary: str
    body: str
    state: str = PUBLISHED
    # The day it went out (news of a past event); None: when the demo is seeded.
    published_on: datetime.date | None = None
    document_number: str = ""
    issued_on: datetime.date | None = None
    issuer: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    event_place: str = ""


@dataclasses.dataclass(frozen=True)
class Section:
    """A part of a demo PDF: a heading, paragraphs, a list and a table (first row: header)."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclasses.dataclass(frozen=True)
class DemoMaterial:
    place: str
    title: str
    description: str
    topic: str
    audience: str
    format: str
    licence: str
    author: str
    url: str = ""
    # The PDF's name and content (documents and slides); links have none.
    file_name: str = ""
    sections: tuple[Section, ...] = ()
    # Offered by the commune's community learning centre (its courses use it).
    at_centre: bool = False


# -- the pages --------------------------------------------------------------------------------

VANBAN = "https://vanban.chinhphu.vn/"
VBPL = "https://vbpl.vn/"
DICHVUCONG = "https://dichvucong.gov.vn/"
CONGDANHOCTAP = "https://congdanhoctap.vn/"

ORIGINAL = (
    "<p><em>Bản tóm tắt do ban biên tập lập để dễ đọc; văn bản gốc mới có giá trị pháp lý. "
    'Toàn văn tra cứu tại <a href="{url}">{site}</a>.</em></p>'
)


def _original(url: str, site: str) -> str:
    return ORIGINAL.format(url=url, site=site)


LEGAL = [
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title=(
            "Quyết định số 1373/QĐ-TTg phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn "
            "2021 - 2030”"
        ),
        summary=(
            "Đề án quốc gia về xây dựng xã hội học tập đến năm 2030, với các chỉ tiêu như 70% "
            "trung tâm học tập cộng đồng ứng dụng công nghệ thông tin vào năm 2025."
        ),
        document_number="1373/QĐ-TTg",
        issued_on=datetime.date(2021, 7, 30),
        issuer="Thủ tướng Chính phủ",
        body=(
            "<p>Ngày 30/7/2021, Thủ tướng Chính phủ ban hành Quyết định số 1373/QĐ-TTg phê duyệt "
            "Đề án “Xây dựng xã hội học tập giai đoạn 2021 - 2030”. Đây là một trong ba chương "
            "trình quốc gia (cùng Quyết định 387/QĐ-TTg và 677/QĐ-TTg) mà các tỉnh, xã, cơ quan "
            "cụ thể hóa bằng kế hoạch của mình.</p>"
            "<h2>Một số chỉ tiêu</h2>"
            "<ul>"
            "<li>70% trung tâm học tập cộng đồng ứng dụng công nghệ thông tin trong quản lý và "
            "tổ chức hoạt động vào năm 2025;</li>"
            "<li>40% công dân đạt danh hiệu “Công dân học tập” vào năm 2025.</li>"
            "</ul>"
            "<p>Các địa phương đặt chỉ tiêu riêng, có thể cao hơn: Lâm Đồng yêu cầu ít nhất 70% "
            "trung tâm học tập cộng đồng của mỗi huyện ứng dụng công nghệ thông tin vào cuối "
            "năm 2024.</p>" + _original(VANBAN, "Hệ thống văn bản Chính phủ")
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title=(
            "Quyết định số 387/QĐ-TTg phê duyệt Chương trình “Đẩy mạnh phong trào học tập suốt "
            "đời trong gia đình, dòng họ, cộng đồng, đơn vị giai đoạn 2021 - 2030”"
        ),
        summary=(
            "Chương trình đặt tỉ lệ gia đình, dòng họ, cộng đồng, đơn vị đạt danh hiệu học tập "
            "cần đạt năm 2025 và 2030, và yêu cầu số hóa việc thu thập minh chứng, chấm điểm, "
            "đánh giá, tổng hợp, báo cáo."
        ),
        document_number="387/QĐ-TTg",
        issued_on=datetime.date(2022, 3, 25),
        issuer="Thủ tướng Chính phủ",
        body=(
            "<p>Ngày 25/3/2022, Thủ tướng Chính phủ ban hành Quyết định số 387/QĐ-TTg phê duyệt "
            "Chương trình “Đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng "
            "đồng, đơn vị giai đoạn 2021 - 2030”. Chương trình là căn cứ của bốn danh hiệu "
            "“Gia đình học tập”, “Dòng họ học tập”, “Cộng đồng học tập”, “Đơn vị học tập”, và "
            "yêu cầu xây dựng phần mềm số hóa việc thu thập minh chứng, chấm điểm, đánh giá, "
            "tổng hợp và báo cáo theo các bộ tiêu chí.</p>"
            "<h2>Chỉ tiêu trên địa bàn cấp xã</h2>"
            '<table><thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">2025</th>'
            '<th scope="col">2030</th></tr></thead><tbody>'
            "<tr><td>Hộ gia đình đạt “Gia đình học tập”</td><td>70%</td><td>80%</td></tr>"
            "<tr><td>Dòng họ đạt “Dòng họ học tập”</td><td>65%</td><td>75%</td></tr>"
            "<tr><td>Thôn, bản, tổ dân phố đạt “Cộng đồng học tập”</td><td>65%</td>"
            "<td>75%</td></tr>"
            "<tr><td>Đơn vị trên địa bàn đạt “Đơn vị học tập”</td><td>80%</td><td>90%</td></tr>"
            "<tr><td>Người lao động trong gia đình, dòng họ, cộng đồng học tập đạt “Công dân "
            "học tập”</td><td>40%</td><td>60%</td></tr>"
            "<tr><td>Cán bộ, công chức, viên chức trong đơn vị học tập cấp xã đạt “Công dân "
            "học tập”</td><td>60%</td><td>80%</td></tr>"
            "</tbody></table>"
            "<p>Ngoài ra: 100% cán bộ, hội viên Hội Khuyến học được học tập, quán triệt các chủ "
            "trương, chính sách; kinh phí từ ngân sách nhà nước và nguồn xã hội hóa, các địa "
            "phương bố trí kinh phí hằng năm.</p>" + _original(VANBAN, "Hệ thống văn bản Chính phủ")
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title=(
            "Quyết định số 677/QĐ-TTg phê duyệt chương trình “Xây dựng mô hình công dân học tập "
            "giai đoạn 2021 - 2030”"
        ),
        summary=(
            "Chỉ tiêu người lớn và cán bộ, người lao động đạt “Công dân học tập”, và tỉ lệ người "
            "đạt danh hiệu có kỹ năng số, đến năm 2025 và 2030."
        ),
        document_number="677/QĐ-TTg",
        issued_on=datetime.date(2022, 6, 3),
        issuer="Thủ tướng Chính phủ",
        body=(
            "<p>Ngày 03/6/2022, Thủ tướng Chính phủ ban hành Quyết định số 677/QĐ-TTg phê duyệt "
            "chương trình “Xây dựng mô hình công dân học tập giai đoạn 2021 - 2030”.</p>"
            "<h2>Chỉ tiêu</h2>"
            '<table><thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">2025</th>'
            '<th scope="col">2030</th></tr></thead><tbody>'
            "<tr><td>Người lớn trong gia đình, dòng họ, cộng đồng học tập đạt “Công dân học "
            "tập”</td><td>40%</td><td>60%</td></tr>"
            "<tr><td>Cán bộ, công chức, viên chức, người lao động trong đơn vị học tập đạt "
            "“Công dân học tập”</td><td>60%</td><td>80%</td></tr>"
            "<tr><td>Người đạt danh hiệu có kỹ năng số (trong đó thành thạo)</td>"
            "<td>70% (60%)</td><td>90% (80%)</td></tr>"
            "</tbody></table>"
            "<p>Các xã cụ thể hóa bằng kế hoạch riêng, có thể cao hơn: kế hoạch số 35/KH-UBND "
            "ngày 23/9/2022 của xã Vạn Hòa (nay thuộc xã Nông Cống, Thanh Hóa) đặt 50% người "
            "lớn và 70% cán bộ vào năm 2025, 70% và 90% vào năm 2030.</p>"
            + _original(VANBAN, "Hệ thống văn bản Chính phủ")
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title=(
            "Thông tư số 24/2023/TT-BGDĐT về đánh giá, công nhận “Đơn vị học tập” cấp huyện, tỉnh"
        ),
        summary=(
            "Đơn vị học tập cấp huyện, tỉnh được đánh giá theo ba tiêu chí, ở Mức 1 hoặc Mức 2; "
            "mọi chỉ số của mức phải đạt; kết quả có giá trị 3 năm."
        ),
        document_number="24/2023/TT-BGDĐT",
        issued_on=datetime.date(2023, 12, 11),
        issuer="Bộ Giáo dục và Đào tạo",
        body=(
            "<p>Thông tư quy định việc đánh giá, công nhận “Đơn vị học tập” đối với cơ quan, tổ "
            "chức, đơn vị cấp huyện, tỉnh, gồm Mức 1 và Mức 2. Đơn vị đạt một mức khi đạt tất cả "
            "các chỉ số của mọi tiêu chí ở mức đó; kết quả công nhận có giá trị 3 năm. Thủ trưởng "
            "đơn vị thành lập tổ đánh giá.</p>"
            "<h2>Ba tiêu chí</h2>"
            "<ol>"
            "<li><strong>Điều kiện</strong>: kế hoạch học tập hằng năm cho thành viên; chế độ "
            "đào tạo, bồi dưỡng và quy chế nội bộ khuyến khích học tập; kinh phí nhà nước cho "
            "đào tạo; công cụ học tập khi chuyển đổi số; tham gia các hoạt động học tập suốt "
            "đời.</li>"
            "<li><strong>Kết quả học tập của thành viên</strong>: ít nhất 90% chấp hành kỷ luật; "
            "ít nhất 90% hoàn thành các chương trình đào tạo, bồi dưỡng bắt buộc…</li>"
            "<li><strong>Tác động</strong>: ít nhất 90% thành viên đạt “Công dân học tập” (Mức 2: "
            "95%; cơ sở giáo dục: 95% và 97% người học); chia sẻ tri thức; danh hiệu thi đua "
            "“Tập thể lao động tiên tiến” trở lên; mức chuyển đổi số (trường học), kiểm định "
            "chất lượng (cơ sở giáo dục nghề nghiệp).</li>"
            "</ol>"
            "<p>Hồ sơ gồm tờ trình, báo cáo tự đánh giá, bảng tổng hợp tiêu chí, chỉ số và biên "
            "bản họp; có thể nộp trên "
            f'<a href="{DICHVUCONG}">Cổng Dịch vụ công quốc gia</a>.</p>'
            + _original(VBPL, "Cơ sở dữ liệu quốc gia về văn bản pháp luật")
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title="Thông tư số 25/2023/TT-BGDĐT về đánh giá, công nhận “Cộng đồng học tập” cấp xã",
        summary=(
            "Cộng đồng học tập cấp xã (và cấp tỉnh) được đánh giá ở Mức 1 hoặc Mức 2, không chấm "
            "điểm: mọi chỉ số của mức phải đạt. Có hiệu lực từ ngày 12/02/2024."
        ),
        document_number="25/2023/TT-BGDĐT",
        issuer="Bộ Giáo dục và Đào tạo",
        body=(
            "<p>Thông tư có hiệu lực thi hành từ ngày 12/02/2024. “Cộng đồng học tập” cấp xã "
            "được đánh giá ở Mức 1 hoặc Mức 2; không chấm điểm, đơn vị đạt một mức khi đạt tất "
            "cả các chỉ số của mọi tiêu chí ở mức đó. Kết quả có giá trị 36 tháng; xã đạt Mức 1 "
            "được đề nghị Mức 2 sau ít nhất 12 tháng.</p>"
            "<h2>Mức 1: 5 tiêu chí, 15 chỉ số</h2>"
            "<ol>"
            "<li>Sự lãnh đạo của cấp ủy, chính quyền xã: tuyên truyền; kế hoạch xây dựng xã hội "
            "học tập hằng năm được thực hiện; kế hoạch và báo cáo Tuần lễ hưởng ứng học tập suốt "
            "đời.</li>"
            "<li>Nguồn lực và môi trường: đủ kinh phí ngân sách hằng năm; huy động xã hội hóa có "
            "kết quả; phối hợp giữa Hội Khuyến học, các đoàn thể, nhà trường và thiết chế văn "
            "hóa.</li>"
            "<li>Hiệu quả hoạt động của trung tâm học tập cộng đồng, thư viện xã, trung tâm văn "
            "hóa - thể thao.</li>"
            "<li>Kết quả phổ cập giáo dục, xóa mù chữ.</li>"
            "<li>Tác động của việc xây dựng cộng đồng học tập.</li>"
            "</ol>"
            "<p>Mức 2 nâng yêu cầu của tiêu chí 4 và 5. Hồ sơ gồm tờ trình, báo cáo tự đánh giá, "
            "bảng tổng hợp tiêu chí, chỉ số và biên bản họp. Từ 01/7/2025 không còn cấp huyện: "
            "cơ quan công nhận theo hướng dẫn của tỉnh.</p>"
            + _original(VBPL, "Cơ sở dữ liệu quốc gia về văn bản pháp luật")
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.LEGAL,
        title="Quyết định số 324/QĐ-KHVN ban hành bộ tiêu chí “Công dân học tập”",
        summary=(
            "Bộ tiêu chí “Công dân học tập” hiện hành (thay Quyết định 244/QĐ-KHVN năm 2022): "
            "3 năng lực, 10 chỉ số, 100 điểm; đạt khi từ 80 điểm và không chỉ số nào dưới 5."
        ),
        document_number="324/QĐ-KHVN",
        issued_on=datetime.date(2023, 10, 25),
        issuer="Trung ương Hội Khuyến học Việt Nam",
        body=(
            "<p>Bộ tiêu chí gồm một khung chung và bốn nhóm đối tượng: người dân ở xã; người lao "
            "động; cán bộ, công chức, viên chức và doanh nhân; học sinh, sinh viên, người học. "
            "Mỗi chỉ số 10 điểm, tổng 100 điểm; công dân đạt danh hiệu khi có từ 80 điểm trở lên "
            "và không chỉ số nào dưới 5 điểm. Việc đánh giá theo năm, số liệu từ 01/01 đến "
            "31/12.</p>"
            "<p>Xem trang hướng dẫn “Công dân học tập” để biết 10 chỉ số và cách đăng ký.</p>"
        ),
    ),
]

REGISTER_HERE = (
    "<p>Chưa biết liên hệ ai? Để lại đăng ký tham gia trên cổng thông tin này (mục “Đăng ký "
    "tham gia”): người thu thập của thôn, bản, tổ dân phố sẽ liên hệ xác nhận.</p>"
)
STEPS = (
    "<h2>Các bước trong năm</h2>"
    "<ol>"
    "<li><strong>Đăng ký</strong> đầu năm{where}.</li>"
    "<li><strong>Tự đánh giá</strong> trong năm theo bộ tiêu chí, số liệu từ 01/01 đến 31/12, "
    "kèm minh chứng (ảnh chụp, giấy tờ).</li>"
    "<li><strong>Bình xét</strong> {review}.</li>"
    "<li><strong>Thẩm định</strong> ở cấp trên; hồ sơ chưa đủ được trả lại kèm lý do để bổ "
    "sung.</li>"
    "<li><strong>Quyết định công nhận</strong> và <strong>giấy chứng nhận</strong>; mỗi giấy có "
    "mã QR, ai cũng kiểm tra được ở trang “Kiểm tra giấy chứng nhận”.</li>"
    "</ol>"
)

GUIDANCE = [
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.GUIDANCE,
        title="“Gia đình học tập” là gì và đăng ký thế nào?",
        summary=(
            "Danh hiệu của hộ gia đình, xét hằng năm: đăng ký đầu năm với chi hội khuyến học "
            "thôn, tự đánh giá trong năm, được bình xét, thẩm định và công nhận."
        ),
        body=(
            "<p>“Gia đình học tập” là danh hiệu của một hộ gia đình, xét theo từng năm, theo bộ "
            "tiêu chí giai đoạn 2021 - 2030 của Trung ương Hội Khuyến học Việt Nam; kết quả là "
            "đạt hoặc chưa đạt. Bộ tiêu chí giai đoạn trước (2016 - 2020, Quyết định "
            "448/QĐ-KHVN) chấm 100 điểm cho bốn tiêu chí, trong đó việc học của trẻ em và việc "
            "học của người lớn mỗi phần 30 điểm.</p>"
            "<p>Danh hiệu gắn với việc học của mọi thành viên: gia đình mà người lớn chưa đạt "
            "“Công dân học tập” thì chưa đạt danh hiệu, nên người lớn trong nhà cũng nên đăng "
            "ký “Công dân học tập”.</p>"
            + STEPS.format(
                where=" với chi hội khuyến học thôn, bản, tổ dân phố (người thu thập của thôn)",
                review="ở chi hội khuyến học thôn, bản, tổ dân phố",
            )
            + "<p>Cấp công nhận do tỉnh quy định (thường là cấp xã).</p>"
            "<h2>Mục tiêu</h2>"
            "<p>Theo Quyết định 387/QĐ-TTg: 70% hộ gia đình đạt danh hiệu vào năm 2025, 80% vào "
            "năm 2030.</p>" + REGISTER_HERE
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.GUIDANCE,
        title="“Dòng họ học tập” là gì và đăng ký thế nào?",
        summary=(
            "Danh hiệu của một dòng họ, gồm nhiều hộ có thể ở nhiều thôn, xét hằng năm theo bộ "
            "tiêu chí của Trung ương Hội Khuyến học Việt Nam."
        ),
        body=(
            "<p>“Dòng họ học tập” là danh hiệu của một dòng họ: nhiều hộ gia đình cùng một dòng "
            "họ, có thể ở nhiều thôn, bản. Danh hiệu xét theo từng năm, theo bộ tiêu chí giai "
            "đoạn 2021 - 2030 của Trung ương Hội Khuyến học Việt Nam; kết quả là đạt hoặc chưa "
            "đạt.</p>"
            + STEPS.format(
                where=(
                    ": người đại diện hoặc ban khuyến học của dòng họ đăng ký với Hội Khuyến học xã"
                ),
                review="ở Hội Khuyến học xã",
            )
            + "<p>Cấp công nhận do tỉnh quy định.</p>"
            "<h2>Mục tiêu</h2>"
            "<p>Theo Quyết định 387/QĐ-TTg: 65% dòng họ đạt danh hiệu vào năm 2025, 75% vào năm "
            "2030.</p>"
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.GUIDANCE,
        title="“Cộng đồng học tập”: thôn, bản, tổ dân phố và cấp xã",
        summary=(
            "Thôn, bản, tổ dân phố được xét hằng năm theo bộ tiêu chí của Hội Khuyến học; xã, "
            "phường và tỉnh theo Thông tư 25/2023/TT-BGDĐT, Mức 1 hoặc Mức 2, có giá trị 36 "
            "tháng."
        ),
        body=(
            "<h2>Thôn, bản, tổ dân phố</h2>"
            "<p>Danh hiệu xét hằng năm theo bộ tiêu chí giai đoạn 2021 - 2030 của Trung ương Hội "
            "Khuyến học Việt Nam; kết quả là đạt hoặc chưa đạt. Thôn đăng ký đầu năm, tự đánh "
            "giá trong năm, cấp xã thẩm định và công nhận (theo quy định của tỉnh).</p>"
            "<p>Theo Quyết định 387/QĐ-TTg: 65% thôn, bản, tổ dân phố đạt danh hiệu vào năm 2025, "
            "75% vào năm 2030.</p>"
            "<h2>Xã, phường, đặc khu và tỉnh</h2>"
            "<p>Đánh giá theo Thông tư 25/2023/TT-BGDĐT (hiệu lực từ 12/02/2024), ở Mức 1 hoặc "
            "Mức 2; không chấm điểm, phải đạt mọi chỉ số của mức. Mức 1 gồm 5 tiêu chí, 15 chỉ "
            "số: sự lãnh đạo của cấp ủy, chính quyền; nguồn lực và môi trường; hiệu quả của "
            "trung tâm học tập cộng đồng, thư viện, trung tâm văn hóa - thể thao; phổ cập giáo "
            "dục, xóa mù chữ; tác động của việc xây dựng cộng đồng học tập.</p>"
            "<ul>"
            "<li>Hồ sơ: tờ trình, báo cáo tự đánh giá, bảng tổng hợp tiêu chí, chỉ số, biên bản "
            "họp.</li>"
            "<li>Kết quả có giá trị 36 tháng; lên Mức 2 sau ít nhất 12 tháng kể từ khi đạt Mức "
            "1.</li>"
            "<li>Từ 01/7/2025 không còn cấp huyện: cơ quan công nhận theo hướng dẫn của tỉnh; hồ "
            f'sơ có thể nộp trên <a href="{DICHVUCONG}">Cổng Dịch vụ công quốc gia</a>.</li>'
            "</ul>"
            "<p>Kết quả cũ của các xã trước sắp xếp vẫn được tra cứu dưới xã mới.</p>"
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.GUIDANCE,
        title="“Đơn vị học tập”: cơ quan, trường học, doanh nghiệp",
        summary=(
            "Đơn vị do xã quản lý được xét hằng năm theo bộ tiêu chí của Hội Khuyến học; đơn vị "
            "cấp tỉnh theo Thông tư 24/2023/TT-BGDĐT, Mức 1 hoặc Mức 2, có giá trị 3 năm."
        ),
        body=(
            "<p>“Đơn vị học tập” là danh hiệu của một tổ chức: cơ quan, trường học, doanh "
            "nghiệp, cơ sở sản xuất.</p>"
            "<h2>Đơn vị do xã quản lý</h2>"
            "<p>Xét hằng năm theo bộ tiêu chí giai đoạn 2021 - 2030 của Trung ương Hội Khuyến "
            "học Việt Nam; đơn vị đăng ký đầu năm, tự đánh giá, cấp xã thẩm định.</p>"
            "<h2>Đơn vị cấp tỉnh</h2>"
            "<p>Theo Thông tư 24/2023/TT-BGDĐT: thủ trưởng đơn vị thành lập tổ đánh giá; đánh "
            "giá ở Mức 1 hoặc Mức 2 theo ba tiêu chí (điều kiện, kết quả học tập của thành viên, "
            "tác động); kết quả có giá trị 3 năm.</p>"
            "<p>Danh hiệu gắn với “Công dân học tập”: ít nhất 90% thành viên phải đạt danh hiệu "
            "này (Mức 2: 95%). Tỉ lệ này được tính từ sổ theo dõi, không phải nhập tay.</p>"
            "<h2>Mục tiêu</h2>"
            "<p>Theo Quyết định 387/QĐ-TTg: 80% đơn vị trên địa bàn xã đạt danh hiệu vào năm "
            "2025, 90% vào năm 2030. Sơn La đặt 95% (2025) và 100% (2030).</p>"
        ),
    ),
    DemoArticle(
        place=NATIONAL,
        kind=ArticleKind.GUIDANCE,
        title="“Công dân học tập”: tự đánh giá theo 10 chỉ số",
        summary=(
            "Danh hiệu của mỗi người, xét hằng năm theo Quyết định 324/QĐ-KHVN: 3 năng lực, 10 "
            "chỉ số, 100 điểm; đạt khi từ 80 điểm và không chỉ số nào dưới 5."
        ),
        body=(
            "<p>Bộ tiêu chí (Quyết định 324/QĐ-KHVN ngày 25/10/2023 của Trung ương Hội Khuyến "
            "học Việt Nam) có bốn nhóm đối tượng: người dân ở xã; người lao động; cán bộ, công "
            "chức, viên chức và doanh nhân; học sinh, sinh viên, người học. Mỗi chỉ số 10 điểm; "
            "đạt khi tổng từ 80 điểm và không chỉ số nào dưới 5.</p>"
            "<h2>Ba năng lực, mười chỉ số</h2>"
            "<ol>"
            "<li><strong>Tự học và học tập suốt đời</strong> (4 chỉ số): đọc và cập nhật thông "
            "tin; có kế hoạch học tập; tham gia hoạt động văn hóa, học tập; động viên người "
            "thân, đồng nghiệp cùng học.</li>"
            "<li><strong>Sử dụng công cụ tương tác</strong> (4 chỉ số): công nghệ thông tin "
            "trong công việc; ngoại ngữ trong công việc; vận dụng toán học để nâng cao năng "
            "suất; tư duy phản biện.</li>"
            "<li><strong>Quan hệ xã hội</strong> (2 chỉ số): quan hệ thân thiện, tránh xung "
            "đột; hợp tác và chia sẻ.</li>"
            "</ol>"
            + STEPS.format(
                where=(
                    ": người dân với chi hội khuyến học thôn, bản; cán bộ, người lao động tại cơ "
                    "quan, đơn vị"
                ),
                review="ở chi hội khuyến học hoặc tổ đánh giá của đơn vị",
            )
            + "<p>Trang của Hội Khuyến học Việt Nam "
            f'<a href="{CONGDANHOCTAP}">congdanhoctap.vn</a> cũng cho tự đánh giá trực tuyến.</p>'
            + REGISTER_HERE
        ),
    ),
]


def events(year: int) -> list[DemoArticle]:
    """The year's national events and the two reviews of the programme period."""
    return [
        DemoArticle(
            place=NATIONAL,
            kind=ArticleKind.EVENT,
            title=f"Tuần lễ hưởng ứng học tập suốt đời năm {year}",
            summary=(
                "Hoạt động hằng năm từ ngày 01 đến 07 tháng 10 ở mọi địa phương, cơ quan, trường "
                "học: tuyên truyền, lớp học, tủ sách, ngày hội đọc."
            ),
            body=(
                "<p>Tuần lễ hưởng ứng học tập suốt đời diễn ra hằng năm vào đầu tháng 10. Các "
                "xã, phường lập kế hoạch và báo cáo kết quả Tuần lễ; đây cũng là một chỉ số của "
                "tiêu chí 1 khi đánh giá “Cộng đồng học tập” cấp xã (Thông tư 25/2023/TT-BGDĐT)."
                "</p>"
                "<p>Trung tâm học tập cộng đồng, thư viện, nhà trường mở lớp, ngày hội đọc sách, "
                "giới thiệu học liệu mở; chi hội khuyến học các thôn, bản tuyên truyền và nhận "
                "đăng ký các danh hiệu học tập.</p>"
            ),
            starts_on=datetime.date(year, 10, 1),
            ends_on=datetime.date(year, 10, 7),
            event_place="Trên cả nước",
        ),
        DemoArticle(
            place=NATIONAL,
            kind=ArticleKind.EVENT,
            title=f"Ngày Khuyến học Việt Nam 02/10/{year}",
            summary="Ngày 2 tháng 10 hằng năm là Ngày Khuyến học Việt Nam.",
            body=(
                "<p>Ngày Khuyến học Việt Nam (2/10) nằm trong Tuần lễ hưởng ứng học tập suốt "
                "đời. Hội Khuyến học các cấp biểu dương gia đình, dòng họ, cộng đồng, đơn vị và "
                "công dân học tập tiêu biểu, trao học bổng từ quỹ khuyến học.</p>"
            ),
            starts_on=datetime.date(year, 10, 2),
            ends_on=datetime.date(year, 10, 2),
            event_place="Trên cả nước",
        ),
        DemoArticle(
            place=NATIONAL,
            kind=ArticleKind.EVENT,
            title="Tổng kết 10 năm (2021 - 2030) các phong trào học tập suốt đời",
            summary=(
                "Hội nghị tổng kết 10 năm và đại hội biểu dương các mô hình học tập tiêu biểu "
                "giai đoạn 2021 - 2030, các cấp tổ chức trong quý IV năm 2030."
            ),
            body=(
                "<p>Các kế hoạch thực hiện Quyết định 387/QĐ-TTg và 677/QĐ-TTg (Hà Nội, Sơn La, "
                "xã Vạn Hòa…) đều định tổ chức hội nghị tổng kết 10 năm và đại hội biểu dương "
                "các mô hình học tập tiêu biểu giai đoạn 2021 - 2030 vào quý IV năm 2030. Ngày "
                "cụ thể theo giấy mời của từng cấp.</p>"
                "<p>Số liệu tổng kết lấy từ các báo cáo định kỳ và bảng theo dõi chỉ tiêu của "
                "phần mềm.</p>"
            ),
            starts_on=datetime.date(2030, 10, 1),
            ends_on=datetime.date(2030, 12, 31),
            event_place="Các tỉnh, xã trên cả nước",
        ),
        DemoArticle(
            place=SON_LA,
            kind=ArticleKind.EVENT,
            title=(
                "Sơ kết 5 năm (2021 - 2025) và biểu dương các mô hình học tập tiêu biểu tỉnh Sơn La"
            ),
            summary=(
                "Theo kế hoạch của tỉnh, sơ kết 5 năm gắn với hội nghị biểu dương các mô hình "
                "học tập tiêu biểu toàn tỉnh giai đoạn 2021 - 2025, trong quý IV năm 2025."
            ),
            body=(
                "<p>Kế hoạch thực hiện Quyết định 387/QĐ-TTg của tỉnh Sơn La định tổ chức sơ kết "
                "5 năm gắn với hội nghị biểu dương các mô hình học tập tiêu biểu toàn tỉnh giai "
                "đoạn 2021 - 2025 vào quý IV năm 2025, và tổng kết 10 năm vào quý IV năm "
                "2030.</p>"
            ),
            starts_on=datetime.date(2025, 10, 1),
            ends_on=datetime.date(2025, 12, 31),
            event_place="Tỉnh Sơn La",
        ),
    ]


NEWS = [
    DemoArticle(
        place=SON_LA,
        kind=ArticleKind.NEWS,
        title="Sơn La sơ kết 5 năm xây dựng các mô hình học tập giai đoạn 2021 - 2025",
        summary=(
            "Hội Khuyến học tỉnh tổng hợp báo cáo sơ kết của các sở, ngành, địa phương; hội "
            "nghị gắn với biểu dương các mô hình học tập tiêu biểu."
        ),
        body=(
            "<p>Hội Khuyến học tỉnh đã tổng hợp báo cáo sơ kết 5 năm (2021 - 2025) của các sở, "
            "ngành và địa phương về thực hiện kế hoạch xây dựng các mô hình “Gia đình học tập”, "
            "“Dòng họ học tập”, “Cộng đồng học tập”, “Đơn vị học tập” và “Công dân học tập”.</p>"
            "<p>Hội nghị sơ kết gắn với biểu dương các mô hình học tập tiêu biểu đã được tổ chức "
            "trong quý IV/2025. Giai đoạn tới, tỉnh giữ chỉ tiêu riêng cho “Đơn vị học tập”: 95% "
            "năm 2025 và 100% năm 2030.</p>"
        ),
        published_on=datetime.date(2025, 12, 23),
    ),
    DemoArticle(
        place=SON_LA,
        kind=ArticleKind.NEWS,
        title="Tập huấn bộ tiêu chí cho cán bộ khuyến học các xã, phường sau sắp xếp",
        summary=(
            "Cán bộ khuyến học các xã, phường mới được hướng dẫn đánh giá các danh hiệu học tập "
            "và nhập minh chứng trên phần mềm."
        ),
        body=(
            "<p>Sau khi sắp xếp đơn vị hành chính từ ngày 01/7/2025, tỉnh Sơn La còn hai cấp: "
            "tỉnh và xã, phường. Hội Khuyến học tỉnh đã tập huấn bộ tiêu chí cho cán bộ khuyến "
            "học các xã, phường: cách đăng ký, tự đánh giá có minh chứng, bình xét, thẩm định và "
            "đề nghị công nhận trên phần mềm.</p>"
            "<p>Các xã đang đánh giá các danh hiệu của năm; kết quả cũ của các xã trước sắp xếp "
            "vẫn tra cứu được dưới xã mới.</p>"
        ),
        published_on=datetime.date(2026, 10, 16),
    ),
    DemoArticle(
        place=SON_LA,
        kind=ArticleKind.NEWS,
        title="Lịch tập huấn nhập minh chứng bằng điện thoại cho cán bộ khuyến học bản",
        summary=(
            "Cán bộ khuyến học bản được hướng dẫn chụp, gửi minh chứng và theo dõi hồ sơ trên "
            "điện thoại."
        ),
        body=(
            "<p>Hội Khuyến học tỉnh mở lớp tập huấn ngắn cho cán bộ khuyến học các bản: chụp ảnh "
            "minh chứng bằng điện thoại (phần mềm tự xóa vị trí GPS của ảnh), gửi hồ sơ, xem hồ "
            "sơ bị trả lại và bổ sung.</p>"
            "<p>Các xã đăng ký danh sách học viên với Hội Khuyến học tỉnh.</p>"
        ),
        state=SCHEDULED,
    ),
    DemoArticle(
        place=NONG_CONG,
        kind=ArticleKind.NEWS,
        title="Trung tâm học tập cộng đồng xã Nông Cống mở lớp kỹ năng số cho người lớn",
        summary=(
            "Lớp học về dùng điện thoại an toàn và ứng dụng định danh điện tử VNeID, dành cho "
            "người lớn các thôn."
        ),
        body=(
            "<p>Thực hiện Kế hoạch số 35/KH-UBND về xây dựng mô hình “Công dân học tập”, Trung "
            "tâm học tập cộng đồng xã mở lớp kỹ năng số cho người lớn: dùng điện thoại an toàn, "
            "nhận biết cuộc gọi lừa đảo, cài đặt và dùng ứng dụng VNeID.</p>"
            "<p>Kỹ năng số là một chỉ số của danh hiệu “Công dân học tập”; kế hoạch của xã đặt "
            "mục tiêu 80% người đạt danh hiệu có kỹ năng số vào năm 2025, 90% vào năm 2030. Tài "
            "liệu của lớp có trong mục Học liệu.</p>"
        ),
    ),
    DemoArticle(
        place=NONG_CONG,
        kind=ArticleKind.NEWS,
        title="Chuẩn bị sơ kết việc thực hiện Kế hoạch số 35/KH-UBND",
        summary="Bản nháp: các thôn gửi số liệu và đề xuất mô hình tiêu biểu.",
        body=(
            "<p>UBND xã đề nghị các thôn, trường học gửi số liệu về “Công dân học tập” và đề "
            "xuất cá nhân, gia đình tiêu biểu để chuẩn bị sơ kết việc thực hiện Kế hoạch số "
            "35/KH-UBND.</p>"
        ),
        state=DRAFT,
    ),
]


# -- the learning materials -------------------------------------------------------------------

MATERIALS = [
    DemoMaterial(
        place=NATIONAL,
        title="Hướng dẫn tự đánh giá “Công dân học tập”: 3 năng lực, 10 chỉ số",
        description=(
            "Tóm tắt bộ tiêu chí theo Quyết định 324/QĐ-KHVN: các chỉ số, cách tính điểm và "
            "điều kiện đạt danh hiệu, để người dân tự chấm trước khi nộp."
        ),
        topic=Topic.LIFELONG_LEARNING,
        audience=Audience.EVERYONE,
        format=MaterialFormat.DOCUMENT,
        licence=Licence.CC_BY,
        author="Ban biên tập cổng thông tin (tài liệu demo)",
        file_name="huong-dan-tu-danh-gia-cong-dan-hoc-tap.pdf",
        sections=(
            Section(
                "Ai được đánh giá",
                paragraphs=(
                    "Mọi công dân, theo một trong bốn nhóm: người dân ở xã; người lao động; cán "
                    "bộ, công chức, viên chức và doanh nhân; học sinh, sinh viên, người học.",
                ),
            ),
            Section(
                "Ba năng lực, mười chỉ số",
                items=(
                    "Tự học và học tập suốt đời: đọc và cập nhật thông tin; kế hoạch học tập; "
                    "tham gia hoạt động văn hóa, học tập; động viên người thân cùng học.",
                    "Sử dụng công cụ tương tác: công nghệ thông tin; ngoại ngữ; vận dụng toán "
                    "học; tư duy phản biện.",
                    "Quan hệ xã hội: quan hệ thân thiện, tránh xung đột; hợp tác và chia sẻ.",
                ),
            ),
            Section(
                "Cách tính",
                paragraphs=(
                    "Mỗi chỉ số 10 điểm, tổng 100 điểm. Đạt danh hiệu khi tổng từ 80 điểm và "
                    "không chỉ số nào dưới 5 điểm. Số liệu tính từ 01/01 đến 31/12.",
                ),
            ),
        ),
    ),
    DemoMaterial(
        place=NATIONAL,
        title="Mục tiêu các danh hiệu học tập đến năm 2025 và 2030",
        description=(
            "Bài trình chiếu cho cán bộ: các chỉ tiêu của Quyết định 387/QĐ-TTg và 677/QĐ-TTg, "
            "dùng khi quán triệt cho cán bộ, hội viên."
        ),
        topic=Topic.LIFELONG_LEARNING,
        audience=Audience.OFFICIALS,
        format=MaterialFormat.SLIDES,
        licence=Licence.PUBLIC_DOCUMENT,
        author="Tóm tắt từ Quyết định 387/QĐ-TTg và 677/QĐ-TTg của Thủ tướng Chính phủ",
        file_name="muc-tieu-danh-hieu-hoc-tap-2025-2030.pdf",
        sections=(
            Section(
                "Quyết định 387/QĐ-TTg (25/3/2022)",
                table=(
                    ("Chỉ tiêu trên địa bàn xã", "2025", "2030"),
                    ("Gia đình học tập", "70%", "80%"),
                    ("Dòng họ học tập", "65%", "75%"),
                    ("Cộng đồng học tập (thôn, bản, tổ dân phố)", "65%", "75%"),
                    ("Đơn vị học tập", "80%", "90%"),
                ),
            ),
            Section(
                "Quyết định 677/QĐ-TTg (03/6/2022)",
                table=(
                    ("Chỉ tiêu “Công dân học tập”", "2025", "2030"),
                    ("Người lớn trong gia đình, dòng họ, cộng đồng học tập", "40%", "60%"),
                    ("Cán bộ, người lao động trong đơn vị học tập", "60%", "80%"),
                    ("Người đạt danh hiệu có kỹ năng số (thành thạo)", "70% (60%)", "90% (80%)"),
                ),
            ),
        ),
    ),
    DemoMaterial(
        place=NATIONAL,
        title="Trang tự đánh giá “Công dân học tập” của Hội Khuyến học Việt Nam",
        description=(
            "Trang congdanhoctap.vn: đăng nhập bằng số căn cước, chọn mẫu theo nhóm đối tượng "
            "và tự đánh giá trực tuyến."
        ),
        topic=Topic.LIFELONG_LEARNING,
        audience=Audience.EVERYONE,
        format=MaterialFormat.LINK,
        licence=Licence.LINKED,
        author="Hội Khuyến học Việt Nam",
        url=CONGDANHOCTAP,
    ),
    DemoMaterial(
        place=NATIONAL,
        title="Cổng Dịch vụ công quốc gia: hồ sơ công nhận “Cộng đồng học tập”, “Đơn vị học tập”",
        description=(
            "Nơi nộp trực tuyến hồ sơ đề nghị công nhận theo Thông tư 24/2023/TT-BGDĐT và "
            "25/2023/TT-BGDĐT."
        ),
        topic=Topic.LAW,
        audience=Audience.OFFICIALS,
        format=MaterialFormat.LINK,
        licence=Licence.LINKED,
        author="Văn phòng Chính phủ",
        url=DICHVUCONG,
    ),
    DemoMaterial(
        place=SON_LA,
        title="Sổ tay chi hội: đăng ký và bình xét “Gia đình học tập” ở bản",
        description=(
            "Các bước trong năm cho cán bộ khuyến học bản: nhận đăng ký, hướng dẫn tự đánh giá, "
            "chụp minh chứng, bình xét và gửi xã thẩm định."
        ),
        topic=Topic.LIFELONG_LEARNING,
        audience=Audience.OFFICIALS,
        format=MaterialFormat.DOCUMENT,
        licence=Licence.CC_BY_SA,
        author="Ban biên tập cổng thông tin tỉnh Sơn La (tài liệu demo)",
        file_name="so-tay-chi-hoi-gia-dinh-hoc-tap.pdf",
        sections=(
            Section(
                "Đầu năm",
                items=(
                    "Họp bản, giới thiệu danh hiệu và nhận đăng ký của các hộ.",
                    "Nhắc người lớn trong hộ đăng ký cả “Công dân học tập”.",
                ),
            ),
            Section(
                "Trong năm",
                items=(
                    "Hướng dẫn hộ tự đánh giá theo bộ tiêu chí; số liệu từ 01/01 đến 31/12.",
                    "Chụp minh chứng bằng điện thoại; phần mềm tự xóa vị trí GPS của ảnh.",
                ),
            ),
            Section(
                "Cuối năm",
                items=(
                    "Bình xét ở chi hội, lập biên bản.",
                    "Gửi xã thẩm định; hồ sơ bị trả lại thì bổ sung theo lý do ghi kèm.",
                    "Sau quyết định công nhận, mỗi hộ nhận giấy chứng nhận có mã QR.",
                ),
            ),
        ),
    ),
    DemoMaterial(
        place=SON_LA,
        title="Quà tặng cuộc sống: Hai chiếc giày",
        description=(
            "Một câu chuyện ngắn của chuyên mục “Quà tặng cuộc sống” (VTV), dùng trong giờ sinh "
            "hoạt về kỹ năng sống."
        ),
        topic=Topic.LIFE_SKILLS,
        audience=Audience.PUPILS,
        format=MaterialFormat.VIDEO,
        licence=Licence.LINKED,
        author="Đài Truyền hình Việt Nam (VTV)",
        url="https://vtv.vn/video/qua-tang-cuoc-song-hai-chiec-giay-191970.htm",
    ),
    DemoMaterial(
        place=NONG_CONG,
        title="Kỹ năng số cho người lớn: điện thoại an toàn và ứng dụng VNeID",
        description=(
            "Bài trình chiếu của lớp kỹ năng số tại Trung tâm học tập cộng đồng: khóa màn hình, "
            "giữ bí mật mã OTP, nhận biết cuộc gọi giả danh, cài ứng dụng định danh điện tử VNeID."
        ),
        topic=Topic.DIGITAL_SKILLS,
        audience=Audience.OLDER,
        format=MaterialFormat.SLIDES,
        licence=Licence.CC_BY,
        author="Trung tâm học tập cộng đồng xã Nông Cống (tài liệu demo)",
        file_name="ky-nang-so-cho-nguoi-lon.pdf",
        sections=(
            Section(
                "Giữ điện thoại an toàn",
                items=(
                    "Đặt mật khẩu hoặc vân tay để khóa màn hình.",
                    "Chỉ cài ứng dụng từ kho ứng dụng chính thức của điện thoại.",
                    "Cập nhật phần mềm khi điện thoại báo có bản mới.",
                ),
            ),
            Section(
                "Không bị lừa qua điện thoại",
                items=(
                    "Không đọc mã OTP cho bất kỳ ai, kể cả người xưng là công an, ngân hàng.",
                    "Cơ quan nhà nước không yêu cầu chuyển tiền qua điện thoại.",
                    "Nghi ngờ thì gọi lại số điện thoại chính thức hoặc hỏi người thân.",
                ),
            ),
            Section(
                "Ứng dụng VNeID",
                paragraphs=(
                    "VNeID là ứng dụng định danh điện tử của Bộ Công an. Cài từ kho ứng dụng, "
                    "đăng nhập bằng số căn cước; cán bộ công an xã hướng dẫn kích hoạt tài khoản.",
                ),
            ),
        ),
        at_centre=True,
    ),
    DemoMaterial(
        place=NONG_CONG,
        title="Cảnh báo thủ đoạn dùng công nghệ deepfake để lừa đảo",
        description=(
            "Phóng sự của VTV về lừa đảo bằng hình ảnh, giọng nói giả; xem cùng lớp kỹ năng số "
            "của Trung tâm học tập cộng đồng."
        ),
        topic=Topic.DIGITAL_SKILLS,
        audience=Audience.EVERYONE,
        format=MaterialFormat.VIDEO,
        licence=Licence.LINKED,
        author="Đài Truyền hình Việt Nam (VTV)",
        url="https://vtv.vn/video/canh-bao-thu-doan-su-dung-cong-nghe-deepfake-de-lua-dao-727508.htm",
        at_centre=True,
    ),
    DemoMaterial(
        place=NONG_CONG,
        title="Sổ ghi chép sản xuất của hộ nông dân",
        description=(
            "Mẫu sổ ghi công việc, vật tư, chi phí và thu hoạch theo mùa vụ, dùng trong lớp "
            "kỹ thuật trồng trọt, chăn nuôi của Trung tâm học tập cộng đồng."
        ),
        topic=Topic.AGRICULTURE,
        audience=Audience.FARMERS,
        format=MaterialFormat.DOCUMENT,
        licence=Licence.CC0,
        author="Trung tâm học tập cộng đồng xã Nông Cống (tài liệu demo)",
        file_name="so-ghi-chep-san-xuat.pdf",
        sections=(
            Section(
                "Vì sao nên ghi chép",
                paragraphs=(
                    "Ghi lại công việc và chi phí giúp biết vụ nào lãi, vụ nào lỗ, lần sau mua "
                    "vật tư đúng lượng, và có số liệu khi vay vốn hay tham gia hợp tác xã.",
                ),
            ),
            Section(
                "Mẫu ghi",
                table=(
                    ("Ngày", "Công việc", "Vật tư", "Chi phí (đồng)", "Ghi chú"),
                    ("", "", "", "", ""),
                    ("", "", "", "", ""),
                    ("", "", "", "", ""),
                ),
            ),
        ),
        at_centre=True,
    ),
]


# -- seeding ------------------------------------------------------------------------------------


@functools.cache
def _pdf(material: DemoMaterial) -> bytes:
    """The material's PDF (kept for the process: tests seed more than once)."""
    from hoctap.recognition.documents import render_pdf

    return render_pdf(
        "portal/demo/material.html",
        {
            "title": material.title,
            "author": material.author,
            "licence": LICENCE_WORDS.get(material.licence, ""),
            "slides": material.format == MaterialFormat.SLIDES,
            "sections": [
                {
                    "heading": section.heading,
                    "paragraphs": section.paragraphs,
                    "items": section.items,
                    "table": section.table,
                }
                for section in material.sections
            ],
        },
    )


def _editors(actor: Any, stdout: Any, units: dict[str, AdminUnit]) -> dict[str, Any]:
    """The editors of the units in the tree (created once), printed like the other accounts."""
    editors: dict[str, Any] = {NATIONAL: actor}
    stdout.write(f"Biên tập viên cổng thông tin (mật khẩu chung: {DEMO_PASSWORD}):")
    for place, (username, full_name) in EDITORS.items():
        unit = units.get(place)
        if unit is None:
            continue
        editor = User.objects.filter(username=username).first()
        if editor is None:
            editor = accounts_services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=Role.PORTAL_EDITOR,
                unit=unit,
            )
        editors[place] = editor
        stdout.write(
            f"  {username:<18} {Role(Role.PORTAL_EDITOR).label} · {unit.name} · {full_name}"
        )
    return editors


def _local(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """7:00 on that day, or now when that is later than now (nothing is dated ahead)."""
    return min(timezone.make_aware(datetime.datetime.combine(day, PUBLISH_HOUR)), now)


def _where(place: str, units: dict[str, AdminUnit]) -> str:
    return units[place].name if place in units else "toàn quốc"


def _exists(model: type[Article] | type[Material], unit: AdminUnit | None, title: str) -> bool:
    path = unit.path if unit is not None else ""
    return model.objects.filter(unit_path=path, title=normalize_text(title)).exists()


def _seed_article(
    item: DemoArticle,
    editor: Any,
    unit: AdminUnit | None,
    now: datetime.datetime,
    stdout: Any,
    where: str,
) -> bool:
    if _exists(Article, unit, item.title):
        return False
    article = services.article_save(
        editor,
        unit=unit,
        values={
            "kind": item.kind,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "document_number": item.document_number,
            "issued_on": item.issued_on,
            "issuer": item.issuer,
            "starts_on": item.starts_on,
            "ends_on": item.ends_on,
            "place": item.event_place,
        },
    )
    if item.state == DRAFT:
        state = "bản nháp, chưa công khai"
    elif item.state == SCHEDULED:
        at = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(now) + SCHEDULED_AFTER, PUBLISH_HOUR)
        )
        services.publish(editor, article, at=at, now=now)
        state = f"hẹn đăng lúc {timezone.localtime(at):%H:%M ngày %d/%m/%Y}"
    else:
        at = _local(item.published_on, now) if item.published_on else now
        services.publish(editor, article, now=at)
        state = f"đăng ngày {timezone.localtime(at):%d/%m/%Y}"
    stdout.write(f"  {KIND_WORDS[ArticleKind(item.kind)]}: {item.title} — {where}, {state}.")
    return True


def _seed_material(
    item: DemoMaterial,
    editor: Any,
    unit: AdminUnit | None,
    now: datetime.datetime,
    stdout: Any,
    where: str,
) -> bool:
    if _exists(Material, unit, item.title):
        return False
    centre = (
        LearningCentre.objects.filter(commune=unit).first()
        if item.at_centre and unit is not None
        else None
    )
    material = services.material_save(
        editor,
        unit=unit,
        values={
            "title": item.title,
            "description": item.description,
            "topic": item.topic,
            "audience": item.audience,
            "format": item.format,
            "url": item.url,
            "licence": item.licence,
            "author": item.author,
            "centre": centre,
        },
        file=ContentFile(_pdf(item), name=item.file_name) if item.file_name else None,
    )
    services.publish(editor, material, now=now)
    offered = f"; {centre.name} dạy theo học liệu này" if centre is not None else ""
    stdout.write(
        f"  Học liệu: {item.title} — {where}, {FORMAT_WORDS[MaterialFormat(item.format)]}{offered}."
    )
    return True


def seed(
    *,
    actor: Any,
    stdout: Any,
    van_hoa_now: AdminUnit | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Create the portal's editors and demo content (what is missing), printing each thing."""
    now = now or timezone.now()
    units: dict[str, AdminUnit] = {}
    son_la = AdminUnit.objects.current().filter(key=SON_LA_KEY).first()
    if son_la is not None:
        units[SON_LA] = son_la
    if van_hoa_now is not None:
        units[NONG_CONG] = van_hoa_now
    stdout.write("")
    editors = _editors(actor, stdout, units)
    stdout.write("Cổng thông tin học tập suốt đời:")
    articles: Sequence[DemoArticle] = [
        *LEGAL,
        *GUIDANCE,
        *events(timezone.localdate(now).year),
        *NEWS,
    ]
    created = skipped = 0
    for article in articles:
        if article.place not in editors:
            skipped += 1
            continue
        created += _seed_article(
            article,
            editors[article.place],
            units.get(article.place),
            now,
            stdout,
            _where(article.place, units),
        )
    for material in MATERIALS:
        if material.place not in editors:
            skipped += 1
            continue
        created += _seed_material(
            material,
            editors[material.place],
            units.get(material.place),
            now,
            stdout,
            _where(material.place, units),
        )
    if skipped:
        stdout.write(f"  Bỏ qua {skipped} bài, học liệu của đơn vị không có trong cây đơn vị.")
    if not created:
        stdout.write("  Đã có đủ nội dung demo, không thêm gì.")
