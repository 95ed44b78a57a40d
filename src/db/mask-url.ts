// one masking module: src/logging/redact.ts
export { maskUrl } from '../logging/redact.js';
