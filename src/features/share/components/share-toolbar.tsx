import { useId, useRef, useState } from 'react';
import { saveTextFile } from '@/lib/save-text-file';
import { readSpecFile } from '@/features/share/lib/read-spec-file';
import { encodeSpecForLink, shareLinkUrl } from '@/features/share/lib/share-link';
import { redactSpecYaml } from '@/spec/redact-secrets';

/** Browsers and proxies start refusing URLs somewhere past this. */
const LONG_LINK = 8000;

export interface ShareToolbarProps {
  yamlText: string;
  /** Base name for the exported file (the spec's metadata.name). */
  fileName: string;
  onImport: (text: string, from: string) => void;
  onError: (message: string) => void;
  /** Problems in the text; Export YAML still saves it as it is, and says so. */
  problemCount?: number;
}

export function ShareToolbar({ yamlText, fileName, onImport, onError, problemCount = 0 }: ShareToolbarProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [link, setLink] = useState<{ url: string; copied: boolean; redacted: boolean } | null>(null);
  const id = useId();

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      onImport(await readSpecFile(file), file.name);
    } catch (error) {
      onError(error instanceof Error ? error.message : `${file.name} could not be read.`);
    }
  };

  const copyLink = async () => {
    // A link travels to other people: secrets (password hashes, keys) never go in it.
    const shared = redactSpecYaml(yamlText);
    if (shared === null) {
      onError('This draft names a password hash or key but its YAML does not parse, so they cannot be left out of a link: fix the YAML first.');
      return;
    }
    const url = shareLinkUrl(window.location, await encodeSpecForLink(shared));
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard permission (or not a secure context): the link is shown to copy by hand.
    }
    setLink({ url, copied, redacted: shared !== yamlText });
  };

  return (
    <div className="share-toolbar">
      <div className="share-toolbar__buttons" role="group" aria-label="Spec file and link">
        <button type="button" className="button" onClick={() => fileInput.current?.click()}>
          Import spec…
        </button>
        <input
          ref={fileInput}
          id={`${id}-file`}
          type="file"
          accept=".yaml,.yml,.json,application/yaml,text/yaml,application/json,text/plain"
          className="visually-hidden"
          aria-label="Spec file to import"
          tabIndex={-1}
          onChange={(e) => {
            void importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button type="button" className="button" onClick={() => saveTextFile(`${fileName || 'node-image'}.yaml`, yamlText, 'application/yaml')}>
          {problemCount > 0 ? `Export YAML as is (${problemCount} problem${problemCount === 1 ? '' : 's'})` : 'Export YAML'}
        </button>
        <button type="button" className="button" onClick={() => void copyLink()}>
          Copy link
        </button>
        <span className="muted share-toolbar__hint">or drop a spec file anywhere here</span>
      </div>
      {link ? (
        <div className="share-toolbar__link" role="status">
          <label htmlFor={`${id}-link`}>{link.copied ? 'Link copied to the clipboard:' : 'Copy this link:'}</label>
          <input id={`${id}-link`} type="url" readOnly value={link.url} onFocus={(e) => e.target.select()} />
          {link.redacted ? (
            <p className="field-hint">Password hashes and keys are replaced by a placeholder in the link: whoever opens it fills in their own.</p>
          ) : null}
          {link.url.length > LONG_LINK ? <p className="field-hint">This link is long; some chat tools cut it. Export the YAML file instead.</p> : null}
          <button type="button" className="button button--quiet" onClick={() => setLink(null)} aria-label="Close share link">
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
