// Throughput of the SDK's RecordIO reader against the third-party decoder `@dcos/recordio` (used unchanged, as its
// README says: decode the bytes to text, then `read(rest + text)` returns the complete records and the rest), and
// against a raw baseline (`Buffer.concat` of all chunks, then a tight loop hopping from length to length, decoding
// nothing). The stream is ~20 MB of realistic scheduler events (OFFERS, UPDATE, HEARTBEAT, some non-ASCII text) cut
// into 64 KiB chunks, as an HTTP response arrives. Rounds are interleaved so machine noise hits all alike; median of
// BENCH_RUNS (default 9, at least 7) rounds each, after warm-up rounds.
// Needs the built SDK: `cd packages/sdk && npx tsup` (or `npm run bench`, which builds first).
import { strictEqual } from "node:assert/strict";
import { createRequire } from "node:module";
import { encodeRecords, readRecordIO } from "../packages/sdk/dist/mesos/index.js";
import { fmt, interleave, prng, report } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { read: thirdPartyRead } = require("@dcos/recordio");

const TARGET_BYTES = 20 * 1024 * 1024;
const CHUNK = 64 * 1024;
const runs = Math.max(7, Number(process.env.BENCH_RUNS ?? 9));
const warmups = 2;

const rand = prng(7);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const b64 = () => Buffer.from(hex(16), "hex").toString("base64");

const clusterId = uuid();
const frameworkId = { value: `${clusterId}-0001` };
const sites = ["desy", "kit", "cern", "fnal", "infn", "ral", "in2p3", "pic"];
const agents = Array.from({ length: 200 }, (_, i) => ({
  id: { value: `${clusterId}-S${i}` },
  hostname: `wn${i}.${pick(sites)}.example.org`,
  rack: `r${i % 12}`,
  // Mostly ASCII, as in real clusters; a few sites spell their zones with accents (multi-byte UTF-8).
  zone: i % 8 === 0 ? pick(["zürich-a", "genève-b", "köln-c"]) : pick(["zone-a", "zone-b", "zone-c"]),
}));

const scalar = (name, value) => ({
  name,
  type: "SCALAR",
  scalar: { value },
  role: "*",
  allocation_info: { role: "condor" },
});

function offer() {
  const agent = pick(agents);
  const low = 31000 + int(0, 400);
  return {
    id: { value: `${clusterId}-O${int(1, 1e7)}` },
    framework_id: frameworkId,
    agent_id: agent.id,
    hostname: agent.hostname,
    url: {
      scheme: "http",
      address: { hostname: agent.hostname, ip: `10.1.${int(0, 255)}.${int(1, 254)}`, port: 5051 },
      path: "/slave(1)",
    },
    resources: [
      scalar("cpus", int(1, 64) / 2),
      scalar("mem", int(1024, 256_000)),
      scalar("disk", int(10_000, 2_000_000)),
      {
        name: "ports",
        type: "RANGES",
        ranges: {
          range: [
            { begin: low, end: low + int(10, 200) },
            { begin: 32000, end: 32767 },
          ],
        },
        role: "*",
        allocation_info: { role: "condor" },
      },
    ],
    attributes: [
      { name: "rack", type: "TEXT", text: { value: agent.rack } },
      { name: "site", type: "TEXT", text: { value: pick(sites) } },
      { name: "zone", type: "TEXT", text: { value: agent.zone } },
      { name: "cores", type: "SCALAR", scalar: { value: int(8, 128) } },
    ],
    allocation_info: { role: "condor" },
  };
}

function update() {
  const agent = pick(agents);
  const state = pick([
    "TASK_STARTING",
    "TASK_RUNNING",
    "TASK_RUNNING",
    "TASK_FINISHED",
    "TASK_FAILED",
    "TASK_KILLED",
  ]);
  return {
    type: "UPDATE",
    update: {
      status: {
        task_id: { value: `condor-startd.${uuid()}` },
        state,
        source: pick(["SOURCE_EXECUTOR", "SOURCE_AGENT"]),
        ...(state === "TASK_FAILED"
          ? {
              reason: "REASON_COMMAND_EXECUTOR_FAILED",
              message: "Command exited with status 1 — “condor_master” ✗",
            }
          : {}),
        agent_id: agent.id,
        executor_id: { value: `condor-startd.${uuid()}` },
        timestamp: 1_700_000_000 + rand() * 1e6,
        uuid: b64(),
        healthy: rand() > 0.1,
        container_status: {
          container_id: { value: uuid() },
          network_infos: [
            { ip_addresses: [{ protocol: "IPv4", ip_address: `10.1.${int(0, 255)}.${int(1, 254)}` }] },
          ],
          executor_pid: int(1000, 99999),
        },
        labels: { labels: [{ key: "bsaas.io/site", value: pick(sites) }] },
      },
    },
  };
}

const events = [];
let bytes = 0;
while (bytes < TARGET_BYTES) {
  const r = rand();
  const event =
    r < 0.25
      ? { type: "OFFERS", offers: { offers: Array.from({ length: int(1, 8) }, offer) } }
      : r < 0.9
        ? update()
        : { type: "HEARTBEAT" };
  const text = JSON.stringify(event);
  events.push(text);
  bytes += Buffer.byteLength(text) + 8;
}
const stream = encodeRecords(events);
const chunks = [];
for (let at = 0; at < stream.length; at += CHUNK) chunks.push(stream.subarray(at, at + CHUNK));

async function* source() {
  for (const chunk of chunks) yield chunk;
}

/** (a) The SDK: streaming, byte-exact, one TextDecoder call per record. */
async function ours() {
  let count = 0;
  let chars = 0;
  for await (const record of readRecordIO(source())) {
    count++;
    chars += record.length;
  }
  return [count, chars];
}

/** (b) @dcos/recordio, fed the way its README shows: text in, [records, rest] out. */
async function thirdParty() {
  const decoder = new TextDecoder();
  let rest = "";
  let count = 0;
  let chars = 0;
  for await (const chunk of source()) {
    const [records, left] = thirdPartyRead(rest + decoder.decode(chunk, { stream: true }));
    rest = left;
    for (const record of records) {
      count++;
      chars += record.length;
    }
  }
  return [count, chars];
}

/** (c) Raw baseline: one Buffer.concat, then hop from length prefix to length prefix; nothing decoded. */
async function raw() {
  const all = [];
  for await (const chunk of source()) all.push(chunk);
  const buf = Buffer.concat(all);
  let count = 0;
  let pos = 0;
  while (pos < buf.length) {
    let len = 0;
    let c = buf[pos++];
    while (c !== 10) {
      len = len * 10 + (c - 48);
      c = buf[pos++];
    }
    pos += len;
    count++;
  }
  return [count, 0];
}

// All three must see the same records, or the timing means nothing.
const [expectedCount, expectedChars] = await ours();
strictEqual(expectedCount, events.length);
strictEqual(
  expectedChars,
  events.reduce((n, e) => n + e.length, 0),
);
const [tpCount, tpChars] = await thirdParty();
strictEqual(tpCount, expectedCount);
strictEqual(tpChars, expectedChars);
strictEqual((await raw())[0], expectedCount);

const { ours: o, thirdParty: t, raw: b } = await interleave({ ours, thirdParty, raw }, { runs, warmups });
const mbps = (ms) => `${(stream.length / 1e6 / (ms / 1e3)).toFixed(0)} MB/s`;
console.log(
  `stream: ${(stream.length / 1e6).toFixed(1)} MB, ${events.length} records, ${chunks.length} chunks of 64 KiB`,
);
console.log(
  `readRecordIO (SDK)      median ${fmt(o.median)}  ${mbps(o.median)}  min ${fmt(o.min)}  (${o.runs} runs)`,
);
console.log(
  `@dcos/recordio          median ${fmt(t.median)}  ${mbps(t.median)}  min ${fmt(t.min)}  (${t.runs} runs)`,
);
console.log(
  `raw concat + scan       median ${fmt(b.median)}  ${mbps(b.median)}  min ${fmt(b.min)}  (${b.runs} runs)`,
);
report("recordio", {
  ratio: t.median / o.median,
  baseline: `@dcos/recordio median ${fmt(t.median)}, raw scan ${fmt(b.median)}`,
  goal: 5,
  lowerIsBetter: false,
});
