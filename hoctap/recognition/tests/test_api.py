"""The recognition API over real HTTP with bearer tokens: issue a decision, read it and its
documents, carry a certificate as an Open Badges credential, revoke it, and verify it publicly;
the role × scope matrix of every endpoint; every refusal leaves the database as it was."""

from __future__ import annotations

import datetime
import io
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.api.tests.http import Response
from hoctap.assessments.models import Assessment, State, Title, Transition
from hoctap.assessments.tests.factories import AssessmentFactory, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.recognition import badges, services, signing
from hoctap.recognition.models import Certificate, Decision, DecisionKind, SerialCounter
from hoctap.recognition.tests.factories import (
    ISSUED_ON,
    TITLE,
    YEAR,
    draft,
    proposed_families,
)
from hoctap.registry.models import Person
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, media_type, token_for
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

HOLDER = "Lò Thị Hương"
CCCD = "014180001234"
BIRTH_DATE = datetime.date(1980, 5, 17)
PHONE = "0912345678"
REASON = "Hồ sơ khai không đúng sự thật"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Verification counts requests per address in the cache; each test starts from zero."""
    cache.clear()


def vietnamese(message: str) -> str:
    """What the server (Vietnamese by default) answers for a message."""
    with translation.override("vi"):
        return gettext(message)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class World:
    tree: Tree
    people: People
    base_url: str
    _tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None) -> ApiClient:
        """An API client signed in as `people.<who>` (anonymous when None)."""
        if who is None:
            return ApiClient(self.base_url)
        if who not in self._tokens:
            user: User = getattr(self.people, who)
            self._tokens[who] = token_for(user)
        return ApiClient(self.base_url, self._tokens[who])


@pytest.fixture
def world(tree: Tree, people: People, live_server: Any) -> World:
    return World(tree=tree, people=people, base_url=live_server.url)


def proposed_citizen(
    hamlet: AdminUnit, name: str = HOLDER, cccd: str | None = CCCD, **kwargs: Any
) -> Assessment:
    """A learning-citizen assessment, proposed, of a person with a CCCD, birth date and phone."""
    person: Person = PersonFactory.create(
        household=HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent),
        full_name=name,
        cccd=cccd,
        birth_date=BIRTH_DATE,
        phone=PHONE,
    )
    kwargs.setdefault("state", State.PROPOSED)
    return make_assessment(
        person=person,
        household=None,
        title=Title.LEARNING_CITIZEN,
        passed=True,
        total=Decimal("88.00"),
        **kwargs,
    )


def decision_body(
    authority: AdminUnit,
    assessments: list[Assessment],
    *,
    number: int = 15,
    title: str = TITLE,
    year: int = YEAR,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "authority": authority.key,
        "title": title,
        "year": year,
        "assessment_ids": [assessment.pk for assessment in assessments],
        "number": number,
        "issued_on": ISSUED_ON.isoformat(),
        "signer_name": "Lò Văn Pọm",
        **extra,
    }


def revocation_body(number: int = 30, reason: str = REASON, **extra: Any) -> dict[str, Any]:
    return {
        "reason": reason,
        "number": number,
        "issued_on": ISSUED_ON.isoformat(),
        "signer_name": "Lò Văn Pọm",
        **extra,
    }


def issue(world: World, authority: AdminUnit, assessments: list[Assessment], **kw: Any) -> Any:
    """Issue through the API as the official who may recognise there; the decision's JSON."""
    who = kw.pop("who", "commune_official")
    response = world.client(who).post("/decisions", decision_body(authority, assessments, **kw))
    assert response.status == 201, response.body
    return response.json()


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    assert media_type(response) == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def ledger() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Decision.objects.order_by("pk").values_list("pk", "number", "kind")),
        list(
            Certificate.objects.order_by("pk").values_list(
                "pk", "serial", "revoked_by_id", "revoked_reason"
            )
        ),
        list(Assessment.objects.order_by("pk").values_list("pk", "state", "version")),
        Transition.objects.count(),
        list(SerialCounter.objects.order_by("pk").values_list("authority_id", "year", "last")),
        # the business events only: signing in with a fresh API token is audited too
        AuditEvent.objects.filter(
            Q(action__startswith="recognition.") | Q(action__startswith="assessment.")
        ).count(),
    )


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return nfc("\n".join(parts))


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return nfc("\n".join(page.extract_text() or "" for page in reader.pages))


def personal_data_in(text: str) -> list[str]:
    """The holder's CCCD, birth date (as ISO or dd/mm/yyyy) or phone, where the text shows any."""
    forms = [CCCD, PHONE, BIRTH_DATE.isoformat(), f"{BIRTH_DATE:%d/%m/%Y}"]
    return [form for form in forms if form in text]


# -- the whole way --------------------------------------------------------------------------


def test_issue_read_documents_credential_revoke_and_verify(world: World) -> None:
    # given two proposed learning citizens of Bản Hày
    holder = proposed_citizen(world.tree.hamlet)
    neighbour = proposed_citizen(world.tree.hamlet, "Cầm Văn Thắng", cccd=None)
    client = world.client("commune_official")
    seen: list[str] = []  # every JSON answer, to look for personal data at the end

    # when the commune official issues the decision
    response = client.post(
        "/decisions",
        decision_body(
            world.tree.commune,
            [holder, neighbour],
            title=Title.LEARNING_CITIZEN,
            legal_bases=["Căn cứ Luật Tổ chức chính quyền địa phương;"],
            recipients=["Như Điều 3;", "Lưu: VT."],
        ),
    )

    # then it is created with a certificate for each, serials without gaps
    assert response.status == 201, response.body
    seen.append(response.body.decode())
    decision = response.json()
    assert decision["reference"] == "15/QĐ-UBND"
    assert decision["kind"] == DecisionKind.RECOGNITION
    assert decision["authority"] == world.tree.commune.key
    assert decision["issuing_body"] == "ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN"
    assert decision["legal_bases"] == ["Căn cứ Luật Tổ chức chính quyền địa phương;"]
    assert decision["recipients"] == ["Như Điều 3;", "Lưu: VT."]
    assert decision["certificate_count"] == 2
    serials = [certificate["serial"] for certificate in decision["certificates"]]
    code = world.tree.commune.code
    assert sorted(serials) == [f"{code}-{ISSUED_ON.year}-{n:06d}" for n in (1, 2)]
    first = next(c for c in decision["certificates"] if c["holder_name"] == HOLDER)
    assert first["holder_place"] == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
    assert first["is_revoked"] is False
    for assessment in (holder, neighbour):
        assessment.refresh_from_db()
        assert assessment.state == State.RECOGNISED

    # and it reads back, alone and in the list
    detail = client.get(f"/decisions/{decision['id']}")
    assert detail.status == 200
    seen.append(detail.body.decode())
    assert detail.json() == decision
    listed = client.get("/decisions").json()
    assert [item["id"] for item in listed["items"]] == [decision["id"]]
    certificate = client.get(f"/certificates/{first['serial']}")
    assert certificate.status == 200
    seen.append(certificate.body.decode())
    assert certificate.json() == first

    # the documents open and name the holder
    word = client.get(f"/decisions/{decision['id']}/document.docx")
    assert word.status == 200, word.body[:500]
    assert media_type(word).endswith("wordprocessingml.document")
    assert "attachment" in word.headers["Content-Disposition"]
    assert HOLDER in docx_text(word.body)
    printed = client.get(f"/decisions/{decision['id']}/document.pdf")
    assert printed.status == 200, printed.body[:500]
    assert media_type(printed) == "application/pdf"
    assert HOLDER in pdf_text(printed.body)
    page = client.get(f"/certificates/{first['serial']}/certificate.pdf")
    assert page.status == 200, page.body[:500]
    assert media_type(page) == "application/pdf"
    page_text = pdf_text(page.body)
    assert HOLDER in page_text
    assert personal_data_in(page_text) == []

    # the credential verifies with the published key, and a changed name breaks it
    answer = client.get(f"/certificates/{first['serial']}/credential")
    assert answer.status == 200
    assert media_type(answer) == "application/ld+json"
    seen.append(answer.body.decode())
    credential = answer.json()
    assert credential["credentialSubject"]["name"] == HOLDER
    assert badges.verify_credential(credential)
    credential["credentialSubject"]["name"] = "Người khác"
    assert not badges.verify_credential(credential)

    # the QR's address verifies publicly
    token = first["verify_url"].split("?c=", 1)[1]
    public = world.client(None)
    valid = public.get(f"/verify/{first['serial']}", c=token)
    assert valid.status == 200
    seen.append(valid.body.decode())
    assert valid.json()["status"] == "valid"
    assert valid.json()["holder"] == HOLDER

    # when the certificate is revoked
    revoked = client.post(f"/certificates/{first['serial']}/revoke", revocation_body())

    # then the answer is the revocation decision, and verification says revoked at once
    assert revoked.status == 201, revoked.body
    revocation = revoked.json()
    assert revocation["kind"] == DecisionKind.REVOCATION
    assert revocation["reference"] == "30/QĐ-UBND"
    assert revocation["reason"] == REASON
    assert [c["serial"] for c in revocation["certificates"]] == [first["serial"]]
    assert revocation["certificates"][0]["is_revoked"] is True
    assert revocation["certificate_count"] == 1
    revocation_word = client.get(f"/decisions/{revocation['id']}/document.docx")
    assert revocation_word.status == 200
    assert HOLDER in docx_text(revocation_word.body)
    assert 'filename="quyet-dinh-30-' in revocation_word.headers["Content-Disposition"]
    check = public.get(f"/verify/{first['serial']}", c=token)
    assert check.status == 200
    assert check.headers["Cache-Control"] == "no-store"
    seen.append(check.body.decode())
    facts = check.json()
    assert facts["status"] == "revoked"
    assert facts["revoked_reason"] == REASON
    assert facts["revoked_by"] == "30/QĐ-UBND"
    assert facts["revoked_on"] == ISSUED_ON.isoformat()
    # the other certificate is still in force
    other = next(c for c in decision["certificates"] if c["serial"] != first["serial"])
    assert public.get(f"/verify/{other['serial']}").json()["status"] == "valid"
    holder.refresh_from_db()
    assert holder.state == State.REVOKED

    # and no answer carried the holder's CCCD, birth date or phone
    for body in seen:
        assert personal_data_in(body) == [], body


def test_a_province_decision_over_a_commune_community_is_seen_by_the_commune(
    world: World,
) -> None:
    # given a commune proposed as a learning community, which the province recognises
    assessment = AssessmentFactory.create(
        unit=world.tree.commune,
        household=None,
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        state=State.PROPOSED,
        passed=True,
    )
    # the commune's own official cannot issue in the province's name
    before = ledger()
    body = decision_body(
        world.tree.province, [assessment], title=Title.LEARNING_COMMUNITY_COMMUNE, number=3
    )
    assert_problem(world.client("commune_official").post("/decisions", body), 404)
    assert ledger() == before
    # when the province issues it
    decision = issue(
        world,
        world.tree.province,
        [assessment],
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        number=3,
        who="province_official",
    )
    # then the commune official sees the decision and its certificate, the other commune neither
    assert decision["issuing_body"] == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    serial = decision["certificates"][0]["serial"]
    assert serial.startswith(f"{world.tree.province.code}-")
    commune = world.client("commune_official")
    assert commune.get(f"/decisions/{decision['id']}").status == 200
    assert commune.get(f"/certificates/{serial}").status == 200
    other = world.client("other_commune_official")
    assert_problem(other.get(f"/decisions/{decision['id']}"), 404)
    assert_problem(other.get(f"/certificates/{serial}"), 404)


# -- anonymous ------------------------------------------------------------------------------

PRIVATE_ENDPOINTS: list[tuple[str, str]] = [
    ("GET", "/decisions"),
    ("POST", "/decisions"),
    ("GET", "/decisions/{id}"),
    ("GET", "/decisions/{id}/document.docx"),
    ("GET", "/decisions/{id}/document.pdf"),
    ("GET", "/certificates"),
    ("GET", "/certificates/{serial}"),
    ("GET", "/certificates/{serial}/certificate.pdf"),
    ("GET", "/certificates/{serial}/credential"),
    ("POST", "/certificates/{serial}/revoke"),
]


@pytest.mark.parametrize(("method", "path"), PRIVATE_ENDPOINTS)
def test_anonymous_caller_gets_401_problem_and_nothing_changes(
    world: World, method: str, path: str
) -> None:
    # given an issued decision and one more proposed family
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 1))
    waiting = proposed_families(world.tree.hamlet, 1)
    serial = decision["certificates"][0]["serial"]
    before = ledger()
    body: dict[str, Any] | None = None
    if path == "/decisions":
        body = decision_body(world.tree.commune, waiting, number=16)
    elif path.endswith("/revoke"):
        body = revocation_body()
    # when
    response = world.client(None).call(
        method,
        path.format(id=decision["id"], serial=serial),
        json_body=body if method == "POST" else None,
    )
    # then
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ledger() == before


# -- reads: the scope matrix ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("admin", {"commune", "other_commune"}),
        ("province_official", {"commune", "other_commune"}),
        ("commune_official", {"commune"}),
        ("collector", {"commune"}),  # through the certificates of the collector's hamlet
        ("other_commune_official", {"other_commune"}),
        ("other_province_official", set()),
        ("citizen", set()),
    ],
)
def test_reads_follow_the_callers_scope(world: World, who: str, visible: set[str]) -> None:
    # given a decision of Mường Giôn (a family of each hamlet) and one of Tô Hiệu
    tree = world.tree
    families = proposed_families(tree.hamlet, 1) + proposed_families(tree.other_hamlet, 1)
    decisions = {
        "commune": issue(world, tree.commune, families),
        "other_commune": issue(
            world,
            tree.other_commune,
            proposed_families(tree.other_commune_hamlet, 1),
            who="other_commune_official",
        ),
    }
    visible_serials = {
        certificate.serial
        for certificate in Certificate.objects.visible_to(getattr(world.people, who))
    }
    client = world.client(who)
    # when the caller lists decisions and certificates
    listed = client.get("/decisions").json()
    certificates = client.get("/certificates").json()
    # then only those in scope are listed, and the others answer 404 like missing ones
    assert {item["id"] for item in listed["items"]} == {decisions[p]["id"] for p in visible}
    assert listed["count"] == len(visible)
    assert {item["serial"] for item in certificates["items"]} == visible_serials
    for place, decision in decisions.items():
        paths = [
            f"/decisions/{decision['id']}",
            f"/decisions/{decision['id']}/document.docx",
            f"/decisions/{decision['id']}/document.pdf",
        ]
        for path in paths:
            response = client.get(path)
            if place in visible:
                assert response.status == 200, (path, response.body[:300])
            else:
                assert_problem(response, 404)
        if place in visible:
            shown = {c["serial"] for c in client.get(paths[0]).json()["certificates"]}
            # a decision's annex shows only the certificates the caller may open
            assert shown == {c["serial"] for c in decision["certificates"]} & visible_serials
        for certificate in decision["certificates"]:
            serial = certificate["serial"]
            for path in (
                f"/certificates/{serial}",
                f"/certificates/{serial}/certificate.pdf",
                f"/certificates/{serial}/credential",
            ):
                response = client.get(path)
                if serial in visible_serials:
                    assert response.status == 200, (path, response.body[:300])
                else:
                    assert_problem(response, 404)
    if who == "collector":
        # the hamlet's certificate only, not Bản Cọ's
        assert len(visible_serials) == 1


def test_lists_filter_by_title_year_kind_commune_and_revocation(world: World) -> None:
    tree = world.tree
    families = issue(world, tree.commune, proposed_families(tree.hamlet, 2))
    citizens = issue(
        world,
        tree.commune,
        [proposed_citizen(tree.hamlet)],
        title=Title.LEARNING_CITIZEN,
        number=16,
    )
    last_year = issue(
        world,
        tree.commune,
        proposed_families(tree.other_hamlet, 1, year=YEAR - 1),
        year=YEAR - 1,
        number=17,
    )
    issue(
        world,
        tree.other_commune,
        proposed_families(tree.other_commune_hamlet, 1),
        who="other_commune_official",
    )
    revoked_serial = families["certificates"][0]["serial"]
    client = world.client("commune_official")
    revocation = client.post(f"/certificates/{revoked_serial}/revoke", revocation_body()).json()
    province = world.client("province_official")

    def decision_ids(**query: Any) -> set[int]:
        response = client.get("/decisions", **query)
        assert response.status == 200, response.body
        return {item["id"] for item in response.json()["items"]}

    def serials(caller: ApiClient = client, **query: Any) -> set[str]:
        response = caller.get("/certificates", **query)
        assert response.status == 200, response.body
        return {item["serial"] for item in response.json()["items"]}

    assert decision_ids(title=Title.LEARNING_CITIZEN) == {citizens["id"]}
    assert decision_ids(year=YEAR - 1) == {last_year["id"]}
    assert decision_ids(kind=DecisionKind.REVOCATION) == {revocation["id"]}
    assert decision_ids(title=TITLE, year=YEAR, kind=DecisionKind.RECOGNITION) == {families["id"]}
    assert serials(title=Title.LEARNING_CITIZEN) == {citizens["certificates"][0]["serial"]}
    assert serials(year=YEAR - 1) == {last_year["certificates"][0]["serial"]}
    assert serials(revoked=True) == {revoked_serial}
    assert revoked_serial not in serials(revoked=False)
    assert len(serials(revoked=False)) == 3
    # the province sees both communes; a commune filter narrows to one
    assert len(serials(province)) == 5
    assert len(serials(province, commune=tree.commune.key)) == 4
    # a commune outside the caller's area is not found, like a missing one
    assert_problem(client.get("/certificates", commune=tree.other_commune.key), 404)


# -- issuing: the scope matrix --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune_official", 201),
        ("province_official", 403),  # sees the commune; a family is recognised by the commune
        ("admin", 403),  # sees everything; takes part only where a rule lists the role
        ("collector", 404),
        ("citizen", 404),
        ("other_commune_official", 404),
        ("other_province_official", 404),
    ],
)
def test_issue_scope_matrix(world: World, who: str, status: int) -> None:
    chosen = proposed_families(world.tree.hamlet, 2)
    before = ledger()
    response = world.client(who).post("/decisions", decision_body(world.tree.commune, chosen))
    if status == 201:
        assert response.status == 201, response.body
        assert len(response.json()["certificates"]) == 2
        assert Certificate.objects.count() == 2
    else:
        assert_problem(response, status)
        assert ledger() == before


# -- issuing: refused input, nothing saved --------------------------------------------------


def test_an_empty_decision_is_refused(world: World) -> None:
    before = ledger()
    response = world.client("commune_official").post(
        "/decisions", decision_body(world.tree.commune, [])
    )
    body = assert_problem(response, 422)
    assert body["detail"] == vietnamese("Choose at least one assessment to recognise.")
    assert ledger() == before


@pytest.mark.parametrize("case", ["not_proposed", "another_title", "another_year", "elsewhere"])
def test_a_wrong_assessment_is_refused_by_id_and_nothing_is_saved(world: World, case: str) -> None:
    # given two good assessments and one wrong one
    tree = world.tree
    good = proposed_families(tree.hamlet, 2)
    wrong = {
        "not_proposed": lambda: AssessmentFactory.create(
            household=HouseholdFactory.create(hamlet=tree.hamlet, commune=tree.commune),
            state=State.APPRAISED,
            passed=True,
        ),
        "another_title": lambda: proposed_citizen(tree.hamlet),
        "another_year": lambda: proposed_families(tree.hamlet, 1, year=YEAR - 1)[0],
        "elsewhere": lambda: proposed_families(tree.other_commune_hamlet, 1)[0],
    }[case]()
    before = ledger()
    # when
    response = world.client("commune_official").post(
        "/decisions", decision_body(tree.commune, [*good, wrong])
    )
    # then only the wrong one is listed, with its reason, and nothing changed
    body = assert_problem(response, 422)
    assert [refusal["id"] for refusal in body["refusals"]] == [wrong.pk]
    assert body["refusals"][0]["reason"]
    assert body["detail"]
    assert ledger() == before


def test_an_assessment_outside_the_authority_is_refused_with_the_reason(world: World) -> None:
    # an official of two communes sees both, but Tô Hiệu's family is not Mường Giôn's to recognise
    tree = world.tree
    official = user_with_role(Role.COMMUNE_OFFICIAL, tree.commune, "haixa")
    RoleAssignment.objects.create(
        user=official, role=Role.COMMUNE_OFFICIAL, unit=tree.other_commune
    )
    inside = proposed_families(tree.hamlet, 1)[0]
    outside = proposed_families(tree.other_commune_hamlet, 1)[0]
    client = ApiClient(world.base_url, token_for(official))
    before = ledger()
    response = client.post("/decisions", decision_body(tree.commune, [inside, outside]))
    body = assert_problem(response, 422)
    with translation.override("vi"):
        expected = gettext("It lies outside the area of %(authority)s.") % {
            "authority": tree.commune.name
        }
    assert body["refusals"] == [{"id": outside.pk, "reason": expected}]
    assert ledger() == before


def test_an_assessment_already_recognised_is_refused(world: World) -> None:
    chosen = proposed_families(world.tree.hamlet, 2)
    issue(world, world.tree.commune, chosen[:1])
    before = ledger()
    response = world.client("commune_official").post(
        "/decisions", decision_body(world.tree.commune, chosen, number=16)
    )
    body = assert_problem(response, 422)
    assert body["refusals"] == [
        {"id": chosen[0].pk, "reason": vietnamese("It has already been recognised.")}
    ]
    assert ledger() == before


def test_a_duplicate_decision_number_is_refused_with_422(world: World) -> None:
    chosen = proposed_families(world.tree.hamlet, 2)
    issue(world, world.tree.commune, chosen[:1], number=15)
    before = ledger()
    response = world.client("commune_official").post(
        "/decisions", decision_body(world.tree.commune, chosen[1:], number=15)
    )
    body = assert_problem(response, 422)
    assert "15/QĐ-UBND" in body["detail"]
    assert ledger() == before


@pytest.mark.parametrize(
    "change",
    [
        {"signer_name": None},
        {"signer_name": "  "},
        {"number": 0},
        {"title": "nonsense"},
        {"issued_on": "2020-01-01"},
        {"assessment_ids": "1,2"},
    ],
)
def test_malformed_input_is_refused_with_422(world: World, change: dict[str, Any]) -> None:
    chosen = proposed_families(world.tree.hamlet, 1)
    body = {**decision_body(world.tree.commune, chosen), **change}
    body = {key: value for key, value in body.items() if value is not None}
    before = ledger()
    assert_problem(world.client("commune_official").post("/decisions", body), 422)
    assert ledger() == before


def test_an_unknown_authority_is_not_found(world: World) -> None:
    chosen = proposed_families(world.tree.hamlet, 1)
    body = {**decision_body(world.tree.commune, chosen), "authority": "99999"}
    before = ledger()
    assert_problem(world.client("commune_official").post("/decisions", body), 404)
    assert ledger() == before


# -- revoking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune_official", 201),
        ("province_official", 403),
        ("admin", 403),
        ("collector", 403),  # sees the certificate of the hamlet, may not revoke
        ("citizen", 404),
        ("other_commune_official", 404),
        ("other_province_official", 404),
    ],
)
def test_revoke_scope_matrix(world: World, who: str, status: int) -> None:
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 1))
    serial = decision["certificates"][0]["serial"]
    before = ledger()
    response = world.client(who).post(f"/certificates/{serial}/revoke", revocation_body())
    if status == 201:
        assert response.status == 201, response.body
        assert Certificate.objects.get(serial=serial).is_revoked
    else:
        assert_problem(response, status)
        assert ledger() == before
        assert not Certificate.objects.get(serial=serial).is_revoked


def test_revoking_twice_gives_409_and_changes_nothing(world: World) -> None:
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 1))
    serial = decision["certificates"][0]["serial"]
    client = world.client("commune_official")
    assert client.post(f"/certificates/{serial}/revoke", revocation_body(30)).status == 201
    before = ledger()
    body = assert_problem(
        client.post(f"/certificates/{serial}/revoke", revocation_body(31, "lần nữa")), 409
    )
    assert serial in body["detail"]
    assert "30/QĐ-UBND" in body["detail"]
    assert f"{ISSUED_ON:%d/%m/%Y}" in body["detail"]
    assert ledger() == before


@pytest.mark.parametrize(
    "change",
    [
        {"reason": "   "},
        {"reason": None},
        {"number": 15},  # the recognition decision's own number
        {"issued_on": "2020-01-01"},
    ],
)
def test_a_bad_revocation_is_refused_with_422(world: World, change: dict[str, Any]) -> None:
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 1))
    serial = decision["certificates"][0]["serial"]
    body = {**revocation_body(), **change}
    body = {key: value for key, value in body.items() if value is not None}
    before = ledger()
    response = world.client("commune_official").post(f"/certificates/{serial}/revoke", body)
    assert_problem(response, 422)
    assert ledger() == before


# -- public verification --------------------------------------------------------------------


def test_verify_needs_no_sign_in_and_shows_only_the_certificate(world: World) -> None:
    decision = issue(
        world,
        world.tree.commune,
        [proposed_citizen(world.tree.hamlet)],
        title=Title.LEARNING_CITIZEN,
    )
    serial = decision["certificates"][0]["serial"]
    # lower case and spaces are forgiven, as people type serials
    response = world.client(None).get(f"/verify/{serial.lower()}")
    assert response.status == 200
    facts = response.json()
    assert facts["status"] == "valid"
    assert facts["serial"] == serial
    assert facts["holder"] == HOLDER
    assert facts["place"] == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
    assert facts["title"] == Title.LEARNING_CITIZEN
    assert facts["year"] == YEAR
    assert facts["decision"] == "15/QĐ-UBND"
    assert facts["issuer"] == "ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN"
    assert facts["revoked_on"] is None
    assert personal_data_in(response.body.decode()) == []


def test_verify_an_unknown_serial_answers_200_unknown(world: World) -> None:
    response = world.client(None).get("/verify/03694-2026-999999")
    assert response.status == 200
    facts = response.json()
    assert facts["status"] == "unknown"
    assert facts["serial"] == "03694-2026-999999"
    assert facts["holder"] is None


def test_verify_a_tampered_or_borrowed_token_answers_invalid(world: World) -> None:
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 2))
    first, second = (Certificate.objects.get(serial=c["serial"]) for c in decision["certificates"])
    token = signing.token_of(first)
    payload_part, signature_part = token.split(".")
    public = world.client(None)
    assert public.get(f"/verify/{first.serial}", c=token).json()["status"] == "valid"
    # one changed fact in the payload, the signature kept
    payload = json.loads(signing.b64url_decode(payload_part))
    payload["h"] = "Người khác"
    forged = f"{signing.b64url_encode(signing.canonical_json(payload))}.{signature_part}"
    answer = public.get(f"/verify/{first.serial}", c=forged).json()
    assert (answer["status"], answer["reason"]) == ("invalid", "bad_signature")
    assert answer["holder"] is None
    # one byte of the signature changed
    flipped = signature_part[:-2] + ("A" if signature_part[-2] != "A" else "B") + signature_part[-1]
    answer = public.get(f"/verify/{first.serial}", c=f"{payload_part}.{flipped}").json()
    assert answer["status"] == "invalid"
    # garbage
    assert public.get(f"/verify/{first.serial}", c="not-a-token").json()["status"] == "invalid"
    # a genuine token of another certificate pasted onto this serial
    borrowed = public.get(f"/verify/{first.serial}", c=signing.token_of(second)).json()
    assert (borrowed["status"], borrowed["reason"]) == ("invalid", "mismatch")


def test_verify_is_rate_limited_per_address(world: World, settings: Any) -> None:
    settings.HOCTAP_VERIFY_RATE_PER_MINUTE = 3
    cache.clear()
    public = world.client(None)
    for _ in range(3):
        assert public.get("/verify/03694-2026-000001").status == 200
    response = public.get("/verify/03694-2026-000001")
    body = assert_problem(response, 429)
    assert body["title"] == vietnamese("Too many checks from your address. Try again in a minute.")
    assert response.headers["Retry-After"] == "60"
    # the key stays readable
    assert public.get("/verify/key").status == 200


def test_the_public_key_checks_a_qr_token_offline(world: World) -> None:
    decision = issue(world, world.tree.commune, proposed_families(world.tree.hamlet, 1))
    certificate = Certificate.objects.get(serial=decision["certificates"][0]["serial"])
    response = world.client(None).get("/verify/key")
    assert response.status == 200
    key_info = response.json()
    assert key_info["key_id"] == certificate.key_id
    assert key_info["algorithm"] == "Ed25519"
    assert key_info["jwk"]["kid"] == certificate.key_id
    assert key_info["did"].startswith("did:key:z6Mk")
    key = serialization.load_pem_public_key(key_info["pem"].encode())
    assert isinstance(key, Ed25519PublicKey)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert signing.b64url_decode(key_info["jwk"]["x"]) == raw
    # what a phone app does with the QR: split, decode, verify with the published key
    payload_part, signature_part = signing.token_of(certificate).split(".")
    key.verify(signing.b64url_decode(signature_part), signing.b64url_decode(payload_part))
    assert json.loads(signing.b64url_decode(payload_part))["s"] == certificate.serial


# -- query budget ---------------------------------------------------------------------------


def test_lists_and_detail_cost_the_same_queries_for_one_row_or_many(
    tree: Tree, people: People, client: Client
) -> None:
    # the session of a signed-in browser; queries counted in this process
    client.force_login(people.commune_official)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1{path}")
        assert response.status_code == 200, response.content
        return len(captured)

    def issue_families(count: int, number: int) -> Decision:
        return services.decision_issue(
            actor=people.commune_official,
            authority=tree.commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=[a.pk for a in proposed_families(tree.hamlet, count)],
            draft=draft(number),
        )

    first = issue_families(1, 15)
    few = (queries("/certificates"), queries("/decisions"), queries(f"/decisions/{first.pk}"))
    many = issue_families(6, 16)
    issue_families(2, 17)
    assert (
        queries("/certificates"),
        queries("/decisions"),
        queries(f"/decisions/{many.pk}"),
    ) == few
