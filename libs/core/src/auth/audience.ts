/** A group of users named without reading the user table: by id, by role at an institution, or tenant-wide by role. */
export type Audience =
  | { userIds: string[] }
  | { institutionId: string; roles?: string[]; departmentId?: string | null }
  | { tenantRoles: string[] }
  | { practitionerIds: string[] };
