import { describe, expect, it } from 'vitest';
import { createSignal } from 'solid-js';
import { render } from '@solidjs/testing-library';
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
