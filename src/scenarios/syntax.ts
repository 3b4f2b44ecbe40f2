/**
 * The reference text for generated steps and expectations, appended to docs/scenarios.md by
 * `vmx list --markdown` (kept here, beside the library, so the page is generated in one piece).
 */
export const GENERATION_SYNTAX = `
## Writing scenarios: generated steps

A scenario's \`steps\` may mix plain contract steps with *generators*; vmx expands them
deterministically into plain steps before validating and running (src/harness/generate.ts).
Plain step lists are unchanged.

| form | meaning |
|---|---|
| \`{ "repeat": N, "var": "i", "order": "forward", "let": {…}, "steps": [ … ] }\` | the inner steps N times, the loop variable (default \`i\`) counting 0 … N−1; \`order\` is \`forward\` (default), \`reverse\` or \`shuffle\` (a seeded Fisher–Yates permutation of the iterations, e.g. a random free order) |
| \`{ "let": { "n": 5, "size": "\${n * PAGE_SIZE}" }, "steps": [ … ] }\` | a group binding names once; in a \`repeat\`, \`let\` is evaluated afresh for every iteration |
| \`"size": "\${expression}"\` | any numeric field (\`size\`, \`pages\`, \`node\`, \`offset\`, \`count\`, \`nth\`, \`cpu\`, \`align\`, and \`repeat\`) as an expression |
| \`"as": "p\${i}"\` | any string field with \`\${expression}\` substitutions (names, comments, data) |
| \`{ "uniform": [lo, hi], "times": k }\` | a seeded uniform integer in [lo, hi] (inclusive), times k (default 1), in a numeric field or \`let\` |
| \`{ "pick": [a, b, …] }\` | one of the values, seeded |

Expressions are integer arithmetic: numbers (decimal or 0x), bound names, \`PAGE_SIZE\`,
\`PAGE_SHIFT\`, \`+ - * / % << >> & |\`, parentheses, \`min(…)\`, \`max(…)\`, \`hex(x)\`. Randomness is
one mulberry32 stream seeded by the scenario's \`"seed"\` (default 1) and drawn in document order:
a shuffle draws its permutation when its repeat starts, then each iteration evaluates its \`let\`
and then its steps' fields in order. Same file, same seed: the same steps. Reports print the seed.
Mistakes are reported with the JSON path and field (\`steps[3].steps[0].size.uniform: lo 5 is above
hi 2\`), and a contract error in an expanded step names the step it came from
(\`step 17 (steps[2].steps[0] with i=8)\`).

## Writing scenarios: expectations

A step may carry \`"expect"\` and the scenario \`"expectFinal"\`, keyed by version id or \`"*"\`
(every version; a version's own key overrides \`"*"\` field by field):

    { "op": "vmalloc", "size": 65536, "as": "b",
      "expect": { "*": { "ok": true }, "2.4.19": { "addr": "0xc8811000" }, "2.6.32": { "addr": "0xc8812000" } } }

Step fields: \`ok\`, \`error\` (null for none), \`addr\`, \`addrs\` (pcpu_get_vm_areas), \`log\` (the list of lines, or one string that
some line contains), \`count\`, \`data\`, \`text\`, \`leaks\`. Final fields: \`areas\` (the list, or
their number), \`pagesMapped\`, \`pageTablePages\`, \`kmemleak\` (list, number or null), \`outcomes\`
(steps per outcome, e.g. \`{ "ok": 998, "ENOMEM": 2 }\`), \`digest\` (a fingerprint of every step
result). An expectation on a generator's template applies to every step it expands to.

- \`vmx check <files or folders> [--strict]\` runs them: exit 0 when all match, 1 listing every
  mismatch (scenario, step, version, expected, actual), 2 for a scenario that is not valid.
  Expectations for versions that are not registered, or that the scenario does not run on, are
  listed as notes; \`--strict\` also fails a version the scenario runs on that was never pinned.
- \`vmx pin <scenario> [--write] [--result run.json]\` turns a run (or a saved \`vmx run --json\` result) into expectations: each step (or generator
  template) gets the fields that hold for all its expansions, fields that agree across versions
  go under \`"*"\`, \`expectFinal\` records the final state, the outcome counts and the digest,
  and \`"pinned"\` lists the versions. Re-pin the library after a reviewed change:
  \`node bin/vmx.js pin --write src/scenarios/builtin && node bin/vmx.js list --markdown > docs/scenarios.md\`.

Library scenarios also carry \`"question"\`, \`"about"\` (the versions it is about), \`"source"\` and
\`"answers"\`: one line per version id or \`"*"\` with placeholders filled from the run:
\`\${NAME.addr}\`, \`.error\`, \`.outcome\` (address, ok or error), \`.result\` (as a run table cell: with read data), \`.count\`, \`.data\`, \`.log\` (NAME is a step's \`as\` or \`#index\`),
\`\${final.areas}\`, \`\${final.top}\` (end of the highest live area), \`\${final.pagesMapped}\`, \`\${final.pageTablePages}\`, \`\${final.kmemleak}\`,
\`\${outcomes}\`, \`\${outcomes.ENOMEM}\`, and arithmetic such as \`\${hex(q1.addr - q0.addr)}\`.
`;
