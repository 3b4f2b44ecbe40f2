/**
 * The registry of kernel versions: the one place in src/ that names them. A version listed here
 * appears in every run, comparison and report.
 */
import type { KernelVersion } from './contract/version.js';
import { version as v2_4_0 } from '../versions/2.4.0/index.js';
import { version as v2_4_19 } from '../versions/2.4.19/index.js';
import { version as v2_4_22 } from '../versions/2.4.22/index.js';
import { version as v2_4_31 } from '../versions/2.4.31/index.js';
import { version as v2_6_9 } from '../versions/2.6.9/index.js';
import { version as v2_6_27 } from '../versions/2.6.27/index.js';
import { version as v2_6_32 } from '../versions/2.6.32/index.js';
import { version as v2_6_39 } from '../versions/2.6.39/index.js';

export const VERSIONS: readonly KernelVersion[] = [v2_4_0, v2_4_19, v2_4_22, v2_4_31, v2_6_9, v2_6_27, v2_6_32, v2_6_39];

export const VERSION_IDS: readonly string[] = VERSIONS.map((v) => v.id);

export function findVersion(id: string): KernelVersion | undefined {
  return VERSIONS.find((v) => v.id === id);
}
