// What is measured against one running server, scenario by scenario (BENCH_SCENARIOS picks them; they run in this
// order). Every scenario that sends registrations ends with drain(), so the next one, or the server's shutdown,
// starts on an idle server.
import { drain, registerLoad, registerOnce } from './load.js';
import { probe, startProbe } from './probe.js';
import type { DatabaseResult } from './report.js';

export const SCENARIOS = ['alone', 'mixed', 'storm'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioSettings {
  scenarios: ScenarioName[];
  /** alone and mixed: autocannon connections and seconds (BENCH_CONNECTIONS, BENCH_DURATION). */
  connections: number;
  seconds: number;
  /** storm: the measured goal (BENCH_STORM_CONNECTIONS, BENCH_STORM_DURATION). */
  stormConnections: number;
  stormSeconds: number;
}

type Log = (text: string) => void;

/** Fills `result` as it goes, so that the scenarios run before a failure keep their numbers. */
export async function runScenarios(base: string, settings: ScenarioSettings, result: DatabaseResult, log: Log): Promise<void> {
  const { connections, seconds, stormConnections, stormSeconds } = settings;
  const name = result.database;
  // Warm-up (JIT, Argon2's first allocation, the connection pool), then the idle latency of one registration,
  // which tells drain() when the queue left by a load run is empty.
  for (let i = 0; i < 3; i += 1) await registerOnce(base);
  await probe(base, '/ready', 1);
  const idle = Math.min(await registerOnce(base), await registerOnce(base));
  result.idleRegisterMs = idle;

  if (settings.scenarios.includes('alone')) {
    log(`${name}: alone: GET /ready, ${seconds} s`);
    result.readyAlone = await probe(base, '/ready', seconds);
    log(`${name}: alone: POST /register, ${connections} connections, ${seconds} s`);
    result.register = await registerLoad(base, connections, seconds);
    result.drainMs.alone = await drain(base, idle);
  }
  if (settings.scenarios.includes('mixed')) {
    // Does Argon2 on the thread pool keep the event loop free, unlike the reference's bcrypt?
    log(`${name}: mixed: POST /register (${connections} connections) + GET /ready, ${seconds} s`);
    const readyProbe = await startProbe(base, '/ready');
    const [register, ready] = await Promise.all([registerLoad(base, connections, seconds), readyProbe.run(seconds)]);
    result.mixed = { register, ready };
    result.drainMs.mixed = await drain(base, idle);
  }
  if (settings.scenarios.includes('storm')) {
    // Two probes side by side, each its own sequential client on its own thread, so both see the whole storm;
    // /health touches no database, /ready makes one round trip to it.
    log(`${name}: storm: POST /register (${stormConnections} connections) + GET /health + GET /ready, ${stormSeconds} s`);
    const [healthProbe, readyProbe] = await Promise.all([startProbe(base, '/health'), startProbe(base, '/ready')]);
    const [register, health, ready] = await Promise.all([
      registerLoad(base, stormConnections, stormSeconds),
      healthProbe.run(stormSeconds),
      readyProbe.run(stormSeconds),
    ]);
    result.storm = { register, health, ready };
    result.drainMs.storm = await drain(base, idle);
  }
}
