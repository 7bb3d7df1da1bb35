import http from 'node:http';
import { route } from './router/index.js';

const port = Number(process.env.PORT ?? 4000);

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    console.error(err);
    res.writeHead(500).end();
  });
});

server.listen(port, () => console.log(`notify-api on :${port}`));
