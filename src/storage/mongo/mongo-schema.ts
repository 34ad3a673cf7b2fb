import { Schema, type SchemaDefinition } from 'mongoose';
import { baseType, isNullable, type AnyCollectionSpec, type FieldDef, type FieldType } from '../schema';

const TYPES: Record<FieldType, unknown> = {
  string: String,
  int: Number,
  number: Number,
  bool: Boolean,
  date: Date,
  json: Schema.Types.Mixed,
};

/**
 * A mongoose schema from the shared spec: string `_id` (ids are made by the app, so both
 * adapters share them), every unique key and index declared. A unique key on one
 * nullable field only binds non-null values (as SQLite does), via a partial index.
 */
export function toMongooseSchema(spec: AnyCollectionSpec): Schema {
  const def: SchemaDefinition = {
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  };
  for (const [field, d] of Object.entries(spec.fields)) {
    const nullable = isNullable(d);
    const t = baseType(d);
    def[field] = {
      type: TYPES[t],
      required: !nullable && t !== 'bool' && t !== 'json' ? true : undefined,
      default: nullable ? null : undefined,
    };
  }
  const schema = new Schema(def, { versionKey: false, _id: false, strict: 'throw', collection: spec.name, autoIndex: true, id: false });
  for (const key of spec.unique ?? []) {
    const fields = Object.fromEntries(key.map((k) => [k, 1 as const]));
    const only: FieldDef | undefined = key.length === 1 && key[0] ? spec.fields[key[0]] : undefined;
    if (key[0] && only && isNullable(only)) {
      schema.index(fields, { unique: true, partialFilterExpression: { [key[0]]: { $type: 'string' } } });
    } else {
      schema.index(fields, { unique: true });
    }
  }
  // `id` is `_id` on MongoDB: indexes ending in it serve sorted queries with their tie-breaker
  for (const key of spec.indexes ?? []) schema.index(Object.fromEntries(key.map((k) => [k === 'id' ? '_id' : k, 1 as const])));
  return schema;
}
