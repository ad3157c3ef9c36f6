// The edge's public surface: decode a CDC record into a change (Result<Change, Refusal>).
export * from './changes';
export { decodeChange, type AvroDecoder } from './decode';
export { normaliseEnvelope } from './normalise';
export { applyPatch } from './patch';
