// A sleep that an AbortSignal cuts short (rejecting with its reason). The listener goes when the
// sleep ends either way: one left per call (per demo token, per retry backoff) piled up on the
// reply's signal past Node's limit of 10, hence MaxListenersExceededWarning during every chat.
export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => (clearTimeout(t), reject(signal?.reason as Error));
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
