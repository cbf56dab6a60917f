import { createReadStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console';
export const GRAPHIQL_ASSETS_PATH = '/graphiql-assets';

/** The repository (or image) root: the nearest folder with a package.json, from source or dist alike. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Where `vite build` writes the console; CONSOLE_DIR overrides it (an image that keeps it elsewhere). */
export function consoleDir(configured?: string): string {
  return configured ? resolve(configured) : join(projectRoot(), 'dist', 'console');
}

/**
 * The files GraphiQL's page needs, from node_modules: hospital intranets often have no internet,
 * so nothing may come from a CDN. Only these names are served, never the folder.
 */
const GRAPHIQL_FILES: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

function moduleFile(module: string, file: string): string {
  return join(dirname(require.resolve(`${module}/package.json`)), file);
}

/** The GraphiQL page, every script and style from this server. */
export function graphiqlHtml(graphqlPath: string): string {
  const a = GRAPHIQL_ASSETS_PATH;
  return `<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <title>GraphiQL · 医共体协同平台</title>
    <style>body { height: 100%; margin: 0; width: 100%; overflow: hidden; } #graphiql { height: 100vh; }</style>
    <script src="${a}/react.js"></script>
    <script src="${a}/react-dom.js"></script>
    <link rel="stylesheet" href="${a}/graphiql.css" />
  </head>
  <body>
    <div id="graphiql">加载中 (Loading)…</div>
    <script src="${a}/graphiql.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(graphqlPath)} });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: true }),
      );
    </script>
  </body>
</html>
`;
}

/** Apollo landing page: the self-hosted GraphiQL instead of @nestjs/apollo's CDN-loaded one. */
export function selfHostedGraphiqlPlugin(graphqlPath: string) {
  const html = graphiqlHtml(graphqlPath);
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

/** GraphiQL's assets; mounted only where GraphiQL is on (never in production). */
export function mountGraphiqlAssets(fastify: FastifyInstance): void {
  const files = Object.fromEntries(
    Object.entries(GRAPHIQL_FILES).map(([name, f]) => [
      name,
      { path: moduleFile(f.module, f.file), type: f.type },
    ]),
  );
  fastify.get<{ Params: { name: string } }>(`${GRAPHIQL_ASSETS_PATH}/:name`, (req, reply) => {
    const f = Object.hasOwn(files, req.params.name) ? files[req.params.name] : undefined;
    if (!f) return reply.callNotFound();
    return reply.type(f.type).header('cache-control', 'public, max-age=86400').send(createReadStream(f.path));
  });
}

const NOT_BUILT = '控制台尚未构建,请运行 npm run build (The console is not built: run npm run build)\n';

/**
 * The console's static build at /console: hashed assets cached for long, every other path under
 * it answers index.html (the app routes in the browser). Without a build it says how to make one.
 */
export function mountConsole(fastify: FastifyInstance, configured?: string): void {
  const dir = consoleDir(configured);
  const index = join(dir, 'index.html');
  // In a scope of its own: bull-board registers @fastify/static in its own too.
  void fastify.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: dir,
      // Files are sent only by the route below, which decides what a path is.
      serve: false,
      index: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    // /console → /console/ so the page's relative asset paths resolve under it.
    scope.get(CONSOLE_PATH, (_req, reply) => reply.redirect(`${CONSOLE_PATH}/`, 301));
    scope.get<{ Params: { '*': string } }>(`${CONSOLE_PATH}/*`, (req, reply) => {
      const path = req.params['*'];
      // A file (name with an extension) is that file or a 404, never the page.
      if (/\.[a-z0-9]+$/i.test(path)) return reply.sendFile(path);
      if (!existsSync(index)) {
        return reply.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
      }
      return reply.sendFile('index.html');
    });
  });
}
