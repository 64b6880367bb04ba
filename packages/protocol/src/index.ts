export const probe = 'from-src';
