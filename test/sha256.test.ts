/**
 * src/harness/sha256.ts (the pure SHA-256 behind the expectation digest, so it also runs in the
 * browser) against node:crypto and the FIPS 180-4 examples. Run: npx vitest run test/sha256.test.ts
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../src/harness/sha256.js';

describe('Sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(new Sha256().update('abc').hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new Sha256().update('').hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq').hex()).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto on every length around the block edges and on split updates', () => {
    for (let n = 0; n < 200; n++) {
      const s = 'é' + 'x'.repeat(n) + '\u{1f600}';
      expect(new Sha256().update(s).hex()).toBe(createHash('sha256').update(s).digest('hex'));
      const cut = n % 7;
      expect(new Sha256().update(s.slice(0, cut)).update(s.slice(cut)).hex()).toBe(createHash('sha256').update(s).digest('hex'));
    }
  });
});
