"""The random draw algorithms (随机选派、随机抽取), as pure functions.

A draw is a function of (candidate snapshot sorted by id, exclusions, parameters,
seed) and nothing else: the same inputs give the same result, which is how a
stored draw is replayed. Randomness comes only from ``random.Random(seed)``;
the seed itself comes from ``secrets``. Changing any algorithm here means a new
``ALGORITHM_VERSION``.
"""

from __future__ import annotations

import math
import random
import secrets
from fractions import Fraction

ALGORITHM_VERSION = "1"
ID_KEYS = {"review_team": "person_id", "targets": "institution_id", "inspectors": "person_id"}


def new_seed() -> int:
    """A fresh 64-bit seed from the operating system's secure source."""
    return secrets.randbits(64)


def run_draw(kind: str, candidates: list[dict], exclusions: list[dict], parameters: dict, seed: int) -> dict:
    """Draw from the candidates not excluded; ``exclusions`` naming a ``target`` apply to it only."""
    id_key = ID_KEYS[kind]
    excluded = {e[id_key] for e in exclusions if "target" not in e}
    pool = sorted((c for c in candidates if c[id_key] not in excluded), key=lambda c: c[id_key])
    rng = random.Random(seed)
    if kind == "review_team":
        return _review_team(pool, parameters, rng)
    if kind == "targets":
        return _targets(pool, parameters, rng)
    by_target = {}
    for e in exclusions:
        if "target" in e:
            by_target.setdefault(e["target"], set()).add(e[id_key])
    return _inspectors(pool, by_target, parameters, rng)


def _review_team(pool: list[dict], params: dict, rng: random.Random) -> dict:
    """One leader (can_lead) and members until the team's fields cover the application's.

    ``kept`` members (a seat redraw) stay; ``seat`` "member" means a new member is
    drawn even when the kept team already covers every field.
    """
    fields = list(params["fields"])
    team = [dict(m) for m in params.get("kept", [])]
    kept_ids = {m["person_id"] for m in team}
    pool = [c for c in pool if c["person_id"] not in kept_ids]
    if not any(m["role"] == "leader" for m in team):
        missing = _uncovered(fields, team)
        leaders = [c for c in pool if c["can_lead"] and c["kind"] == "reviewer"]
        choices = _first_non_empty(
            [c for c in leaders if set(c["fields"]) & set(missing)],
            [c for c in leaders if set(c["fields"]) & set(fields)],
            leaders,
        )
        if not choices:
            return _team_failure("leader", _uncovered(fields, team + pool))
        _take(rng.choice(choices), "leader", team, pool)
    added = False
    while missing := _uncovered(fields, team):
        covering = [c for c in pool if set(c["fields"]) & set(missing)]
        if not covering:
            return _team_failure("member", missing)
        _take(rng.choice(covering), "member", team, pool)
        added = True
    if len(team) < 2 or (params.get("seat") == "member" and not added):
        matching = [c for c in pool if set(c["fields"]) & set(fields)]
        if not matching:
            return _team_failure("member", [])
        _take(rng.choice(matching), "member", team, pool)
    return {"ok": True, "team": team, "uncovered_fields": [], "unfilled_seat": None, "problem": None}


def _uncovered(fields: list[str], people: list[dict]) -> list[str]:
    covered = {f for p in people for f in p["fields"]}
    return [f for f in fields if f not in covered]


def _first_non_empty(*options: list) -> list:
    return next((option for option in options if option), [])


def _take(candidate: dict, role: str, team: list[dict], pool: list[dict]) -> None:
    pool.remove(candidate)
    team.append(
        {
            "person_id": candidate["person_id"],
            "name": candidate["name"],
            "username": candidate["username"],
            "role": role,
            "fields": list(candidate["fields"]),
        }
    )


def _team_failure(seat: str, uncovered: list[str]) -> dict:
    if seat == "leader":
        problem = "没有可选派的评审组长 / no eligible team leader"
    elif uncovered:
        problem = (
            f"以下专业领域无可选派人员：{'、'.join(uncovered)} / no eligible reviewer or expert covers: "
            + (", ".join(uncovered))
        )
    else:
        problem = "没有可选派的其他评审组成员 / no eligible second team member"
    return {"ok": False, "team": [], "uncovered_fields": uncovered, "unfilled_seat": seat, "problem": problem}


def sample_size(population: int, count: int | None, proportion: float | None) -> int:
    """``count``, or the proportion of the population rounded up (exact decimal arithmetic)."""
    if count is not None:
        return count
    return math.ceil(Fraction(str(proportion)) * population)


def _targets(pool: list[dict], params: dict, rng: random.Random) -> dict:
    """Weighted sampling without replacement (Efraimidis–Spirakis): key = ln(u) / weight."""
    size = sample_size(len(pool), params.get("count"), params.get("proportion"))
    result = {"ok": True, "targets": [], "population": len(pool), "sample_size": size, "problem": None}
    if not pool or size > len(pool):
        result["ok"] = False
        result["problem"] = (
            f"符合条件的检查对象只有 {len(pool)} 个，无法抽取 {size} 个 / "
            f"only {len(pool)} eligible inspection targets, cannot draw {size}"
        )
        return result
    weights = params.get("weights") or {}
    keyed = []
    for c in pool:
        u = 1.0 - rng.random()
        keyed.append((math.log(u) / weights.get(c["credit_class"], 1), c))
    keyed.sort(key=lambda pair: (-pair[0], pair[1]["institution_id"]))
    result["targets"] = [c for _, c in keyed[:size]]
    return result


def _inspectors(pool: list[dict], by_target: dict, params: dict, rng: random.Random) -> dict:
    """``per_target`` inspectors for each target, recusing conflicts and counting workload."""
    per_target = params["per_target"]
    load = {c["person_id"]: c["workload"] for c in pool}
    result = {"ok": True, "assignments": [], "problems": [], "problem": None}
    for target in params["targets"]:
        eligible = [
            c
            for c in pool
            if c["person_id"] not in by_target.get(target["credit_code"], set())
            and load[c["person_id"]] < c["workload_limit"]
            and (not params.get("match_target_district") or c["district"] == target["district"])
        ]
        if len(eligible) < per_target:
            result["problems"].append({"credit_code": target["credit_code"], "eligible": len(eligible)})
            continue
        chosen = rng.sample(eligible, per_target)
        for c in chosen:
            load[c["person_id"]] += 1
        result["assignments"].append({**target, "inspectors": [_inspector_seat(c) for c in chosen]})
    if result["problems"]:
        codes = ", ".join(p["credit_code"] for p in result["problems"])
        result.update(ok=False, assignments=[])
        result["problem"] = (
            f"以下检查对象可选派的执法检查人员不足 {per_target} 名：{codes} / "
            f"fewer than {per_target} eligible inspectors for: {codes}"
        )
    return result


def _inspector_seat(candidate: dict) -> dict:
    keys = ("person_id", "name", "username", "department", "district")
    return {**{k: candidate[k] for k in keys}, "role": "inspector"}
