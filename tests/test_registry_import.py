"""``flask registry import``: CSV files into the registries, all rows or none."""

import pytest
from sqlalchemy import func, select

from api.database import db
from workflows.persistence.models import AuditEvent, CheckItem, ConflictOfInterest, Institution, Person
from workflows.users import create_user_token

from .factories import credit_code

PEOPLE = """name,kind,username,can_lead,fields,district,department,workload_limit
王组长,reviewer,wang,true,食品;环境监测,和平区,,3
李专家,expert,,,建材,河西区,,
赵检查,inspector,zhao,,检验检测,和平区,SCJG,
"""


@pytest.fixture(autouse=True)
def staff_accounts(app):
    """The accounts the pool files below name."""
    with app.app_context():
        for name, group in (("wang", "team_leader"), ("zhao", "inspector"), ("sun", "reviewer")):
            create_user_token(app.extensions["engine_config"], name, [group])


def run_import(app, tmp_path, kind, text, name="pool.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["registry", "import", kind, str(path)])


def people(app) -> dict:
    with app.app_context():
        return {p.name: p for p in db.session.scalars(select(Person))}


def test_a_good_people_file_is_imported_and_audited(app, tmp_path):
    result = run_import(app, tmp_path, "people", PEOPLE)
    assert result.exit_code == 0, result.output
    assert "pool.csv: 3 rows, 3 created, 0 updated" in result.output
    imported = people(app)
    assert imported["王组长"].fields == ["环境监测", "食品"] and imported["王组长"].can_lead is True
    assert imported["王组长"].workload_limit == 3 and imported["李专家"].username is None
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registry_imported"))
    assert event.actor == "registry-import"
    assert event.details == {"registry": "people", "file": "pool.csv", "rows": 3, "created": 3, "updated": 0}


def test_a_bad_file_is_refused_entirely_with_line_numbers(app, tmp_path):
    bad = PEOPLE + "钱某,boss,,,食品,,,\n孙专家,expert,sun,true,食品,,,\n周某,reviewer,wang,,食品,,,\n"
    result = run_import(app, tmp_path, "people", bad)
    assert result.exit_code != 0
    assert "pool.csv was not imported (3 problem(s))" in result.output
    assert "line 5: kind: Must be one of" in result.output
    assert "line 6: can_lead: only reviewers may lead a review team" in result.output
    assert "line 7: (row): repeats line 2" in result.output
    assert people(app) == {}


def test_people_naming_unknown_accounts_are_refused_with_line_numbers(app, tmp_path):
    unknown = "孙专家,expert,ghost1,,食品,,,\n钱专家,expert,ghost2,,食品,,,\n"
    result = run_import(app, tmp_path, "people", PEOPLE + unknown)
    assert result.exit_code != 0
    assert "pool.csv was not imported (2 problem(s))" in result.output
    assert "line 5: username: no active user account 'ghost1'" in result.output
    assert "line 6: username: no active user account 'ghost2'" in result.output
    assert people(app) == {}


def test_reimport_updates_by_username_or_name_and_kind(app, tmp_path):
    run_import(app, tmp_path, "people", PEOPLE)
    again = (
        "name,kind,username,district,fields\n"
        "王组长,reviewer,wang,南开区,\n李专家,expert,,红桥区,建材;电磁兼容\n新人,expert,,,食品\n"
    )
    result = run_import(app, tmp_path, "people", again)
    assert "3 rows, 1 created, 2 updated" in result.output, result.output
    imported = people(app)
    assert len(imported) == 4 and imported["王组长"].district == "南开区"
    assert imported["王组长"].fields == ["环境监测", "食品"] and imported["王组长"].workload_limit == 3
    assert imported["李专家"].fields == ["建材", "电磁兼容"]


def test_conflicts_refer_to_people_by_username_and_unknown_people_are_refused(app, tmp_path):
    run_import(app, tmp_path, "people", PEOPLE)
    code = credit_code(3)
    header = "person_username,person_name,person_kind,credit_code,kind,start_date,end_date,note\n"
    good = (
        f"{header}wang,,,{code},consulting,2021-01-01,2023-06-30,咨询服务\n"
        f",李专家,expert,{code},family,2020-01-01,,\n"
    )
    assert run_import(app, tmp_path, "conflicts", good).exit_code == 0
    unknown = header + f"nobody,,,{code},other,2020-01-01,,\n"
    result = run_import(app, tmp_path, "conflicts", unknown)
    assert "line 2: person_username: no such person in the pools" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 2


def test_institutions_and_check_items_upsert_by_their_codes(app, tmp_path):
    code = credit_code(4)
    header = "name,credit_code,district,type,credit_class,certificate_status,certificate_no\n"
    run_import(
        app, tmp_path, "institutions", header + f"某检测公司,{code},和平区,testing_institution,B,valid,1\n"
    )
    result = run_import(
        app, tmp_path, "institutions", header + f"某检测公司,{code},和平区,testing_institution,D,,\n"
    )
    assert "1 rows, 0 created, 1 updated" in result.output
    items = "code,name,target_type,proportion,min_inspectors,inspector_fields,inspector_department\n"
    items += "JC-01,检验检测机构抽查,testing_institution,0.05,2,食品;化妆品,SCJG\n"
    assert run_import(app, tmp_path, "check-items", items).exit_code == 0
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        item = db.session.scalar(select(CheckItem))
    assert (institution.credit_class, institution.certificate_status) == ("D", "valid")
    assert item.inspector_requirements == {
        "min_inspectors": 2,
        "fields": ["食品", "化妆品"],
        "department": "SCJG",
    }


def test_unknown_columns_are_refused(app, tmp_path):
    result = run_import(app, tmp_path, "institutions", "name,colour\n某公司,red\n")
    assert result.exit_code != 0 and "line 1: unknown column(s): colour" in result.output


def test_a_name_with_a_bidi_override_refuses_the_file(app, tmp_path):
    result = run_import(app, tmp_path, "people", PEOPLE.replace("李专家", "李\u202e专家"))
    assert result.exit_code != 0
    assert "line 3: name: contains a bidirectional control (U+202E)" in result.output
    assert people(app) == {}
