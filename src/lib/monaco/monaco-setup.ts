import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
// The editor's contributions (hover, suggest, find, …) without the bundled JS/TS/CSS/HTML languages.
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml, type JSONSchema } from 'monaco-yaml';
import { nodeImageJsonSchema } from '@/spec/json-schema';
import YamlWorker from '@/lib/monaco/yaml.worker.ts?worker';

/** The model URI the schema is bound to; the editor opens its model under it. */
export const SPEC_MODEL_URI = 'file:///stamper/nodeimage.yaml';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

// Hand @monaco-editor/react our bundled copy; without this it would fetch Monaco from a CDN.
loader.config({ monaco });

configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  validate: true,
  completion: true,
  hover: true,
  schemas: [{ uri: 'stamper://schemas/node-image.json', fileMatch: [SPEC_MODEL_URI], schema: nodeImageJsonSchema() as JSONSchema }],
});

export { monaco };
