// Child process of sync-fanout.bench.ts: N official ShapeStreams on one board shape. Reports, for
// every change it sees, when each subscriber received it (wall clock from performance.timeOrigin,
// shared with the parent process).
import { isChangeMessage, ShapeStream } from '@electric-sql/client';

interface Start {
  url: string;
  board: string;
  n: number;
}

const now = () => performance.timeOrigin + performance.now();

process.once('message', (msg: Start) => {
  const received = new Map<string, number[]>();
  let ready = 0;
  const streams = Array.from({ length: msg.n }, () => {
    const s = new ShapeStream({
      url: `${msg.url}/api/shapes/tasks`,
      params: { board: msg.board },
      warnOnHttp: false,
    });
    let upToDate = false;
    s.subscribe((batch) => {
      const t = now();
      for (const m of batch) {
        if (!isChangeMessage(m) || m.headers.operation !== 'insert') continue;
        const title = m.value.title as string;
        let list = received.get(title);
        if (!list) received.set(title, (list = []));
        list.push(t);
        if (list.length === msg.n) {
          process.send!({ type: 'received', title, times: list });
          received.delete(title);
        }
      }
      if (!upToDate && s.isUpToDate) {
        upToDate = true;
        if (++ready === msg.n) process.send!({ type: 'ready' });
      }
    });
    return s;
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') {
      for (const s of streams) s.unsubscribeAll();
      process.exit(0);
    }
  });
});
