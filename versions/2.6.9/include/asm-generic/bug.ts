/**
 * Linux 2.6.9 include/asm-generic/bug.h: WARN_ON, which i386 and x86_64 take from here.
 *   #define WARN_ON(condition) do { if (unlikely((condition)!=0)) {
 *       printk("Badness in %s at %s:%d\n", __FUNCTION__, __FILE__, __LINE__); dump_stack(); } } while (0)
 * The dump_stack() backtrace is not printed (as the reference oracle prints none).
 */
import type { Kernel } from '../../../../src/kernel/kernel.js';

/** WARN_ON(condition) at `line` of `file` (default the version's mm/vmalloc.c) in function `fn`. */
export function WARN_ON(k: Kernel, condition: boolean, fn: string, line: number, file = k.config.vmallocFile): void {
  if (condition) k.printk(`Badness in ${fn} at ${file}:${line}`);
}
