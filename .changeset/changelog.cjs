// How `changeset version` writes CHANGELOG.md entries (see the root README, "Releasing").
// - A changeset's summary is the entry, as written: no commit hash, no PR link, no author.
// - A package released only because one of ours it depends on left its range gets one line naming
//   the new versions ("Depends on `@tencent-captcha/core` 0.2.0."), never "Updated dependencies
//   [hash]" lists. A dependency's first release (from 0.0.0) is not news: no line at all.
'use strict';

/** @type {import('@changesets/types').ChangelogFunctions['getReleaseLine']} */
async function getReleaseLine(changeset) {
  const [first = '', ...rest] = changeset.summary.trim().split('\n').map((line) => line.trimEnd());
  return `\n- ${first}${rest.map((line) => (line ? `\n  ${line}` : '\n')).join('')}`;
}

/** @type {import('@changesets/types').ChangelogFunctions['getDependencyReleaseLine']} */
async function getDependencyReleaseLine(_changesets, dependenciesUpdated) {
  const news = dependenciesUpdated.filter((dependency) => dependency.oldVersion !== '0.0.0');
  if (news.length === 0) return '';
  return `\n- Depends on ${news.map((d) => `\`${d.name}\` ${d.newVersion}`).join(', ')}.`;
}

module.exports = { getReleaseLine, getDependencyReleaseLine };
