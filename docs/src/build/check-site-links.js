'use strict'

// Checks a rendered site: every relative link or image (href/src) points at a file of the site, and every fragment
// (#anchor) at an element id of its target page. External links (http, https, //) are not fetched, only collected.
// Usage as a program: node check-site-links.js <site-dir>; exits 1 and names page, link and cause for each broken one.

const fs = require('fs')
const path = require('path')

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const SCHEME = /^[a-z][a-z0-9+.-]*:/i

function decodeEntities (text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity
    return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)))
  })
}

function htmlFiles (dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return htmlFiles(file)
    return entry.name.endsWith('.html') ? [file] : []
  })
}

function idsOf (html) {
  const ids = new Set()
  for (const match of html.matchAll(/\s(?:id|name)="([^"]*)"/g)) ids.add(decodeEntities(match[1]))
  return ids
}

function linksOf (html) {
  return [...html.matchAll(/\s(href|src)="([^"]*)"/g)].map((match) => decodeEntities(match[2]))
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

function checkSite (siteDir) {
  const root = path.resolve(siteDir)
  const pages = new Map()
  for (const file of htmlFiles(root)) {
    const html = fs.readFileSync(file, 'utf8')
    pages.set(file, { html, ids: idsOf(html), source: sourceOf(html) })
  }
  const broken = new Set()
  const external = new Set()
  for (const [file, page] of pages) {
    const where = path.relative(root, file) + (page.source ? ` (from ${page.source})` : '')
    for (const link of linksOf(page.html)) {
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
        if (targetFile !== root && !targetFile.startsWith(root + path.sep)) {
          broken.add(`${where}: link "${link}" leaves the site (${targetFile})`)
          continue
        }
        if (!fs.existsSync(targetFile) || fs.statSync(targetFile).isDirectory()) {
          broken.add(`${where}: link "${link}" points at nothing (no file ${path.relative(root, targetFile)})`)
          continue
        }
      }
      if (fragment && targetFile.endsWith('.html')) {
        const targetPage = pages.get(targetFile)
        if (targetPage && !targetPage.ids.has(fragment)) {
          const targetName = path.relative(root, targetFile) + (targetPage.source ? ` (${targetPage.source})` : '')
          broken.add(`${where}: link "${link}" names anchor "${fragment}", which ${targetName} does not have`)
        }
      }
    }
  }
  return { pages: pages.size, broken: [...broken], external: [...external].sort() }
}

module.exports = { checkSite }

if (require.main === module) {
  const result = checkSite(process.argv[2])
  result.broken.forEach((problem) => console.error('[docs] broken link: ' + problem))
  console.log(`[docs] ${result.pages} pages checked, ${result.broken.length} broken links, `
    + `${result.external.length} external links (not fetched)`)
  process.exit(result.broken.length ? 1 : 0)
}
