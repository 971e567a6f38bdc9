import * as z from 'zod';
import { defineSchema } from './define-schema.js';

export const rpcDiscover = defineSchema({
  name: 'rpc.discover',
  summary:
    'The OpenRPC 1.3.2 document of this bridge: every method, its params, result and errors, and the notifications it sends.',
  params: {},
  result: z
    .looseObject({ openrpc: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }) })
    .describe('An OpenRPC document (https://spec.open-rpc.org).'),
  resultText: 'the OpenRPC document (what `bst-containers openrpc` prints); answered without an engine',
  errors: [],
});
