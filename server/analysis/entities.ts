/**
 * How string-named entities link across a policy. The catalog has the tables and keys; this says which of
 * them define or name an entity, so definition/references/rename and the cross-reference checks work.
 * entities.test.ts asserts that every table and key named here exists in the catalog.
 */
export type EntityKind = 'pool' | 'source' | 'event' | 'listener';

export interface EntityLink {
  entity: EntityKind;
  /** Config table (catalog name). */
  table: string;
  /** Key whose string value names the entity. */
  key?: string;
  /** Or: a list key whose table items carry the name under `itemKey`. */
  itemsKey?: string;
  itemKey?: string;
  definition: boolean;
  /** Names must be unique within one table (multi-tailer consumers). */
  unique?: boolean;
}

export const ENTITY_LINKS: EntityLink[] = [
  { entity: 'pool', table: 'make_egress_pool', key: 'name', definition: true },
  { entity: 'pool', table: 'define_egress_pool', key: 'name', definition: true },
  { entity: 'pool', table: 'make_queue_config', key: 'egress_pool', definition: false },
  { entity: 'source', table: 'make_egress_source', key: 'name', definition: true },
  { entity: 'source', table: 'define_egress_source', key: 'name', definition: true },
  { entity: 'source', table: 'make_egress_pool', itemsKey: 'entries', itemKey: 'name', definition: false },
  { entity: 'source', table: 'define_egress_pool', itemsKey: 'entries', itemKey: 'name', definition: false },
  { entity: 'event', table: 'protocol.custom_lua', key: 'constructor', definition: false },
  { entity: 'event', table: 'spawn_task', key: 'event_name', definition: false },
  { entity: 'event', table: 'configure_local_logs', key: 'filter_event', definition: false },
  { entity: 'listener', table: 'start_esmtp_listener', key: 'listen', definition: true },
  { entity: 'source', table: 'jsonl.new_multi_tailer', itemsKey: 'consumers', itemKey: 'name', definition: false, unique: true },
];

/** The catalog table shape of a log record, as tailer filters receive it (entities.test checks it exists). */
export const RECORD_SHAPE = 'JsonLogRecord';
