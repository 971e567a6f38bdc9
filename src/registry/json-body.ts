import type { Readable } from 'node:stream';
import { type Dispatcher, decodeBody } from '../shared/http.js';

/** The whole body, decoded; a close-delimited body cut short is caught by its JSON not parsing. */
export const jsonBody = async (
  response: Dispatcher.ResponseData,
  what: string,
): Promise<{ bytes: Buffer; json: unknown }> => {
  const chunks: Buffer[] = [];
  for await (const chunk of decodeBody(response.body, response.headers['content-encoding']) as Readable) {
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch {
    throw new Error(`${what} is incomplete or not JSON (${bytes.length} bytes arrived)`);
  }
};
