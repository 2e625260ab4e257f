import { describe, expect, it } from "vitest";
import { attributeValue, resourceTotals } from "./resources.js";

describe("resourceTotals", () => {
  it("adds scalars across roles and counts ports", () => {
    expect(
      resourceTotals([
        { name: "cpus", type: "SCALAR", scalar: { value: 1.5 } },
        { name: "cpus", type: "SCALAR", scalar: { value: 0.25 } },
        { name: "mem", type: "SCALAR", scalar: { value: 1024 } },
        {
          name: "ports",
          type: "RANGES",
          ranges: {
            range: [
              { begin: 31000, end: 31099 },
              { begin: 32000n, end: 32000n },
            ],
          },
        },
      ]),
    ).toEqual({ cpus: 1.75, mem: 1024, disk: 0, gpus: 0, ports: 101 });
    expect(resourceTotals(undefined).cpus).toBe(0);
  });

  it("reads text and scalar attributes", () => {
    const attributes = [
      { name: "site", text: { value: "infn-to" } },
      { name: "rack", scalar: { value: 7 } },
    ];
    expect(attributeValue(attributes, "site")).toBe("infn-to");
    expect(attributeValue(attributes, "rack")).toBe("7");
    expect(attributeValue(attributes, "zone")).toBeUndefined();
  });
});
