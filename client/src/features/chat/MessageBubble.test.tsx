import { describe, expect, it } from 'vitest';
import { createSignal } from 'solid-js';
import { render, waitFor } from '@solidjs/testing-library';
import { MessageBubble } from './MessageBubble';
import type { MessageRow } from '../../collections/types';

const reply = (over: Partial<MessageRow> = {}): MessageRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  task_id: '00000000-0000-4000-8000-000000000002',
  board_id: '00000000-0000-4000-8000-000000000003',
  seq: '7',
  role: 'assistant',
  content: '',
  status: 'streaming',
  model: 'demo',
  usage: null,
  error: null,
  created_at: '',
  updated_at: '',
  ...over,
});

describe('MessageBubble', () => {
  it('renders a reply growing token by token, safely, through an open code fence', () => {
    const full = 'Try this:\n\n```html\n<script>alert(1)</script>\n```\n\nDone <img src=x onerror=alert(2)>';
    const [text, setText] = createSignal('');
    const { container } = render(() => <MessageBubble message={reply()} text={text()} onRetry={() => {}} />);
    for (let i = 1; i <= full.length; i += 3) {
      setText(full.slice(0, i));
      expect(container.querySelector('script, img, [onerror]')).toBeNull();
    }
    setText(full);
    expect(container.querySelector('pre code')?.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('streaming');
    expect(container.textContent).toContain('demo');
  });

  it('shows queued, error with reason, and retry on a failed reply', () => {
    let retried = 0;
    const view = render(() => (
      <MessageBubble
        message={reply({ status: 'failed', error: 'Rate limited by the provider', model: 'gpt-x' })}
        text=""
        onRetry={() => retried++}
      />
    ));
    expect(view.getByText('Rate limited by the provider').getAttribute('role')).toBe('alert');
    view.getByText('Retry').click();
    expect(retried).toBe(1);
    expect(view.container.textContent).not.toContain('demo');
    const queued = render(() => (
      <MessageBubble message={reply({ status: 'queued' })} text="" onRetry={() => {}} />
    ));
    expect(queued.container.textContent).toContain('Queued');
    expect(queued.container.querySelector('button')).toBeNull();
  });
});

describe('MessageBubble: edit and resend', () => {
  const me = '00000000-0000-4000-8000-00000000000a';
  const mine = reply({ role: 'user', status: 'completed', content: 'Old question', author_id: me });

  it('edits one’s own message inline and saves the new text', async () => {
    const saved: string[] = [];
    const view = render(() => (
      <MessageBubble
        message={mine}
        text="Old question"
        userId={me}
        onRetry={() => {}}
        onEdit={(t) => (saved.push(t), Promise.resolve(true))}
      />
    ));
    view.getByText('Edit').click();
    const box = view.getByLabelText<HTMLTextAreaElement>('Edit message');
    expect(box.value).toBe('Old question');
    box.value = '  New question ';
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    view.getByText('Save & resend').click();
    await waitFor(() => expect(view.queryByLabelText('Edit message')).toBeNull());
    expect(saved).toEqual(['New question']);
  });

  it('cancel keeps the message; no Edit on others’ messages or without permission', () => {
    const view = render(() => (
      <MessageBubble
        message={mine}
        text="Old question"
        userId={me}
        onRetry={() => {}}
        onEdit={() => Promise.resolve(true)}
      />
    ));
    view.getByText('Edit').click();
    view.getByText('Cancel').click();
    expect(view.queryByLabelText('Edit message')).toBeNull();
    expect(view.getByText('Old question')).toBeTruthy();
    const other = render(() => (
      <MessageBubble
        message={mine}
        text="Old question"
        userId="someone-else"
        onRetry={() => {}}
        onEdit={() => Promise.resolve(true)}
      />
    ));
    expect(other.queryByText('Edit')).toBeNull();
    const viewer = render(() => (
      <MessageBubble message={mine} text="Old question" userId={me} onRetry={() => {}} />
    ));
    expect(viewer.queryByText('Edit')).toBeNull();
  });
});

describe('MessageBubble: code highlighting', () => {
  it('highlights a fenced ts block once the highlighter chunk loads', async () => {
    const view = render(() => (
      <MessageBubble
        message={reply({ status: 'completed' })}
        text={'```ts\nconst x = 1;\n```'}
        onRetry={() => {}}
      />
    ));
    await waitFor(() =>
      expect(view.container.querySelector('pre code .hljs-keyword')?.textContent).toBe('const'),
    );
  });
});
