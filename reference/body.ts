import type { IncomingMessage } from 'node:http';

/** Request bodies above this size are refused with InvalidRequestException. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Above this we stop reading altogether and close the connection after answering. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;

export interface RequestBody {
  text: string;
  /** More than MAX_BODY_BYTES were sent; `text` is empty. */
  tooLarge: boolean;
  /** The connection must be closed after the response (the rest of the body was not read). */
  closeConnection: boolean;
}

/** Reads the whole body as UTF-8, bounded; never rejects. */
export function readBody(req: IncomingMessage): Promise<RequestBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: RequestBody) => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > DISCARD_LIMIT_BYTES) {
        req.pause();
        settle({ text: '', tooLarge: true, closeConnection: true });
      }
    });
    req.on('end', () => {
      settle(
        size > MAX_BODY_BYTES
          ? { text: '', tooLarge: true, closeConnection: false }
          : {
              text: Buffer.concat(chunks).toString('utf8'),
              tooLarge: false,
              closeConnection: false,
            },
      );
    });
    // A client that goes away mid-body: answer into the void rather than hang.
    req.on('error', () => settle({ text: '', tooLarge: false, closeConnection: true }));
    req.on('close', () => settle({ text: '', tooLarge: false, closeConnection: true }));
  });
}
