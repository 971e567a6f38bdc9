import * as z from 'zod';
import { defineSchema } from './define-schema.js';

export const getVersion = defineSchema({
  name: 'GetVersion',
  summary:
    "The bridge's version (what --version prints), so a client can refuse a bridge older than it expects.",
  params: {},
  result: z.object({ version: z.string() }),
  resultText:
    '`{version}`: what `--version` prints; answered without an engine (the shim checks it once at start)',
  errors: [],
});
