/** A promise with its settle functions, marked handled so an unobserved rejection is never reported. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** One shared handler: a closure per promise would stay alive as long as the promise is pending. */
function ignore(): void {}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The spec marks `opened` and `closed` as handled: a user who never awaits
  // them must not get an unhandledrejection (SPEC connect steps 2-3).
  promise.catch(ignore);
  return { promise, resolve, reject };
}

/** A promise born rejected with `reason`, marked handled as deferred() marks a pending one. */
export function handledRejection<T>(reason: unknown): Promise<T> {
  const promise = Promise.reject<T>(reason);
  promise.catch(ignore);
  return promise;
}
