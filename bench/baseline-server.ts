/**
 * The baseline: the smallest Apollo server that does one INSERT or one SELECT by key against
 * the same Postgres, with the same pool size. What the real api is measured against.
 * `worklist(institutionId, first)` is the bare stack doing the worklist's own work: one SELECT of
 * the same page (the incoming box, most urgent first, with patient and institutions joined),
 * resolved by graphql-js's default resolvers, with no sign-in, access rule, masking or audit.
 * BASELINE_HTTP=express serves it through express 5 and Apollo's express integration (with
 * express's JSON body parser) instead of Apollo's standalone server on Node's http: the floor
 * of the HTTP adapter the api uses.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Pool } from 'pg';

const pool = new Pool({
  host: process.env.DB_HOST ?? '127.0.0.1',
  port: Number(process.env.DB_PORT ?? 5432),
  user: process.env.DB_USER ?? 'postgres',
  password: process.env.DB_PASSWORD ?? '',
  database: process.env.DB_NAME ?? 'yg_bench',
  max: Number(process.env.DB_POOL_SIZE ?? 10),
});

const typeDefs = `#graphql
  type Row { id: ID! payload: String! }
  type Patient { name: String! sex: String! birthYear: Int }
  type Institution { name: String! }
  type Referral {
    id: ID! number: String! state: String! urgency: String! dueAt: String! responseDueAt: String
    patient: Patient! fromInstitution: Institution! toInstitution: Institution!
  }
  type PageInfo { endCursor: String }
  type ReferralPage { nodes: [Referral!]! pageInfo: PageInfo! }
  type Query { row(id: ID!): Row worklist(institutionId: ID!, first: Int!): ReferralPage! }
  type Mutation { insertRow(payload: String!): ID! }
`;

const WORKLIST_SQL = `
  SELECT r.id, r.number, r.state, r.urgency, r.due_at, r.response_due_at,
         p.name AS patient_name, p.sex, extract(year FROM p.birth_date)::int AS birth_year,
         f.name AS from_name, t.name AS to_name
    FROM referral r
    JOIN patient p ON p.id = r.patient_id
    JOIN institution f ON f.id = r.from_institution_id
    JOIN institution t ON t.id = r.to_institution_id
   WHERE r.to_institution_id = $1 AND r.state <> 'DRAFT'
   ORDER BY r.urgency_rank, r.due_at, r.id
   LIMIT $2`;

const resolvers = {
  Query: {
    row: async (_: unknown, { id }: { id: string }) =>
      (await pool.query('SELECT id, payload FROM bench_row WHERE id = $1', [id])).rows[0] ?? null,
    worklist: async (_: unknown, { institutionId, first }: { institutionId: string; first: number }) => {
      const { rows } = await pool.query(WORKLIST_SQL, [institutionId, first]);
      const nodes = rows.map((r) => ({
        id: r.id,
        number: r.number,
        state: r.state,
        urgency: r.urgency,
        dueAt: (r.due_at as Date).toISOString(),
        responseDueAt: (r.response_due_at as Date | null)?.toISOString() ?? null,
        patient: { name: r.patient_name, sex: r.sex, birthYear: r.birth_year },
        fromInstitution: { name: r.from_name },
        toInstitution: { name: r.to_name },
      }));
      return { nodes, pageInfo: { endCursor: nodes.at(-1)?.id ?? null } };
    },
  },
  Mutation: {
    insertRow: async (_: unknown, { payload }: { payload: string }) =>
      (await pool.query('INSERT INTO bench_row (payload) VALUES ($1) RETURNING id', [payload])).rows[0].id,
  },
};

async function main() {
  const port = Number(process.env.PORT ?? 4100);
  const server = new ApolloServer({ typeDefs, resolvers });
  if (process.env.BASELINE_HTTP === 'express') {
    await server.start();
    const app = express();
    app.use('/graphql', express.json(), expressMiddleware(server));
    app.get('/', (_req, res) => void res.send('ok'));
    app.listen(port, () => process.stdout.write(`baseline (express) ready at ${port}\n`));
    return;
  }
  const { url } = await startStandaloneServer(server, { listen: { port } });
  process.stdout.write(`baseline ready ${url}\n`);
}

void main();
