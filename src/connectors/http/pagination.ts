import { z } from 'zod';

/**
 * How an API splits a result into pages:
 * - none:   one request.
 * - page:   `?page=1,2,…` (and `pageSize` if given) until a page has fewer items than `size` (or none).
 * - offset: `?offset=0,size,…&limit=size` until a page has fewer than `size` items.
 * - cursor: `?cursor=<value of cursorPath in the previous body>` until that value is empty.
 * - link:   the `Link: <…>; rel="next"` response header, until there is none.
 */
export const paginationSchema = z.discriminatedUnion('style', [
  z.object({ style: z.literal('none') }).strict(),
  z
    .object({
      style: z.literal('page'),
      param: z.string().default('page'),
      sizeParam: z.string().optional(),
      size: z.number().int().positive().default(100),
      /** (Default: 1) */
      first: z.number().int().min(0).default(1),
    })
    .strict(),
  z
    .object({
      style: z.literal('offset'),
      param: z.string().default('offset'),
      limitParam: z.string().default('limit'),
      size: z.number().int().positive().default(100),
    })
    .strict(),
  z
    .object({
      style: z.literal('cursor'),
      param: z.string().default('cursor'),
      /** Dot path of the next cursor in the body, e.g. `meta.next_cursor`. */
      cursorPath: z.string().default('next_cursor'),
    })
    .strict(),
  z.object({ style: z.literal('link') }).strict(),
]);

export type Pagination = z.output<typeof paginationSchema>;

interface PageState {
  url: URL;
  page: number;
  offset: number;
}

interface PageOutcome {
  items: number;
  body: unknown;
  headers: Headers;
}

type NextPage<P extends Pagination> = (p: P, state: PageState, outcome: PageOutcome) => URL | null;

export const firstPage: Record<Pagination['style'], (p: Pagination, url: URL) => URL> = {
  none: (_p, url) => url,
  page: (p, url) =>
    withParams(
      url,
      p.style === 'page' ? { [p.param]: p.first, ...(p.sizeParam ? { [p.sizeParam]: p.size } : {}) } : {},
    ),
  offset: (p, url) => withParams(url, p.style === 'offset' ? { [p.param]: 0, [p.limitParam]: p.size } : {}),
  cursor: (_p, url) => url,
  link: (_p, url) => url,
};

export const nextPage: { [S in Pagination['style']]: NextPage<Extract<Pagination, { style: S }>> } = {
  none: () => null,
  page: (p, state, outcome) =>
    outcome.items < p.size || outcome.items === 0
      ? null
      : withParams(state.url, { [p.param]: state.page + 1 }),
  offset: (p, state, outcome) =>
    outcome.items < p.size ? null : withParams(state.url, { [p.param]: state.offset + outcome.items }),
  cursor: (p, state, outcome) => {
    const cursor = pathValue(outcome.body, p.cursorPath);
    return cursor === null || cursor === undefined || cursor === '' || outcome.items === 0
      ? null
      : withParams(state.url, {
          [p.param]:
            typeof cursor === 'string' || typeof cursor === 'number' ? cursor : JSON.stringify(cursor),
        });
  },
  link: (_p, state, outcome) => {
    const next = nextLink(outcome.headers.get('link'));
    return next ? new URL(next, state.url) : null;
  },
};

function withParams(url: URL, params: Record<string, string | number>): URL {
  const copy = new URL(url);
  for (const [key, value] of Object.entries(params)) copy.searchParams.set(key, String(value));
  return copy;
}

/** `<https://api/x?page=2>; rel="next", <…>; rel="last"` → the next URL. */
function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return match[1]!;
  }
  return null;
}

export function pathValue(body: unknown, dotted: string): unknown {
  let value = body;
  for (const key of dotted.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
