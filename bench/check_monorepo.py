#!/usr/bin/env python3
"""Check a keepalign JSON report of a generated monorepo against the
generator's ground truth (bench/gen_repo.py --truth).

usage: check_monorepo.py TRUTH.json REPORT.json

Every finding is attributed through its `scope` (the Terraform root
services/svcNNNNN or the template stacks/svcNNNNN.yaml) and compared, per
service and kind, with the rules the truth expects. Exits 1 on any
difference, any finding that is not attributable, or a service chain count
that is not one per service plus one per template.
"""
import json
import re
import sys
from collections import Counter


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    truth = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    want = {}
    for name, entry in truth["services"].items():
        want[(name, "terraform")] = sorted(entry["terraform"])
        if "cloudformation" in entry:
            want[(name, "cloudformation")] = sorted(entry["cloudformation"])
    got = {key: [] for key in want}
    stray = []
    for f in report["findings"]:
        # Built-in rule IDs are two letters and three digits; policy rules
        # (KEEPALIGN_ARGS="--policy …") are not part of the ground truth.
        if not re.fullmatch(r"[A-Z]{2}\d{3}", f["rule"]):
            continue
        scope = (f.get("scope") or "").replace("\\", "/")
        m = re.search(r"(?:^|/)services/(svc\d+)$", scope) or None
        kind = "terraform"
        if m is None:
            m = re.search(r"(?:^|/)stacks/(svc\d+)\.yaml$", scope)
            kind = "cloudformation"
        key = (m.group(1), kind) if m else None
        if key not in got:
            stray.append(f)
            continue
        got[key].append(f["rule"])
    wrong = [(k, want[k], sorted(got[k])) for k in sorted(want) if want[k] != sorted(got[k])]
    for (name, kind), w, g in wrong[:20]:
        print("%s (%s): expected %s, got %s" % (name, kind, w, g))
    for f in stray[:20]:
        print("finding outside any generated service: %s %s %s" % (f["rule"], f.get("scope"), f["message"][:200]))
    chains = report["summary"]["services"]
    expected_chains = len(want)
    by_rule = Counter(r for rules in want.values() for r in rules)
    print("%d service chains (expected %d), %d expected findings (%s), %d reported; %d services differ, %d stray findings"
          % (chains, expected_chains, sum(by_rule.values()),
             ", ".join("%s %d" % kv for kv in sorted(by_rule.items())),
             len(report["findings"]), len(wrong), len(stray)))
    ok = not wrong and not stray and chains == expected_chains
    print("ground truth: OK" if ok else "ground truth: MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
