/**
 * Permalinks: the whole scenario text, deflate-raw compressed (CompressionStream, in every
 * current browser and in Node 18+) and base64url-encoded, plus the view state, in the URL hash:
 *
 *   #v=1&s=<scenario>&step=4&l=2.4.22&r=2.6.32
 *
 * `step` is the step the map, traces and causes show (-1 after boot); `l` and `r` the two
 * versions whose traces are compared. Opening the link restores exactly that view.
 */
export interface ViewState {
  /** The scenario as JSON text, exactly as the editor holds it. */
  scenario: string;
  step?: number;
  left?: string;
  right?: string;
}

/** The most a link may inflate to: reading stops there (a link is not a way to fill memory). */
export const MAX_SCENARIO_BYTES = 64 << 20;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`permalink scenario larger than ${limit >> 20} MiB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function encodeState(state: ViewState): Promise<string> {
  const packed = await pipe(new TextEncoder().encode(state.scenario), new CompressionStream('deflate-raw'));
  const parts = ['v=1', `s=${toBase64url(packed)}`];
  if (state.step !== undefined) parts.push(`step=${state.step}`);
  if (state.left) parts.push(`l=${encodeURIComponent(state.left)}`);
  if (state.right) parts.push(`r=${encodeURIComponent(state.right)}`);
  return parts.join('&');
}

/** The state a hash describes; undefined when it holds no scenario. Throws on a damaged link. */
export async function decodeState(hash: string, limit = MAX_SCENARIO_BYTES): Promise<ViewState | undefined> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const s = params.get('s');
  if (!s) return undefined;
  if (params.get('v') !== '1') throw new Error(`permalink version ${params.get('v')} is not one this page reads (v=1)`);
  const bytes = await pipe(fromBase64url(s), new DecompressionStream('deflate-raw'), limit);
  const state: ViewState = { scenario: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  const step = params.get('step');
  if (step !== null && /^-?\d+$/.test(step)) state.step = Number(step);
  const l = params.get('l');
  const r = params.get('r');
  if (l) state.left = l;
  if (r) state.right = r;
  return state;
}
