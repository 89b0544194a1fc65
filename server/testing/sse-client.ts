import http from 'node:http';
import { StringDecoder } from 'node:string_decoder';

export interface SseMessage {
  id: string | undefined;
  data: string;
}

export interface SseSession {
  status: number;
  messages: SseMessage[];
  comments: number;
  /** Resolves when the server ends the stream or `close()` is called. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A minimal EventSource for tests and the fan-out bench: one connection, no automatic
 * reconnect, so a test decides exactly when and from where to resume.
 */
export function openSse(url: string, options: { headers?: Record<string, string>; onMessage?: (message: SseMessage) => void } = {}): Promise<SseSession> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...options.headers }, agent: false }, (response) => {
      const decoder = new StringDecoder('utf8');
      let buffer = '';
      let endResolve: () => void = () => undefined;
      const session: SseSession = {
        status: response.statusCode ?? 0,
        messages: [],
        comments: 0,
        ended: new Promise<void>((r) => {
          endResolve = r;
        }),
        close: () => {
          request.destroy();
          endResolve();
        },
      };
      response.on('data', (chunk: Buffer) => {
        buffer += decoder.write(chunk);
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
          let id: string | undefined;
          const data: string[] = [];
          let isComment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) isComment = true;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) {
            const message = { id, data: data.join('\n') };
            session.messages.push(message);
            options.onMessage?.(message);
          } else if (isComment) session.comments += 1;
        }
      });
      response.on('end', () => endResolve());
      response.on('close', () => endResolve());
      resolve(session);
    });
    request.on('error', (error) => reject(error));
  });
}
