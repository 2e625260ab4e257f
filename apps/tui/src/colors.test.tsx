import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";

// Colours on, whatever the terminal running the tests: chalk reads FORCE_COLOR when it is first imported.
vi.hoisted(() => {
  process.env.FORCE_COLOR = "1";
});

const { FakeWatch, fakeActions, frameWhere } = await import("../test/fixtures.js");
const { Dashboard } = await import("./Dashboard.js");
const { noColorFromEnv } = await import("./theme.js");

/** SGR colour codes: foreground/background 30-49 and 90-107 (bold, dim and inverse are not colours). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(?:3\\d|4\\d|9\\d|10\\d)(?:;\\d+)*m`);

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function frameWith(noColor: boolean): Promise<string> {
  const r = render(
    <Dashboard
      watch={new FakeWatch()}
      actions={fakeActions().actions}
      width={80}
      height={24}
      noColor={noColor}
    />,
  );
  unmount = r.unmount;
  return frameWhere(r.lastFrame, (f) => f.includes("executors"));
}

describe("colours", () => {
  it("are used by default", async () => {
    expect(await frameWith(false)).toMatch(COLOUR);
  });

  it("degrade with NO_COLOR: no colour at all, focus and selection still show (heavy border, inverse, ›)", async () => {
    const frame = await frameWith(true);
    expect(frame).not.toMatch(COLOUR);
    expect(frame).toContain("┏━ Apps");
    expect(frame).toContain("› central-manager");
  });

  it("NO_COLOR counts when set and not empty", () => {
    expect(noColorFromEnv({ NO_COLOR: "1" })).toBe(true);
    expect(noColorFromEnv({ NO_COLOR: "" })).toBe(false);
    expect(noColorFromEnv({})).toBe(false);
  });
});
