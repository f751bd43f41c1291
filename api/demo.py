"""Demo data for `flask users demo`: one user per group, people pools, institutions, check items.

Enough for the README's walkthroughs to run many times on one database: the demo pool
members have a generous workload limit, the reviewer pool covers the walkthrough's fields with
exactly one team leader and one expert (so the draw is predictable), and inspectors work in
two districts. Running it again issues new tokens and leaves existing records as they are.
"""

from __future__ import annotations

from workflows.access import ADMIN
from workflows.registries.records import create_record, list_records
from workflows.users import Actor, create_user_token, set_password

DEMO_USERS = {
    "clerk1": ["clerk"],
    "applicant1": ["applicant"],
    "center1": ["review_center"],
    "approver1": ["approver"],
    "leader1": ["team_leader"],
    "leader2": ["team_leader"],
    "expert1": ["reviewer"],
    "expert2": ["reviewer"],
    "inspector1": ["inspector"],
    "inspector2": ["inspector"],
    "inspector3": ["inspector"],
    "inspector4": ["inspector"],
    "officer1": ["case_officer"],
    "officer2": ["case_officer"],
    "head1": ["bureau_head"],
    "transport1": ["partner_dept", "dept_transport"],
    "supervisor1": ["supervisor"],
    "designer1": ["designer"],
    "admin1": ["admin"],
}
# Assignments a demo pool member may hold per workload period (the default limit is 5 a year,
# which a demo database would use up after five walkthroughs).
DEMO_WORKLOAD_LIMIT = 1000


def _person(name, kind, username, district, fields=(), can_lead=False) -> dict:
    return {
        "name": name,
        "kind": kind,
        "username": username,
        "district": district,
        "fields": list(fields),
        "can_lead": can_lead,
    }


def _institution(name, credit_code, district, credit_class, kind="testing_institution") -> dict:
    return {
        "name": name,
        "credit_code": credit_code,
        "district": district,
        "type": kind,
        "credit_class": credit_class,
        "certificate_status": "valid",
    }


DEMO_POOL = [
    _person("王组长", "reviewer", "leader1", "和平区", ["食品", "环境监测"], can_lead=True),
    _person("赵组长", "reviewer", "leader2", "河西区", ["建筑材料"], can_lead=True),
    _person("李专家", "expert", "expert1", "和平区", ["食品", "环境监测"]),
    _person("陈专家", "expert", "expert2", "河西区", ["机动车检验"]),
    _person("张检查", "inspector", "inspector1", "和平区"),
    _person("刘检查", "inspector", "inspector2", "和平区"),
    _person("孙检查", "inspector", "inspector3", "河西区"),
    _person("周检查", "inspector", "inspector4", "河西区"),
]
# The institution applicant1 works for, and the walkthrough's applicant (not yet certified).
DEMO_APPLICANT = {"name": "天津市示范检测技术有限公司", "credit_code": "91120000RX1QQ6UY22"}
DEMO_INSTITUTIONS = [
    {**_institution(**DEMO_APPLICANT, district="和平区", credit_class="A"), "certificate_status": "none"},
    _institution("天津市和平区建材检测中心", "91120000GKDW7448FQ", "和平区", "B"),
    _institution("天津市和平区环境监测站", "91120000FHB7PEEHER", "和平区", "B"),
    _institution("天津市河西区食品检验所", "91120000D3PKHNMGL4", "河西区", "C"),
    _institution("天津市河西区产品质量检测院", "91120000FRWCHDWYJ4", "河西区", "B"),
    _institution(
        "天津市河西区机动车检测有限公司", "91120000B17E06XJAJ", "河西区", "D", "motor_vehicle_inspection"
    ),
]
DEMO_CHECK_ITEMS = [
    {
        "code": "SJ-JYJC-01",
        "name": "检验检测机构资质认定事项监督抽查",
        "target_type": "testing_institution",
        "proportion": 0.4,
        "legal_basis": "《检验检测机构监督管理办法》",
        "frequency": "每年一次",
        "method": "现场检查",
        "inspector_requirements": {"min_inspectors": 2},
    },
    {
        "code": "SJ-JDC-01",
        "name": "机动车安全技术检验机构监督检查",
        "target_type": "motor_vehicle_inspection",
        "proportion": 1.0,
        "legal_basis": "《机动车安全技术检验机构监督管理办法》",
        "frequency": "每年一次",
        "method": "现场检查（联合交通运输部门）",
        "inspector_requirements": {"min_inspectors": 2},
    },
]
DEMO_ACTOR = Actor("setup", frozenset({ADMIN}), kind="system")


def demo_password(name: str) -> str:
    """The documented password of a demo user: ``demo-`` and the name (``demo-clerk1``)."""
    return f"demo-{name}"


def create_demo_users(config) -> list[tuple[str, list[str], str, str]]:
    """Each demo user with its demo password (set again) and a new token:
    (name, groups, password, token); applicant1 acts for DEMO_APPLICANT."""
    institutions = {"applicant1": DEMO_APPLICANT["credit_code"]}
    users = []
    for name, groups in DEMO_USERS.items():
        token = create_user_token(config, name, groups, institutions.get(name))
        set_password(config, name, demo_password(name))
        users.append((name, groups, demo_password(name), token))
    return users


def create_demo_records(config) -> dict:
    """The pools, institutions and check items the walkthroughs use; existing records are kept."""
    created = {"people": 0, "institutions": 0, "check_items": 0}
    for registry, key, records in (
        ("people", "username", [{**p, "workload_limit": DEMO_WORKLOAD_LIMIT} for p in DEMO_POOL]),
        ("institutions", "credit_code", DEMO_INSTITUTIONS),
        ("check_items", "code", DEMO_CHECK_ITEMS),
    ):
        for record in records:
            known, _ = list_records(config, DEMO_ACTOR, registry, {key: record[key]}, 1, 1)
            if not known:
                create_record(config, DEMO_ACTOR, registry, record)
                created[registry] += 1
    return created
