'use strict'

// Checks a rendered site: every relative link or image (href/src) points at a file of the site, and every fragment
// (#anchor) at an element id of its target page. External links (http, https, //) are not fetched, only collected.
// Usage as a program: node check-site-links.js <site-dir> [<source-prefix>]; exits 1 and names page, link and cause
// for each broken one.

const fs = require('fs')
const path = require('path')

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const SCHEME = /^[a-z][a-z0-9+.-]*:/i

function decodeEntities (text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity
    const hex = name[1] === 'x' || name[1] === 'X'
    return String.fromCodePoint(hex ? parseInt(name.slice(2), 16) : Number(name.slice(1)))
  })
}

function htmlFiles (dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return htmlFiles(file)
    return entry.name.endsWith('.html') ? [file] : []
  })
}

// attributes of tags only: the text of code listings has its < escaped
function idsOf (html) {
  const tagIds = html.matchAll(/<[a-z][a-z0-9]*(?:\s[^>]*)?\sid="([^"]*)"/g)
  return new Set([...tagIds].map((match) => decodeEntities(match[1])))
}

// links Antora could not resolve (class "unresolved") are left out: Antora already reported them, naming the source
function linksOf (html) {
  return [...html.matchAll(/<[a-z][a-z0-9]*(?:\s[^>]*)?\s(?:href|src)="([^"]*)"[^>]*>/g)]
    .filter((match) => !/\sclass="[^"]*\bunresolved\b/.test(match[0]))
    .map((match) => decodeEntities(match[1]))
}

// the navigation (nav.adoc) is on every page: checked apart, so that a broken entry is reported once
function splitNavigation (html) {
  const match = html.match(/<nav class="nav">[\s\S]*?<\/nav>/)
  return match ? { nav: match[0], body: html.replace(match[0], '') } : { nav: '', body: html }
}

// the page's AsciiDoc source, written into each page by the layout (docs/src/ui/layouts/default.hbs)
function sourceOf (html) {
  const match = html.match(/<meta name="antora-source" content="([^"]*)">/)
  return match ? match[1] : undefined
}

function safeDecode (text) {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// sourcePrefix: the content source's start path, so that sources are named from the repository root
function checkSite (siteDir, sourcePrefix = '') {
  const root = path.resolve(siteDir)
  const pages = new Map()
  for (const file of htmlFiles(root)) {
    const html = fs.readFileSync(file, 'utf8')
    const source = sourceOf(html)
    pages.set(file, { html, ids: idsOf(html), source: source && sourcePrefix + source })
  }
  const broken = new Set()
  const external = new Set()
  for (const [file, page] of pages) {
    const { nav, body } = splitNavigation(page.html)
    const from = path.relative(root, file) + (page.source ? ` (from ${page.source})` : '')
    const links = linksOf(body).map((link) => [link, from]).concat(linksOf(nav).map((link) => [link, undefined]))
    for (const [link, pageWhere] of links) {
      if (link.startsWith('//') || /^https?:/i.test(link)) {
        external.add(link)
        continue
      }
      if (SCHEME.test(link)) continue // mailto:, data: and the like
      const hashAt = link.indexOf('#')
      const target = (hashAt < 0 ? link : link.slice(0, hashAt)).replace(/\?.*$/, '')
      const fragment = hashAt < 0 ? '' : safeDecode(link.slice(hashAt + 1))
      let targetFile = file
      if (target) {
        const base = target.startsWith('/') ? root : path.dirname(file)
        targetFile = path.resolve(base, '.' + path.sep + safeDecode(target))
        if (target.endsWith('/')) targetFile = path.join(targetFile, 'index.html')
      }
      // nav links differ only by the page's depth: named from the site root, each broken one is reported once
      const where = pageWhere || 'the navigation (nav.adoc)'
      const shown = pageWhere ? link : path.relative(root, targetFile) + (fragment ? '#' + fragment : '')
      if (target) {
        if (targetFile !== root && !targetFile.startsWith(root + path.sep)) {
          broken.add(`${where}: link "${shown}" leaves the site (${targetFile})`)
          continue
        }
        if (!fs.existsSync(targetFile) || fs.statSync(targetFile).isDirectory()) {
          broken.add(`${where}: link "${shown}" points at nothing (no file ${path.relative(root, targetFile)})`)
          continue
        }
      }
      if (fragment && targetFile.endsWith('.html')) {
        const targetPage = pages.get(targetFile)
        if (targetPage && !targetPage.ids.has(fragment)) {
          const targetName = path.relative(root, targetFile) + (targetPage.source ? ` (${targetPage.source})` : '')
          broken.add(`${where}: link "${shown}" names anchor "${fragment}", which ${targetName} does not have`)
        }
      }
    }
  }
  return { pages: pages.size, broken: [...broken], external: [...external].sort() }
}

module.exports = { checkSite }

if (require.main === module) {
  const result = checkSite(process.argv[2], process.argv[3])
  result.broken.forEach((problem) => console.error('[docs] broken link: ' + problem))
  console.log(`[docs] ${result.pages} pages checked, ${result.broken.length} broken links, `
    + `${result.external.length} external links (not fetched)`)
  process.exit(result.broken.length ? 1 : 0)
}
