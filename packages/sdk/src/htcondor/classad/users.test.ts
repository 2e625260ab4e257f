// userMap() and userHome() as HTCondor 23.9.6 answers them: every expectation below was observed with classad2 (with
// htcondor2 imported, no CLASSAD_USER_MAP* settings, CLASSAD_ENABLE_USER_HOME at its default, true) in the HTCondor
// rootfs. userHome looks users up in the host's user database; its cases run against the entries of the rootfs's
// /etc/passwd that they name, and one case checks the real lookup on this host.

import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClassAdValue, evaluate } from "./index.js";
import { setUserDatabaseForTests } from "./users.js";

type Want =
  | { type: "undefined" | "error" | "classad" }
  | { type: "string"; value: string }
  | { type: "integer" | "real"; value: number }
  | { type: "list"; value: ClassAdValue[] };

const U: Want = { type: "undefined" };
const E: Want = { type: "error" };
const str = (value: string): Want => ({ type: "string", value });

/** userMap with no map configured: every mapping fails. */
const userMapCases: [string, Want][] = [
  ['userMap("groups", "alice")', U],
  ['userMap("groups", "alice", "g")', U],
  ['userMap("groups", "alice", "g", "def")', str("def")],
  ['userMap("groups", "alice", undefined, "def")', str("def")],
  ['userMap("groups")', E],
  ["userMap()", E],
  ['userMap("a", "b", "c", "d", "e")', E],
  ['userMap(1, "alice")', U],
  ['userMap("groups", 1)', U],
  ['userMap(undefined, "alice")', U],
  ['userMap("groups", undefined)', U],
  ['userMap(error, "alice")', E],
  ['userMap("groups", error)', E],
  ['userMap("groups", "alice", 3)', U],
  ['userMap("groups", "alice", "g", 5)', { type: "integer", value: 5 }],
  ['userMap("groups", "alice", "g", undefined)', U],
  ['userMap("groups", "alice", "g", error)', E],
  ['userMap(1, 2, 3, "d")', str("d")],
  ['userMap(undefined, undefined, undefined, "d")', str("d")],
  ['userMap("groups", "alice", error, "d")', str("d")],
  ['userMap("", "")', U],
  ['userMap(error, "alice", "g", "d")', E],
  ['userMap("groups", error, "g", "d")', E],
  ['userMap(undefined, "alice", "g", "d")', str("d")],
  ['userMap("m", "u", "g", {1})', { type: "list", value: [{ type: "integer", value: 1 }] }],
  ['userMap("m", "u", "g", [a = 1])', { type: "classad" }],
  ['userMap("m", "u", undefined)', U],
  ['userMap("m", "u", error)', U],
  ['userMap({"m"}, "u")', U],
  ['userMap("m", {"u"})', U],
  ['userMap("m", "u", "g", 1.5)', { type: "real", value: 1.5 }],
];

/** The rootfs's /etc/passwd entries the userHome cases name (user: home directory). */
const ROOTFS_HOMES = new Map([
  ["root", "/root"],
  ["daemon", "/usr/sbin"],
  ["nobody", "/nonexistent"],
  ["condor", "/var/lib/condor"],
  ["bsaas", "/home/bsaas"],
]);

const userHomeCases: [string, Want][] = [
  ['userHome("root")', str("/root")],
  ['userHome("root", "/def")', str("/root")],
  ['userHome("nosuchuserxyz")', U],
  ['userHome("nosuchuserxyz", "/def")', str("/def")],
  ['userHome("nosuchuserxyz", "")', U],
  ["userHome(undefined)", U],
  ['userHome(undefined, "/def")', str("/def")],
  ["userHome(1)", E],
  ['userHome(1, "/def")', str("/def")],
  ["userHome(error)", E],
  ['userHome(error, "/def")', str("/def")],
  ['userHome("root", 5)', str("/root")],
  ['userHome("nosuchuserxyz", 5)', U],
  ['userHome("")', U],
  ['userHome("", "/def")', str("/def")],
  ['userHome("nobody")', str("/nonexistent")],
  ['userHome("daemon")', str("/usr/sbin")],
  ['userHome("condor")', str("/var/lib/condor")],
  ['userHome("bsaas")', str("/home/bsaas")],
  ['userHome("root", undefined)', str("/root")],
  ['userHome("nosuchuserxyz", undefined)', U],
  ['userHome("nosuchuserxyz", error)', U],
  ['userHome("ROOT")', U],
  ['userHome("0")', U],
  ['userHome(" root")', U],
  ['userHome("root", "")', str("/root")],
  ['userHome({"root"})', E],
  ['userHome({"root"}, "/d")', str("/d")],
  ["userHome(undefined, 5)", U],
  ['userHome(undefined, "")', U],
  ['userHome(error, "")', E],
  ['userHome(true, "/d")', str("/d")],
  // classad2 raises for a wrong number of arguments (the evaluation fails); the SDK gives ERROR, as for other
  // functions called wrongly.
  ["userHome()", E],
  ['userHome("a", "b", "c")', E],
];

function check(expr: string, want: Want): void {
  const got = evaluate(expr);
  expect(got.type, expr).toBe(want.type);
  if ("value" in want) expect((got as { value: unknown }).value, expr).toEqual(want.value);
}

describe("userMap (no map files configured)", () => {
  it.each(userMapCases)("%s", (expr, want) => check(expr, want));
});

describe("userHome", () => {
  describe("against the user database HTCondor saw", () => {
    beforeAll(() => setUserDatabaseForTests((user) => ROOTFS_HOMES.get(user)));
    afterAll(() => setUserDatabaseForTests(undefined));
    it.each(userHomeCases)("%s", (expr, want) => check(expr, want));
  });

  it("looks users up in this host's user database", () => {
    const me = userInfo();
    check(`userHome(${JSON.stringify(me.username)})`, str(me.homedir));
    check('userHome("no-such-user-bsaas-test")', U);
    check('userHome("no-such-user-bsaas-test", "/fallback")', str("/fallback"));
  });
});
