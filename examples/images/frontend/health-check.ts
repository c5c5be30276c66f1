/**
 * The container's health check (Dockerfile HEALTHCHECK, and the task definition's): exits 0 when
 * the gallery's /health answers 200, which it does only while the images API answers it. The slim
 * base image has no curl or wget; Node.js is there.
 */
const port = process.env.PORT ?? '8080';

fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4_000) }).then(
  (res) => process.exit(res.status === 200 ? 0 : 1),
  () => process.exit(1),
);
