import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/**
 * Records page: peek the latest records of a shard (as UTF-8 text, JSON or hex; aggregated records unpacked), and
 * publish a record to a stream to try a consumer. Both make real Kinesis calls with a channel's client.
 */
export class QwcKinesisRecords extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px; }
        section { margin-bottom: 20px; }
        label { margin-right: 12px; }
        table { border-collapse: collapse; font-size: var(--lumo-font-size-s); }
        th, td { border-bottom: 1px solid var(--lumo-contrast-10pct); padding: 4px 8px; text-align: left;
                 vertical-align: top; }
        pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
        .error { color: var(--lumo-error-text-color); }
        .position { font-family: monospace; font-size: var(--lumo-font-size-xs); }
    `;

    static properties = {
        _streams: { state: true },
        _stream: { state: true },
        _shard: { state: true },
        _format: { state: true },
        _peek: { state: true },
        _published: { state: true },
        _error: { state: true }
    };

    constructor() {
        super();
        this._format = 'utf-8';
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.streams()
            .then(response => {
                this._streams = response.result;
                if (this._streams.length > 0) {
                    this._selectStream(this._streams[0].stream);
                }
            })
            .catch(failure => { this._error = oneLine(failure); });
    }

    _selectStream(name) {
        this._stream = name;
        const stream = this._streams.find(s => s.stream === name);
        this._shard = stream && stream.shards.length > 0 ? stream.shards[0].shardId : '';
    }

    _shards() {
        const stream = (this._streams ?? []).find(s => s.stream === this._stream);
        return stream ? stream.shards : [];
    }

    render() {
        if (!this._streams) {
            return this._error ? html`<div class="error">${this._error}</div>` : html`<span>Loading streams...</span>`;
        }
        return html`
            <section>
              <h3>Publish a record</h3>
              <label>Stream ${this._streamSelect('publish-stream')}</label>
              <label>Partition key <input id="partition-key" value="dev-ui"></label>
              <div><textarea id="body" rows="4" cols="80" placeholder="Record data (sent as UTF-8)"></textarea></div>
              <button id="publish" @click=${() => this._publish()}>Publish</button>
              <div id="publish-result">${this._renderPublished()}</div>
            </section>
            <section>
              <h3>Latest records of a shard</h3>
              <label>Stream ${this._streamSelect('peek-stream')}</label>
              <label>Shard <select id="shard" @change=${e => { this._shard = e.target.value; }}>
                ${this._shards().map(s => html`<option value=${s.shardId} ?selected=${s.shardId === this._shard}>
                    ${s.shardId}${s.open ? '' : ' (closed)'}</option>`)}
              </select></label>
              <label>Count <input id="count" type="number" min="1" max="100" value="10" size="4"></label>
              <label>Show as <select id="format" @change=${e => { this._format = e.target.value; }}>
                <option value="utf-8">UTF-8</option><option value="json">JSON</option><option value="hex">hex</option>
              </select></label>
              <button id="peek" @click=${() => this._doPeek()}>Peek</button>
              <div id="peek-result">${this._renderPeek()}</div>
            </section>`;
    }

    _streamSelect(id) {
        return html`<select id=${id} @change=${e => this._selectStream(e.target.value)}>
            ${this._streams.map(s => html`<option value=${s.stream} ?selected=${s.stream === this._stream}>
                ${s.stream}</option>`)}
        </select>`;
    }

    _publish() {
        const key = this.renderRoot.querySelector('#partition-key').value;
        const body = this.renderRoot.querySelector('#body').value;
        this._published = { pending: true };
        this.jsonRpc.publish({ stream: this._stream, partitionKey: key, body: body })
            .then(response => { this._published = response.result; })
            .catch(failure => { this._published = { error: oneLine(failure) }; });
    }

    _renderPublished() {
        const p = this._published;
        if (!p) {
            return html``;
        }
        if (p.pending) {
            return html`<span>Publishing...</span>`;
        }
        if (p.error) {
            return html`<span class="error">${p.error}</span>`;
        }
        return html`<span class="published">Stored in ${p.shardId} at
            <span class="position">${p.sequenceNumber}</span></span>`;
    }

    _doPeek() {
        const count = parseInt(this.renderRoot.querySelector('#count').value, 10);
        this._peek = { pending: true };
        this.jsonRpc.peek({ stream: this._stream, shardId: this._shard, count: count })
            .then(response => { this._peek = response.result; })
            .catch(failure => { this._peek = { error: oneLine(failure) }; });
    }

    _renderPeek() {
        const p = this._peek;
        if (!p) {
            return html``;
        }
        if (p.pending) {
            return html`<span>Reading the shard...</span>`;
        }
        if (p.error) {
            return html`<span class="error">${p.error}</span>`;
        }
        return html`
            <div class="peek-summary">${p.records.length} record(s) of ${p.shardId}: ${p.window} read,
                ${p.scannedRecords} record(s)
                ${p.complete ? '(up to the tip of the shard)' : '(the shard holds more after these)'}</div>
            <table class="records">
              <tr><th>Sequence number</th><th>Partition key</th><th>Arrival</th><th>Size</th><th>Data</th></tr>
              ${p.records.map(r => html`
                <tr class="record">
                  <td class="position">${r.sequenceNumber}${r.aggregated ? ` / ${r.subSequenceNumber} (aggregated)` : ''}</td>
                  <td>${r.partitionKey}</td>
                  <td>${r.arrival}</td>
                  <td>${r.size} B</td>
                  <td class="data"><pre>${this._decode(r)}</pre></td>
                </tr>`)}
            </table>`;
    }

    _decode(record) {
        if (this._format === 'hex') {
            return record.hex;
        }
        if (this._format === 'json') {
            try {
                return JSON.stringify(JSON.parse(record.text), null, 2);
            } catch (e) {
                return `not JSON (${e.message}): ${record.text}`;
            }
        }
        return record.text;
    }
}

function oneLine(failure) {
    const text = failure?.error?.message ?? failure?.message ?? String(failure);
    return String(text).split('\n')[0];
}

customElements.define('qwc-kinesis-records', QwcKinesisRecords);
