import { expect } from '@open-wc/testing';
import { defineSigningSuite } from './signing.suite.js';

// The same vectors in headless Chromium: WebCrypto there must agree with Node's.
defineSigningSuite({ describe, it, equal: (actual, expected) => expect(actual).to.deep.equal(expected) });
