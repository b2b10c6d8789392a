import { createApp } from "../app/create-app.js";
import type { Config } from "../config/config.types.js";

/** Runs until SIGTERM/SIGINT, then shuts down gracefully within the configured grace period. */
export async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  const { logger } = app;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, grace_ms: config.jobs.shutdownGraceMs }, "shutting down");
    // close() itself waits up to the grace period for requests and jobs, then closes the
    // database: the hard deadline leaves it a few seconds beyond that to finish cleanly.
    const deadline = setTimeout(() => {
      logger.error("shutdown grace period exceeded: exiting with work still in flight");
      app.server?.server.closeAllConnections();
      process.exit(1);
    }, config.jobs.shutdownGraceMs + 5_000);
    deadline.unref();
    app.close().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  if (app.server) {
    const address = await app.server.listen({ host: config.host, port: config.port });
    if (app.setupToken) printSetupBanner(address, app.setupToken);
    logger.info(
      { address, role: config.role, database: config.database.kind },
      `Certsmith listening on ${address}`,
    );
  } else {
    logger.info({ role: config.role, database: config.database.kind }, "Certsmith worker started");
  }
}

/**
 * The one-time setup token goes to stderr, not the log: logs are often shipped elsewhere, and the
 * token lets whoever holds it create the first admin (issue 3 §1).
 */
function printSetupBanner(address: string, token: string): void {
  process.stderr.write(
    [
      "",
      "  Certsmith is not set up yet. Open the setup wizard or call the setup API with:",
      `    X-Setup-Token: ${token}`,
      `  e.g. curl -H 'X-Setup-Token: ${token}' ${address}/api/v1/setup/step`,
      "  or run: certsmith setup --username NAME --password-file FILE",
      "",
      "",
    ].join("\n"),
  );
}
