// Child process of langchain-floor.bench.ts: the fake OpenAI-compatible model (test/support/fake-llm.ts)
// in a process of its own, so the CPU it spends writing SSE is not counted as the client's.
// Answers every request with FAKE_TEXT (default "ok done": two tokens) and usage.
import { startFakeLlm } from '../../test/support/fake-llm';

export type FakeChildMessage = { type: 'ready'; baseUrl: string } | { type: 'count'; requests: number };

const fake = await startFakeLlm();
fake.setDefault({
  text: process.env.FAKE_TEXT ?? 'ok done',
  usage: { prompt_tokens: 5, completion_tokens: 2 },
});
// Nothing reads the recorded requests: drop them as they arrive, the run makes thousands.
const send = (m: FakeChildMessage) => process.send!(m);
let seen = 0;
const trim = setInterval(() => {
  seen += fake.requests.length;
  fake.requests.length = 0;
}, 1000);
process.on('message', (m: { type: string }) => {
  if (m.type === 'count') send({ type: 'count', requests: seen + fake.requests.length });
  if (m.type === 'stop') {
    clearInterval(trim);
    void fake.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', baseUrl: fake.baseUrl });
