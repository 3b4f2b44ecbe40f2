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

interface Hold {
  lock: KernelLock;
  /** The expression the acquiring call passed (minus '&'): what the hang message names. */
  name: string;
  shared: boolean;
  step: number;
  dead: boolean;
}

export class Locks {
  private holds: Hold[] = [];
  /** Index of the running step (set by the runner). */
  step = 0;

  /** The hold an acquisition would spin on, earliest step first, or undefined. */
  private blocker(lock: KernelLock, shared: boolean): Hold | undefined {
    let b: Hold | undefined;
    for (const h of this.holds) if (h.lock === lock && (!shared || !h.shared) && (!b || h.step < b.step)) b = h;
    return b;
  }

  acquire(lock: KernelLock, shared: boolean, name = lock.name): void {
    const b = this.blocker(lock, shared);
    if (b) throw new KernelHang(`${b.name} (held since step ${b.step})`);
    this.holds.push({ lock, name, shared, step: this.step, dead: false });
  }

  tryAcquire(lock: KernelLock, name = lock.name): boolean {
    if (this.blocker(lock, false)) return false;
    this.holds.push({ lock, name, shared: false, step: this.step, dead: false });
    return true;
  }

  release(lock: KernelLock, shared: boolean): void {
    for (let i = this.holds.length - 1; i >= 0; i--) {
      const h = this.holds[i];
      if (h.lock === lock && !h.dead && h.shared === shared) {
        this.holds.splice(i, 1);
        return;
      }
    }
  }

  /** spin_lock_init on a lock: whatever held it is forgotten. */
  init(lock: KernelLock): void {
    this.holds = this.holds.filter((h) => h.lock !== lock);
  }

  /** End of a step: a dead task keeps its holds; a returning call has released its own. */
  stepEnd(died: boolean): void {
    if (died) for (const h of this.holds) h.dead = true;
    else this.holds = this.holds.filter((h) => h.dead);
  }

  /** Holds that outlive their step (for reports): "name (held since step N)". */
  dead(): string[] {
    return this.holds.filter((h) => h.dead).map((h) => `${h.name} (held since step ${h.step})`);
  }
}
