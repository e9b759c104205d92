import postgres from 'postgres';

export interface ChannelHandlers {
  /** A NOTIFY on one of the channels, with its payload text. */
  onNotify(channel: string, payload: string): void;
  /**
   * The listening connection came up (every channel LISTENed: `true`) or went down (`false`).
   * While it is down notifications are lost, so anything kept on their strength must be dropped.
   */
  onLive(live: boolean): void;
  /** A failed (re)connect, before the next try; default: ignored. */
  onError?(err: unknown): void;
}

export interface ChannelListener {
  /** True while every channel is LISTENed on a connection that is up. */
  readonly live: boolean;
  close(): Promise<void>;
}

export interface ListenChannelsOptions {
  /** First retry delay after the connection drops (ms); doubles up to `maxRetryMs`. Default 250. */
  retryMs?: number;
  /** Longest retry delay (ms); default 5000. */
  maxRetryMs?: number;
}

/**
 * LISTENs on Postgres channels over one dedicated connection of its own and says, through
 * `onLive`, exactly when notifications can be trusted: from the moment every LISTEN succeeded
 * until the connection closes. It reconnects by itself with backoff. (postgres.js's own
 * `sql.listen` re-LISTENs after a drop too, but gives no signal while it is down, and gives up
 * after one failed reconnect.) Needs a session connection: not through a transaction pooler.
 */
export function listenChannels(
  url: string,
  channels: readonly string[],
  handlers: ChannelHandlers,
  options: ListenChannelsOptions = {},
): ChannelListener {
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let live = false;
  let closed = false;
  let delay = retryMs;
  let timer: NodeJS.Timeout | undefined;
  const setLive = (next: boolean) => {
    if (next === live) return;
    live = next;
    handlers.onLive(next);
  };

  // `onnotify` is the instance option postgres.js's own `sql.listen` is built on (src/index.js);
  // its typings leave it out. The test of this module breaks if a postgres.js upgrade changes it.
  const connectOptions = {
    onnotify: (channel: string, payload: string) => {
      if (live) handlers.onNotify(channel, payload);
    },
  } as object;
  const sql = postgres(url, {
    ...connectOptions,
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connection: { application_name: 'clapboard-listen' },
    onnotice: () => {},
    onclose: () => {
      setLive(false);
      schedule();
    },
  });

  async function connect() {
    timer = undefined;
    if (closed) return;
    try {
      for (const channel of channels) await sql.unsafe(`listen "${channel.replace(/"/g, '""')}"`);
      if (closed) return;
      delay = retryMs;
      setLive(true);
    } catch (err) {
      if (closed) return;
      handlers.onError?.(err);
      schedule();
    }
  }
  function schedule() {
    if (closed || timer) return;
    timer = setTimeout(connect, delay);
    timer.unref();
    delay = Math.min(delay * 2, maxRetryMs);
  }

  void connect();
  return {
    get live() {
      return live;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      setLive(false);
      await sql.end({ timeout: 1 });
    },
  };
}
