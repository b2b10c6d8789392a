import { Type } from "typebox";

import type { Project } from "../../../services/projects/projects.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

export const ProjectJson = Type.Object(
  {
    id: Type.String({ examples: ["prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    name: Type.String(),
    description: Type.String(),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "Project" },
);

export const ProjectPage = PageOf(ProjectJson, "ProjectPage");

export const ProjectParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const CreateProjectBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "Unique within the organisation.",
    }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, title: "CreateProject" },
);

export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateProject" },
);

export function projectJson(project: Project) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    created_at: isoTime(project.createdAt),
    updated_at: isoTime(project.updatedAt),
  };
}
