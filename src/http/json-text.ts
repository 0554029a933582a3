import type { FastifyReply } from 'fastify';

/**
 * Sends text that is already the JSON response (made by the route's own serialiser, then cached):
 * with a JSON content type, Fastify sends a string as it is instead of serialising it again.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
