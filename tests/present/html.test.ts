import { describe, expect, it } from 'vitest';
import { escapeHtml, href, html, raw } from '../../src/present/html.js';

describe('present: html', () => {
  it('escapes every character that could end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });

  it('escapes interpolated values, keeps nested html and raw markup, joins arrays', () => {
    const name = '<script>alert(1)</script>';
    const items = ['a&b', html`<b>${'c'}</b>`];
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    const list = items.map((i) => html`<li>${i}</li>`);
    expect(html`${list}`.value).toBe('<li>a&amp;b</li><li><b>c</b></li>');
    const style = raw('a > b { color: red }');
    expect(html`${style}`.value).toBe('a > b { color: red }');
  });

  it('renders nothing for null, undefined and false, and text for numbers and dates', () => {
    expect(html`[${null}${undefined}${false}]`.value).toBe('[]');
    expect(html`${12}/${true}/${new Date('2026-01-02T03:04:05Z')}`.value).toBe(
      '12/true/2026-01-02T03:04:05.000Z',
    );
    expect(String(html`<i>${'x'}</i>`)).toBe('<i>x</i>');
  });

  it('builds URL paths from encoded segments', () => {
    expect(href('runs', 12)).toBe('/runs/12');
    expect(href('projects', 'a/b c')).toBe('/projects/a%2Fb%20c');
  });
});
