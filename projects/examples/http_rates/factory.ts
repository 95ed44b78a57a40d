import { defineFactory, extractLoad, partial, task } from 'dwh';

export default defineFactory([
  task(
    'load_rates',
    partial(extractLoad, {
      source: 'example_rates',
      request: {
        path: 'rates',
        params: { from: '{start_load_date:date}', to: '{end_load_date:date}' },
        itemsPath: 'data',
        pagination: { style: 'page', sizeParam: 'per_page', size: 50 },
      },
      target: 'ex_rates',
      mapping: 'rates',
      mode: 'delete-window',
      windowColumn: 'day',
    }),
    { description: 'rates of the window days, page by page', target: true },
  ),
]);
