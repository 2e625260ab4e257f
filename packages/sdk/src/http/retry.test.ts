import { describe, expect, it } from "vitest";
import { AbortedError } from "./errors.js";
import { redactUrl, summarizeBody } from "./redact.js";
import { backoffDelay, sleep } from "./retry.js";

describe("backoffDelay", () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it("draws from 0 up to an exponential ceiling (full jitter)", () => {
    expect(backoffDelay(policy, 1, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, undefined, () => 0.999)).toBe(399);
    expect(backoffDelay(policy, 10, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, undefined, () => 0)).toBe(0);
  });
  it("honours Retry-After up to the maximum", () => {
    expect(backoffDelay(policy, 1, 0.5)).toBe(500);
    expect(backoffDelay(policy, 1, 30)).toBe(1000);
  });
});

describe("sleep", () => {
  it("rejects with AbortedError when aborted", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal, "waiting for Marathon");
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await expect(sleep(1, controller.signal)).rejects.toThrow("waiting was aborted");
  });
});

describe("redactUrl", () => {
  it("removes user info and secret query parameters", () => {
    expect(redactUrl("https://u:p@m.example:8443/v2/apps?token=abc&embed=apps.tasks")).toBe(
      "https://m.example:8443/v2/apps?token=%5Bredacted%5D&embed=apps.tasks",
    );
    expect(redactUrl("not a url //u:p@x/y")).toBe("not a url //x/y");
  });
});

describe("summarizeBody", () => {
  it("reduces HTML to its title and cuts long text", () => {
    expect(summarizeBody("<!DOCTYPE html><html><title> Bad Gateway </title></html>")).toBe("Bad Gateway");
    expect(summarizeBody("<html><body><h1>Oops</h1>\n<p>it broke</p></body></html>")).toBe("Oops it broke");
    expect(summarizeBody("x".repeat(500), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
