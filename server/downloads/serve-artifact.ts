import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../builds/service-error.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import { parseRange } from './byte-range.ts';
import { attachmentDisposition } from './content-disposition.ts';

const contentType = (name: string) => (name.endsWith('.json') ? 'application/json' : 'application/octet-stream');

/**
 * Streams a recorded artifact with the headers download tools rely on: its SHA-256 as
 * a strong ETag, byte ranges for resumed downloads, and an attachment file name.
 */
export async function serveArtifact(request: FastifyRequest, reply: FastifyReply, artifact: ArtifactRow & { path: string }): Promise<FastifyReply> {
  const info = await stat(artifact.path).catch(() => undefined);
  if (!info?.isFile()) throw new ServiceError('artifact_gone', `${artifact.name} is no longer on disk`);
  const etag = `"${artifact.sha256}"`;
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
  const range = ifRange && ifRange !== etag ? { kind: 'full' as const } : parseRange(request.headers.range, info.size);
  if (range.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${info.size}`).send();
  }
  const head = request.method === 'HEAD';
  if (range.kind === 'partial') {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('content-length', range.end - range.start + 1);
    return head ? reply.send() : reply.send(createReadStream(artifact.path, { start: range.start, end: range.end }));
  }
  reply.header('content-length', info.size);
  return head ? reply.send() : reply.send(createReadStream(artifact.path));
}
