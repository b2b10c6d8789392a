/**
 * Thrown by a handler when retrying cannot help (the row it is about is gone, the input is
 * invalid): the job goes straight to `dead` with this message instead of being retried.
 */
export class PermanentJobFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobFailure";
  }
}

export function isPermanentJobFailure(error: unknown): error is PermanentJobFailure {
  return error instanceof PermanentJobFailure;
}
