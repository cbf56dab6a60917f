// Preloaded into the worker by bench/pipeline.ts: counts the SQL statements the process sends
// (each one round trip to Postgres) and writes the counts to BENCH_QUERY_COUNT_FILE every 200 ms,
// by kind (BEGIN, COMMIT, the first words of other statements), so the bench can divide them by
// events. pg is resolved from the worker's own build, which may be another worktree's.
const { writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

const file = process.env.BENCH_QUERY_COUNT_FILE;
if (file) {
  const pg = require(require.resolve('pg', { paths: [dirname(process.argv[1])] }));
  const counts = { total: 0, byKind: {} };
  const kindOf = (text) => {
    const s = String(text).replace(/\s+/g, ' ').trim();
    const call = /^SELECT (\w+)\(/i.exec(s);
    if (call) return `SELECT ${call[1]}()`;
    return s.split(' ').slice(0, 3).join(' ').slice(0, 40);
  };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    counts.total++;
    const kind = kindOf(typeof config === 'string' ? config : config && config.text);
    counts.byKind[kind] = (counts.byKind[kind] || 0) + 1;
    return query.call(this, config, ...rest);
  };
  let written = -1;
  setInterval(() => {
    if (written === counts.total) return;
    written = counts.total;
    writeFileSync(file, JSON.stringify(counts));
  }, 200).unref();
}
