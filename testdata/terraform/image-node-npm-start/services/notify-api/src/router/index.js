import { send } from './send.js';

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export async function route(req, res) {
  if (req.method === 'GET' && req.url === '/health') return json(res, 200, { ok: true });
  if (req.method === 'POST' && req.url === '/notifications') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const id = await send(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    return json(res, 202, { id });
  }
  return json(res, 404, { error: 'not found' });
}
