#!/usr/bin/python3
"""The plan of tests/integration/run.sh, from tests/integration/lanes.

Prints one line "PHASE LANE ENTRY NTESTS" per entry, in order, then
"total NTESTS": the number of tests the test_*.py modules hold, which
run.sh compares with the sum of what the entries ran.  Fails (exit 1,
a sentence on stderr) when an entry names no module or class, when a
class or module is in two places, or when a module is split into classes
and one of its test classes is left out: every test runs exactly once.
A module named nowhere is added to phase 1's "quiet" lane.
"""
import glob
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def test_classes(mod):
    """{class name: number of tests} as `python3 -m unittest MODULE` finds them."""
    loader = unittest.TestLoader()
    out = {}
    for name, obj in vars(mod).items():
        if isinstance(obj, type) and issubclass(obj, unittest.TestCase):
            n = loader.loadTestsFromTestCase(obj).countTestCases()
            if n:
                out[name] = n
    return out


def main():
    sys.path.insert(0, HERE)
    plan, errors = [], []
    with open(os.path.join(HERE, "lanes")) as f:
        for no, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 3 or not words[0].isdigit():
                errors.append("lanes:%d: want PHASE LANE ENTRY..." % no)
                continue
            plan += [(int(words[0]), words[1], e) for e in words[2:]]
    modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "test_*.py")))
    classes = {}
    for m in modules:
        classes[m] = test_classes(__import__(m))
    whole, parts, seen = set(), {}, set()
    counted = []
    for phase, lane, e in plan:
        if e in seen:
            errors.append("%s is in two places" % e)
        seen.add(e)
        mod, _, cls = e.partition(".")
        if mod not in classes:
            errors.append("%s: no module tests/integration/%s.py" % (e, mod))
            continue
        if cls:
            if cls not in classes[mod]:
                errors.append("%s: no test class %s in %s.py" % (e, cls, mod))
                continue
            parts.setdefault(mod, set()).add(cls)
            n = classes[mod][cls]
        else:
            whole.add(mod)
            n = sum(classes[mod].values())
        counted.append((phase, lane, e, n))
    for mod, got in parts.items():
        if mod in whole:
            errors.append("%s is listed whole and by class" % mod)
        for cls in sorted(set(classes[mod]) - got):
            errors.append("%s.%s is in no lane (the rest of %s is split by class)" % (mod, cls, mod))
    for mod in modules:
        if mod not in whole and mod not in parts:
            counted.append((1, "quiet", mod, sum(classes[mod].values())))
            print("lanes: %s is in no lane: it runs in phase 1's quiet lane" % mod, file=sys.stderr)
    if errors:
        for e in errors:
            print("lanes: " + e, file=sys.stderr)
        return 1
    for phase, lane, e, n in counted:
        print(phase, lane, e, n)
    print("total", sum(sum(c.values()) for c in classes.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
