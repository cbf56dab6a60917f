/**
 * A group of users named without reading the user table: by id, by role at an institution,
 * tenant-wide by role, or by role at every active institution of some kinds (the lead hospital's
 * pharmacists: `{ institutionKinds: ['GENERAL_HOSPITAL'], roles: ['PHARMACIST'] }`).
 */
export type Audience =
  | { userIds: string[] }
  | { institutionId: string; roles?: string[]; departmentId?: string | null }
  | { tenantRoles: string[] }
  | { practitionerIds: string[] }
  | { institutionKinds: string[]; roles: string[] };
