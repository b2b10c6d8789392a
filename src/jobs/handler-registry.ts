import type { JobHandler, JobPayloads, JobType } from "./job.types.js";

/** A handler with its payload type erased, as the worker sees it. */
export interface RegisteredHandler {
  parse(payload: unknown): unknown;
  run(payload: unknown, context: Parameters<JobHandler<JobType>["run"]>[1]): Promise<void>;
  backoff: { baseMs: number; maxMs: number } | undefined;
}

/** Job handlers by type. Register every handler before the worker starts. */
export function createHandlerRegistry() {
  const handlers = new Map<string, RegisteredHandler>();

  function register<T extends JobType>(type: T, handler: JobHandler<T>): void {
    if (handlers.has(type)) {
      throw new Error(`a handler for job type "${type}" is already registered`);
    }
    handlers.set(type, {
      parse: (payload) => (handler.parse ? handler.parse(payload) : payload),
      run: async (payload, context) => {
        await handler.run(payload as JobPayloads[T], context);
      },
      backoff: handler.backoff,
    });
  }

  function get(type: string): RegisteredHandler | undefined {
    return handlers.get(type);
  }

  return { register, get, types: () => [...handlers.keys()] };
}

export type HandlerRegistry = ReturnType<typeof createHandlerRegistry>;
