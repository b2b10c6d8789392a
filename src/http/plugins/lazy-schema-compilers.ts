import AjvCompiler from "@fastify/ajv-compiler";
import SerializerSelector from "@fastify/fast-json-stringify-compiler";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/**
 * What Fastify passes the compilers at run time (lib/validation.js); the published typings of
 * the two compiler packages describe Ajv's own `compile(schema)` instead, hence these.
 */
interface RouteSchema {
  schema: unknown;
  method?: string;
  url?: string;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}
/** A compiled validator as Fastify uses it: called, then `errors` read (Ajv's API). */
interface Validator {
  (data: unknown, context?: unknown): unknown;
  errors?: unknown;
  schemaEnv?: unknown;
}
type Serializer = (doc: unknown) => string;
type Factory<Compiled> = (
  externalSchemas: unknown,
  options: unknown,
) => (route: RouteSchema) => Compiled;

export interface LazySchemaCompilers {
  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  compilersFactory: CompilersFactory;
  /** Compiles every schema still waiting for its first request; returns how many it compiled. */
  compilePending(): number;
}

/**
 * Fastify's own compilers (Ajv validators, fast-json-stringify serializers), compiled on a route's
 * first request instead of when the server gets ready. Compiling the ~200 route schemas up front
 * took most of start-up (issue 2: cold start ≤ 1 s) and memory for routes many deployments never
 * call. The compiled functions, their options and shared schemas are exactly Fastify's defaults,
 * so validation, coercion, defaults and error objects are unchanged; only the moment differs.
 *
 * A schema Ajv or fast-json-stringify refuses would now fail its first request (a 500) instead
 * of start-up: `compilePending()` compiles them all, and a test calls it on the real server so a
 * bad schema still fails CI.
 */
export function createLazySchemaCompilers(): LazySchemaCompilers {
  const buildAjv = AjvCompiler() as unknown as Factory<Validator>;
  const buildFjs = SerializerSelector() as unknown as Factory<Serializer>;
  const pending = new Set<() => void>();

  const buildValidator: Factory<Validator> = (externalSchemas, ajvOptions) => {
    let compiler: ((route: RouteSchema) => Validator) | undefined;
    const compile = (route: RouteSchema) =>
      (compiler ??= buildAjv(externalSchemas, ajvOptions))(route);
    return (route) => {
      assertLowerCaseHeaders(route);
      let validate: Validator | undefined;
      const load = () => {
        pending.delete(load);
        return (validate ??= compile(route));
      };
      pending.add(load);
      const lazy: Validator = (data, context) => {
        const real = load();
        const result = real(data, context);
        lazy.errors = real.errors;
        return result;
      };
      // Fastify passes `{ parentData, parentDataProperty }` only to functions with `schemaEnv`
      // (every Ajv validator has it), which lets Ajv coerce or default the root value itself.
      lazy.schemaEnv = true;
      return lazy;
    };
  };

  const buildSerializer: Factory<Serializer> = (externalSchemas, serializerOptions) => {
    let compiler: ((route: RouteSchema) => Serializer) | undefined;
    const compile = (route: RouteSchema) =>
      (compiler ??= buildFjs(externalSchemas, serializerOptions))(route);
    return (route) => {
      let serialize: Serializer | undefined;
      const load = () => {
        pending.delete(load);
        return (serialize ??= compile(route));
      };
      pending.add(load);
      return (doc: unknown) => load()(doc);
    };
  };

  return {
    compilersFactory: { buildValidator, buildSerializer } as unknown as CompilersFactory,
    compilePending() {
      const loads = [...pending];
      for (const load of loads) load();
      return loads.length;
    },
  };
}

const compilersOfServer = new WeakMap<FastifyInstance, LazySchemaCompilers>();

/** Records which compilers a server was built with, for `compilePendingSchemas`. */
export function trackLazySchemaCompilers(
  app: FastifyInstance,
  compilers: LazySchemaCompilers,
): void {
  compilersOfServer.set(app, compilers);
}

/**
 * Compiles every route schema of `app` that no request has needed yet (tests: a schema Ajv or
 * fast-json-stringify refuses must fail CI, not a request); returns how many it compiled.
 */
export function compilePendingSchemas(app: FastifyInstance): number {
  const compilers = compilersOfServer.get(app);
  if (!compilers) throw new Error("this server was not built with lazy schema compilers");
  return compilers.compilePending();
}

/**
 * With its default compiler Fastify lower-cases the property names of a headers schema (Node
 * delivers header names lower-cased); it skips that for any compiler passed in, as this one is.
 * Our header schemas are written lower-case, so this only makes sure it stays that way.
 */
function assertLowerCaseHeaders(route: RouteSchema): void {
  if (route.httpPart !== "headers") return;
  const schema = route.schema as { properties?: object; required?: string[] } | undefined;
  const names = [...Object.keys(schema?.properties ?? {}), ...(schema?.required ?? [])];
  const upper = names.find((name) => name !== name.toLowerCase());
  if (upper !== undefined) {
    throw new Error(`headers schema: write header name "${upper}" in lower case`);
  }
}
