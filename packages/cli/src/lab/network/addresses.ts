import { LabError } from '../errors.js';

/**
 * The loopback block one lab run owns: 127.a.b.0/24, with the Service on .1 and pods from .10 up.
 * Every address in 127.0.0.0/8 reaches the host through `lo` on Linux without configuration, so the
 * lab adds no address and needs no root; the block is claimed by binding the Service address, so
 * concurrent labs never share one.
 */
export class AddressBlock {
  readonly prefix: string;
  #nextPod = 10;
  readonly #free: number[] = [];

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  get service(): string {
    return `${this.prefix}.1`;
  }

  /** The block as a CIDR: `127.a.b.0/24`. */
  get cidr(): string {
    return `${this.prefix}.0/24`;
  }

  /** The next pod address; addresses of terminated pods are reused last. */
  allocate(): string {
    if (this.#nextPod <= 254) return `${this.prefix}.${this.#nextPod++}`;
    const reused = this.#free.shift();
    if (reused === undefined) {
      throw new LabError(
        'ERR_LAMEDUCK_LAB_ADDRESS',
        `no free pod address left in ${this.prefix}.0/24`,
        1,
      );
    }
    return `${this.prefix}.${reused}`;
  }

  release(address: string): void {
    const last = Number(address.split('.').at(-1));
    if (address.startsWith(`${this.prefix}.`) && last >= 10) this.#free.push(last);
  }
}

/** A random block outside 127.0.0.0/16 (where other software listens). */
export function randomBlock(random: () => number = Math.random): AddressBlock {
  const a = 64 + Math.floor(random() * 190);
  const b = 1 + Math.floor(random() * 254);
  return new AddressBlock(`127.${a}.${b}`);
}

/**
 * Tries blocks until `claim` (which binds the Service address) succeeds; EADDRINUSE means another
 * lab owns the block.
 */
export async function claimBlock<T>(
  claim: (block: AddressBlock) => Promise<T>,
  random: () => number = Math.random,
): Promise<{ block: AddressBlock; claimed: T }> {
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const block = randomBlock(random);
    try {
      return { block, claimed: await claim(block) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      last = error;
    }
  }
  throw new LabError('ERR_LAMEDUCK_LAB_ADDRESS', 'could not claim a free 127.x.y.0/24 block', 1, {
    cause: last,
  });
}
