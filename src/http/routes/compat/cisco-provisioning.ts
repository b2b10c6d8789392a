/**
 * The files a phone fetches from its TFTP/HTTP server (issue 6 §6; spec §2.4, §3.4): the current
 * `ITLFile.tlv` and each device's `SEP<MAC>.cnf.xml.sgn` stub and `.cnf.xml.enc.sgn`, at the
 * configured `cisco_provisioning_path`. Public, as phones fetch them without credentials; the
 * files are signed, and configs are encrypted to the phone's own key.
 */

import type { FastifyInstance } from "fastify";
import { Type, type Static } from "typebox";

import { systemActor } from "../../../services/actor.js";
import type { CiscoService } from "../../../services/cisco/cisco.service.js";

const FileParams = Type.Object({
  file: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9._-]+$" }),
});

export function ciscoProvisioningRoutes(
  app: FastifyInstance,
  deps: { cisco: CiscoService; path: string },
): void {
  if (deps.path === "") return;
  const { cisco } = deps;

  app.get<{ Params: Static<typeof FileParams> }>(
    `${deps.path}/:file`,
    {
      config: { access: { public: true } },
      schema: {
        summary: "A phone's provisioning file: ITLFile.tlv, SEP<MAC>.cnf.xml.sgn or .enc.sgn",
        tags: ["cisco"],
        params: FileParams,
        produces: ["application/octet-stream"],
        response: {
          200: { type: "string", description: "The signed file." },
          404: { type: "string", description: "No such file (a phone carries on without it)." },
        },
      },
    },
    async (request, reply) => {
      const projectId = await cisco.resolveProject(systemActor(request.id, request.ip));
      const bytes = await cisco.files.provisioningFile(projectId, request.params.file);
      if (!bytes) return reply.code(404).type("text/plain; charset=utf-8").send("Not Found\n");
      return reply.type("application/octet-stream").send(Buffer.from(bytes));
    },
  );
}
