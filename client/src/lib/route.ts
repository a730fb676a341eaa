import { createRoot, createSignal } from 'solid-js';

// The location is `#/b/<boardId>` or `#/b/<boardId>/t/<taskId>`, so a reload or a shared
// link opens the same board and task.

export interface Route {
  boardId?: string;
  taskId?: string;
}

export function parseHash(hash: string): Route {
  const m = /^#\/b\/([\w-]+)(?:\/t\/([\w-]+))?/.exec(hash);
  return m ? { boardId: m[1], ...(m[2] ? { taskId: m[2] } : {}) } : {};
}

export const formatRoute = (r: Route) =>
  r.boardId ? `#/b/${r.boardId}${r.taskId ? `/t/${r.taskId}` : ''}` : '#/';

const store = createRoot(() => {
  const [route, setRoute] = createSignal<Route>(parseHash(window.location.hash));
  window.addEventListener('hashchange', () => setRoute(parseHash(window.location.hash)));
  return { route, setRoute };
});

export const route = store.route;

export function navigate(r: Route) {
  const hash = formatRoute(r);
  if (window.location.hash !== hash) window.location.hash = hash;
  store.setRoute(r);
}
