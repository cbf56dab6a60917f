import { Role } from './role.enum';

/** The caller, as proven by the token. Tenant and institution never come from arguments. */
export interface AuthUser {
  id: string;
  tenantId: string;
  institutionId: string;
  roles: Role[];
  practitionerId: string | null;
  /**
   * The password was chosen by an admin and not yet replaced: only `me` and `changePassword`
   * answer (set from the user's row on every request, never from the token).
   */
  passwordChangeRequired?: boolean;
}

export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}
