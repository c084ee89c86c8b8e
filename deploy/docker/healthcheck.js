// Docker HEALTHCHECK: exit 0 when the service in this container answers GET /health/live with 200.
// The service may have been chosen by argument, which a health check cannot see, so without PORT it
// tries each service's default port; only one of them listens in a container.
'use strict';

const ports = process.env.PORT ? [process.env.PORT] : ['3001', '3002', '3003', '3004'];

async function live(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

Promise.all(ports.map(live)).then((answers) => process.exit(answers.some(Boolean) ? 0 : 1));
