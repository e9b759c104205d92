import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** A V8 CPU profile (the Chrome DevTools protocol's `Profiler.Profile`). */
interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Samples workerd's V8 isolate through its inspector (workerd --inspector-addr, see
 * `WorkerdOptions.inspectorPort`) while `during` runs, and returns the profile.
 */
export async function profileWorkerd<T>(
  inspectorPort: number,
  during: () => Promise<T>,
): Promise<{ result: T; profile: Profile }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (value: unknown) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = <R>(method: string, params: object = {}) =>
    new Promise<R>((resolve) => {
      const n = ++id;
      pending.set(n, resolve as (value: unknown) => void);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 200 });
    await send('Profiler.start');
    const result = await during();
    const { profile } = await send<{ profile: Profile }>('Profiler.stop');
    return { result, profile };
  } finally {
    ws.close();
  }
}

/**
 * Self time by where the code came from: each bundle line is charged to the module esbuild's
 * `// path` comment above it names (its npm package, or our file), and workerd's own code
 * (its Node compatibility layer, sockets, streams) by its frame's name. Idle time is left out.
 */
export function selfTimeByModule(profile: Profile, bundle: string): { name: string; ms: number }[] {
  const owner: string[] = [];
  let current = '(bundle)';
  for (const line of readFileSync(bundle, 'utf8').split('\n')) {
    const m = /^\/\/ (\S+\.(?:m?js|cjs|ts))$/.exec(line);
    if (m) {
      const path = m[1]!.replace(/^(\.\.\/)+/, '');
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      current = pkg ? pkg[1]! : path;
    }
    owner.push(current);
  }
  const self = new Map<number, number>();
  profile.samples.forEach((node, i) => {
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const { url, functionName, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const name =
      url.endsWith('.js') && !url.startsWith('node-internal')
        ? (owner[lineNumber] ?? '(bundle)')
        : `workerd: ${url.replace(/^node-internal:/, 'node:') || functionName || '(native)'}`;
    byModule.set(name, (byModule.get(name) ?? 0) + us);
  }
  return [...byModule].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
}
