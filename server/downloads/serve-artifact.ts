import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ArtifactStorage } from '../artifact-storage/artifact-storage.ts';
import { notFound } from '../builds/service-error.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import { parseRange } from './byte-range.ts';
import { attachmentDisposition } from './content-disposition.ts';

const contentType = (name: string) => (name.endsWith('.json') ? 'application/json' : 'application/octet-stream');

/**
 * Streams a recorded artifact with the headers download tools rely on: its SHA-256 as
 * a strong ETag, byte ranges for resumed downloads, and an attachment file name. The
 * bytes come from the artifact storage (the data directory, or S3 streamed through
 * this process); with presigned downloads the answer is a redirect instead.
 */
export async function serveArtifact(request: FastifyRequest, reply: FastifyReply, storage: ArtifactStorage, artifact: ArtifactRow): Promise<FastifyReply> {
  const etag = `"${artifact.sha256}"`;
  if (storage.redirect) {
    // short-lived and per request: no cache may keep the URL past its signature
    const location = await storage.redirect(artifact);
    return reply.code(302).header('location', location).header('etag', etag).header('cache-control', 'no-store').send();
  }
  const stored = await storage.open(artifact);
  if (!stored) throw notFound('artifact');
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('content-disposition', attachmentDisposition(artifact.name))
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .type(contentType(artifact.name));

  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    return reply.code(304).send();
  }
  // If-Range with a stale ETag means the client's partial copy is of another file: send it whole.
  const ifRange = request.headers['if-range'];
  const range = ifRange && ifRange !== etag ? { kind: 'full' as const } : parseRange(request.headers.range, stored.size);
  if (range.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${stored.size}`).send();
  }
  const head = request.method === 'HEAD';
  if (range.kind === 'partial') {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${stored.size}`)
      .header('content-length', range.end - range.start + 1);
    return head ? reply.send() : reply.send(await stored.read({ start: range.start, end: range.end }));
  }
  reply.header('content-length', stored.size);
  return head ? reply.send() : reply.send(await stored.read());
}
