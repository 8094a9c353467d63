// Seeded ids keep manual-clock runs reproducible: the same seed yields the same replica directories,
// uids, pod-name suffixes and secrets.

export interface Prng {
  next(): number;
  hex(length: number): string;
  bytes(length: number): Buffer;
  uid(): string;
  /** Same alphabet as Kubernetes' generateName suffixes (no vowels, no confusable digits). */
  podSuffix(length?: number): string;
  pick<T>(items: readonly T[]): T;
}

const KUBE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function createPrng(seed: number): Prng {
  // mulberry32: tiny, fast and good enough for identifiers.
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bytes = (length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
    return out;
  };
  const hex = (length: number): string => bytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  return {
    next,
    hex,
    bytes,
    uid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
    podSuffix: (length = 5) => {
      let s = '';
      for (let i = 0; i < length; i++) s += KUBE_ALPHABET[Math.floor(next() * KUBE_ALPHABET.length)];
      return s;
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick() from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
