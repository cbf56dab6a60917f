import { Role } from './role.enum';

/** The caller, as proven by the token. Tenant and institution never come from arguments. */
export interface AuthUser {
  id: string;
  tenantId: string;
  institutionId: string;
  roles: Role[];
  practitionerId: string | null;
}

export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}
