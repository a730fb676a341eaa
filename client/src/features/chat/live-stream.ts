import { createRoot } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { MessageDelta } from '@kanban/shared';
import { appSocket } from '../../api/socket';
import { applyDelta, applyRow, emptyStream, type StreamText } from './stream-merge';

// Live text of streaming replies, by message id, fed by `message.delta` from the socket.
// Rows stay the truth: views fold row content in with `foldRow`, and drop the entry once final.

const store = createRoot(() => {
  const [streams, setStreams] = createStore<Record<string, StreamText>>({});
  return { streams, setStreams };
});

let listening = false;
export function listenForDeltas() {
  if (listening) return;
  listening = true;
  appSocket().on('message.delta', (d: MessageDelta) => {
    store.setStreams(d.messageId, (s) => applyDelta(s ?? emptyStream(), d));
  });
}

export const liveStream = (messageId: string): StreamText | undefined => store.streams[messageId];

export function foldRow(messageId: string, content: string) {
  const s = store.streams[messageId];
  if (s && content.length > s.text.length) store.setStreams(messageId, applyRow(s, content));
}

export function forgetStream(messageId: string) {
  if (store.streams[messageId])
    store.setStreams(
      produce((all) => {
        delete all[messageId];
      }),
    );
}
