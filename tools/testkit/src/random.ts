/**
 * A seeded pseudo-random source in [0, 1) (xorshift32): the same sequence for the same seed, so
 * fuzz tests and generated fixtures are reproducible. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
