import type { ExpectedFailure } from "../suite/index.js";

/** An error as one line: "Name [code]: message". */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = codeOf(error);
    return `${error.name}${code !== undefined ? ` [${code}]` : ""}: ${error.message}`;
  }
  return String(error);
}

/** The expectation as words, for titles and failure messages. */
export function describeExpected(expected: ExpectedFailure): string {
  if ("code" in expected) return `fails with code ${expected.code}`;
  if ("message" in expected) return `fails with a message matching /${expected.message}/`;
  return `times out waiting for ${expected.timeout}`;
}

/** Whether `error` is the failure a known gap names, and nothing else. */
export function matchesExpected(error: unknown, expected: ExpectedFailure): boolean {
  if ("code" in expected) {
    // The error itself, or the error an assertion on codes found (its cause).
    const cause = error instanceof Error ? error.cause : undefined;
    return codeOf(error) === expected.code || codeOf(cause) === expected.code;
  }
  if ("message" in expected) return new RegExp(expected.message).test(describeError(error));
  // The bound itself, or the timeout an assertion on an error found (its cause).
  const cause = error instanceof Error ? error.cause : undefined;
  return isTimeoutOf(error, expected.timeout) || isTimeoutOf(cause, expected.timeout);
}

function isTimeoutOf(error: unknown, what: string): boolean {
  return (
    error instanceof Error &&
    error.name === "SuiteTimeout" &&
    (error as Error & { what?: unknown }).what === what
  );
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
