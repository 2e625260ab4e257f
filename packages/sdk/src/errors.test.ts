import { describe, expect, it } from "vitest";
import {
  BsaasError,
  FileReadError,
  formatFieldPath,
  formatSpecIssue,
  SpecValidationError,
} from "./errors.js";

describe("errors", () => {
  it("BsaasError keeps code, hint and cause, and names the subclass", () => {
    const cause = new Error("EACCES");
    const error = new FileReadError("c.yaml", { cause });
    expect(error).toBeInstanceOf(BsaasError);
    expect(error.name).toBe("FileReadError");
    expect(error.code).toBe("FILE_READ_FAILED");
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("Could not read c.yaml: EACCES");
    expect(error.hint).toMatch(/path/);
  });

  it("formats field paths and issues as editors expect", () => {
    expect(formatFieldPath(["sites", 0, "executors", "instances"])).toBe("sites[0].executors.instances");
    expect(formatFieldPath([])).toBe("");
    const issue = {
      file: "c.yaml",
      position: { line: 3, column: 7, offset: 40 },
      path: ["kind"],
      code: "invalid_value",
      message: "bad",
    };
    expect(formatSpecIssue(issue)).toBe("c.yaml:3:7: kind: bad");
    expect(formatSpecIssue({ ...issue, path: [] })).toBe("c.yaml:3:7: bad");
  });

  it("SpecValidationError lists every issue in its message", () => {
    const at = (line: number) => ({
      file: "c.yaml",
      position: { line, column: 1, offset: 0 },
      path: [],
      code: "x",
      message: `m${line}`,
    });
    const error = new SpecValidationError("c.yaml", [at(1), at(9)]);
    expect(error.code).toBe("SPEC_INVALID");
    expect(error.message).toBe(
      "c.yaml is not a valid cluster file (2 problems):\nc.yaml:1:1: m1\nc.yaml:9:1: m9",
    );
  });
});
