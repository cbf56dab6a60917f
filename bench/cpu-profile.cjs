// Preloaded into the worker by bench/pipeline.ts when BENCH_CPU_PROF is set: profiles from start-up
// until SIGWINCH, then writes a .cpuprofile there (the worker's SIGTERM handler exits by re-raising
// the signal, which would skip --cpu-prof's write at exit). Not SIGUSR2: Nest's shutdown hooks
// listen to it and would stop the worker right after the profile is written.
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
