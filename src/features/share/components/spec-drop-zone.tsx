import { useState, type DragEvent, type ReactNode } from 'react';
import { readSpecFile } from '@/features/share/lib/read-spec-file';

export interface SpecDropZoneProps {
  onImport: (text: string, from: string) => void;
  onError: (message: string) => void;
  children: ReactNode;
}

const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files');

/** Accepts a spec file dropped anywhere over its children. */
export function SpecDropZone({ onImport, onError, children }: SpecDropZoneProps) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={over ? 'drop-zone drop-zone--over' : 'drop-zone'}
      // Capture phase: the YAML editor inside would otherwise take the file as text to insert.
      onDragOverCapture={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDropCapture={(e) => {
        if (!hasFiles(e)) return;
        // Stop Monaco (and the browser) from handling the file as text or navigation.
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (!file) return;
        readSpecFile(file).then(
          (text) => onImport(text, file.name),
          (error: unknown) => onError(error instanceof Error ? error.message : `${file.name} could not be read.`),
        );
      }}
    >
      {children}
      {over ? (
        <div className="drop-zone__overlay" aria-hidden="true">
          Drop to import the spec
        </div>
      ) : null}
    </div>
  );
}
