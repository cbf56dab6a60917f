import { createHash, randomBytes } from 'node:crypto';
import { sha256Bytes } from '../apps/console/src/sha256';

/** The console's SHA-256 for plain-HTTP intranets (no Web Crypto there) agrees with Node's. */
describe("the console's SHA-256", () => {
  it('matches Node on the standard vectors and on lengths around every block boundary', () => {
    const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha256Bytes(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Bytes(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 70_000]) {
      const bytes = new Uint8Array(randomBytes(n));
      expect({ n, hash: sha256Bytes(bytes) }).toEqual({ n, hash: node(bytes) });
    }
  });
});
