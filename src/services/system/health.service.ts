export interface HealthReport {
  status: "healthy" | "unhealthy";
  version: string;
  database: "connected" | "unreachable";
}

export interface HealthServiceDeps {
  version: string;
  /** Rejects when the database cannot be reached in time. */
  pingDatabase(): Promise<void>;
}

export function createHealthService(deps: HealthServiceDeps) {
  async function check(): Promise<HealthReport> {
    try {
      await deps.pingDatabase();
      return { status: "healthy", version: deps.version, database: "connected" };
    } catch {
      return { status: "unhealthy", version: deps.version, database: "unreachable" };
    }
  }
  return { check };
}

export type HealthService = ReturnType<typeof createHealthService>;
