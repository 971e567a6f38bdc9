// Apart from http.ts, which loads undici: the words of a failure name these limits without it.

export const MAX_REDIRECTS = 5;
/** Node's own limit on an answer's header block (`--max-http-header-size`), which undici keeps. */
export const MAX_HEADER_KIB = 16;
