import { createResource, For } from 'solid-js';

// Placeholder until the board UI lands: lists the boards from the REST API.
export function App() {
  const [boards] = createResource(async () => {
    const res = await fetch('/api/boards');
    return ((await res.json()) as { data: { id: string; name: string }[] }).data;
  });
  return (
    <main>
      <h1>Kanban</h1>
      <ul>
        <For each={boards()}>{(b) => <li>{b.name}</li>}</For>
      </ul>
    </main>
  );
}
