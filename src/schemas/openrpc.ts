import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { commonParams, type MethodSchema } from './define-schema.js';
import { ERRORS } from './errors.js';
import { METHOD_SCHEMAS } from './index.js';
import { NOTIFICATIONS } from './notifications.js';

type JsonSchema = { [key: string]: unknown };

// A type, not an interface: it must fit rpc.discover's result, an object with any other keys.
export type OpenRpcDocument = {
  openrpc: '1.3.2';
  info: { title: string; version: string; description: string; license: { name: string } };
  methods: JsonSchema[];
  components: { errors: Record<string, JsonSchema> };
  'x-notifications': JsonSchema[];
};

const CHECKS = 'x-bridge-checks';

/** The errors any call can answer, besides its method's own. */
const ANY_CALL_ERRORS = [ErrorCode.InvalidParams, ErrorCode.RequestCancelled, ErrorCode.InternalError];

const DESCRIPTION = [
  'A JSON-RPC 2.0 bridge to Docker, Podman (Engine API) and Apptainer (CLI): one JSON message per line (UTF-8, `\\n`) on the stdin and stdout of `bst-containers` (or `node dist/bst-containers.js`).',
  'Params are by name, or by position in the order listed (the MATLAB argument order). By position, a `null` means "not given" (the default applies), and the list may end with an object of params by name; `engine` and `progressToken` are given by name only (in that object when the rest are by position); a param given both ways is refused.',
  'A request with a `progressToken` gets the notifications listed in `x-notifications` (OpenRPC has no place for notifications from the server); `$/cancelRequest {id}` cancels a call, which then answers -32800.',
  'Checks that JSON Schema cannot express are stated in each schema\'s description ("Also checked by the bridge"); the bridge refuses with -32602 what fails them.',
  "In each error object, `data` is the JSON Schema of that error's `data` member: OpenRPC's error object has no field for a schema.",
].join(' ');

const refineMessages = (schema: unknown): string[] => {
  const checks = (
    schema as { _zod: { def: { checks?: { _zod: { def: { check: string; error?: () => string } } }[] } } }
  )._zod.def.checks;
  return (checks ?? []).flatMap(({ _zod: { def } }) =>
    def.check === 'custom' ? [def.error?.() ?? 'a custom check'] : [],
  );
};

/** zod's JSON Schema drops refine()s: their messages move into the description of their node. */
const foldChecks = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(foldChecks);
  if (typeof value !== 'object' || value === null) return value;
  const { [CHECKS]: checks, ...rest } = value as JsonSchema;
  const folded = Object.fromEntries(Object.entries(rest).map(([key, inner]) => [key, foldChecks(inner)]));
  if (!Array.isArray(checks)) return folded;
  const also = `Also checked by the bridge: ${checks.join('; ')}.`;
  return { ...folded, description: folded.description ? `${folded.description} ${also}` : also };
};

/** Draft-07, which OpenRPC's tools validate with (2020-12's prefixItems they refuse). */
const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-07',
    override: ({ zodSchema, jsonSchema }) => {
      const messages = refineMessages(zodSchema);
      if (messages.length > 0) (jsonSchema as JsonSchema)[CHECKS] = messages;
    },
  });
  return foldChecks(json) as JsonSchema;
};

const contentDescriptor = (name: string, schema: z.ZodType, io: 'input' | 'output', note?: string) => {
  const { description, ...json } = toJsonSchema(schema, io);
  const text = [description, note].filter(Boolean).join(' ');
  return {
    name,
    ...(text ? { description: text } : {}),
    ...(io === 'input' ? { required: !schema.safeParse(undefined).success } : {}),
    schema: json,
  };
};

const errorObject = (code: ErrorCode) => {
  const { meaning, data } = ERRORS[code];
  return { code, message: meaning, ...(data ? { data: toJsonSchema(data, 'output') } : {}) };
};

const BY_NAME_ONLY = 'By name only.';

const describeMethod = (method: MethodSchema) => {
  const notes = (method.notifications ?? []).map(
    (name) => `With a progressToken it sends \`${name}\` (see x-notifications).`,
  );
  return {
    name: method.name,
    summary: method.summary,
    description: [method.summary, ...notes].join(' '),
    paramStructure: 'either',
    params: [
      ...Object.entries(method.params).map(([name, schema]) =>
        contentDescriptor(name, schema as z.ZodType, 'input'),
      ),
      ...Object.entries(commonParams).map(([name, schema]) =>
        contentDescriptor(name, schema, 'input', BY_NAME_ONLY),
      ),
    ],
    result: contentDescriptor(`${method.name}Result`, method.result, 'output'),
    errors: [...new Set([...method.errors, ...ANY_CALL_ERRORS])].map(errorObject),
    ...(method.notifications ? { 'x-notifications': [...method.notifications] } : {}),
  };
};

/** The OpenRPC 1.3.2 document, generated from the same zod schemas that check every call. */
export const openRpcDocument = (version: string): OpenRpcDocument => ({
  openrpc: '1.3.2',
  info: { title: 'bst-containers', version, description: DESCRIPTION, license: { name: 'GPL-3.0-or-later' } },
  methods: METHOD_SCHEMAS.map(describeMethod),
  components: {
    errors: Object.fromEntries(
      Object.values(ErrorCode).map((code) => [ERRORS[code].name, errorObject(code)]),
    ),
  },
  'x-notifications': NOTIFICATIONS.map((notification) => ({
    name: notification.name,
    summary: notification.summary,
    params: Object.entries(notification.params).map(([name, schema]) =>
      contentDescriptor(name, schema as z.ZodType, 'output'),
    ),
  })),
});
