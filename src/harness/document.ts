/**
 * Turning runner results into the contract's result document.
 */
import type { ResultDocument } from '../contract/result.js';
import type { VersionRunResult } from './runner.js';
import type { Scenario } from '../contract/scenario.js';

export function resultDocument(s: Scenario, runs: readonly VersionRunResult[]): ResultDocument {
  return {
    scenario: s.name,
    results: runs.map((r) => ({ version: r.version, steps: r.steps, final: r.final })),
  };
}
