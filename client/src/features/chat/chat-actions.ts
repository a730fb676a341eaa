import { chatApi } from '../../api/rest';
import { describeError } from '../../api/http';
import type { ChatCollection } from './chat-collection';
import { settle } from '../../collections/commit';
import { trackPending } from '../../collections/connection';
import { showToast } from '../../collections/toasts';
import { PENDING_SEQ, type MessageRow } from '../../collections/types';

/** Posts a user message: shown at once, confirmed when its row arrives through the shape. */
export function sendMessage(chat: ChatCollection, boardId: string, taskId: string, content: string) {
  const now = new Date().toISOString();
  const row: MessageRow = {
    id: crypto.randomUUID(),
    task_id: taskId,
    board_id: boardId,
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
  return settle(chat.insert(row), 'Sending the message', { quiet: true });
}

/** Cancel and retry change the reply row on the server; the new state arrives through the shape. */
async function messageAction(chat: ChatCollection, what: string, call: () => Promise<{ txid: number }>) {
  try {
    const { txid } = await trackPending(call());
    await chat.utils.awaitTxId(txid);
    return true;
  } catch (err) {
    showToast(`${what} failed: ${describeError(err)}`);
    return false;
  }
}

export const cancelReply = (chat: ChatCollection, messageId: string) =>
  messageAction(chat, 'Stopping the reply', () => chatApi.cancel(messageId));

export const retryReply = (chat: ChatCollection, messageId: string) =>
  messageAction(chat, 'Retrying the reply', () => chatApi.retry(messageId));

/** Edit and resend: the later messages go and a new reply arrives, all through the shape. */
export const editAndResend = (chat: ChatCollection, messageId: string, content: string) =>
  messageAction(chat, 'Editing the message', () => chatApi.edit(messageId, content));

export const regenerateReply = (chat: ChatCollection, messageId: string) =>
  messageAction(chat, 'Regenerating the reply', () => chatApi.regenerate(messageId));
