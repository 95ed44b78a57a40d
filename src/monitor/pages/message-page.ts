import { html } from '../../present/html.js';
import { page } from './layout.js';

/** A page that explains instead of showing data: not found, the embedded database is busy, an error. */
export function renderMessage(
  title: string,
  message: string,
  options: { warehouse?: string; refreshSeconds?: number; hint?: string } = {},
): string {
  return page(
    {
      title,
      section: 'other',
      ...(options.warehouse ? { warehouse: options.warehouse } : {}),
      ...(options.refreshSeconds ? { refreshSeconds: options.refreshSeconds } : {}),
    },
    html`<h1>${title}</h1>
      <p class="notice message">${message}</p>
      ${options.hint ? html`<p class="muted">${options.hint}</p>` : html``}
      <p><a href="/">Back to the runs grid</a></p>`,
  );
}
