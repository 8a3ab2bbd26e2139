/**
 * How core tells a backend that a pending attempt (a connect or a TLS
 * handshake) is abandoned: by `close()`, the user's signal, or the connect
 * timeout.
 *
 * Not an AbortSignal: on Node 20 an AbortController plus one
 * addEventListener/removeEventListener pair on its signal cost about 20–30 µs
 * of CPU per connection, a third of a whole loopback connect (measured, see
 * apps/bench/FINDINGS.md). A plain listener list costs nothing measurable.
 * Runtime APIs that only take an AbortSignal (Deno.connect) use `signal`,
 * which is made on first use.
 */
export interface Cancellation {
  readonly cancelled: boolean;
  /** Why the attempt was abandoned; undefined until it is. */
  readonly reason: unknown;
  /** Calls `listener` once when the attempt is abandoned, or now if it already is. */
  onCancel(listener: CancelListener): void;
  /** Stops calling `listener`. Call it once the attempt is settled. */
  offCancel(listener: CancelListener): void;
  /** Throws `reason` if the attempt is abandoned. */
  throwIfCancelled(): void;
  /** An AbortSignal that follows this cancellation, made on first use. */
  readonly signal: AbortSignal;
}

export type CancelListener = (reason: unknown) => void;

/** The core side of a Cancellation: core cancels, the backend listens. */
export class CancelSource implements Cancellation {
  #cancelled = false;
  #reason: unknown;
  /** One listener is the common case; an array only when a second comes. */
  #listeners: CancelListener | CancelListener[] | null = null;
  #controller: AbortController | null = null;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get reason(): unknown {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (this.#controller === null) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#cancelled) controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  onCancel(listener: CancelListener): void {
    if (this.#cancelled) {
      listener(this.#reason);
      return;
    }
    const current = this.#listeners;
    if (current === null) this.#listeners = listener;
    else if (typeof current === "function") this.#listeners = [current, listener];
    else current.push(listener);
  }

  offCancel(listener: CancelListener): void {
    const current = this.#listeners;
    if (current === listener) this.#listeners = null;
    else if (Array.isArray(current)) {
      const at = current.indexOf(listener);
      if (at !== -1) current.splice(at, 1);
    }
  }

  throwIfCancelled(): void {
    if (this.#cancelled) throw this.#reason;
  }

  /** Abandons the attempt; later calls do nothing. */
  cancel(reason: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = null;
    this.#controller?.abort(reason);
    if (typeof listeners === "function") listeners(reason);
    else if (listeners !== null) for (const listener of listeners) listener(reason);
  }
}
