import packageJson from '../../package.json' with { type: 'json' };
import { getVersion as schema } from '../schemas/get-version.js';
import { defineMethod } from './define-method.js';

// Answered without an engine: the shim asks it first thing after a start, before any engine is found.
export const getVersion = defineMethod(schema, async () => ({ version: packageJson.version }));
