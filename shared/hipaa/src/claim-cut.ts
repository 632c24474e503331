/**
 * What a per-claim document keeps of a set's tape: the claim loop instance whole, the loop
 * instances that enclose it (the chain), and of every instance on the chain the children that
 * hold no claim. A child (a run of same-ordinal instances) that holds a claim is left out whole,
 * unless it holds the chain's next instance: then only that instance is kept. Events are
 * numbered by their index / EVENT.
 */
import { CLOSE, EVENT, OPEN, SEGMENT, SHIFT, UNPLACED, type Tape } from './tape';

export class ClaimCut {
  /** Per OPEN event: its parent OPEN (-1: the root), its run (same-ordinal siblings in a row), and whether it is or holds a claim. */
  private readonly parent: Int32Array;
  private readonly runIds: Int32Array;
  private readonly holdsClaim: Uint8Array;
  /** Per run: some instance is or holds a claim; its last instance's CLOSE event; the instance the document being written keeps (-1: none). */
  private readonly runHolds: Uint8Array;
  private readonly runEnd: Int32Array;
  private readonly runKeeps: Int32Array;
  /** Per OPEN event: on the chain of the document being written. */
  private readonly chained: Uint8Array;
  /** The claim loop instances' OPEN events, in order. */
  readonly claims: number[] = [];

  constructor(tape: Tape, claimOrdinals: ReadonlySet<number>) {
    const n = tape.n / EVENT;
    const ops = tape.ops;
    this.parent = new Int32Array(n);
    this.runIds = new Int32Array(n);
    this.holdsClaim = new Uint8Array(n);
    this.runHolds = new Uint8Array(n);
    this.runEnd = new Int32Array(n);
    this.runKeeps = new Int32Array(n).fill(-1);
    this.chained = new Uint8Array(n);
    const stack: number[] = [];
    /** Per open instance: the ordinal of its last child event (-1: none, or a kept segment), and that child's run. */
    const lastOrd: number[] = [];
    const lastRun: number[] = [];
    let runs = 0;
    for (let e = 0; e < n; e++) {
      const head = ops[e * EVENT];
      const kind = head & 3;
      const ord = head >> SHIFT;
      const depth = stack.length;
      if (kind === CLOSE) {
        const o = stack.pop() as number;
        lastOrd.pop();
        lastRun.pop();
        this.runEnd[this.runIds[o]] = e; // the run's instances close in order: the last one's CLOSE stays
        if (this.holdsClaim[o] === 1) {
          this.runHolds[this.runIds[o]] = 1;
          if (stack.length > 0) this.holdsClaim[stack[stack.length - 1]] = 1;
        }
        continue;
      }
      if (kind === SEGMENT || kind === UNPLACED) {
        if (depth > 0) lastOrd[depth - 1] = kind === SEGMENT ? ord : -1;
        continue;
      }
      if (kind !== OPEN) continue;
      this.parent[e] = depth > 0 ? stack[depth - 1] : -1;
      if (depth > 0 && lastOrd[depth - 1] === ord) this.runIds[e] = lastRun[depth - 1];
      else {
        this.runIds[e] = runs++;
        if (depth > 0) {
          lastOrd[depth - 1] = ord;
          lastRun[depth - 1] = this.runIds[e];
        }
      }
      if (depth > 0 && claimOrdinals.has(ord)) {
        this.holdsClaim[e] = 1;
        this.claims.push(e);
      }
      stack.push(e);
      lastOrd.push(-1);
      lastRun.push(-1);
    }
  }

  /** Marks (or unmarks) the chain from the root to the claim instance `c`. */
  chain(c: number, on: boolean): void {
    for (let e = c; e >= 0; e = this.parent[e]) {
      this.chained[e] = on ? 1 : 0;
      this.runKeeps[this.runIds[e]] = on ? e : -1;
    }
  }

  /** The run (same-name siblings side by side) of the instance opened at event `e`. */
  runOf(e: number): number {
    return this.runIds[e];
  }

  /** The loop instances (OPEN events) from the root down to the claim instance `c`. */
  chainOf(c: number): number[] {
    const chain: number[] = [];
    for (let e = c; e >= 0; e = this.parent[e]) chain.push(e);
    return chain.reverse();
  }

  /** Whether the instance opened at event `e` is on the chain of the document being written. */
  onChain(e: number): boolean {
    return this.chained[e] === 1;
  }

  /** Whether the instance opened at event `e` is or holds a claim. */
  holds(e: number): boolean {
    return this.holdsClaim[e] === 1;
  }

  /**
   * For the loop instance opened at event `e` (in a regular instance): -1 when the document
   * being written keeps it, else the last event to leave out with it. Left-out siblings are passed
   * over a run at a time (a billing provider's 500 subscribers are one step per document, not 500).
   */
  skipTo(e: number): number {
    if (this.chained[e] === 1) return -1;
    const run = this.runIds[e];
    const keep = this.runKeeps[run];
    if (keep > e) return keep - 1;
    if (keep >= 0 || this.runHolds[run] === 1) return this.runEnd[run];
    return -1;
  }
}
