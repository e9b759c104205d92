import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { spawnTied } from '@clapboard/server/spawn-tied';

/** Sessions per voice (a worker speaks at most this many lines at once with one voice). */
const MAX_SESSIONS = 2;
/** A session with nothing to say for this long exits (its process holds the voice in memory). */
const IDLE_MS = 30_000;
/** A line that takes longer than this means festival is stuck: the session is killed. */
const LINE_TIMEOUT_MS = 60_000;

/** A Scheme string literal: festival reads the text and the path as data, never as code. */
const schemeString = (s: string) => `"${s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[\\"]/g, '\\$&')}"`;

/**
 * One long-lived `festival --pipe` process with a voice loaded. Starting festival costs about
 * 0.4 s (0.27 s of it loading the voice) per `text2wave` run, longer than speaking a short line;
 * a session pays it once. Lines are spoken one at a time, each followed by a marker the session
 * waits for on stdout (flushed explicitly: festival's stdout is block-buffered on a pipe).
 */
class FestivalSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private serial = 0;
  private stdout = '';
  private waiter: { marker: string; resolve: () => void; reject: (e: Error) => void } | null = null;
  private idle: NodeJS.Timeout | null = null;
  dead = false;

  constructor(
    voice: string,
    private readonly onExit: (s: FestivalSession) => void,
    bin = 'festival',
  ) {
    this.child = spawnTied(bin, ['--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.stdout = (this.stdout + d).slice(-4096);
      if (this.waiter && this.stdout.includes(this.waiter.marker)) {
        this.stdout = '';
        const w = this.waiter;
        this.waiter = null;
        w.resolve();
      }
    });
    this.child.stderr.on('data', () => {});
    this.child.stdin.on('error', () => {});
    const end = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      if (this.idle) clearTimeout(this.idle);
      this.waiter?.reject(new Error(`festival exited (${why})`));
      this.waiter = null;
      this.onExit(this);
    };
    this.child.once('error', (e) => end(e.message));
    this.child.once('exit', (code, signal) => end(signal ?? `exit ${code}`));
    this.child.stdin.write(`(${voice})\n`);
    // An idle session must not keep its worker (or a test run) alive; a line in progress holds
    // the event loop through its timeout timer.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
  }

  get busy(): number {
    return this.pending;
  }

  /**
   * Speaks `text` into the WAV file `outFile` (16-bit RIFF at the voice's rate); with
   * `segmentsFile`, also writes festival's segment (phone) end times there (`utt.save.segs`).
   */
  say(text: string, outFile: string, signal?: AbortSignal, segmentsFile?: string): Promise<void> {
    this.pending++;
    if (this.idle) clearTimeout(this.idle);
    const run = this.queue.then(() => this.speak(text, outFile, signal, segmentsFile));
    this.queue = run.catch(() => {});
    return run.finally(() => {
      this.pending--;
      if (!this.pending && !this.dead) {
        this.idle = setTimeout(() => this.close(), IDLE_MS);
        this.idle.unref();
      }
    });
  }

  private async speak(
    text: string,
    outFile: string,
    signal?: AbortSignal,
    segmentsFile?: string,
  ): Promise<void> {
    signal?.throwIfAborted();
    if (this.dead) throw new Error('festival exited');
    const marker = `cb-done-${++this.serial}`;
    const done = new Promise<void>((resolve, reject) => {
      this.waiter = { marker, resolve, reject };
    });
    const timer = setTimeout(() => this.kill('timed out'), LINE_TIMEOUT_MS);
    const abort = () => this.kill('aborted');
    signal?.addEventListener('abort', abort, { once: true });
    try {
      this.child.stdin.write(
        `(set! cb_utt (utt.synth (Utterance Text ${schemeString(text)})))\n(utt.save.wave cb_utt ${schemeString(outFile)} 'riff)\n${
          segmentsFile ? `(utt.save.segs cb_utt ${schemeString(segmentsFile)})\n` : ''
        }(format t "${marker}\\n")\n(fflush nil)\n`,
      );
      await done;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
    signal?.throwIfAborted();
    // Festival reports Scheme errors on stderr and carries on: no file (or an empty one) is the sign.
    const size = await stat(outFile).then(
      (s) => s.size,
      () => 0,
    );
    if (size <= 44) throw new Error('festival wrote no audio');
  }

  private kill(why: string): void {
    this.waiter?.reject(new Error(`festival ${why}`));
    this.waiter = null;
    // Out of the pool now, not when the exit event comes: the next line must start a new session.
    this.dead = true;
    if (this.idle) clearTimeout(this.idle);
    this.onExit(this);
    this.child.kill('SIGKILL');
  }

  close(): void {
    if (!this.dead) this.child.stdin.end();
  }
}

const pools = new Map<string, FestivalSession[]>();

/**
 * Speaks a line with a festival voice (`voice_kal_diphone`, …) through a pooled session, starting
 * one when all are busy and fewer than MAX_SESSIONS run. With `segmentsFile`, festival also writes
 * the end time of every phone there (read it with `readFestivalSegments`).
 *
 * @param bin the festival program (default `festival` on PATH); sessions are pooled per program and voice
 * @throws Error when festival cannot start, exits, times out or writes no audio (callers fall
 *   back to `text2wave`); the abort reason when `signal` aborts
 */
export function sayWithFestival(
  voice: string,
  text: string,
  outFile: string,
  signal?: AbortSignal,
  segmentsFile?: string,
  bin = 'festival',
): Promise<void> {
  const key = `${bin}\u0000${voice}`;
  const pool = pools.get(key) ?? [];
  pools.set(key, pool);
  const live = pool.filter((s) => !s.dead);
  let session = live.find((s) => s.busy === 0);
  if (!session && live.length < MAX_SESSIONS) {
    session = new FestivalSession(
      voice,
      (gone) => {
        const list = pools.get(key);
        if (list)
          pools.set(
            key,
            list.filter((s) => s !== gone),
          );
      },
      bin,
    );
    pool.push(session);
  }
  session ??= live.reduce((a, b) => (b.busy < a.busy ? b : a));
  return session.say(text, outFile, signal, segmentsFile);
}

/** Ends every festival session (their processes exit once their lines are spoken). */
export function closeFestivalSessions(): void {
  for (const pool of pools.values()) for (const s of pool) s.close();
  pools.clear();
}
