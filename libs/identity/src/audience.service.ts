import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Audience } from '@yg/core';

export interface AudienceMember {
  id: string;
  phone: string | null;
}

@Injectable()
export class AudienceService {
  /** Active users of the tenant matching any of the specs, each once. */
  async resolve(em: EntityManager, tenantId: string, specs: Audience[]): Promise<AudienceMember[]> {
    const clauses: string[] = [];
    const params: unknown[] = [tenantId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    for (const s of specs) {
      if ('userIds' in s) {
        if (s.userIds.length) clauses.push(`u.id = ANY(${p(s.userIds)}::uuid[])`);
      } else if ('practitionerIds' in s) {
        if (s.practitionerIds.length)
          clauses.push(`u.practitioner_id = ANY(${p(s.practitionerIds)}::uuid[])`);
      } else if ('tenantRoles' in s) {
        clauses.push(`u.roles && ${p(s.tenantRoles)}::text[]`);
      } else if ('institutionKinds' in s) {
        clauses.push(
          `(u.roles && ${p(s.roles)}::text[] AND EXISTS (SELECT 1 FROM network_institution i
             WHERE i.id = u.institution_id AND i.active AND i.kind = ANY(${p(s.institutionKinds)}::text[])))`,
        );
      } else {
        const parts = [`u.institution_id = ${p(s.institutionId)}`];
        if (s.roles?.length) parts.push(`u.roles && ${p(s.roles)}::text[]`);
        if (s.departmentId) parts.push(`pr.department_id = ${p(s.departmentId)}`);
        clauses.push(`(${parts.join(' AND ')})`);
      }
    }
    if (!clauses.length) return [];
    return em.query(
      `SELECT DISTINCT u.id, u.phone
         FROM app_user u LEFT JOIN network_practitioner pr ON pr.id = u.practitioner_id
        WHERE u.tenant_id = $1 AND u.active AND (${clauses.join(' OR ')})`,
      params,
    );
  }
}
