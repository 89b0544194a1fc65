import { useState } from 'react';
import { useSigningKey } from '@/features/interop/api/get-signing-key';

/** The key that signs every build's SHA256SUMS, and the commands that check a download with plain OpenSSH. */
export function SigningKeyPanel() {
  const key = useSigningKey();
  const [copied, setCopied] = useState(false);

  if (key.isPending) return <p role="status">Loading the signing key…</p>;
  if (key.error) return <p role="alert">Could not load the signing key: {key.error.message}</p>;

  return (
    <section className="st-signing-key" aria-labelledby="signing-key-heading">
      <h3 id="signing-key-heading">Verify downloads</h3>
      <p>
        Every build writes <code>SHA256SUMS</code> and signs it as <code>SHA256SUMS.sig</code> with this server&apos;s key. In the download directory, run:
      </p>
      <pre aria-label="Verify commands">{key.data.verifyCommand}</pre>
      <button
        type="button"
        className="st-button st-button--small"
        onClick={() => {
          void navigator.clipboard?.writeText(key.data.verifyCommand).then(() => setCopied(true));
        }}
      >
        <span aria-live="polite">{copied ? 'Copied' : 'Copy commands'}</span>
      </button>
      <p>
        Or <code>stamper verify &lt;dir&gt; --key stamper.pub</code>. Public key:
      </p>
      <pre aria-label="Public key">{key.data.publicKey}</pre>
    </section>
  );
}
