import type { FastifyInstance } from 'fastify';

/**
 * Fastify parses `text/plain` bodies into a string by default, so a JSON body sent as `text/plain` reached the
 * ValidationPipe and came back as a confusing `400 validation_failed`. Our API speaks JSON (and forms on the one
 * route that needs them, see callback-form-parser.ts): without the parser, such a body is `415 unsupported_media_type`,
 * which names the real mistake. It also keeps our routes out of reach of the `text/plain` "simple request" a
 * cross-site page can send without a CORS preflight. Scopes with parsers of their own (raw mounts) are unaffected.
 */
export function refuseTextBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
}
