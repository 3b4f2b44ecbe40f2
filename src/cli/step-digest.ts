/**
 * The --summary digest, fed a step at a time without building its text (issue 20: the digest
 * lines were a quarter of what a 200,000-step summary run allocated). The bytes hashed are
 * exactly the UTF-8 of `stepDigestLine` for each step in order: ASCII is copied a character at
 * a time into one reused buffer, anything else goes through Buffer#write.
 */
import { createHash, type Hash } from 'node:crypto';

/** What one step's outcome contributes (the fields stepDigestLine reads). */
export interface DigestedResult {
  ok: boolean;
  error?: string;
  addr?: string | null;
  addrs?: string[] | null;
  log: readonly string[];
}

/** The text one step contributes to the summary digest (RunSummary.digest): what StepDigest hashes. */
export function stepDigestLine(i: number, r: DigestedResult): string {
  return `${i} ${r.ok ? 'ok' : r.error ?? 'failed'} ${r.addr ?? r.addrs?.join(',') ?? '-'} ${r.log.join('\u001f')}\n`;
}

const BUFFER_BYTES = 1 << 16;
const SPACE = 0x20;
const UNIT_SEPARATOR = 0x1f;
const NEWLINE = 0x0a;

export class StepDigest {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;

  /** Step i's line: `i <ok|error> <addr or -> <log lines joined by \u001f>\n`. */
  add(i: number, r: DigestedResult): void {
    this.text(String(i));
    this.byte(SPACE);
    this.text(r.ok ? 'ok' : r.error ?? 'failed');
    this.byte(SPACE);
    if (r.addr != null) this.text(r.addr);
    else if (r.addrs != null) this.text(r.addrs.join(','));
    else this.text('-');
    this.byte(SPACE);
    const log = r.log;
    for (let j = 0; j < log.length; j++) {
      if (j > 0) this.byte(UNIT_SEPARATOR);
      this.text(log[j]);
    }
    this.byte(NEWLINE);
  }

  /** The sha256 of everything added, as hex. */
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private byte(b: number): void {
    if (this.pos === BUFFER_BYTES) this.flush();
    this.buf[this.pos++] = b;
  }

  private text(s: string): void {
    // A UTF-16 unit is at most three UTF-8 bytes (a surrogate pair, two units, is four).
    if (this.pos + 3 * s.length > BUFFER_BYTES) {
      this.flush();
      if (3 * s.length > BUFFER_BYTES) {
        this.hash.update(s, 'utf8');
        return;
      }
    }
    const buf = this.buf;
    let p = this.pos;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) {
        this.pos = p + buf.write(s.slice(j), p, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  private flush(): void {
    if (this.pos > 0) this.hash.update(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
