/** One server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  id: string | undefined;
  /** Byte offset in the stream where the event's first line starts (for error messages). */
  offset: number;
}

/**
 * Incremental parser of a `text/event-stream`. Feed it byte chunks split anywhere (inside a line, inside a multi-byte
 * character); it calls `onEvent` for each complete event, with the byte offset where the event began. Comment lines and
 * blank heart-beat lines are ignored, as the spec says.
 *
 * @example
 * const parser = new SseParser((e) => console.log(e.event, e.data));
 * for await (const chunk of body) parser.feed(chunk);
 */
export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private pending = "";
  /** Bytes of `pending` not yet turned into lines, kept exact by re-encoding only what is consumed. */
  private consumed = 0;
  private eventStart: number | undefined;
  private event = "";
  private data: string[] = [];
  private id: string | undefined;
  private lastWasCr = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  feed(chunk: Uint8Array | string): void {
    this.pending += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const c = this.pending.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.lastWasCr && i === start) {
        // The \n of a \r\n pair whose \r ended the previous line.
        this.lastWasCr = false;
        start = i + 1;
        this.consumed += 1;
        continue;
      }
      const line = this.pending.slice(start, i);
      const lineOffset = this.consumed;
      this.consumed += Buffer.byteLength(line) + 1;
      this.lastWasCr = c === 13;
      this.line(line, lineOffset);
      start = i + 1;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > 0) this.lastWasCr = false;
  }

  private line(line: string, offset: number): void {
    if (line === "") {
      if (this.eventStart !== undefined && this.data.length > 0) {
        this.onEvent({
          event: this.event || "message",
          data: this.data.join("\n"),
          id: this.id,
          offset: this.eventStart,
        });
      }
      this.eventStart = undefined;
      this.event = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    this.eventStart ??= offset;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }
}
