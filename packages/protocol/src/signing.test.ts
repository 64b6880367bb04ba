import { describe, expect, it } from 'vitest';
import { defineSigningSuite } from './signing.suite.js';

defineSigningSuite({ describe, it, equal: (actual, expected) => expect(actual).toEqual(expected) });
