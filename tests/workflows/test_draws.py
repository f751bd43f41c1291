"""The pure draw algorithms: reproducibility, coverage, seat redraws and uniformity."""

from collections import Counter

import pytest

from workflows.draws.algorithms import run_draw, sample_size

# Chi-square critical values at p = 0.001, by degrees of freedom.
CHI2_CRITICAL_0_001 = {3: 16.266, 4: 18.467}


def person(pid, fields, can_lead=False, kind="reviewer", **extra):
    return {
        "person_id": pid,
        "name": f"P{pid}",
        "username": f"u{pid}",
        "kind": kind,
        "can_lead": can_lead,
        "fields": sorted(fields),
        "district": "和平区",
        "department": "SCJG",
        "active": True,
        "workload": 0,
        "workload_limit": 5,
        **extra,
    }


def institution(iid, credit_class="A"):
    return {
        "institution_id": iid,
        "name": f"I{iid}",
        "credit_code": f"C{iid}",
        "district": "和平区",
        "type": "testing_institution",
        "credit_class": credit_class,
        "certificate_status": "valid",
    }


def chi_square(observed: Counter, expected: dict) -> float:
    return sum((observed[k] - e) ** 2 / e for k, e in expected.items())


POOL = [
    person(1, ["食品"], can_lead=True),
    person(2, ["环境监测"], can_lead=True),
    person(3, ["食品", "环境监测"]),
    person(4, ["建材"], kind="expert"),
    person(5, ["环境监测"], kind="expert"),
]


def team_draw(pool, seed, fields=("食品", "环境监测"), exclusions=(), **params):
    return run_draw("review_team", pool, list(exclusions), {"fields": list(fields), **params}, seed)


def test_same_inputs_and_seed_give_the_same_team():
    assert team_draw(POOL, 42) == team_draw(list(reversed(POOL)), 42)
    assert len({str(team_draw(POOL, seed)["team"]) for seed in range(50)}) > 1


def test_team_has_one_leader_and_covers_every_field():
    for seed in range(200):
        result = team_draw(POOL, seed)
        assert result["ok"]
        roles = [m["role"] for m in result["team"]]
        assert roles.count("leader") == 1 and len(roles) >= 2
        assert {"食品", "环境监测"} <= {f for m in result["team"] for f in m["fields"]}


def test_excluded_people_are_never_drawn():
    exclusions = [{"person_id": 1, "name": "P1", "code": "conflict", "reason": "..."}]
    for seed in range(100):
        assert 1 not in {m["person_id"] for m in team_draw(POOL, seed, exclusions=exclusions)["team"]}


def test_a_field_nobody_covers_is_reported_not_raised():
    result = team_draw(POOL, 7, fields=("食品", "电磁兼容"))
    assert result == {
        "ok": False,
        "team": [],
        "uncovered_fields": ["电磁兼容"],
        "unfilled_seat": "member",
        "problem": "以下专业领域无可选派人员：电磁兼容 / no eligible reviewer or expert covers: 电磁兼容",
    }


def test_no_eligible_leader_is_reported():
    result = team_draw([p for p in POOL if not p["can_lead"]], 7)
    assert not result["ok"] and result["unfilled_seat"] == "leader"


def test_a_leader_covering_everything_still_gets_a_second_member():
    pool = [person(1, ["食品"], can_lead=True), person(2, ["食品"]), person(3, ["建材"])]
    for seed in range(30):
        team = team_draw(pool, seed, fields=("食品",))["team"]
        assert len(team) == 2 and all("食品" in m["fields"] for m in team)


def test_member_seat_redraw_keeps_the_rest_of_the_team():
    kept = [{"person_id": 1, "name": "P1", "username": "u1", "role": "leader", "fields": ["食品"]}]
    pool = [p for p in POOL if p["person_id"] != 1]
    for seed in range(50):
        result = team_draw(pool, seed, kept=kept, seat="member")
        assert result["team"][0] == kept[0]
        assert result["ok"] and "环境监测" in {f for m in result["team"][1:] for f in m["fields"]}


def test_leader_choice_is_uniform_chi_square():
    leaders = [person(pid, ["食品"], can_lead=True) for pid in range(1, 6)]
    pool = [*leaders, person(9, ["食品"])]
    counts = Counter(team_draw(pool, seed, fields=("食品",))["team"][0]["person_id"] for seed in range(3000))
    statistic = chi_square(counts, {pid: 600 for pid in range(1, 6)})
    assert statistic < CHI2_CRITICAL_0_001[4], counts


def test_weighted_target_frequencies_match_the_weights():
    pool = [institution(1, "A"), institution(2, "B"), institution(3, "C"), institution(4, "D")]
    weights = {"A": 1, "B": 2, "C": 3, "D": 4}
    counts = Counter(
        run_draw("targets", pool, [], {"count": 1, "weights": weights}, seed)["targets"][0]["credit_class"]
        for seed in range(4000)
    )
    statistic = chi_square(counts, {"A": 400, "B": 800, "C": 1200, "D": 1600})
    assert statistic < CHI2_CRITICAL_0_001[3], counts


def test_equal_weights_sample_uniformly_without_replacement():
    pool = [institution(i) for i in range(1, 5)]
    draws = [run_draw("targets", pool, [], {"count": 2}, seed)["targets"] for seed in range(2000)]
    assert all(len({t["institution_id"] for t in d}) == 2 for d in draws)
    counts = Counter(t["institution_id"] for d in draws for t in d)
    assert chi_square(counts, {i: 1000 for i in range(1, 5)}) < CHI2_CRITICAL_0_001[3], counts


@pytest.mark.parametrize(
    ("population", "count", "proportion", "expected"),
    [(30, None, 0.1, 3), (10, None, 0.15, 2), (7, None, 1, 7), (1, None, 0.05, 1), (50, 4, None, 4)],
)
def test_sample_size_rounds_the_proportion_up(population, count, proportion, expected):
    assert sample_size(population, count, proportion) == expected


def test_inspectors_recuse_per_target_and_count_workload_within_the_draw():
    pool = [person(p, [], kind="inspector", workload=0, workload_limit=1) for p in range(1, 5)]
    targets = [
        {"credit_code": "C1", "name": "I1", "district": "和平区"},
        {"credit_code": "C2", "name": "I2", "district": "和平区"},
    ]
    exclusions = [{"person_id": 1, "name": "P1", "code": "conflict", "reason": "...", "target": "C1"}]
    for seed in range(50):
        result = run_draw("inspectors", pool, exclusions, {"targets": targets, "per_target": 2}, seed)
        assert result["ok"]
        first, second = ([i["person_id"] for i in a["inspectors"]] for a in result["assignments"])
        assert 1 not in first and not set(first) & set(second)


def test_too_few_inspectors_is_reported_per_target():
    pool = [person(1, [], kind="inspector"), person(2, [], kind="inspector")]
    exclusions = [{"person_id": 2, "name": "P2", "code": "conflict", "reason": "...", "target": "C1"}]
    targets = [{"credit_code": "C1", "name": "I1", "district": "和平区"}]
    result = run_draw("inspectors", pool, exclusions, {"targets": targets, "per_target": 2}, 1)
    assert not result["ok"] and result["assignments"] == []
    assert result["problems"] == [{"credit_code": "C1", "eligible": 1}]
