/**
 * Spreads requests over targets by weight, smoothly (nginx's weighted round robin): with weights 3
 * and 1 the order is a a b a, a a b a, …, so every window of `sum of weights` requests holds each
 * target exactly its weight, whatever the timing.
 */
export class TargetPicker {
  readonly #weights: readonly number[];
  readonly #current: number[];
  readonly #total: number;

  constructor(weights: readonly number[]) {
    this.#weights = weights;
    this.#current = weights.map(() => 0);
    this.#total = weights.reduce((a, b) => a + b, 0);
  }

  /** The index of the next request's target. */
  next(): number {
    if (this.#weights.length === 1) return 0;
    let best = 0;
    for (let i = 0; i < this.#weights.length; i++) {
      this.#current[i] = (this.#current[i] as number) + (this.#weights[i] as number);
      if ((this.#current[i] as number) > (this.#current[best] as number)) best = i;
    }
    this.#current[best] = (this.#current[best] as number) - this.#total;
    return best;
  }
}
