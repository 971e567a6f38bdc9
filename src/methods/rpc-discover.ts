import packageJson from '../../package.json' with { type: 'json' };
import { rpcDiscover as schema } from '../schemas/rpc-discover.js';
import { defineMethod } from './define-method.js';

// The generator, and JSON Schema of every method's schemas, load only when a client asks for them.
export const rpcDiscover = defineMethod(schema, async () => {
  const { openRpcDocument } = await import('../schemas/openrpc.js');
  return openRpcDocument(packageJson.version);
});
