import { describe, expect, it } from 'vitest';
import { FactoryError } from '../../src/core/errors.js';
import { planTasks } from '../../src/core/task-graph.js';
import { group, groupedOrder, selectTasks } from '../../src/core/task-groups.js';
import { task } from '../../src/core/task.js';
import type { FactoryEntry } from '../../src/core/types.js';

const noop = () => undefined;
const deps = (entries: FactoryEntry[]) =>
  Object.fromEntries(planTasks('p', entries).map((p) => [p.task.name, p.dependsOn]));

describe('task graph: groups', () => {
  it('names the tasks of a group <group>.<task> and keeps the group on the planned task', () => {
    const plan = planTasks('p', [task('a', noop), group('dims', [task('customer', noop)])]);
    expect(plan.map((p) => [p.task.name, p.group, p.position])).toEqual([
      ['a', null, 0],
      ['dims.customer', 'dims', 1],
    ]);
  });

  it("gives the group's first tasks what the group depends on: the previous entry by default", () => {
    expect(
      deps([
        task('stage', noop),
        group('dims', [
          task('customer', noop),
          task('product', noop, { dependsOn: [] }),
          task('check', noop, { dependsOn: ['customer', 'product'] }),
        ]),
        task('facts', noop),
      ]),
    ).toEqual({
      stage: [],
      'dims.customer': ['stage'],
      'dims.product': ['stage'],
      'dims.check': ['dims.customer', 'dims.product'],
      // the previous entry is a group: all its tasks
      facts: ['dims.customer', 'dims.product', 'dims.check'],
    });
  });

  it("uses the group's dependsOn, looked up beside the group; a group name means all its tasks", () => {
    expect(
      deps([
        task('a', noop),
        task('b', noop, { dependsOn: [] }),
        group('g', [task('x', noop), task('y', noop)], { dependsOn: ['b'] }),
        task('after', noop, { dependsOn: ['g', 'a'] }),
      ]),
    ).toMatchObject({ 'g.x': ['b'], 'g.y': ['g.x'], after: ['g.x', 'g.y', 'a'] });
  });

  it('looks a name up in the own group, then the enclosing groups, then the top level', () => {
    expect(
      deps([
        task('check', noop),
        group('outer', [
          task('check', noop, { dependsOn: [] }),
          group('inner', [
            task('check', noop, { dependsOn: [] }),
            task('local', noop, { dependsOn: ['check'] }),
            task('enclosing', noop, { dependsOn: ['outer.check'] }),
            task('full', noop, { dependsOn: ['outer.inner.check'] }),
          ]),
        ]),
        task('top', noop, { dependsOn: ['check'] }),
      ]),
    ).toMatchObject({
      'outer.check': ['check'],
      // nested: the inner group's first tasks wait for the task before the group, inside the outer group
      'outer.inner.check': ['outer.check'],
      'outer.inner.local': ['outer.inner.check'],
      'outer.inner.enclosing': ['outer.check'],
      'outer.inner.full': ['outer.inner.check'],
      top: ['check'],
    });
  });

  it('rejects a dependency cycle through a group, naming the tasks and the group', () => {
    const plan = () =>
      planTasks(
        'p',
        [
          group('dims', [task('customer', noop), task('product', noop)], { dependsOn: ['facts'] }),
          task('facts', noop, { dependsOn: ['dims'] }),
        ],
        'projects/x/p/factory.ts',
      );
    expect(plan).toThrow(FactoryError);
    expect(plan).toThrow(
      "projects/x/p/factory.ts: project 'p': dependency cycle: dims.customer → facts → dims.customer (through group 'dims')",
    );
  });

  it.each<[string, FactoryEntry[], RegExp]>([
    [
      'a task depending on its own group',
      [group('g', [task('a', noop, { dependsOn: ['g'] })])],
      /task 'g.a' depends on itself \(through group 'g'\)/,
    ],
    [
      'a group depending on its own task',
      [group('g', [task('a', noop)], { dependsOn: ['g.a'] })],
      /group 'g' depends on its own task\(s\) g.a/,
    ],
    [
      'an unknown name, listing tasks and groups',
      [group('g', [task('a', noop, { dependsOn: ['nope'] })])],
      /task 'g.a' depends on unknown task 'nope'. Tasks: g.a, g \(group\)/,
    ],
    [
      'a dot in a name inside a group',
      [group('g', [task('a.b', noop)])],
      /'a.b' in group 'g': names in a group have no dot/,
    ],
    [
      'a group with the name of a task',
      [task('g.a', noop), group('g', [task('a', noop)])],
      /duplicate task name 'g.a'/,
    ],
    [
      'a group named like a task',
      [task('g', noop), group('g', [task('a', noop)])],
      /group 'g' has the name of a task/,
    ],
    ['an empty group', [group('g', [])], /group 'g' has no tasks/],
    [
      'an unknown group option',
      [group('g', [task('a', noop)], { dependOn: ['x'] } as never)],
      /group 'g': options: unknown option 'dependOn' \(did you mean 'dependsOn'\?\)/,
    ],
  ])('rejects %s', (_case, entries, message) => {
    expect(() => planTasks('p', entries)).toThrow(message);
  });

  it('selects a group with --tasks, and names what exists for an unknown name', () => {
    const plan = planTasks('p', [
      task('a', noop),
      group('g', [task('x', noop), group('h', [task('y', noop)])]),
    ]);
    expect([...selectTasks(plan, ['g'], 'p')]).toEqual(['g.x', 'g.h.y']);
    expect([...selectTasks(plan, ['a', 'g.h'], 'p')]).toEqual(['a', 'g.h.y']);
    expect(() => selectTasks(plan, ['gg'], 'p')).toThrow(
      "--tasks: unknown task(s) gg in project 'p'. Tasks: a, g.x, g.h.y; groups: g, g.h",
    );
  });

  it('orders items of a group together, where the group first appears', () => {
    const names = ['a', 'g.x', 'b', 'g.y', 'h.z', 'c'];
    expect(groupedOrder(names, (n) => n)).toEqual(['a', 'g.x', 'g.y', 'b', 'h.z', 'c']);
  });
});
