import * as z from 'zod';

const token = z.union([z.string(), z.number().int()]).describe('The progressToken of the request.');
const amounts = {
  bytes: z.number().int().optional().describe('Bytes done so far.'),
  totalBytes: z.number().int().optional().describe('Bytes in all, when known.'),
  percentage: z.number().int().min(0).max(100).optional().describe('bytes / totalBytes, 0 to 100.'),
};

/**
 * What the bridge sends for a request that carried a progressToken. OpenRPC has no place for
 * notifications from the server: the document lists these in `x-notifications`.
 */
export const NOTIFICATIONS = [
  {
    name: '$/progress',
    summary:
      'Progress of a long call, LSP work-done style: one begin, reports (at most every 200 ms unless the percentage moved), one end.',
    params: {
      token,
      value: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('begin'), title: z.string(), cancellable: z.boolean(), ...amounts }),
        z.object({ kind: z.literal('report'), message: z.string().optional(), ...amounts }),
        z.object({ kind: z.literal('end'), message: z.string().optional() }),
      ]),
    },
  },
  {
    name: 'bst/output',
    summary:
      "A command's output as it arrives, so that a client can show it live; the answer's cmdout still holds all of it.",
    params: {
      token,
      stream: z.enum(['stdout', 'stderr']),
      text: z.string(),
    },
  },
] as const;
