import { createEffect, createMemo } from 'solid-js';
import { renderMarkdown } from '../lib/markdown';
import { highlightCode } from '../lib/highlight';
import { copyText } from './copy';

/** Markdown rendered through the sanitiser; the only innerHTML in the app. */
export function Markdown(props: { text: string; class?: string }) {
  const html = createMemo(() => renderMarkdown(props.text));
  let el!: HTMLDivElement;
  // A "Copy code" button on each code block, added after each render (the HTML is replaced
  // as a reply streams). The button is ours, made here: the sanitised HTML has no buttons.
  createEffect(() => {
    html();
    for (const pre of el.querySelectorAll('pre')) {
      if (pre.querySelector('.copy-code')) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'btn ghost small copy-code';
      b.textContent = 'Copy code';
      b.setAttribute('aria-label', 'Copy code');
      b.addEventListener(
        'click',
        () => void copyText(pre.querySelector('code')?.textContent ?? '', 'Code copied'),
      );
      pre.prepend(b);
    }
    void highlightCode(el);
  });
  // eslint-disable-next-line solid/no-innerhtml -- sanitised by renderMarkdown (marked + DOMPurify)
  return <div ref={el} class={`md ${props.class ?? ''}`} innerHTML={html()} />;
}
