import type { FastifyRequest } from "fastify";

import { AppError } from "../lib/errors.js";
import { systemActor, type Actor } from "../services/actor.js";
import type { Principal } from "../services/identity/principal.js";

/**
 * The Actor a request acts as: the authenticated principal, or — on public routes such as login
 * and setup — an anonymous system actor that still carries the request id and source address.
 */
export function actorOf(request: FastifyRequest): Actor {
  return (
    request.principal?.actor ?? {
      ...systemActor(request.id, request.ip),
      id: "anonymous",
      name: "anonymous",
    }
  );
}

/** The principal of a protected route (the access hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("unauthenticated");
  return request.principal;
}

/** Idempotency keys belong to a principal. */
export function principalScope(request: FastifyRequest): string {
  const actor = actorOf(request);
  return `${actor.type}:${actor.id}`;
}
