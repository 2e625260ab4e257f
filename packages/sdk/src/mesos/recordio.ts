/**
 * RecordIO, the framing Mesos uses for its streaming HTTP responses (scheduler, operator and executor `SUBSCRIBE`).
 *
 * A stream is a sequence of records; each record is its length in BYTES as ASCII decimal digits, a line feed, then
 * exactly that many bytes (one JSON-encoded event, not followed by a newline). See `docs/recordio.md` in apache/mesos
 * and section 2 of the API summary (`shared/specs/mesos/API.md`).
 *
 * ```
 * stream      = *record
 * record      = record-size LF record-data
 * record-size = 1*DIGIT
 * record-data = record-size OCTETs
 * ```
 */

import { BsaasError, StreamFrameError } from "../errors.js";

/** Name used in {@link StreamFrameError}s raised by {@link readRecordIO}. */
export const RECORDIO_STREAM = "RecordIO stream";

/** Default upper bound of one record: 64 MiB (a GET_STATE snapshot of a large cluster fits comfortably). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** The longest length prefix accepted: a uint64 has at most 20 decimal digits. */
const MAX_PREFIX_DIGITS = 20;

const LF = 10;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Options of {@link readRecordIO}. */
export interface ReadRecordIOOptions {
  /**
   * Largest record accepted, in bytes (default {@link DEFAULT_MAX_RECORD_BYTES}). A larger length prefix is rejected as
   * soon as it is read, before any of the record is buffered.
   */
  maxRecordBytes?: number;
}

/** What {@link readRecordIO} reads: a Node `Readable`, any async iterable of chunks, or a web `ReadableStream`. */
export type RecordIOSource = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;

const encoder = new TextEncoder();

/**
 * Splits a RecordIO byte stream into records and yields each record's text (UTF-8 decoded, byte for byte: a leading
 * U+FEFF is kept, invalid UTF-8 is an error).
 *
 * Chunk boundaries may fall anywhere: inside the length digits, between the digits and the line feed, inside a
 * multi-byte UTF-8 character, or several records may share one chunk. String chunks (a `Readable` with an encoding set)
 * are re-encoded as UTF-8; prefer byte chunks.
 *
 * Errors are {@link StreamFrameError}s whose `offset` is the byte offset where the offending record starts: a length
 * prefix that is empty, not decimal, longer than 20 digits, zero or larger than `maxRecordBytes`; a record that is not
 * valid UTF-8; a stream that ends inside a record.
 *
 * @example
 * const res = await fetch(url, { method: "POST", body, headers });
 * for await (const text of readRecordIO(res.body)) handle(parseMesosJson(text));
 */
export async function* readRecordIO(
  source: RecordIOSource,
  options: ReadRecordIOOptions = {},
): AsyncGenerator<string, void, undefined> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1) {
    throw new BsaasError(
      "INVALID_ARGUMENT",
      `maxRecordBytes must be a positive integer, got ${maxRecordBytes}`,
    );
  }
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  /** Stream offset of the first byte of the current chunk. */
  let chunkOffset = 0;
  /** Stream offset where the current record (its length prefix) starts. */
  let recordStart = 0;
  /** True while reading a length prefix, false while reading record data. */
  let inPrefix = true;
  /** Digits of the current prefix read so far, and their value. */
  let digits = 0;
  let length = 0;
  /** Pieces of the current record's data collected from earlier chunks, and their total size. */
  let parts: Uint8Array[] = [];
  let have = 0;

  for await (const raw of chunksOf(source)) {
    const chunk = typeof raw === "string" ? encoder.encode(raw) : raw;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (inPrefix) {
        if (digits === 0) recordStart = chunkOffset + i;
        // The only per-byte loop: the few digits of a length prefix.
        for (; i < n; i++) {
          const c = chunk[i] as number;
          if (c >= DIGIT_0 && c <= DIGIT_9) {
            digits++;
            if (digits > MAX_PREFIX_DIGITS) {
              throw new StreamFrameError(
                RECORDIO_STREAM,
                recordStart,
                `length prefix is longer than ${MAX_PREFIX_DIGITS} digits`,
              );
            }
            length = length * 10 + (c - DIGIT_0);
            if (length > maxRecordBytes) {
              throw new StreamFrameError(
                RECORDIO_STREAM,
                recordStart,
                `record length exceeds maxRecordBytes (${maxRecordBytes})`,
              );
            }
            continue;
          }
          if (c === LF) {
            if (digits === 0) {
              throw new StreamFrameError(RECORDIO_STREAM, recordStart, "empty length prefix");
            }
            if (length === 0) {
              throw new StreamFrameError(RECORDIO_STREAM, recordStart, "record length is 0");
            }
            inPrefix = false;
            i++;
            break;
          }
          throw new StreamFrameError(
            RECORDIO_STREAM,
            recordStart,
            `length prefix is not a decimal number (byte 0x${c.toString(16).padStart(2, "0")} at byte ${chunkOffset + i})`,
          );
        }
        continue;
      }

      const need = length - have;
      const avail = n - i;
      if (avail < need) {
        parts.push(i === 0 ? chunk : chunk.subarray(i));
        have += avail;
        break;
      }
      let bytes: Uint8Array;
      if (have === 0) {
        // The whole record is in this chunk: decode in place.
        bytes = chunk.subarray(i, i + need);
      } else {
        // One copy per record, of exactly its bytes.
        bytes = new Uint8Array(length);
        let at = 0;
        for (const part of parts) {
          bytes.set(part, at);
          at += part.length;
        }
        bytes.set(chunk.subarray(i, i + need), at);
        parts = [];
        have = 0;
      }
      i += need;
      const start = recordStart;
      inPrefix = true;
      digits = 0;
      length = 0;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch (cause) {
        throw new StreamFrameError(RECORDIO_STREAM, start, "record is not valid UTF-8", { cause });
      }
      yield text;
    }
    chunkOffset += n;
  }

  if (!inPrefix) {
    throw new StreamFrameError(
      RECORDIO_STREAM,
      recordStart,
      `stream ended inside a record (got ${have} of ${length} bytes)`,
    );
  }
  if (digits > 0) {
    throw new StreamFrameError(RECORDIO_STREAM, recordStart, "stream ended inside a length prefix");
  }
}

/** Iterates a web `ReadableStream` through its reader (works whether or not the runtime makes it async-iterable). */
function chunksOf(source: RecordIOSource): AsyncIterable<Uint8Array | string> {
  if (isReadableStream(source)) return readableStreamChunks(source);
  return source;
}

function isReadableStream(source: RecordIOSource): source is ReadableStream<Uint8Array> {
  return typeof (source as { getReader?: unknown }).getReader === "function";
}

async function* readableStreamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopping early (break, error) cancels the stream so the HTTP connection is released.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Frames one record: `<byte length>\n<bytes>`. Strings are UTF-8 encoded. An empty record cannot be framed (RecordIO
 * lengths are never 0) and throws a {@link BsaasError}.
 */
export function encodeRecordIO(record: string | Uint8Array): Buffer {
  const body = typeof record === "string" ? Buffer.from(record, "utf8") : record;
  if (body.length === 0) {
    throw new BsaasError(
      "RECORDIO_EMPTY_RECORD",
      "RecordIO cannot frame an empty record (lengths are never 0)",
    );
  }
  const prefix = Buffer.from(`${body.length}\n`, "latin1");
  return Buffer.concat([prefix, body], prefix.length + body.length);
}

/** Frames several records into one buffer (for emulators and tests). */
export function encodeRecords(records: Iterable<string | Uint8Array>): Buffer {
  const framed: Buffer[] = [];
  let total = 0;
  for (const record of records) {
    const one = encodeRecordIO(record);
    framed.push(one);
    total += one.length;
  }
  return Buffer.concat(framed, total);
}
