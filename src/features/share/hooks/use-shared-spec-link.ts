import { useEffect, useRef } from 'react';
import { decodeSpecFromLink, ShareLinkError, specParamFromHash } from '@/features/share/lib/share-link';

export interface SharedSpecHandlers {
  onRestore: (yamlText: string) => void;
  onCorrupt: (message: string) => void;
}

/**
 * Restores a spec carried in the URL hash (on load and when a link is pasted into
 * this tab), then removes it from the address bar so a reload keeps later edits.
 */
export function useSharedSpecLink(handlers: SharedSpecHandlers): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    const restore = () => {
      const encoded = specParamFromHash(window.location.hash);
      if (encoded === null) return;
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
      decodeSpecFromLink(encoded).then(
        (text) => latest.current.onRestore(text),
        // No "still mounted" guard: the hash is consumed once, and StrictMode's remount must not drop it.
        (error: unknown) =>
          latest.current.onCorrupt(
            error instanceof ShareLinkError
              ? `This share link is corrupt: ${error.message} Your previous draft is unchanged.`
              : 'This share link could not be opened. Your previous draft is unchanged.',
          ),
      );
    };
    restore();
    window.addEventListener('hashchange', restore);
    return () => {
      window.removeEventListener('hashchange', restore);
    };
  }, []);
}
