import type { ProjectDependents } from "../projects/projects.service.js";

import { countCertificates } from "./inventory.repo.js";

/**
 * Certificates keep their project alive: deleting a project that still holds some is a 409
 * rather than a cascade that would silently drop the inventory (and the keys it references).
 */
export const certificateDependents: ProjectDependents = {
  kind: "certificates",
  count: (db, projectId) => countCertificates(db, projectId),
};
