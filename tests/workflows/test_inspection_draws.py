"""Spot-check draws on a real database: targets (检查对象) and inspectors (执法检查人员)."""

from datetime import date

import pytest
from sqlalchemy import select

from workflows.draws import drawing as random_draws
from workflows.engine.services import service_operations
from workflows.errors import InvalidInput
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Assignment, AuditEvent, DrawRecord, Institution
from workflows.registries import records as registries
from workflows.users import Actor, create_user_token

from ..factories import check_item_body, institution_body

ADMIN = Actor("admin1", frozenset({"admin"}))
PLAN = "PLAN-2026-01"


def add(config, name, body) -> object:
    return registries.create_record(config, ADMIN, name, body)


def institutions(config, n, **overrides) -> list[str]:
    return [
        add(config, "institutions", institution_body(name=f"机构{i}", **overrides)).credit_code
        for i in range(n)
    ]


def inspector(config, name, **overrides) -> int:
    """An inspector with a staff account of their own."""
    username = "u" + name.encode().hex()
    create_user_token(config, username, ["inspector"])
    body = {
        "name": name,
        "kind": "inspector",
        "username": username,
        "department": "SCJG",
        "district": "和平区",
        "fields": ["检验检测"],
        **overrides,
    }
    return add(config, "people", body).id


def in_uow(function, config, **kwargs) -> dict:
    with UnitOfWork(config.sessions) as uow:
        result = function(uow, config, PLAN, **kwargs)
        uow.commit()
    return result


def codes(result) -> set[str]:
    return {t["credit_code"] for t in result["targets"]}


def test_targets_by_proportion_round_up_within_type_and_district(config):
    peace = institutions(config, 10)
    institutions(config, 5, district="河西区")
    institutions(config, 3, type="drug_testing")
    result = in_uow(
        random_draws.draw_inspection_targets,
        config,
        institution_types=["testing_institution"],
        districts=["和平区"],
        proportion=0.25,
    )
    assert result["ok"] and result["population"] == 10 and result["sample_size"] == 3
    assert codes(result) <= set(peace) and len(codes(result)) == 3


def test_targets_by_count_and_by_check_item(config):
    west = institutions(config, 5, district="河西区")
    drugs = institutions(config, 4, type="drug_testing")
    by_count = in_uow(random_draws.draw_inspection_targets, config, districts=["河西区"], count=2)
    assert len(codes(by_count)) == 2 and codes(by_count) <= set(west)
    item = add(config, "check_items", check_item_body(target_type="drug_testing", proportion=0.5))
    by_item = in_uow(random_draws.draw_inspection_targets, config, check_item_code=item.code)
    assert len(codes(by_item)) == 2 and codes(by_item) <= set(drugs)


def test_revoked_and_excluded_institutions_are_not_drawn_and_the_reason_is_kept(config):
    revoked, skipped, kept = institutions(config, 3)
    registries.update_record(
        config, ADMIN, "institutions", _id(config, revoked), {"certificate_status": "revoked"}
    )
    result = in_uow(
        random_draws.draw_inspection_targets,
        config,
        count=1,
        exclude=[skipped],
        weights={"A": 1, "B": 2, "C": 3, "D": 4},
    )
    assert codes(result) == {kept}
    stored = config.sessions().get(DrawRecord, result["draw_id"])
    assert sorted(e["code"] for e in stored.exclusions) == ["certificate_revoked", "excluded"]
    assert stored.parameters["weights"] == {"A": 1, "B": 2, "C": 3, "D": 4}


def _id(config, code) -> int:
    return config.sessions().scalar(select(Institution.id).where(Institution.credit_code == code))


def test_asking_for_more_targets_than_exist_is_reported(config):
    institutions(config, 2)
    result = in_uow(random_draws.draw_inspection_targets, config, count=3)
    assert result["ok"] is False and "cannot draw 3" in result["problem"]


def test_invalid_sampling_parameters_are_refused_with_pointers(config):
    with pytest.raises(InvalidInput) as caught, UnitOfWork(config.sessions) as uow:
        random_draws.draw_inspection_targets(uow, config, PLAN, proportion=1.5, weights={"E": 1})
    assert sorted(e.pointer for e in caught.value.errors) == ["/proportion", "/weights/E"]


def test_at_least_two_inspectors_per_target_with_recusal(config):
    first, second = institutions(config, 2)
    conflicted = inspector(config, "回避者")
    others = [inspector(config, f"检查员{n}") for n in range(3)]
    inspector(config, "外部门", department="GA")
    conflict = {"credit_code": first, "kind": "family", "start_date": date(2024, 1, 1)}
    registries.add_conflict(config, ADMIN, conflicted, conflict)
    result = in_uow(random_draws.draw_inspectors, config, targets=[first, second], department="SCJG")
    assert result["ok"]
    drawn = {a["credit_code"]: [i["person_id"] for i in a["inspectors"]] for a in result["assignments"]}
    assert len(drawn[first]) == len(set(drawn[first])) == 2 and conflicted not in drawn[first]
    assert set(drawn[first]) <= set(others) and len(drawn[second]) == 2
    [recusal] = config.sessions().get(DrawRecord, result["draw_id"]).exclusions
    assert recusal["person_id"] == conflicted and recusal["target"] == first and recusal["code"] == "conflict"
    seats = config.sessions().execute(select(Assignment.credit_code, Assignment.role)).all()
    assert sorted(seats) == sorted([(first, "inspector")] * 2 + [(second, "inspector")] * 2)


def test_inspectors_follow_a_targets_draw_and_the_check_item_requirements(config):
    institutions(config, 4)
    item = add(config, "check_items", check_item_body(inspector_requirements={"min_inspectors": 3}))
    for n in range(3):
        inspector(config, f"检查员{n}")
    targets = in_uow(random_draws.draw_inspection_targets, config, count=1)
    result = in_uow(
        random_draws.draw_inspectors, config, targets_draw_id=targets["draw_id"], check_item_code=item.code
    )
    assert result["ok"] and [len(a["inspectors"]) for a in result["assignments"]] == [3]
    assert result["assignments"][0]["credit_code"] == targets["targets"][0]["credit_code"]


def test_too_few_inspectors_is_reported_not_raised(config):
    [target] = institutions(config, 1)
    inspector(config, "唯一检查员")
    result = in_uow(random_draws.draw_inspectors, config, targets=[target])
    assert result["ok"] is False and result["problems"] == [{"credit_code": target, "eligible": 1}]
    assert config.sessions().scalars(select(Assignment)).all() == []


def test_certificate_status_follows_the_approval_and_creates_unknown_institutions(config):
    code = institution_body()["credit_code"]
    with UnitOfWork(config.sessions) as uow:
        row = registries.set_certificate_status(
            uow, code, "valid", "202612000001", at=config.clock.now(), name="天津某检测公司"
        )
        uow.commit()
    assert (row.name, row.certificate_status, row.type) == ("天津某检测公司", "valid", "testing_institution")
    with UnitOfWork(config.sessions) as uow:
        registries.set_certificate_status(uow, code, "revoked", at=config.clock.now())
        uow.commit()
    row = config.sessions().scalar(select(Institution).where(Institution.credit_code == code))
    assert (row.certificate_status, row.certificate_no) == ("revoked", "202612000001")
    actions = config.sessions().scalars(select(AuditEvent.action)).all()
    assert actions == ["certificate_status_set", "certificate_status_set"]


def test_service_operations_draw_targets_then_their_inspectors(config):
    institutions(config, 3)
    for n in range(2):
        inspector(config, f"检查员{n}")
    with UnitOfWork(config.sessions) as uow:
        operations = service_operations(config, uow, {})
        targets = operations["draw_inspection_targets"]({}, business_key=PLAN, count=2)
        team = operations["draw_inspectors"]({}, business_key=PLAN, targets_draw_id=targets["draw_id"])
        uow.commit()
    assert targets["ok"] and team["ok"] and len(team["assignments"]) == 2
    assert (
        config.sessions().scalar(select(DrawRecord.drawn_by).where(DrawRecord.id == team["draw_id"]))
        == "system"
    )
    assert isinstance(team["seed"], str) and int(team["seed"]) < 2**64


def test_a_targets_redraw_records_the_draw_it_replaces(config):
    institutions(config, 3)
    failed = in_uow(random_draws.draw_inspection_targets, config, count=5)
    redraw = in_uow(random_draws.draw_inspection_targets, config, count=1, previous_draw_id=failed["draw_id"])
    with UnitOfWork(config.sessions) as uow:
        assert uow.session.get(DrawRecord, redraw["draw_id"]).previous_draw_id == failed["draw_id"]


@pytest.mark.parametrize("other", ["missing", "other_kind", "other_case"])
def test_a_redraw_replaces_only_a_draw_of_its_kind_for_the_same_case(config, other):
    institutions(config, 3)
    targets = in_uow(random_draws.draw_inspection_targets, config, count=1)
    previous = {"missing": 999, "other_kind": targets["draw_id"]}.get(other)
    if other == "other_case":
        with UnitOfWork(config.sessions) as uow:
            previous = random_draws.draw_inspectors(
                uow, config, "PLAN-OTHER", targets=[t["credit_code"] for t in targets["targets"]]
            )["draw_id"]
            uow.commit()
    with pytest.raises(InvalidInput) as raised:
        in_uow(
            random_draws.draw_inspectors,
            config,
            targets_draw_id=targets["draw_id"],
            previous_draw_id=previous,
        )
    assert [e.pointer for e in raised.value.errors] == ["/previous_draw_id"]
