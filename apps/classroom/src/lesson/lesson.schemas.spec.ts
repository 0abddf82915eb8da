import { randomUUID } from 'node:crypto';
import { REALTIME_LIMITS } from '@tongke/contracts';
import { COMMAND_SCHEMAS, parseCommand } from './lesson.schemas.js';

const segment = {
  strokeId: 's1',
  tool: 'pen',
  color: '#d62728',
  width: 2,
  points: [0.1, 0.2, 0.3, 0.4],
  done: false,
};
const annotation = { layer: 'annotation', material: { kind: 'resource', id: randomUUID() }, page: 3 };
const stroke = (patch: Record<string, unknown> = {}, seg: Record<string, unknown> = {}) => ({
  clientMsgId: 'host.abc-1',
  surface: annotation,
  segments: [{ ...segment, ...seg }],
  ...patch,
});

/** The hand-written checks for the hot commands accept nothing the schemas refuse. */
describe('hot command payloads', () => {
  const candidates: ['stroke:batch' | 'page:set', unknown][] = [
    ['page:set', { clientMsgId: 'x', page: 1 }],
    ['page:set', { clientMsgId: 'x', page: REALTIME_LIMITS.maxPage }],
    ['page:set', { clientMsgId: 'x', page: REALTIME_LIMITS.maxPage + 1 }],
    ['page:set', { clientMsgId: 'x', page: 0 }],
    ['page:set', { clientMsgId: 'x', page: 2.5 }],
    ['page:set', { clientMsgId: 'x', page: '3' }],
    ['page:set', { clientMsgId: 'x', page: 3, extra: 1 }],
    ['page:set', { clientMsgId: 'has space', page: 3 }],
    ['page:set', { clientMsgId: '', page: 3 }],
    ['page:set', { clientMsgId: 'x'.repeat(REALTIME_LIMITS.clientMsgIdMaxLength + 1), page: 3 }],
    ['page:set', { page: 3 }],
    ['page:set', [3]],
    ['page:set', null],
    ['page:set', undefined],
    ['stroke:batch', stroke()],
    ['stroke:batch', stroke({ surface: { layer: 'whiteboard', page: 1 } })],
    ['stroke:batch', stroke({ surface: { layer: 'whiteboard', page: 1, material: annotation.material } })],
    ['stroke:batch', stroke({ surface: { layer: 'ceiling', page: 1 } })],
    ['stroke:batch', stroke({ surface: { ...annotation, material: { kind: 'video', id: randomUUID() } } })],
    ['stroke:batch', stroke({ surface: { ...annotation, material: { kind: 'resource', id: 'nope' } } })],
    ['stroke:batch', stroke({ surface: { ...annotation, material: { ...annotation.material, x: 1 } } })],
    ['stroke:batch', stroke({ segments: [] })],
    ['stroke:batch', stroke({ segments: Array.from({ length: 33 }, () => segment) })],
    ['stroke:batch', stroke({ extra: true })],
    ['stroke:batch', stroke({}, { points: [0.1, 0.2, 0.3] })],
    ['stroke:batch', stroke({}, { points: [1.5, 0.2] })],
    ['stroke:batch', stroke({}, { points: [null, 0.2] })],
    ['stroke:batch', stroke({}, { points: [Number.NaN, 0.2] })],
    ['stroke:batch', stroke({}, { points: [0.5] })],
    ['stroke:batch', stroke({}, { color: 'red' })],
    ['stroke:batch', stroke({}, { tool: 'laser' })],
    ['stroke:batch', stroke({}, { width: 0.1 })],
    ['stroke:batch', stroke({}, { width: 65 })],
    ['stroke:batch', stroke({}, { done: 'yes' })],
    ['stroke:batch', stroke({}, { strokeId: '' })],
    ['stroke:batch', stroke({}, { strokeId: 'x'.repeat(65) })],
    ['stroke:batch', stroke({}, { extra: 1 })],
    [
      'stroke:batch',
      stroke({}, { points: Array.from({ length: (REALTIME_LIMITS.maxPointsPerBatch + 1) * 2 }, () => 0.5) }),
    ],
    [
      'stroke:batch',
      stroke({
        segments: Array.from({ length: 2 }, () => ({
          ...segment,
          points: Array.from({ length: REALTIME_LIMITS.maxPointsPerBatch }, () => 0.5),
        })),
      }),
    ],
  ];

  it.each(candidates.map(([name, payload], i) => [i, name, payload] as const))(
    '#%i %s: the same verdict and value as the schema',
    (_i, name, payload) => {
      const schema = COMMAND_SCHEMAS[name].safeParse(payload);
      let fast: unknown;
      let refused = false;
      try {
        fast = parseCommand(name, payload);
      } catch {
        refused = true;
      }
      expect(refused).toBe(!schema.success);
      if (schema.success) {
        expect(fast).toEqual(schema.data);
        // Taken as is by the hand-written check, not copied by the schema.
        expect(fast).toBe(payload);
      }
    },
  );
});
