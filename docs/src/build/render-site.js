'use strict'

// Renders the docs site with Antora (pinned in the root package.json) and fails the build when it is broken: Antora
// runs with log failure level "warn", so an include that does not resolve, an xref to a missing page, a missing
// attribute (attribute-missing=warn) or any other Asciidoctor warning fails it; then check-site-links.js checks every
// relative link and #anchor of the rendered pages (Antora does not check anchors of xrefs, nor link: targets).
// Nothing is fetched: the content is this git checkout's worktree (uncommitted edits included) and the UI is the
// folder docs/src/ui. External links are listed in <output>/../site-external-links.txt.
//
// Usage (the docs module's build runs it from the repository root): node docs/src/build/render-site.js <output-dir>

const fs = require('fs')
const path = require('path')
const { spawnSync } = require('child_process')
const { checkSite } = require('./check-site-links')

const ROOT = path.resolve(__dirname, '..', '..', '..')
const DOCS_START_PATH = 'docs'
const RENDERER = ['@antora/cli', '@antora/site-generator']

function fail (message) {
  console.error('[docs] ' + message)
  process.exit(1)
}

function installedVersion (name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

// npm ci when the pinned Antora is not installed (a checkout whose node_modules only holds the emulators)
function ensureRenderer () {
  const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies
  const missing = RENDERER.filter((name) => installedVersion(name) !== pinned[name])
  if (!missing.length) return
  const modules = path.join(ROOT, 'node_modules')
  if (fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()) {
    fail(`${missing.join(', ')} ${pinned[missing[0]]} not installed in ${modules}, a symbolic link to `
      + `${fs.realpathSync(modules)}: run npm ci in ${ROOT} after replacing the link by a folder`)
  }
  console.log(`[docs] installing ${missing.join(', ')} (npm ci in ${ROOT})`)
  const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'],
    { cwd: ROOT, stdio: 'inherit' })
  if (npm.status !== 0) {
    fail(`npm ci failed (exit ${npm.status}): Antora could not be installed; check that the npm registry (or the `
      + 'mirror set with npm config set registry) is reachable')
  }
}

// Antora reads content from git repositories only. A clone is used as it is (its worktree, HEAD's branch or a detached
// HEAD); a linked worktree (git worktree add) through its main repository, selecting the worktree's branch.
function contentSource () {
  const dotGit = path.join(ROOT, '.git')
  if (!fs.existsSync(dotGit)) fail(`${ROOT} is not a git checkout: Antora renders the docs from a git repository`)
  if (fs.statSync(dotGit).isDirectory()) {
    return { url: ROOT, branches: 'HEAD', worktrees: '.', start_path: DOCS_START_PATH }
  }
  const gitDir = path.resolve(ROOT, fs.readFileSync(dotGit, 'utf8').match(/^gitdir:\s*(.*)$/m)[1].trim())
  const commonDir = path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
  const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').match(/^ref: refs\/heads\/(.*)$/m)
  if (!head) fail(`the linked worktree ${ROOT} has a detached HEAD: check out a branch to render the docs`)
  const worktree = path.basename(gitDir)
  return { url: path.dirname(commonDir), branches: head[1], worktrees: worktree, start_path: DOCS_START_PATH }
}

function writePlaybook (outputDir) {
  const playbook = {
    site: { title: 'Quarkus Messaging Kinesis', start_page: 'quarkus-messaging-kinesis::index.adoc' },
    content: { sources: [contentSource()] },
    ui: { bundle: { url: path.join(ROOT, DOCS_START_PATH, 'src', 'ui') } },
    asciidoc: { attributes: { 'attribute-missing': 'warn' } },
    runtime: {
      cache_dir: path.join(outputDir, '..', 'antora-cache'),
      quiet: true,
      log: { level: 'warn', failure_level: 'warn', format: 'pretty' },
    },
    output: { dir: outputDir, clean: true },
  }
  const file = path.join(outputDir, '..', 'antora-playbook.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(playbook, null, 2) + '\n')
  return file
}

function main () {
  if (process.argv.length !== 3) fail('usage: node docs/src/build/render-site.js <output-dir>')
  const outputDir = path.resolve(process.argv[2])
  ensureRenderer()
  const playbook = writePlaybook(outputDir)
  const antora = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@antora', 'cli', 'bin', 'antora'),
    playbook], { cwd: ROOT, stdio: 'inherit' })
  const antoraFailed = antora.status !== 0
  const result = fs.existsSync(outputDir)
    ? checkSite(outputDir, DOCS_START_PATH + '/')
    : { pages: 0, broken: [], external: [] }
  const externalList = path.join(outputDir, '..', 'site-external-links.txt')
  fs.writeFileSync(externalList, result.external.map((link) => link + '\n').join(''))
  result.broken.forEach((problem) => console.error('[docs] broken link: ' + problem))
  console.log(`[docs] site rendered into ${outputDir}: ${result.pages} pages, ${result.broken.length} broken links; `
    + `${result.external.length} external links not fetched, listed in ${externalList}`)
  if (antoraFailed) {
    fail(`Antora reported the problems above (exit ${antora.status}): fix the includes, xrefs or attributes they name`
      + ` (playbook ${playbook})`)
  }
  if (result.broken.length) fail('the rendered site has broken links (above)')
}

main()
