import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { StreamFrameError } from "../errors.js";
import { encodeRecordIO, encodeRecords, type ReadRecordIOOptions, readRecordIO } from "./recordio.js";

const EXAMPLES = new URL("../../../../../shared/specs/mesos/examples/", import.meta.url);

async function* chunked(chunks: (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
  for (const c of chunks) yield c;
}

async function collect(chunks: (Uint8Array | string)[], options?: ReadRecordIOOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const record of readRecordIO(chunked(chunks), options)) out.push(record);
  return out;
}

/** Runs the reader and returns the error it throws (failing the test when it does not throw). */
async function failure(
  chunks: (Uint8Array | string)[],
  options?: ReadRecordIOOptions,
): Promise<StreamFrameError> {
  try {
    await collect(chunks, options);
  } catch (error) {
    expect(error).toBeInstanceOf(StreamFrameError);
    return error as StreamFrameError;
  }
  throw new Error("expected readRecordIO to throw");
}

const records = [
  '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"café-✓"},"heartbeat_interval_seconds":15}}',
  '{"type":"HEARTBEAT"}',
  '{"type":"MESSAGE","message":{"data":"𝄞 clef é ✓"}}',
  "x",
  "\uFEFF keeps a leading BOM",
  "é",
];
const stream = encodeRecords(records);

describe("encodeRecordIO", () => {
  it("frames records with their byte length", () => {
    expect(encodeRecordIO('{"type":"HEARTBEAT"}').toString()).toBe('20\n{"type":"HEARTBEAT"}');
    expect(encodeRecordIO("é✓𝄞").toString()).toBe("9\né✓𝄞");
    expect(encodeRecordIO(Uint8Array.of(1, 2, 3))).toEqual(Buffer.from([0x33, 0x0a, 1, 2, 3]));
    expect(encodeRecords(["a", "bc"]).toString()).toBe("1\na2\nbc");
    expect(encodeRecords([]).length).toBe(0);
  });

  it("refuses an empty record", () => {
    expect(() => encodeRecordIO("")).toThrow(/empty record/);
  });
});

describe("readRecordIO", () => {
  it("reads records from one chunk", async () => {
    expect(await collect([stream])).toEqual(records);
  });

  it("gives the same records when the stream is cut in two at every byte", async () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(await collect([stream.subarray(0, cut), stream.subarray(cut)]), `cut at ${cut}`).toEqual(
        records,
      );
    }
  });

  it("gives the same records when the stream is cut in three around every byte", async () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const parts = [stream.subarray(0, cut), stream.subarray(cut, cut + 1), stream.subarray(cut + 1)];
      expect(await collect(parts), `cut at ${cut}`).toEqual(records);
    }
  });

  it("gives the same records from 1-byte chunks", async () => {
    expect(await collect([...stream].map((b) => Uint8Array.of(b)))).toEqual(records);
  });

  it("accepts empty chunks and string chunks", async () => {
    expect(await collect([new Uint8Array(0), "3\nab", "c", new Uint8Array(0), "3\néz"])).toEqual([
      "abc",
      "éz",
    ]);
  });

  it("reads a Node Readable", async () => {
    const chunks = [stream.subarray(0, 7), stream.subarray(7, 100), stream.subarray(100)];
    const out: string[] = [];
    for await (const r of readRecordIO(Readable.from(chunks))) out.push(r);
    expect(out).toEqual(records);
  });

  it("reads a web ReadableStream", async () => {
    let i = 0;
    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i >= stream.length) controller.close();
        else {
          controller.enqueue(new Uint8Array(stream.subarray(i, i + 5)));
          i += 5;
        }
      },
    });
    const out: string[] = [];
    for await (const r of readRecordIO(web)) out.push(r);
    expect(out).toEqual(records);
  });

  it("cancels a web ReadableStream when the consumer stops early", async () => {
    let cancelled = false;
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encodeRecords(["one", "two"]));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const r of readRecordIO(web)) {
      expect(r).toBe("one");
      break;
    }
    expect(cancelled).toBe(true);
  });

  it("reads the constructed sample of examples/recordio", async () => {
    const bytes = await readFile(new URL("recordio/scheduler-subscribed-heartbeat.recordio", EXAMPLES));
    const out = await collect([bytes]);
    expect(out.map((r) => JSON.parse(r).type)).toEqual(["SUBSCRIBED", "HEARTBEAT", "HEARTBEAT"]);
    expect(JSON.parse(out[0] ?? "")).toEqual({
      type: "SUBSCRIBED",
      subscribed: { framework_id: { value: "12220-3440-12532-2345" }, heartbeat_interval_seconds: 15 },
    });
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(out);
    }
  });

  it("ends cleanly on an empty stream", async () => {
    expect(await collect([])).toEqual([]);
  });
});

describe("readRecordIO errors", () => {
  const first = encodeRecordIO("hello"); // 7 bytes: "5\nhello"

  it("rejects a non-numeric length prefix at the offset of its record", async () => {
    const error = await failure([first, "1x\nabc"]);
    expect(error.offset).toBe(7);
    expect(error.message).toBe(
      "RecordIO stream: frame at byte 7: length prefix is not a decimal number (byte 0x78 at byte 8)",
    );
    expect(error.stream).toBe("RecordIO stream");
    expect(error.code).toBe("STREAM_FRAME_INVALID");
  });

  it("rejects a sign, a space or CRLF in the prefix", async () => {
    expect((await failure(["-5\nhello"])).offset).toBe(0);
    expect((await failure([first, " 5\nhello"])).offset).toBe(7);
    expect((await failure([first, first, "5\r\nhello"])).offset).toBe(14);
  });

  it("rejects an empty prefix", async () => {
    const error = await failure([first, "\nabc"]);
    expect(error.offset).toBe(7);
    expect(error.message).toMatch(/empty length prefix/);
  });

  it("rejects a record length of 0", async () => {
    const error = await failure([first, "0\n"]);
    expect(error.offset).toBe(7);
    expect(error.message).toMatch(/record length is 0$/);
    expect((await failure(["000\n"])).message).toMatch(/record length is 0$/);
  });

  it("rejects a prefix longer than 20 digits, even made of zeros", async () => {
    const error = await failure([first, `${"0".repeat(21)}5\nhello`], { maxRecordBytes: 2 ** 52 });
    expect(error.offset).toBe(7);
    expect(error.message).toMatch(/longer than 20 digits/);
    // 20 digits are fine.
    expect(await collect([`${"0".repeat(19)}5\nhello`])).toEqual(["hello"]);
  });

  it("rejects an absurd length without allocating it, before the data arrives", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield first;
      yield Buffer.from("99999999999999999999");
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 0x20);
      }
    }
    let caught: unknown;
    try {
      for await (const _ of readRecordIO(endless())) {
        // consume
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamFrameError);
    expect((caught as StreamFrameError).offset).toBe(7);
    expect((caught as StreamFrameError).message).toMatch(/exceeds maxRecordBytes \(67108864\)/);
    expect(pulled).toBe(0);
  });

  it("honours maxRecordBytes", async () => {
    expect(await collect([encodeRecords(["abcd", "ef"])], { maxRecordBytes: 4 })).toEqual(["abcd", "ef"]);
    const error = await failure([encodeRecords(["abcd", "efghi"])], { maxRecordBytes: 4 });
    expect(error.offset).toBe(6);
    expect(error.message).toMatch(/exceeds maxRecordBytes \(4\)/);
    await expect(collect(["1\na"], { maxRecordBytes: 0 })).rejects.toThrow(
      /maxRecordBytes must be a positive/,
    );
  });

  it("rejects a stream that ends inside a record", async () => {
    const error = await failure([first, "10\nabc", "de"]);
    expect(error.offset).toBe(7);
    expect(error.message).toBe(
      "RecordIO stream: frame at byte 7: stream ended inside a record (got 5 of 10 bytes)",
    );
    expect((await failure([first, "10"])).message).toMatch(
      /frame at byte 7: stream ended inside a length prefix/,
    );
    expect((await failure([first, "10\n"])).message).toMatch(/got 0 of 10 bytes/);
  });

  it("rejects a record that is not valid UTF-8, at its offset", async () => {
    const error = await failure([first, Buffer.from([0x32, 0x0a, 0xc3, 0x28])]);
    expect(error.offset).toBe(7);
    expect(error.message).toMatch(/not valid UTF-8/);
  });

  it("yields the good records before the bad one", async () => {
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const r of readRecordIO(chunked([first, first, "x"]))) out.push(r);
      })(),
    ).rejects.toThrow(StreamFrameError);
    expect(out).toEqual(["hello", "hello"]);
  });
});
