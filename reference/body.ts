import type { IncomingMessage } from 'node:http';

/** Request bodies above this size are refused with InvalidRequestException. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Above this we stop reading altogether and close the connection after answering. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export interface RequestBody {
  text: string;
  /** The body as received (CreateTokenWithIAM's signature covers these exact bytes). */
  bytes: Buffer;
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
        settle({ text: '', bytes: EMPTY, tooLarge: true, closeConnection: true });
      }
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        settle({ text: '', bytes: EMPTY, tooLarge: true, closeConnection: false });
        return;
      }
      const bytes = Buffer.concat(chunks);
      settle({ text: bytes.toString('utf8'), bytes, tooLarge: false, closeConnection: false });
    });
    // A client that goes away mid-body: answer into the void rather than hang.
    const gone = () => settle({ text: '', bytes: EMPTY, tooLarge: false, closeConnection: true });
    req.on('error', gone);
    req.on('close', gone);
  });
}
