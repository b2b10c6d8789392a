import { describe, expect, it } from "vitest";

import { itlErrorToAppError } from "./itl-app-error.js";
import { ItlBuildError, ItlFormatError } from "./itl-errors.js";

describe("itlErrorToAppError", () => {
  it("maps build and format errors to 4xx API errors that keep the reason and the cause", () => {
    const rule = new ItlBuildError("too_many_sast", "3 SAST records; a file may hold at most 2.");
    const mapped = itlErrorToAppError(rule);
    expect([mapped.code, mapped.status, mapped.message]).toEqual([
      "validation_failed",
      400,
      "3 SAST records; a file may hold at most 2.",
    ]);
    expect(mapped.details).toEqual([{ reason: "too_many_sast" }]);
    expect(mapped.cause).toBe(rule);
    expect(itlErrorToAppError(new ItlBuildError("device_key_not_rsa", "x")).status).toBe(422);
    expect(itlErrorToAppError(new ItlFormatError("bad_signature", "x")).code).toBe("bad_request");
  });
});
