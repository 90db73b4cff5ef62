'use strict'

// node --test docs/src/build/check-site-links.test.js (run by the docs module's build in the test phase)

const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const { after, test } = require('node:test')
const { checkSite } = require('./check-site-links')

function page (source, nav, body) {
  return `<!DOCTYPE html><html><head><meta name="antora-source" content="${source}"></head><body>`
    + `<nav class="nav"><ul>${nav}</ul></nav><main>${body}</main></body></html>`
}

const sites = []
after(() => sites.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

function site (files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'))
  sites.push(dir)
  for (const [name, html] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), html)
  }
  return dir
}

const NAV = '<li><a href="NAV_BASEa.html">A</a></li><li><a href="NAV_BASEb.html#part">B</a></li>'

function nav (base) {
  return NAV.replaceAll('NAV_BASE', base)
}

test('links to existing pages and anchors, in pages, subfolders and the navigation, are not reported', () => {
  const dir = site({
    'c/a.html': page('pages/a.adoc', nav(''), '<a href="b.html#part">b</a> <a href="#top" id="top">top</a>'
      + ' <img src="img/x.png"> <a href="sub/c.html?x=1#deep%20anchor">c</a>'),
    'c/b.html': page('pages/b.adoc', nav(''), '<h2 id="part">Part</h2>'),
    'c/img/x.png': 'png',
    'c/sub/c.html': page('pages/sub/c.adoc', nav('../'), '<p id="deep anchor">deep</p><a href="../a.html">a</a>'),
  })
  const result = checkSite(dir, 'docs/')
  assert.equal(result.pages, 3)
  assert.deepEqual(result.broken, [])
})

test('a link to a missing file names the page, its source and the missing file', () => {
  const dir = site({ 'c/a.html': page('pages/a.adoc', '', '<a href="gone.html">gone</a>') })
  assert.deepEqual(checkSite(dir, 'docs/').broken,
    ['c/a.html (from docs/pages/a.adoc): link "gone.html" points at nothing (no file c/gone.html)'])
})

test('an anchor missing on the target page or on the same page is reported', () => {
  const dir = site({
    'c/a.html': page('pages/a.adoc', '', '<a href="b.html#nope">b</a> <a href="#also-nope">here</a>'),
    'c/b.html': page('pages/b.adoc', '', '<h2 id="part">Part</h2>'),
  })
  assert.deepEqual(checkSite(dir).broken, [
    'c/a.html (from pages/a.adoc): link "b.html#nope" names anchor "nope", which c/b.html (pages/b.adoc) does not have',
    'c/a.html (from pages/a.adoc): link "#also-nope" names anchor "also-nope", which c/a.html (pages/a.adoc) does not'
      + ' have',
  ])
})

test('a broken navigation entry is reported once, named from the site root, whatever the depth of the pages', () => {
  const dir = site({
    'c/a.html': page('pages/a.adoc', nav(''), ''),
    'c/b.html': page('pages/b.adoc', nav(''), ''),
    'c/sub/c.html': page('pages/sub/c.adoc', nav('../'), ''),
  })
  assert.deepEqual(checkSite(dir).broken,
    ['the navigation (nav.adoc): link "c/b.html#part" names anchor "part", which c/b.html (pages/b.adoc) does not'
      + ' have'])
})

test('a link leaving the site is reported', () => {
  const dir = site({ 'c/a.html': page('pages/a.adoc', '', '<a href="../../outside.html">out</a>') })
  assert.match(checkSite(dir).broken[0],
    /^c\/a\.html \(from pages\/a\.adoc\): link "\.\.\/\.\.\/outside\.html" leaves the site/)
})

test('external links are collected, not checked; unresolved xrefs (reported by Antora) and mailto: are skipped', () => {
  const dir = site({
    'c/a.html': page('pages/a.adoc', '', '<a href="https://example.org/x?a=1&amp;b=2">x</a>'
      + ' <a href="//cdn.example.org/y">y</a> <a href="https://example.org/x?a=1&amp;b=2">again</a>'
      + ' <a href="#missing.adoc" class="xref unresolved">m</a> <a href="mailto:someone@example.org">mail</a>'
      + ' <pre>&lt;a href="not-a-link.html"&gt;</pre>'),
  })
  const result = checkSite(dir)
  assert.deepEqual(result.broken, [])
  assert.deepEqual(result.external, ['//cdn.example.org/y', 'https://example.org/x?a=1&b=2'])
})
