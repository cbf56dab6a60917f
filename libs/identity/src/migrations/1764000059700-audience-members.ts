import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who an `Audience` (libs/core/src/auth/audience.ts) names, in SQL: the active users of the
 * tenant matching any of the specs, each once. The one place this rule lives; the notification
 * fan-out calls it inside its single statement.
 *
 * A spec names users one way, read in this order (as the union type is read): `userIds`,
 * `practitionerIds`, `tenantRoles`, `institutionKinds` (with `roles`, at active institutions of
 * those kinds), else `institutionId` (optionally narrowed by `roles` and `departmentId`). One
 * branch per way, so each can use its index; UNION keeps each user once.
 */
export class AudienceMembers1764000059700 implements MigrationInterface {
  name = 'AudienceMembers1764000059700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audience_members(p_tenant uuid, p_specs jsonb) RETURNS SETOF uuid
        LANGUAGE sql STABLE AS $$
      WITH spec AS (
        SELECT s,
               CASE WHEN s ? 'userIds' THEN 'users'
                    WHEN s ? 'practitionerIds' THEN 'practitioners'
                    WHEN s ? 'tenantRoles' THEN 'tenant-roles'
                    WHEN s ? 'institutionKinds' THEN 'institution-kinds'
                    ELSE 'institution' END AS way,
               -- An absent, null or empty list of roles does not narrow an institution spec.
               CASE WHEN jsonb_typeof(s->'roles') = 'array'
                    THEN ARRAY(SELECT jsonb_array_elements_text(s->'roles')) ELSE '{}' END AS roles
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_specs) = 'array' THEN p_specs ELSE '[]' END) AS s)
      SELECT u.id FROM app_user u
       WHERE u.tenant_id = p_tenant AND u.active
         AND u.id IN (SELECT jsonb_array_elements_text(s->'userIds')::uuid FROM spec WHERE way = 'users')
      UNION
      SELECT u.id FROM app_user u
       WHERE u.tenant_id = p_tenant AND u.active
         AND u.practitioner_id IN (
           SELECT jsonb_array_elements_text(s->'practitionerIds')::uuid FROM spec WHERE way = 'practitioners')
      UNION
      SELECT u.id FROM spec JOIN app_user u
          ON u.tenant_id = p_tenant AND u.active
         AND u.roles && ARRAY(SELECT jsonb_array_elements_text(spec.s->'tenantRoles'))
       WHERE spec.way = 'tenant-roles'
      UNION
      SELECT u.id FROM spec JOIN app_user u ON u.tenant_id = p_tenant AND u.active AND u.roles && spec.roles
       WHERE spec.way = 'institution-kinds'
         AND EXISTS (SELECT 1 FROM network_institution i
                      WHERE i.id = u.institution_id AND i.active
                        AND i.kind IN (SELECT jsonb_array_elements_text(spec.s->'institutionKinds')))
      UNION
      SELECT u.id FROM spec
        JOIN app_user u
          ON u.tenant_id = p_tenant AND u.active AND u.institution_id = (spec.s->>'institutionId')::uuid
        LEFT JOIN network_practitioner pr ON pr.id = u.practitioner_id
       WHERE spec.way = 'institution'
         AND (cardinality(spec.roles) = 0 OR u.roles && spec.roles)
         AND (nullif(spec.s->>'departmentId', '') IS NULL
              OR pr.department_id = (spec.s->>'departmentId')::uuid)
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audience_members(uuid, jsonb)`);
  }
}
