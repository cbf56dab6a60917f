/**
 * The baseline: the smallest Apollo server that does one INSERT or one SELECT by key against
 * the same Postgres, with the same pool size. What the real api is measured against.
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
  type Query { row(id: ID!): Row }
  type Mutation { insertRow(payload: String!): ID! }
`;

const resolvers = {
  Query: {
    row: async (_: unknown, { id }: { id: string }) =>
      (await pool.query('SELECT id, payload FROM bench_row WHERE id = $1', [id])).rows[0] ?? null,
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
