"""Case records (办件) submitted through a portal: submission and look-up.

A submission starts the process its service item code (事项编码) is mapped to, with the new
case number (办件编号) as business key, and returns a query password of which only a hash is
kept. Resending it with the same ``Idempotency-Key`` returns the same case
(``workflows.persistence.idempotency``, as for a staff start).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from workflows.clock import BUREAU_TZ, format_moment
from workflows.engine import runtime
from workflows.engine.forms import validate_form_data
from workflows.engine.services import next_sequence_value
from workflows.errors import FieldError, InvalidInput, NotFound
from workflows.instances import create_instance
from workflows.persistence import idempotency
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Form, PortalCase, ProcessInstance
from workflows.portal.clients import client_of, service_item
from workflows.portal.views import CaseView, case_view
from workflows.registries.form_references import check_registry_references
from workflows.registries.restrictions import admit_application

_PASSWORD_ITERATIONS = 100_000


@dataclass
class Submission:
    case: CaseView
    query_password: str | None
    created: bool


def submit_application(config, actor, record: dict, idempotency_key: str | None = None) -> Submission:
    """Register the case record and start its process, in one transaction."""
    fingerprint = idempotency.request_hash(record)
    with UnitOfWork(config.sessions) as uow:
        client = client_of(uow, actor)
        if idempotency_key:
            replayed = idempotency.replayed_instance(uow, actor, idempotency_key, fingerprint, "submission")
            if replayed is not None:
                case = uow.session.scalar(select(PortalCase).where(PortalCase.instance_id == replayed))
                return Submission(case_view(uow, case, config.clock.now()), None, False)
        item = service_item(uow, record["item_code"])
        definition = runtime.latest_definition(uow, item.process_key)
        if definition is None:
            raise NotFound(f"the process '{item.process_key}' of item {item.code} is not deployed")
        variables = start_variables(record)
        if definition.start_form:
            _validate_start(uow.session, uow.session.get(Form, definition.start_form).schema, variables)
        now = config.clock.now()
        password = _new_password()
        case = _new_case(config, uow, client, record, now, password)
        variables["case_no"] = case.case_no
        variables["received_at"] = format_moment(case.received_at)
        admit_application(config, uow, actor, definition, variables, case.case_no, "/item_data")
        row = create_instance(config, uow, actor, definition, case.case_no, variables)
        if idempotency_key:
            idempotency.remember(uow, actor, idempotency_key, fingerprint, row.id, now)
        uow.commit()
        return Submission(case_view(uow, case, now), password, True)


def start_variables(record: dict) -> dict:
    """The process variables of a case record: the item data, the applicant, the materials."""
    applicant = record["applicant"]
    variables = dict(record.get("item_data") or {})
    variables["applicant"] = {"name": applicant["name"]}
    if applicant.get("id_type") == "uscc":
        variables["applicant"]["credit_code"] = applicant.get("id_number")
    variables["materials"] = record.get("materials") or []
    variables["channel"] = record.get("channel")
    return variables


def _validate_start(session, schema: dict, variables: dict) -> None:
    """The start form's checks, with pointers into the submitted case record."""
    try:
        validate_form_data(schema, variables)
        check_registry_references(session, schema, variables)
    except InvalidInput as exc:
        errors = [FieldError(_record_pointer(e.pointer), e.message) for e in exc.errors]
        fields = ", ".join(e.pointer for e in errors)
        raise InvalidInput(f"The case record is invalid: {fields}", errors) from exc


def _record_pointer(pointer: str) -> str:
    if pointer.startswith("/applicant/credit_code"):
        return "/applicant/id_number"
    if pointer.startswith(("/applicant", "/materials", "/channel")):
        return pointer
    return "/item_data" + pointer


def _new_case(config, uow, client, record, now, password) -> PortalCase:
    case = PortalCase(
        case_no=_next_case_no(config, uow, now),
        client_id=client.id,
        item_code=record["item_code"],
        item_version=record["item_version"],
        applicant=record["applicant"],
        agent=record.get("agent"),
        channel=record["channel"],
        received_at=record.get("received_at") or now,
        materials=record.get("materials") or [],
        item_data=record.get("item_data") or {},
        query_password_hash=hash_password(password),
        created_at=now,
    )
    uow.session.add(case)
    return case


def _next_case_no(config, uow, now) -> str:
    """Case number (办件编号): year, administrative division code, six-digit sequence."""
    year = now.astimezone(BUREAU_TZ).year
    sequence = next_sequence_value(uow.session, f"portal-case:{year}")
    return f"{year}{config.portal_case_region_code}{sequence:06d}"


def _new_password() -> str:
    return "".join(secrets.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(10))


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PASSWORD_ITERATIONS).hex()
    return f"pbkdf2_sha256${_PASSWORD_ITERATIONS}${salt}${digest}"


def password_matches(stored: str, password: str | None) -> bool:
    if not password:
        return False
    _, iterations, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def get_case(config, actor, case_no: str, password: str | None = None) -> CaseView:
    """A case for a portal: its own cases freely, any other with the right query password."""
    with UnitOfWork(config.sessions) as uow:
        client = client_of(uow, actor)
        case = uow.session.scalar(select(PortalCase).where(PortalCase.case_no == case_no))
        if case is None:
            raise NotFound(f"no case {case_no} with this query password")
        needs_password = password is not None or case.client_id != client.id
        if needs_password and not password_matches(case.query_password_hash, password):
            raise NotFound(f"no case {case_no} with this query password")
        view = case_view(uow, case, config.clock.now())
        uow.commit()  # the request's nonce (``client_of``)
        return view


def reset_query_password(config, actor, case_no: str) -> tuple[CaseView, str]:
    """A new query password for a case the portal submitted (the old one stops working)."""
    with UnitOfWork(config.sessions) as uow:
        client = client_of(uow, actor)
        case = uow.session.scalar(
            select(PortalCase).where(PortalCase.case_no == case_no, PortalCase.client_id == client.id)
        )
        if case is None:
            raise NotFound(f"case {case_no} was not submitted by this portal")
        password = _new_password()
        case.query_password_hash = hash_password(password)
        uow.commit()
        return case_view(uow, case, config.clock.now()), password


def instance_of(uow, case: PortalCase) -> ProcessInstance:
    return uow.session.get(ProcessInstance, case.instance_id)
