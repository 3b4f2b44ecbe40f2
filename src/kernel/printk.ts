/**
 * The console: printk lines as the console shows them (no <n> level prefix) and
 * printk_ratelimit with the kernel's burst of 10 (time never advances in a scenario).
 * FAITHFUL for the text; SIMPLIFIED for timing (no interval refill).
 */
export const RATELIMIT_BURST = 10;

/** What take() gives for a step that printed nothing: one frozen array, not a new one per step. */
const NO_LINES: readonly string[] = Object.freeze([]);

export class Console {
  /** Lines printed during the current step. */
  lines: string[] = [];
  private ratelimitUsed = 0;

  printk(text: string): void {
    for (const line of text.replace(/\n$/, '').split('\n')) this.lines.push(line);
  }

  /** printk_ratelimit(): true for the first RATELIMIT_BURST calls of a run. */
  ratelimit(): boolean {
    if (this.ratelimitUsed >= RATELIMIT_BURST) return false;
    this.ratelimitUsed++;
    return true;
  }

  /** The lines printed since the last take (a shared, frozen empty list when there were none). */
  take(): string[] {
    const l = this.lines;
    if (l.length === 0) return NO_LINES as string[];
    this.lines = [];
    return l;
  }
}
