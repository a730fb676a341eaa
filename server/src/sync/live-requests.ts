import type { ServerResponse } from 'node:http';
import type { UserActor } from '../auth/actor';
import type { AccessEnded } from '../jobs/control';

// The shape requests this instance holds open (long-polls waiting for a change, SSE streams),
// under who asked and for which board, so access that ends (a removed member, a deleted board,
// an ended session or revoked key: jobs/control.ts) ends them at once instead of letting them
// deliver one more batch of rows. An ended request's connection is closed: the client retries,
// and the gate answers that retry 403 (or 401, 404 for a deleted board), which is how the
// Electric client learns to drop the shape.

interface Held {
  res: ServerResponse;
  userId: string;
  boardId?: string;
  sessionId?: string;
  keyId?: string;
}

export class LiveRequests {
  private readonly held = new Set<Held>();

  /** Holds `res` until it closes. */
  track(res: ServerResponse, actor: UserActor, boardId: string | undefined): void {
    const h: Held = {
      res,
      userId: actor.userId,
      boardId,
      sessionId: actor.sessionId,
      keyId: actor.keyId,
    };
    this.held.add(h);
    res.once('close', () => this.held.delete(h));
  }

  /** Ends the held requests the ended access covered; returns how many. */
  end(m: AccessEnded): number {
    let ended = 0;
    for (const h of this.held) {
      const hit =
        m.t === 'revoke'
          ? h.userId === m.userId && h.boardId === m.boardId
          : m.t === 'session-end'
            ? h.sessionId === m.sessionId
            : h.keyId === m.keyId;
      if (!hit) continue;
      this.held.delete(h);
      h.res.destroy();
      ended++;
    }
    return ended;
  }

  get size(): number {
    return this.held.size;
  }
}
