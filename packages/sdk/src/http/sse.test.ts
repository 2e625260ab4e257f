import { describe, expect, it } from "vitest";
import { type SseEvent, SseParser } from "./sse.js";

function parse(chunks: (string | Uint8Array)[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.feed(c);
  return events;
}

const stream =
  'event: event_stream_attached\ndata: {"remoteAddress":"127.0.0.1","eventType":"event_stream_attached"}\n\n' +
  "\r\n" + // heart-beat
  ": a comment\n" +
  'event: deployment_success\r\ndata: {"id":"d-1","note":"héllo ✓"}\r\n\r\n' +
  "data: line one\ndata: line two\nid: 7\n\n";

describe("SseParser", () => {
  it("parses events, ignoring heart-beats and comments, with byte offsets", () => {
    const events = parse([stream]);
    expect(events.map((e) => [e.event, e.offset])).toEqual([
      ["event_stream_attached", 0],
      ["deployment_success", Buffer.byteLength(stream.slice(0, stream.indexOf("event: deployment_success")))],
      ["message", Buffer.byteLength(stream.slice(0, stream.indexOf("data: line one")))],
    ]);
    expect(JSON.parse(events[1]?.data ?? "")).toEqual({ id: "d-1", note: "héllo ✓" });
    expect(events[2]).toMatchObject({ data: "line one\nline two", id: "7" });
  });

  it("gives the same events whatever the chunking, even inside multi-byte characters and CRLF pairs", () => {
    const bytes = Buffer.from(stream);
    const whole = parse([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(parse([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it("does not dispatch an event until its blank line arrives", () => {
    expect(parse(['event: x\ndata: {"a":1}\n'])).toEqual([]);
  });
});
