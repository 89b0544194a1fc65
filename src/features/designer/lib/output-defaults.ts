import { outputFormats } from '@/spec/catalog';
import { nodeImageSchema, type OutputFormat, type OutputSpec } from '@/spec/schema';

const outputSchema = nodeImageSchema.shape.spec.shape.outputs.unwrap().element;

/**
 * A new output entry with the schema's own defaults. AMI has two required fields
 * with no sensible default; they start empty so the form asks for them.
 */
export function defaultOutput(format: OutputFormat): OutputSpec {
  if (format === 'ami') {
    const parsed = outputSchema.parse({ format, region: 'us-east-1', bucket: 'bucket' });
    return { ...parsed, region: '', bucket: '' } as OutputSpec;
  }
  return outputSchema.parse({ format });
}

/** True for formats this build of the SPA knows how to edit. */
export const isOutputFormat = (id: string): id is OutputFormat => outputFormats.some((f) => f.id === id);
