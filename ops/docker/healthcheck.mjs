// The image's HEALTHCHECK. One image runs any app, so this asks each app's liveness URL on its
// own port and passes when the one running in this container answers 2xx.
const env = process.env;
const urls = [
  `http://127.0.0.1:${env.PORT || 3000}/health/live`,
  `http://127.0.0.1:${env.WORKER_PORT || 3001}/health/live`,
  `http://127.0.0.1:${env.SIMULATOR_PORT || 4010}/health`,
];

async function live(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

const results = await Promise.all(urls.map(live));
process.exit(results.some(Boolean) ? 0 : 1);
