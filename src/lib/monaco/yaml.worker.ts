// The YAML language worker, bundled by Vite from our own entry so nothing loads from a CDN.
import 'monaco-yaml/yaml.worker.js';
