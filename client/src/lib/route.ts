import { createRoot, createSignal } from 'solid-js';

// The location is the state: `#/b/<boardId>` or `#/b/<boardId>/t/<taskId>`, so a reload, a
// shared link, back and forward all open the same board and task. Every change of board or task
// is a history entry; filling in a missing board is not (back would land on the empty address
// and bounce forward again).

export interface Route {
  boardId?: string;
  taskId?: string;
}

export function parseHash(hash: string): Route {
  const m = /^#\/b\/([\w-]+)(?:\/t\/([\w-]+))?\/?$/.exec(hash);
  return m ? { boardId: m[1], ...(m[2] ? { taskId: m[2] } : {}) } : {};
}

export const formatRoute = (r: Route) =>
  r.boardId ? `#/b/${r.boardId}${r.taskId ? `/t/${r.taskId}` : ''}` : '#/';

const store = createRoot(() => {
  const [route, setRoute] = createSignal<Route>(parseHash(window.location.hash), {
    equals: (a, b) => a.boardId === b.boardId && a.taskId === b.taskId,
  });
  // Back/forward and typed addresses: hashchange; replaceState fires neither, so navigate sets it too.
  const sync = () => setRoute(parseHash(window.location.hash));
  window.addEventListener('hashchange', sync);
  window.addEventListener('popstate', sync);
  return { route, setRoute };
});

export const route = store.route;

/** Goes to `r`: a new history entry, or (`replace`) a correction of the current one. */
export function navigate(r: Route, opts: { replace?: boolean } = {}) {
  const hash = formatRoute(r);
  if (window.location.hash !== hash) {
    if (opts.replace) window.history.replaceState(window.history.state, '', hash);
    else window.location.hash = hash;
  }
  store.setRoute(r);
}
