/**
 * The bwc.v1 schema at runtime, loaded from the generated JSON descriptor (never from .proto
 * files, so bundles stay single files). Also checks once that every field uses a type the
 * codec in wire.ts handles.
 */
import protobuf from 'protobufjs/light.js';
import type { Type, Enum } from 'protobufjs/light.js';
import { descriptor } from './generated/descriptor.js';

export const root = protobuf.Root.fromJSON(descriptor);
root.resolveAll();

/** A message type of package bwc.v1 by its short name, e.g. `messageType('Envelope')`. */
export function messageType(name: string): Type {
  return root.lookupType(`bwc.v1.${name}`);
}

/** An enum of package bwc.v1 by its short name. */
export function enumType(name: string): Enum {
  return root.lookupEnum(`bwc.v1.${name}`);
}

/** Scalar field types wire.ts converts; anything else in a .proto is a build-time mistake. */
export const SUPPORTED_SCALARS: ReadonlySet<string> = new Set(['bytes', 'string', 'bool', 'uint32', 'uint64']);

function* allTypes(ns: protobuf.NamespaceBase): Generator<Type> {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) yield nested;
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) yield* allTypes(nested);
  }
}

for (const type of allTypes(root)) {
  for (const field of type.fieldsArray) {
    const ok = field.resolvedType !== null ? !field.map : SUPPORTED_SCALARS.has(field.type);
    if (!ok) throw new Error(`${type.fullName}.${field.name}: field type ${field.type} is not handled by protocols/wire.ts`);
  }
}
