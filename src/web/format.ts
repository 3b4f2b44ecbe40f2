/**
 * JSON text for the scenario editor when a form control (versions, machine) rewrites the
 * document: like the built-in files, an object or array that fits in `width` columns stays on
 * one line (`{ "op": "vfree", "ref": "b" }`), anything longer opens up one member per line.
 */
export function formatJson(value: unknown, width = 100): string {
  return layout(value, '', 0, width);
}

/** `lead`: columns already taken on the value's first line (indent, key). */
function layout(value: unknown, indent: string, lead: number, width: number): string {
  const flat = oneLine(value);
  if (lead + flat.length <= width || typeof value !== 'object' || value === null) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => inner + layout(v, inner, inner.length, width)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${layout(v, inner, inner.length + JSON.stringify(k).length + 2, width)}`).join(',\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return value.length ? `[${value.map(oneLine).join(', ')}]` : '[]';
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(value) ?? 'null';
}
