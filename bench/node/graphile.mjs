// The peer's half of `bin/bench suite`: the same workload as bench/.../Throughput.java, on
// graphile-worker, through its public API only (makeWorkerUtils().addJob + run()).
//
// Producers: `--producers` concurrent loops calling addJob; together they keep at most `--backlog`
// jobs added and not yet completed (completion = graphile's `job:complete` event, emitted once the
// result is written back to the database). Runner: `--concurrency` concurrent jobs; the task does
// the same trivial work as ours (echo its input). Pickup latency = just before addJob → the task
// handler starts, both read from this process's monotonic clock. Prints one JSON line.
import { Logger, makeWorkerUtils, run } from "graphile-worker";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { EventEmitter } from "node:events";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const connectionString = args.conn;
const concurrency = Number(args.concurrency ?? 1);
const producers = Number(args.producers ?? 4);
const backlog = Number(args.backlog ?? Math.max(2 * concurrency, 4));
const warmupMs = Number(args["warmup-ms"] ?? 2000);
const measureMs = Number(args["measure-ms"] ?? 5000);
const config = args.config ?? "defaults";

// "defaults": the documented defaults, with the pool sized as the docs advise ("10 or
// concurrentJobs + 2, whichever is larger"). "batched": the settings of the performance page
// (local queue, batched completions): faster, but completions are written in batches.
const maxPoolSize = Math.max(10, concurrency + 2);
const preset = {
  worker: {
    connectionString,
    concurrentJobs: concurrency,
    maxPoolSize,
    ...(config === "batched" ? { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } : {}),
  },
};

const started = new Map(); // seq -> handler start (ms)
const added = new Map(); // seq -> just before addJob (ms)
let outstanding = 0;
let completedTotal = 0;
let measuring = false;
let stopping = false;
let completedInWindow = 0;
let waiters = [];

function release() {
  outstanding--;
  const w = waiters.shift();
  if (w) w();
}

const events = new EventEmitter();
events.on("job:complete", ({ job, error }) => {
  if (error) {
    console.error("job failed:", error);
  }
  completedTotal++;
  if (measuring) completedInWindow++;
  release();
});

// Errors only: the runner's info lines would drown the one JSON line this prints.
const logger = new Logger(() => (level, message) => {
  if (level === "error") console.error(message);
});

const utils = await makeWorkerUtils({ connectionString, logger });
await utils.migrate();
const runner = await run({
  preset,
  logger,
  events,
  noHandleSignals: true,
  taskList: {
    echo: async (payload) => {
      started.set(payload.seq, performance.now());
      return { echo: payload.text };
    },
  },
});

let seq = 0;
async function produce() {
  while (!stopping) {
    if (outstanding >= backlog) {
      await new Promise((resolve) => waiters.push(resolve));
      continue;
    }
    outstanding++;
    const mine = seq++;
    const measured = measuring;
    const t0 = performance.now();
    if (measured) added.set(mine, t0);
    await utils.addJob("echo", { seq: mine, text: "t" + mine });
  }
}

const loops = Array.from({ length: producers }, produce);
await new Promise((r) => setTimeout(r, warmupMs));
measuring = true;
const windowStart = performance.now();
await new Promise((r) => setTimeout(r, measureMs));
measuring = false;
const windowSeconds = (performance.now() - windowStart) / 1000;
const completedMeasured = completedInWindow;
stopping = true;
waiters.forEach((w) => w());
waiters = [];
await Promise.all(loops);
// Let the jobs still in flight finish, so that every measured job has its pickup time.
const deadline = performance.now() + 30000;
while (outstanding > 0 && performance.now() < deadline) {
  await new Promise((r) => setTimeout(r, 20));
}
await runner.stop();
await utils.release();

const pickups = [];
for (const [s, t0] of added) {
  const t1 = started.get(s);
  if (t1 !== undefined) pickups.push(t1 - t0);
}
pickups.sort((a, b) => a - b);
// Nearest rank, as the Java side (Latencies.java) computes it.
const q = (p) => pickups[Math.max(0, Math.min(pickups.length - 1, Math.ceil(p * pickups.length) - 1))];
console.log(
  JSON.stringify({
    peer: "graphile-worker",
    version: JSON.parse(readFileSync(new URL("./node_modules/graphile-worker/package.json", import.meta.url))).version,
    config,
    settings: { ...preset.worker, connectionString: undefined, pollInterval: 2000 },
    node: process.version,
    concurrency,
    producers,
    backlog,
    completed: completedMeasured,
    seconds: windowSeconds,
    jobs_per_second: completedMeasured / windowSeconds,
    pickup_ms: { n: pickups.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: pickups[pickups.length - 1] },
    lost: added.size - pickups.length,
  }),
);
