import type { OrgRole, ProjectRole } from "./roles.js";

export interface User {
  id: string;
  username: string;
  orgRole: OrgRole;
  isDisabled: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** A user row with its password hash: never leaves the identity services. */
export interface UserWithSecret extends User {
  passwordHash: string;
}

export interface CreateUserInput {
  username: string;
  password: string;
  orgRole: OrgRole;
  /** Default true for accounts an admin creates: the first login must set a personal password. */
  mustChangePassword?: boolean | undefined;
}

export interface UpdateUserInput {
  orgRole?: OrgRole | undefined;
  isDisabled?: boolean | undefined;
}

export interface ProjectMember {
  projectId: string;
  userId: string;
  username: string;
  role: ProjectRole;
  createdAt: Date;
}
