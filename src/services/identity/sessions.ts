/**
 * Session lifetimes (seed 003): a session ends after an hour without use or twelve hours after
 * login, whichever comes first. `last_seen_at` is written at most once a minute per session so
 * that a busy UI does not turn every read into a write.
 */
export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export const SESSION_COOKIE = "certsmith_session";
