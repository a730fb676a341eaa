import { describe, expect, it, vi } from 'vitest';
import { render } from '@solidjs/testing-library';
import { MessageBubble } from './MessageBubble';
import type { MessageRow } from '../../collections/types';

const msg = (over: Partial<MessageRow>): MessageRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  task_id: '00000000-0000-4000-8000-000000000002',
  board_id: '00000000-0000-4000-8000-000000000003',
  seq: '7',
  role: 'assistant',
  content: '',
  status: 'completed',
  model: 'demo',
  usage: null,
  error: null,
  created_at: '',
  updated_at: '',
  ...over,
});

describe('copy buttons', () => {
  it('copies a finished reply’s markdown and each code block’s code', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const text = 'Run this:\n\n```sh\nnpm test\n```\n';
    const view = render(() => (
      <MessageBubble message={msg({ content: text })} text={text} onRetry={() => {}} />
    ));
    view.getByRole('button', { name: 'Copy reply' }).click();
    view.getByRole('button', { name: 'Copy code' }).click();
    await Promise.resolve();
    expect(writeText.mock.calls).toEqual([[text], ['npm test\n']]);
  });

  it('offers no copy while a reply is still streaming', () => {
    const view = render(() => (
      <MessageBubble message={msg({ status: 'streaming' })} text="partial" onRetry={() => {}} />
    ));
    expect(view.queryByRole('button', { name: 'Copy reply' })).toBeNull();
  });

  it('copies a user message', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const view = render(() => (
      <MessageBubble message={msg({ role: 'user', content: 'hello' })} text="hello" onRetry={() => {}} />
    ));
    view.getByRole('button', { name: 'Copy message' }).click();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith('hello');
  });
});
