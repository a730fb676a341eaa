import { createMemo } from 'solid-js';
import { renderMarkdown } from '../lib/markdown';

/** Markdown rendered through the sanitiser; the only innerHTML in the app. */
export function Markdown(props: { text: string; class?: string }) {
  const html = createMemo(() => renderMarkdown(props.text));
  // eslint-disable-next-line solid/no-innerhtml -- sanitised by renderMarkdown (marked + DOMPurify)
  return <div class={`md ${props.class ?? ''}`} innerHTML={html()} />;
}
