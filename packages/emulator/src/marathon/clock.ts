/**
 * Hands out version timestamps: ISO-8601 UTC with milliseconds, strictly increasing even when asked twice within
 * the same millisecond (Marathon versions are unique timestamps).
 */
export class VersionClock {
  private last = 0;

  next(): string {
    const now = Date.now();
    this.last = now > this.last ? now : this.last + 1;
    return new Date(this.last).toISOString();
  }
}
