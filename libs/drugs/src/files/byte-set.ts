/**
 * A set of short byte strings (national codes: at most 255 bytes each), kept in one arena and
 * an open-addressing table of typed arrays. A Set of strings needed a string per code (280k of
 * them for the full list) and their hashing and garbage collection; this takes the bytes where
 * they are.
 */
export class ByteSet {
  private arena = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Arena offset + 1 of each slot's entry (0: empty), and its hash. */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private scratch = Buffer.allocUnsafe(256);
  size = 0;

  /** Adds bytes [s, e) of `buf`; false when they were there already. */
  add(buf: Buffer, s: number, e: number): boolean {
    const len = e - s;
    if (len > 255) throw new RangeError('ByteSet entries are at most 255 bytes');
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const { slots, hashes, arena } = this;
    const mask = slots.length - 1;
    let i = h & mask;
    for (let at = slots[i]; at !== 0; at = slots[i]) {
      if (hashes[i] === h && arena[at - 1] === len) {
        let k = 0;
        while (k < len && arena[at + k] === buf[s + k]) k++;
        if (k === len) return false;
      }
      i = (i + 1) & mask;
    }
    if (this.used + len + 1 > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + len + 1));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    this.arena[this.used] = len;
    buf.copy(this.arena, this.used + 1, s, e);
    slots[i] = this.used + 1;
    hashes[i] = h;
    this.used += len + 1;
    if (++this.size * 2 > slots.length) this.grow();
    return true;
  }

  /** Adds a string of Latin-1 characters (a code as validated: ASCII). */
  addLatin1(text: string): boolean {
    const n = this.scratch.write(text, 0, 'latin1');
    if (n !== text.length) throw new RangeError('ByteSet entries are at most 255 bytes');
    return this.add(this.scratch, 0, n);
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const hashes = new Int32Array(slots.length);
    const mask = slots.length - 1;
    for (let j = 0; j < this.slots.length; j++) {
      const at = this.slots[j];
      if (at === 0) continue;
      let i = this.hashes[j] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = at;
      hashes[i] = this.hashes[j];
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}
