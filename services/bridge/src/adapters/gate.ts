/**
 * Shared/exclusive gate over one target. Normal sends share it; a message the target
 * refused before is re-sent alone, so a refusal is blamed on the right message (STOMP
 * answers a refused SEND with an ERROR frame and closes the connection, failing every
 * send in flight).
 */
export class SendGate {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; wake: () => void }> = [];

  async run<T>(exclusive: boolean, task: () => Promise<T>): Promise<T> {
    await this.acquire(exclusive);
    try {
      return await task();
    } finally {
      this.release(exclusive);
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.canEnter(exclusive) && this.waiting.length === 0) {
      this.enter(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ exclusive, wake: resolve }));
  }

  private canEnter(exclusive: boolean): boolean {
    return exclusive ? !this.exclusive && this.shared === 0 : !this.exclusive;
  }

  private enter(exclusive: boolean): void {
    if (exclusive) this.exclusive = true;
    else this.shared += 1;
  }

  private release(exclusive: boolean): void {
    if (exclusive) this.exclusive = false;
    else this.shared -= 1;
    // First come, first served: an exclusive waiter holds back the shared ones behind it.
    while (this.waiting.length > 0 && this.canEnter(this.waiting[0].exclusive)) {
      const next = this.waiting.shift() as { exclusive: boolean; wake: () => void };
      this.enter(next.exclusive);
      next.wake();
      if (next.exclusive) break;
    }
  }
}

/** Runs tasks of one lane one after another, in call order; tasks of different lanes in parallel. */
export class Lanes {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(lane: string | undefined, task: () => Promise<T>): Promise<T> {
    if (lane === undefined) return task();
    const previous = this.tails.get(lane) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(lane, tail);
    void tail.then(() => {
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
    });
    return result;
  }

  size(): number {
    return this.tails.size;
  }
}
