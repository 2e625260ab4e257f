import type { z } from "zod";
import { StreamFrameError } from "../errors.js";
import type { HttpStream } from "../http/client.js";
import { parseMesosJson } from "./json.js";
import { readRecordIO } from "./recordio.js";

/** One record of a Mesos event stream, typed, or why it could not be read. */
export type RecordItem<T> = { kind: "event"; event: T } | { kind: "invalid"; error: StreamFrameError };

/**
 * Reads a RecordIO stream of JSON events, parsing each with `schema`. The stream is closed when nothing (not even a
 * heartbeat) arrives for `idleMs()` milliseconds; the iteration then ends, and so it does when the connection drops. A record that
 * is not JSON or does not match the schema is yielded as `invalid`, with its byte offset, and reading goes on; a broken
 * RecordIO framing ends the stream with that error.
 */
export async function* readEvents<S extends z.ZodType>(
  stream: HttpStream,
  schema: S,
  name: string,
  idleMs: () => number,
): AsyncGenerator<RecordItem<z.output<S>>> {
  let idle: NodeJS.Timeout | undefined;
  // Re-armed on every chunk and after the consumer took each event (SUBSCRIBED may change the interval).
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => stream.close(), idleMs());
  };
  arm();
  const bumped = (async function* () {
    for await (const chunk of stream.body) {
      arm();
      yield chunk as Uint8Array;
    }
  })();
  let offset = 0;
  try {
    for await (const record of readRecordIO(bumped)) {
      const at = offset;
      offset += Buffer.byteLength(record) + String(Buffer.byteLength(record)).length + 1;
      let json: unknown;
      try {
        json = parseMesosJson(record);
      } catch (cause) {
        yield { kind: "invalid", error: new StreamFrameError(name, at, "record is not JSON", { cause }) };
        continue;
      }
      const parsed = schema.safeParse(json);
      if (parsed.success) {
        yield { kind: "event", event: parsed.data };
        arm();
      } else {
        const first = parsed.error.issues[0];
        const where = first && first.path.length > 0 ? `/${first.path.join("/")}: ` : "";
        yield {
          kind: "invalid",
          error: new StreamFrameError(
            name,
            at,
            `event does not match its schema (${where}${first?.message})`,
          ),
        };
      }
    }
  } catch (error) {
    if (error instanceof StreamFrameError) throw error;
    // The connection dropped or was closed as idle: the caller reconnects.
  } finally {
    clearTimeout(idle);
    stream.close();
  }
}
