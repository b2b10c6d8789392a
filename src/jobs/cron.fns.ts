import { CronExpressionParser } from "cron-parser";

/**
 * Cron expressions for schedules: the usual five fields (minute hour day month weekday), an
 * optional leading seconds field, or a macro such as `@daily`; always evaluated in UTC so every
 * node agrees on the slots whatever its time zone.
 */

/** The first slot strictly after `after`; throws (with the parser's reason) on a bad expression. */
export function nextCronSlot(cron: string, after: Date): Date {
  const expression = CronExpressionParser.parse(cron, {
    currentDate: after,
    tz: "UTC",
    strict: false,
  });
  return expression.next().toDate();
}

/** Null when valid, else why not. */
export function cronProblem(cron: string): string | null {
  if (cron.trim() === "" || cron.length > 200) return "must be 1 to 200 characters";
  try {
    nextCronSlot(cron, new Date(0));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
