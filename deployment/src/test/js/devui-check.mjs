// Drives the extension's Dev UI card in headless Chromium (playwright-core), for KinesisDevUiTest.
// Arguments (env): DEVUI_BASE_URL (http://localhost:port), DEVUI_OUT_DIR (screenshots), DEVUI_STREAM, DEVUI_BODY,
// DEVUI_CHROMIUM (executable). Prints one JSON object with what the pages showed (the Java test checks it), or
// {"error": "..."} and exits 1.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.DEVUI_BASE_URL;
const out = process.env.DEVUI_OUT_DIR;
const stream = process.env.DEVUI_STREAM;
const body = process.env.DEVUI_BODY;
const executablePath = process.env.DEVUI_CHROMIUM || '/usr/bin/chromium';
// generous: on a loaded 2-core machine the Dev UI's first page load (its many modules) has taken more than 30 s
const TIMEOUT = 60_000;

mkdirSync(out, { recursive: true });
const seen = {};
let step = 'launch';

const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
page.setDefaultTimeout(TIMEOUT);

async function shot(name) {
    await page.screenshot({ path: join(out, name + '.png'), fullPage: true });
}

/**
 * Opens a page of the card: the first time from the card on the Extensions page, as a user does; then at its address
 * (the Extensions page also asks Maven for installable extensions, which fails offline and only adds noise).
 */
async function openPage(title) {
    step = 'open ' + title;
    if (seen.cardPageUrl) {
        await page.goto(seen.cardPageUrl.replace(/[^/]+$/, title.toLowerCase()), { waitUntil: 'domcontentloaded' });
        return;
    }
    // not 'load': the page's elements are awaited below, and 'load' also waits for requests they do not need
    await page.goto(base + '/q/dev-ui/extensions', { waitUntil: 'domcontentloaded' });
    const card = page.locator('qwc-extension', { hasText: 'Amazon Kinesis' });
    await card.locator('qwc-extension-link', { hasText: title }).locator('a').click();
    await page.waitForURL(url => !String(url).endsWith('/extensions'));
    seen.cardPageUrl = page.url();
}

/** Polls until the condition holds (Playwright locators pierce the pages' shadow roots). */
async function until(what, condition) {
    step = what;
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
        const value = await condition();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error('timed out waiting for ' + what);
        }
        await page.waitForTimeout(250);
    }
}

try {
    await openPage('Streams');
    const streamBox = page.locator(`div.stream[data-stream="${stream}"]`);
    await streamBox.locator('tr.shard').first().waitFor();
    seen.streamStatus = await streamBox.locator('.status').innerText();
    seen.openShards = Number(await streamBox.locator('.open-shards').innerText());
    seen.shardRows = await streamBox.locator('tr.shard').evaluateAll(rows => rows.map(r => r.dataset.shard));
    seen.streamChannels = await streamBox.locator('div').first().innerText();
    await shot('1-streams');

    await openPage('Consumers');
    seen.readerStates = await until('4 readers positioned on the Consumers page', async () => {
        const states = await page.locator('tr.reader .reader-state').allInnerTexts();
        return states.length === 4 && states.every(s => s === 'reading') ? states : null;
    });
    seen.consumerState = await page.locator('div.consumer .state').first().innerText();
    await shot('2-consumers');

    await openPage('Records');
    step = 'publish';
    await page.locator('#body').fill(body);
    await page.locator('#partition-key').fill('devui-test');
    await page.locator('#publish').click();
    const published = await page.locator('#publish-result .published').innerText();
    seen.publishText = published;
    const match = /Stored in (\S+) at\s+(\d+)/.exec(published);
    if (!match) {
        throw new Error('unexpected publish answer: ' + published);
    }
    seen.publishedShard = match[1];
    seen.publishedSequence = match[2];
    await shot('3-published');

    await openPage('Consumers');
    seen.lastFetchedOfPublishedShard = await until('the published record fetched on the Consumers page', async () => {
        const cell = page.locator(`tr.reader[data-shard="${seen.publishedShard}"] .last-fetched`);
        const text = (await cell.count()) ? await cell.innerText() : '';
        return text === seen.publishedSequence ? text : null;
    });
    await shot('4-consumer-position');

    await openPage('Records');
    step = 'peek';
    await page.locator('#shard').selectOption(seen.publishedShard);
    await page.locator('#format').selectOption('json');
    await page.locator('#count').fill('5');
    await page.locator('#peek').click();
    seen.peekSummary = await page.locator('#peek-result .peek-summary').innerText();
    seen.peekedData = await page.locator('#peek-result td.data').allInnerTexts();
    await shot('5-peek');
    console.log(JSON.stringify(seen));
    await browser.close();
} catch (e) {
    try {
        await shot('failed');
    } catch (ignored) {
        // the page is gone
    }
    console.log(JSON.stringify({ error: `${step}: ${String(e.message).split('\n')[0]}`, seen }));
    await browser.close();
    process.exit(1);
}
