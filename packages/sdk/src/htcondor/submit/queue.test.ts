import { describe, expect, it } from "vitest";
import { formatQueueStatement } from "./format.js";
import { parseQueueArgs, QueueSyntaxError, sliceSelects, splitRow } from "./queue.js";

describe("queue arguments", () => {
  it.each([
    ["", { mode: "count", count: undefined, vars: [] }],
    ["5", { mode: "count", count: 5 }],
    ["2*3", { mode: "count", count: "2*3" }],
    ["in a b", { mode: "in", items: ["a", "b"], vars: [] }],
    ["3 x in (a, b)", { mode: "in", count: 3, vars: ["x"], items: ["a", "b"] }],
    ["x,y from (1 2)", { mode: "from", vars: ["x", "y"], items: ["1 2"] }],
    ["x y from file.txt", { mode: "fromFile", vars: ["x", "y"], source: "file.txt" }],
    ["from cmd args |", { mode: "fromFile", source: "cmd args |" }],
    ["v2 from (", { mode: "from", vars: ["v2"], multiline: true, items: [] }],
    ["10 from (", { mode: "from", count: 10, vars: [] }],
    [
      "matching any [1:] *.a *.b",
      { mode: "matching", matchKind: "any", slice: { start: 1 }, items: ["*.a", "*.b"] },
    ],
    ["Item in [::-1] (a)", undefined],
  ])("parses %j", (args, expected) => {
    if (expected === undefined) {
      expect(() => parseQueueArgs(args)).toThrow(QueueSyntaxError);
      return;
    }
    expect(parseQueueArgs(args)).toMatchObject(expected);
  });

  it("writes statements that parse back to the same statement", () => {
    expect(
      formatQueueStatement({ count: 2, vars: ["a", "b"], in: ["x", "y"], slice: { start: 1, end: -1 } }),
    ).toEqual(["queue 2 a, b in [1:-1] (x, y)"]);
    const long = Array.from({ length: 30 }, (_, i) => `item-number-${i}`);
    const lines = formatQueueStatement({ in: long });
    expect(lines.length).toBe(32);
    expect(parseQueueArgs((lines[0] as string).slice(6))).toMatchObject({ mode: "in", multiline: true });
  });
});

describe("rows and slices", () => {
  it("splits a row among variables like condor_submit (the last takes the rest)", () => {
    expect(splitRow("a, 1", 2)).toEqual(["a", "1"]);
    expect(splitRow("a 1 2 3", 2)).toEqual(["a", "1 2 3"]);
    expect(splitRow("a,,b", 2)).toEqual(["a", ",b"]);
    expect(splitRow("a,", 2)).toEqual(["a", ""]);
    expect(splitRow("alone", 3)).toEqual(["alone"]);
    expect(splitRow("x\u001f y z \u001fw", 2)).toEqual(["x", "y z \u001fw"]);
  });

  it("selects items like python slices", () => {
    const pick = (slice: Parameters<typeof sliceSelects>[0], n: number) =>
      Array.from({ length: n }, (_, i) => i).filter((i) => sliceSelects(slice, i, n));
    expect(pick(undefined, 4)).toEqual([0, 1, 2, 3]);
    expect(pick({ start: 1 }, 4)).toEqual([1, 2, 3]);
    expect(pick({ end: -1 }, 4)).toEqual([0, 1, 2]);
    expect(pick({ step: 2 }, 5)).toEqual([0, 2, 4]);
    expect(pick({ start: -3, step: 2 }, 6)).toEqual([3, 5]);
  });
});
