import { z } from 'zod';
import { apiErrorSchema } from '../../src/spec/build-api.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the OpenAPI document says about this route; every API route carries one (openapi-document.ts). */
    doc?: RouteDoc;
  }
}

/** Media type → body schema. A schema listed in the document's components becomes a $ref. */
export type ContentDoc = Record<string, z.ZodType>;

export interface ResponseDoc {
  description: string;
  content?: ContentDoc;
}

/**
 * A route's contract for the OpenAPI document, made of the zod schemas the handler
 * parses with, so the document cannot describe a parameter the route does not read.
 * Path parameters without a schema are documented as strings.
 */
export interface RouteDoc {
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: ContentDoc;
  responses: Record<number, ResponseDoc>;
}

export const jsonResponse = (description: string, schema: z.ZodType): ResponseDoc => ({ description, content: { 'application/json': schema } });
export const errorResponse = (description: string): ResponseDoc => jsonResponse(description, apiErrorSchema);
export const textResponse = (description: string, mediaType = 'text/plain'): ResponseDoc => ({ description, content: { [mediaType]: z.string() } });

/** Spec bodies come as YAML (line and column in errors) or JSON (see spec-body.ts). */
export const specRequestBody: ContentDoc = {
  'application/yaml': z.string().describe('NodeImage spec as YAML'),
  'application/json': nodeImageSchema,
};

/** A body the route reads without a schema of its own (it answers its own errors). */
export const anyJsonObject = z.record(z.string(), z.unknown());
