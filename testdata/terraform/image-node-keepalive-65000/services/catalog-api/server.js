'use strict';

const http = require('http');
const app = require('./app');

const port = Number(process.env.PORT || 3000);
const server = http.createServer(app);

// The ALB keeps idle connections for 60 s: close ours later than that, so
// the load balancer never reuses a connection we are closing.
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000; // above keepAliveTimeout

server.listen(port, () => {
  console.log(`catalog-api listening on :${port}`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
