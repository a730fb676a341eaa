import type { Browser } from 'playwright-core';
import { openClient, type Client } from './e2e-browser';
import type { Session } from './auth';

// A browser signed in as `session`: its cookies are set in a fresh context before the page
// loads, as if the user had signed in there (for tests that are not about signing in).

export async function openSignedIn(browser: Browser, url: string, session: Session): Promise<Client> {
  const client = await openClient(browser, 'about:blank');
  const origin = new URL(url).origin;
  await client.context.addCookies(
    session.cookie.split('; ').map((pair) => {
      const i = pair.indexOf('=');
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: origin };
    }),
  );
  await client.page.goto(url);
  return client;
}
