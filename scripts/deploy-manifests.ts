import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment, type IDeployment, type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  type IConfigMap,
  type IContainer,
  type IPodTemplateSpec,
  type ISecret,
  type IService,
  Namespace,
  Secret,
  Service,
} from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

/**
 * The deployment manifests in docs/deploy/kubernetes, parsed and checked against the
 * Kubernetes API schemas (kubernetes-models), and the cross-references between them that
 * no schema sees: env vars the server reads, Secret and ConfigMap keys, selectors.
 */
export const KUBERNETES_DIR = path.join(import.meta.dirname, '..', 'docs', 'deploy', 'kubernetes');

/**
 * The kinds the manifests may use, at the versions Kubernetes 1.33 serves. kubernetes-models
 * merges the schemas of older releases too (it would accept extensions/v1beta1), so the
 * allowed apiVersions are pinned here; anything else is an unknown kind.
 */
const VALIDATORS: Record<string, (doc: object) => void> = {
  'v1/Namespace': (doc) => new Namespace(doc).validate(),
  'v1/Secret': (doc) => new Secret(doc).validate(),
  'v1/ConfigMap': (doc) => new ConfigMap(doc).validate(),
  'v1/Service': (doc) => new Service(doc).validate(),
  'apps/v1/Deployment': (doc) => new Deployment(doc as IDeployment).validate(),
  'apps/v1/StatefulSet': (doc) => new StatefulSet(doc as IStatefulSet).validate(),
  'policy/v1/PodDisruptionBudget': (doc) => new PodDisruptionBudget(doc).validate(),
};

export interface Manifest {
  file: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  body: Record<string, unknown>;
}

/**
 * Parses and schema-checks one YAML text; throws naming the file and document on any problem.
 * As YAML 1.1, which is what Kubernetes' own parser reads: `0440` is octal and `on` a boolean
 * there, so a manifest that means something else to kubectl fails here too.
 */
export function parseManifests(file: string, text: string): Manifest[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((document, index) => {
    const where = `${file} document ${index + 1}`;
    if (document.errors.length > 0) throw new Error(`${where}: ${document.errors.map((e) => e.message).join('; ')}`);
    const body: unknown = document.toJS();
    if (body === null || body === undefined) return [];
    if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`${where}: not a Kubernetes object`);
    const record = body as Record<string, unknown>;
    const gvk = `${String(record.apiVersion)}/${String(record.kind)}`;
    const validate = VALIDATORS[gvk];
    if (!validate) throw new Error(`${where}: unknown kind ${gvk} (allowed: ${Object.keys(VALIDATORS).join(', ')})`);
    try {
      validate(record);
    } catch (error) {
      throw new Error(`${where} (${gvk}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const metadata = record.metadata as { name: string; namespace?: string };
    return [{ file, kind: String(record.kind), name: metadata.name, namespace: metadata.namespace, body: record }];
  });
}

export function loadManifests(dir = KUBERNETES_DIR): Manifest[] {
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
  return files.sort().flatMap((name) => parseManifests(name, readFileSync(path.join(dir, name), 'utf8')));
}

/** Secrets made outside the manifests (by kubectl, from files no manifest should hold), with their keys. */
export const EXTERNAL_SECRETS: Record<string, string[]> = {
  'stamper-signing-key': ['stamper_signing_ed25519', 'stamper_signing_ed25519.pub'],
};

/** A Stamper container, as opposed to the example Postgres: its env must be Stamper's. */
export const isStamperContainer = (container: IContainer) => container.image?.split(':')[0] === 'stamper';

export interface Workload {
  manifest: Manifest;
  template: IPodTemplateSpec;
  selector: Record<string, string>;
}

export function workloads(manifests: Manifest[]): Workload[] {
  return manifests.flatMap((manifest) => {
    if (manifest.kind !== 'Deployment' && manifest.kind !== 'StatefulSet') return [];
    const spec = (manifest.body as unknown as IDeployment | IStatefulSet).spec;
    if (!spec) return [];
    return [{ manifest, template: spec.template, selector: spec.selector.matchLabels ?? {} }];
  });
}

/** Keys of a Secret or ConfigMap, whichever of data, stringData or binaryData holds them. */
function keysOf(manifest: Manifest): string[] {
  const body = manifest.body as Pick<ISecret, 'data' | 'stringData'> & Pick<IConfigMap, 'binaryData'>;
  return [...Object.keys(body.data ?? {}), ...Object.keys(body.stringData ?? {}), ...Object.keys(body.binaryData ?? {})];
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** Every cross-reference that does not hold, one line each naming where; empty when all hold. */
export function crossReferenceProblems(manifests: Manifest[], knownVariables: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string, namespace: string | undefined) =>
    manifests.find((m) => m.kind === kind && m.name === name && m.namespace === namespace);
  const keys = (kind: 'Secret' | 'ConfigMap', name: string, namespace: string | undefined): string[] | undefined => {
    const manifest = find(kind, name, namespace);
    if (manifest) return keysOf(manifest);
    return kind === 'Secret' ? EXTERNAL_SECRETS[name] : undefined;
  };
  const namespaces = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.name));

  for (const manifest of manifests) {
    if (manifest.kind !== 'Namespace' && (!manifest.namespace || !namespaces.has(manifest.namespace))) {
      problems.push(`${manifest.file}: ${manifest.kind} ${manifest.name} is in namespace ${manifest.namespace ?? '(none)'}, which no manifest creates`);
    }
  }

  for (const { manifest, template, selector } of workloads(manifests)) {
    const where = `${manifest.file}: ${manifest.kind} ${manifest.name}`;
    const ns = manifest.namespace;
    if (!matches(selector, template.metadata?.labels)) problems.push(`${where}: selector does not match its pod template's labels`);
    for (const container of template.spec?.containers ?? []) {
      const at = `${where} container ${container.name}`;
      const names: string[] = [];
      for (const source of container.envFrom ?? []) {
        const ref = source.configMapRef ?? source.secretRef;
        const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
        const found = ref ? keys(kind, ref.name ?? '', ns) : undefined;
        if (!ref || !found) problems.push(`${at}: envFrom names ${kind} ${ref?.name ?? '(none)'}, which no manifest defines`);
        else names.push(...found.map((key) => `${source.prefix ?? ''}${key}`));
      }
      for (const variable of container.env ?? []) {
        names.push(variable.name);
        const secretRef = variable.valueFrom?.secretKeyRef;
        const configRef = variable.valueFrom?.configMapKeyRef;
        for (const [kind, ref] of [
          ['Secret', secretRef],
          ['ConfigMap', configRef],
        ] as const) {
          if (!ref) continue;
          const found = keys(kind, ref.name ?? '', ns);
          if (!found) problems.push(`${at}: ${variable.name} refers to ${kind} ${ref.name ?? '(none)'}, which no manifest defines`);
          else if (!found.includes(ref.key)) problems.push(`${at}: ${variable.name} refers to key ${ref.key}, which ${kind} ${ref.name ?? ''} lacks`);
        }
      }
      if (isStamperContainer(container)) {
        for (const name of names) if (!knownVariables.has(name)) problems.push(`${at}: sets ${name}, which the server does not read`);
      }
    }
    for (const volume of template.spec?.volumes ?? []) {
      const [kind, name, items] = volume.secret
        ? (['Secret', volume.secret.secretName ?? '', volume.secret.items] as const)
        : volume.configMap
          ? (['ConfigMap', volume.configMap.name ?? '', volume.configMap.items] as const)
          : [undefined, '', undefined];
      if (!kind) continue;
      const found = keys(kind, name, ns);
      if (!found) problems.push(`${where}: volume ${volume.name} mounts ${kind} ${name}, which no manifest defines`);
      else
        for (const item of items ?? [])
          if (!found.includes(item.key)) problems.push(`${where}: volume ${volume.name} wants key ${item.key}, which ${kind} ${name} lacks`);
    }
  }

  for (const manifest of manifests) {
    const where = `${manifest.file}: ${manifest.kind} ${manifest.name}`;
    const inNamespace = workloads(manifests).filter((w) => w.manifest.namespace === manifest.namespace);
    if (manifest.kind === 'Service') {
      const spec = (manifest.body as unknown as IService).spec;
      const selected = inNamespace.filter((w) => matches(spec?.selector ?? {}, w.template.metadata?.labels));
      if (selected.length === 0) problems.push(`${where}: selector matches no Deployment's or StatefulSet's pod labels`);
      const portNames = new Set(selected.flatMap((w) => (w.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name))));
      const portNumbers = new Set(selected.flatMap((w) => (w.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))));
      for (const port of spec?.ports ?? []) {
        const target = port.targetPort ?? port.port;
        if (typeof target === 'string' ? !portNames.has(target) : !portNumbers.has(target)) {
          problems.push(`${where}: targetPort ${target} is no container port of the pods it selects`);
        }
      }
    }
    if (manifest.kind === 'PodDisruptionBudget') {
      const selector = (manifest.body as unknown as IPodDisruptionBudget).spec?.selector?.matchLabels ?? {};
      if (!inNamespace.some((w) => matches(selector, w.template.metadata?.labels))) problems.push(`${where}: selector matches no workload's pods`);
    }
  }
  return problems;
}
