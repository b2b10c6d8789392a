import { AppError, type ErrorDetail } from "../../lib/errors.js";

/** A well-formed request the CA cannot carry out (422, seed 004 §08). */
export function unprocessable(message: string, detail?: ErrorDetail): AppError {
  return new AppError("unprocessable", { message, details: detail ? [detail] : [] });
}
