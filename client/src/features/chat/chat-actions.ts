import { chatApi } from '../../api/rest';
import { describeError } from '../../api/http';
import type { BoardData } from '../../collections/board-data';
import { settle } from '../../collections/commit';
import { trackPending } from '../../collections/connection';
import { showToast } from '../../collections/toasts';
import { PENDING_SEQ, type MessageRow } from '../../collections/types';

/** Posts a user message: shown at once, confirmed when its row arrives through the shape. */
export function sendMessage(data: BoardData, taskId: string, content: string) {
  const now = new Date().toISOString();
  const row: MessageRow = {
    id: crypto.randomUUID(),
    task_id: taskId,
    board_id: data.boardId,
    seq: PENDING_SEQ,
    role: 'user',
    content,
    status: 'completed',
    model: null,
    usage: null,
    error: null,
    created_at: now,
    updated_at: now,
  };
  // The composer shows a failure beside the text it puts back, so no toast.
  return settle(data.messages.insert(row), 'Sending the message', { quiet: true });
}

/** Cancel and retry change the reply row on the server; the new state arrives through the shape. */
async function messageAction(data: BoardData, what: string, call: () => Promise<{ txid: number }>) {
  try {
    const { txid } = await trackPending(call());
    await data.messages.utils.awaitTxId(txid);
    return true;
  } catch (err) {
    showToast(`${what} failed: ${describeError(err)}`);
    return false;
  }
}

export const cancelReply = (data: BoardData, messageId: string) =>
  messageAction(data, 'Stopping the reply', () => chatApi.cancel(messageId));

export const retryReply = (data: BoardData, messageId: string) =>
  messageAction(data, 'Retrying the reply', () => chatApi.retry(messageId));

/** Edit and resend: the later messages go and a new reply arrives, all through the shape. */
export const editAndResend = (data: BoardData, messageId: string, content: string) =>
  messageAction(data, 'Editing the message', () => chatApi.edit(messageId, content));

export const regenerateReply = (data: BoardData, messageId: string) =>
  messageAction(data, 'Regenerating the reply', () => chatApi.regenerate(messageId));
