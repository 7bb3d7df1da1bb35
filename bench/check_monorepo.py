#!/usr/bin/env python3
"""Check keepalign's findings on a generated monorepo against ground truth.

The generator is deterministic: replaying its random choices tells, for every
service, the idle timeout, deregistration delay, server and keep-alive it wrote.
usage: check_monorepo.py GENERATOR REPORT.json --services N [--seed S]
"""
import argparse
import importlib.util
import json
import random
import sys


def expected(gen, services, seed):
    rnd = random.Random(seed)
    out = {}
    for i in range(services):
        idle = rnd.choice([30, 60, 60, 60, 120, 300])
        dereg = rnd.choice([10, 30, 60, 120, 300, 300])
        server, _ = rnd.choice(gen.SERVERS)
        ka = idle + 5 if rnd.random() < 0.67 else max(2, idle - rnd.choice([0, 5, 55]))
        rules = set()
        if ka <= idle:
            rules.add("KA101")
        if dereg < idle:
            rules.add("DR201")
        if server == "gthread" and 30 < idle:  # gunicorn --timeout default
            rules.add("RQ301")
        if server == "hypercorn":
            pass  # graceful 3 < stopTimeout 30: nothing
        out[(f"svc{i:05d}", "terraform")] = rules
        if i % 5 == 0:  # every fifth service also has a CloudFormation template
            out[(f"svc{i:05d}", "cloudformation")] = rules
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("generator")
    ap.add_argument("report")
    ap.add_argument("--services", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("gen", a.generator)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    want = expected(gen, a.services, a.seed)
    report = json.load(open(a.report))
    got = {key: set() for key in want}
    for f in report["findings"]:
        loc = f["location"]["file"] if f.get("location") else ""
        name = next((p.split(".")[0] for p in loc.split("/") if p.startswith("svc")), None)
        kind = "cloudformation" if "/stacks/" in loc else "terraform"
        if name is None or (name, kind) not in got:
            print("unexpected finding:", f["rule"], loc, f["message"])
            continue
        got[(name, kind)].add(f["rule"])
    wrong = [(n, sorted(want[n]), sorted(got[n])) for n in want if want[n] != got[n]]
    for n, w, g in wrong[:20]:
        print(f"{n}: expected {w}, got {g}")
    total = sum(len(v) for v in want.values())
    print(f"{len(want)} service chains ({a.services} Terraform services and their CloudFormation twins), {total} expected findings, {len(wrong)} differ")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
