import { MAX_SPEC_BYTES } from '@/spec/yaml-spec';

/** The text of a dropped or picked spec file, refusing what cannot be a spec. */
export async function readSpecFile(file: File): Promise<string> {
  if (file.size > MAX_SPEC_BYTES) throw new Error(`${file.name} is ${file.size} bytes; a spec is at most ${MAX_SPEC_BYTES}.`);
  const text = await file.text();
  if (text.includes('\u0000')) throw new Error(`${file.name} is not a text file.`);
  return text;
}
