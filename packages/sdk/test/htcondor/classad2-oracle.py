# Reference evaluator for the differential test: HTCondor's own ClassAd library, through its Python bindings (classad2).
#
# Reads JSON lines {"expr": text, "my": {attr: exprText}?, "target": {attr: exprText}?} from stdin and writes, after one
# {"ready": ...} line, one JSON line per input with the tagged result:
#   {"type": "undefined"|"error"|"boolean"|"integer"|"real"|"string"|"list"|"classad", "value"?: ...}
# integers exactly (a JSON string when beyond 2^53), reals as JSON numbers (Python writes the shortest text that reads back
# to the same double) or "NaN"/"Infinity"/"-Infinity", lists recursively, classads as a bare marker.
# Anything classad2 raises becomes {"type": "exception", "message": ...}. Every line is flushed at once, so that when the
# library crashes or hangs on one input (it does, see below) the caller knows which one and can go on after it.
#
# Run it with TZ=UTC, inside the HTCondor rootfs (chroot) or on a host with HTCondor's Python bindings installed.
import json
import math
import signal
import sys

import classad2

try:
    # HTCondor's own functions (stringListMember, split, countMatches, ...) are registered by importing htcondor2;
    # without it they evaluate to ERROR.
    import htcondor2
except Exception as problem:  # noqa: BLE001 - any failure here makes every answer wrong
    sys.stderr.write(f"classad2-oracle: cannot import htcondor2: {problem}\n")
    sys.exit(3)

MAX_SAFE_INTEGER = 2**53 - 1
MAX_LIST_DEPTH = 16
# Some inputs make classad2 loop for good (a circular reference behind `?:`: `[v = false ? 1 : MY.u; u = v].u`).
# SIGALRM's default action ends the process; the caller reports that input as timed out and goes on after it.
SECONDS_PER_INPUT = 2


def ad_from_attrs(attrs):
    """A ClassAd from {name: expression text}, parsed as one new-syntax ad, the same text the SDK side parses."""
    if attrs is None:
        return None
    return classad2.ClassAd("[" + "; ".join(f"{name} = {text}" for name, text in attrs.items()) + "]")


def tag_scalar(value):
    # classad2.Value is an IntEnum (Undefined == 2): test for it before int.
    if value is classad2.Value.Undefined:
        return {"type": "undefined"}
    if value is classad2.Value.Error:
        return {"type": "error"}
    if isinstance(value, bool):  # before int: bool is a subclass of int in Python
        return {"type": "boolean", "value": value}
    if isinstance(value, int):
        return {"type": "integer", "value": value if abs(value) <= MAX_SAFE_INTEGER else str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"type": "real", "value": "NaN"}
        if math.isinf(value):
            return {"type": "real", "value": "Infinity" if value > 0 else "-Infinity"}
        return {"type": "real", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    # absolute times come back as datetime, relative times as float (indistinguishable from reals): the generator
    # only uses them wrapped in conversions, so anything else here is a gap in this script.
    return {"type": "exception", "message": f"unexpected Python value {value!r} of type {type(value).__name__}"}


class Evaluator:
    def __init__(self, my, target):
        self.my = my
        # classad2 ignores the target when there is no scope ad.
        self.target = target if my is not None else None

    def eval(self, text):
        return classad2.ExprTree(text).eval(scope=self.my, target=self.target)

    def tag(self, text, depth=0):
        # Lists and ads are recognised with the language itself, and lists taken apart with `size(E)` and `(E)[i]`,
        # instead of converting them to Python: the conversion hands back unevaluated element expressions (that lost
        # their scope), and in HTCondor 23.9.6 it crashes the interpreter for lists built by selection
        # (`{[a = 1], [a = 2]}.a`) and for ads built by eval(). Ads are reported as a bare marker for that reason.
        shape = self.eval(f"isList({text}) ? 1 : (isClassAd({text}) ? 2 : 0)")
        if shape == 1:
            if depth >= MAX_LIST_DEPTH:
                # A list that contains itself through attributes (`[v = {u}; u = v].v`) nests without end.
                raise RecursionError(f"list nested deeper than {MAX_LIST_DEPTH} levels (self-referential?)")
            size = self.eval(f"size({text})")
            return {"type": "list", "value": [self.tag(f"({text})[{i}]", depth + 1) for i in range(size)]}
        if shape == 2:
            return {"type": "classad"}
        return tag_scalar(self.eval(text))


def answer(line):
    try:
        case = json.loads(line)
        evaluator = Evaluator(ad_from_attrs(case.get("my")), ad_from_attrs(case.get("target")))
        return evaluator.tag(f"({case['expr']})")
    except Exception as problem:  # noqa: BLE001 - reported per input, the batch goes on
        return {"type": "exception", "message": f"{type(problem).__name__}: {problem}"}


def main():
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "classad": classad2.version(), "htcondor": htcondor2.version()}) + "\n")
    out.flush()
    # Read the whole batch first: if the library crashes mid-batch, the caller's writes must already be done.
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        signal.alarm(SECONDS_PER_INPUT)
        result = answer(line)
        signal.alarm(0)
        out.write(json.dumps(result) + "\n")
        out.flush()


main()
