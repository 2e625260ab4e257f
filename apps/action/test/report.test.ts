// Presentation helpers of the job summary and the failure message.
import { describe, expect, it } from "vitest";
import { escapeHtml, inActionWords } from "../src/report.js";

describe("report", () => {
  it("says the SDK's CLI flags as the action's inputs", () => {
    expect(
      inActionWords(
        "Run the same command again later to finish, raise --deadline, or use --force to kill them now.",
      ),
    ).toBe(
      "Run the same command again later to finish, raise the `deadline` input, or use `force: true` to kill them now.",
    );
    expect(inActionWords("apply again once fixed, or raise --timeout if the site is only slow.")).toBe(
      "apply again once fixed, or raise the `timeout` input if the site is only slow.",
    );
    expect(inActionWords("Pass --marathon URL")).toBe("Pass --marathon URL");
  });

  it("escapes what goes into the summary's HTML", () => {
    expect(escapeHtml('a <b> & "c"')).toBe('a &lt;b&gt; &amp; "c"');
  });
});
