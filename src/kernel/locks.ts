/**
 * Spinlocks and rwlocks of an SMP kernel, as far as a scenario can observe them (STUBBED as
 * exclusion, FAITHFUL as to who holds what): one record per acquisition. A step that returns has
 * released what it took; a step that ends in BUG, oops or a hang keeps its holds for ever (the
 * task died, or spins, inside the locked region). A later acquisition that would spin on such a
 * hold (exclusive after any holder, shared after an exclusive holder) ends its step as a hang
 * naming the lock and the step that holds it; a trylock simply fails. Same rules as the
 * differential oracle's stub runtime.
 */

/** A lock the ported code declares (DEFINE_SPINLOCK, DEFINE_RWLOCK, spin_lock_init). */
export interface KernelLock {
  /** The name C's expression gives it at its declaration, e.g. "vmlist_lock". */
  readonly name: string;
}

/** The step spins for ever: outcome HANG. Caught by the runner, never escapes it. */
export class KernelHang extends Error {
  constructor(readonly held: string) {
    super(`spins on ${held}`);
  }
}

/**
 * The holds, one slot per acquisition in acquisition order, kept in parallel arrays (no record is
 * allocated per lock call: 2.4's alloc_area_pte drops and retakes page_table_lock for every page).
 */
export class Locks {
  private lockAt: KernelLock[] = [];
  /** The expression the acquiring call passed (minus '&'): what the hang message names. */
  private nameAt: string[] = [];
  private sharedAt: boolean[] = [];
  private stepAt: number[] = [];
  private deadAt: boolean[] = [];
  /** Holds in use (slots 0 … n-1). */
  private n = 0;
  /** Index of the running step (set by the runner). */
  step = 0;

  /** The hold an acquisition would spin on, earliest step first, or -1. */
  private blocker(lock: KernelLock, shared: boolean): number {
    let b = -1;
    for (let i = 0; i < this.n; i++) {
      if (this.lockAt[i] === lock && (!shared || !this.sharedAt[i]) && (b < 0 || this.stepAt[i] < this.stepAt[b])) b = i;
    }
    return b;
  }

  private push(lock: KernelLock, name: string, shared: boolean): void {
    const i = this.n++;
    this.lockAt[i] = lock;
    this.nameAt[i] = name;
    this.sharedAt[i] = shared;
    this.stepAt[i] = this.step;
    this.deadAt[i] = false;
  }

  /** Drop slot i, keeping the order of the others. */
  private remove(i: number): void {
    const last = --this.n;
    for (let j = i; j < last; j++) {
      this.lockAt[j] = this.lockAt[j + 1];
      this.nameAt[j] = this.nameAt[j + 1];
      this.sharedAt[j] = this.sharedAt[j + 1];
      this.stepAt[j] = this.stepAt[j + 1];
      this.deadAt[j] = this.deadAt[j + 1];
    }
  }

  acquire(lock: KernelLock, shared: boolean, name = lock.name): void {
    const b = this.blocker(lock, shared);
    if (b >= 0) throw new KernelHang(`${this.nameAt[b]} (held since step ${this.stepAt[b]})`);
    this.push(lock, name, shared);
  }

  tryAcquire(lock: KernelLock, name = lock.name): boolean {
    if (this.blocker(lock, false) >= 0) return false;
    this.push(lock, name, false);
    return true;
  }

  release(lock: KernelLock, shared: boolean): void {
    for (let i = this.n - 1; i >= 0; i--) {
      if (this.lockAt[i] === lock && !this.deadAt[i] && this.sharedAt[i] === shared) {
        this.remove(i);
        return;
      }
    }
  }

  /** Keep only the holds `keep` accepts, in order. */
  private filter(keep: (i: number) => boolean): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (!keep(i)) continue;
      this.lockAt[m] = this.lockAt[i];
      this.nameAt[m] = this.nameAt[i];
      this.sharedAt[m] = this.sharedAt[i];
      this.stepAt[m] = this.stepAt[i];
      this.deadAt[m] = this.deadAt[i];
      m++;
    }
    this.n = m;
  }

  /** spin_lock_init on a lock: whatever held it is forgotten. */
  init(lock: KernelLock): void {
    this.filter((i) => this.lockAt[i] !== lock);
  }

  /** End of a step: a dead task keeps its holds; a returning call has released its own. */
  stepEnd(died: boolean): void {
    if (this.n === 0) return;
    if (died) for (let i = 0; i < this.n; i++) this.deadAt[i] = true;
    else this.filter((i) => this.deadAt[i]);
  }

  /** Holds that outlive their step (for reports): "name (held since step N)". */
  dead(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) if (this.deadAt[i]) out.push(`${this.nameAt[i]} (held since step ${this.stepAt[i]})`);
    return out;
  }
}
