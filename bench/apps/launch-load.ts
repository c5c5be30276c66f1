/**
 * The launch-day load generator, in a process of its own so it does not share the server's event
 * loop: two autocannon instances at once (apply and verify), each bounded by a request count AND a
 * time limit (autocannon lets `amount` override `duration`, so the time limit is a timer calling
 * `stop()`). Every request is taken in order from the plan (distinct bodies and Idempotency-Keys),
 * and every answer is recorded by its plan index (status, and the pass number an apply was given).
 *
 *   node launch-load.js <plan.json> <out.json>
 */
import * as fs from 'fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types
const autocannon = require('autocannon');

export interface PlannedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadPlan {
  readonly url: string;
  readonly seconds: number;
  readonly streams: { name: string; connections: number; requests: PlannedRequest[] }[];
}

export interface Answer { i: number; status: number; passId?: string; result?: string }

export interface StreamOutcome {
  readonly name: string;
  readonly result: any;
  readonly answers: Answer[];
}

function run(url: string, seconds: number, name: string, connections: number, plan: PlannedRequest[]): Promise<StreamOutcome> {
  let next = 0;
  const answers: Answer[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url,
      title: name,
      connections,
      amount: plan.length,
      timeout: 10,
      requests: [{
        setupRequest: (req: any, context: any) => {
          const i = next++ % plan.length;
          context.i = i;
          const p = plan[i];
          return { ...req, method: p.method, path: p.path, headers: { ...req.headers, ...p.headers }, body: p.body };
        },
        onResponse: (status: number, body: string, context: any) => {
          const a: Answer = { i: context.i, status };
          try {
            const parsed = JSON.parse(body);
            if (typeof parsed?.passId === 'string') a.passId = parsed.passId;
            if (typeof parsed?.result === 'string') a.result = parsed.result;
          } catch {
            // not JSON: the status says enough
          }
          answers.push(a);
        },
      }],
    }, (err: Error | null, result: any) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve({ name, result, answers });
    });
    const timer = setTimeout(() => instance.stop(), seconds * 1000);
  });
}

async function main(): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8')) as LoadPlan;
  const outcomes = await Promise.all(plan.streams.map((s) => run(plan.url, plan.seconds, s.name, s.connections, s.requests)));
  fs.writeFileSync(process.argv[3], JSON.stringify(outcomes));
}

main().catch((e) => { console.error(e); process.exit(1); });
