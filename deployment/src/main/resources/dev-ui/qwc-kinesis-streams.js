import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/button';

/**
 * Streams page: every stream used by a channel (DescribeStreamSummary, ListShards), with its shards.
 */
export class QwcKinesisStreams extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px; }
        table { border-collapse: collapse; margin-bottom: 16px; font-size: var(--lumo-font-size-s); }
        th, td { border-bottom: 1px solid var(--lumo-contrast-10pct); padding: 4px 8px; text-align: left; }
        .error { color: var(--lumo-error-text-color); }
        .key { font-family: monospace; font-size: var(--lumo-font-size-xs); }
    `;

    static properties = {
        _streams: { state: true },
        _error: { state: true }
    };

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    _load() {
        this.jsonRpc.streams()
            .then(response => { this._streams = response.result; this._error = null; })
            .catch(failure => { this._error = oneLine(failure); });
    }

    render() {
        if (this._error) {
            return html`<div class="error" id="streams-error">${this._error}</div>`;
        }
        if (!this._streams) {
            return html`<span>Loading streams...</span>`;
        }
        if (this._streams.length === 0) {
            return html`<span>No channel of this application uses the smallrye-kinesis connector.</span>`;
        }
        return html`
            <vaadin-button @click=${() => this._load()}>Refresh</vaadin-button>
            ${this._streams.map(stream => this._renderStream(stream))}`;
    }

    _renderStream(stream) {
        return html`
            <h3>Stream ${stream.stream}</h3>
            <div class="stream" data-stream=${stream.stream}>
              <div>Channels: ${stream.channels.join(', ')}</div>
              ${stream.error ? html`<div class="error">${stream.error}</div>` : html`
                <div>Status: <span class="status">${stream.status}</span>,
                    open shards: <span class="open-shards">${stream.openShards}</span>,
                    retention: ${stream.retentionHours} h, encryption: ${stream.encryption}</div>
                <div class="key">${stream.arn}</div>
                <table class="shards">
                  <tr><th>Shard</th><th>State</th><th>Hash keys</th><th>Parent</th><th>Children</th>
                      <th>Sequence numbers</th></tr>
                  ${stream.shards.map(shard => html`
                    <tr class="shard" data-shard=${shard.shardId}>
                      <td>${shard.shardId}</td>
                      <td>${shard.open ? 'open' : 'closed'}</td>
                      <td class="key">${shard.startingHashKey} - ${shard.endingHashKey}</td>
                      <td>${[shard.parent, shard.adjacentParent].filter(p => p).join(', ')}</td>
                      <td>${shard.children.join(', ')}</td>
                      <td class="key">${shard.startingSequenceNumber} - ${shard.endingSequenceNumber ?? ''}</td>
                    </tr>`)}
                </table>`}
            </div>`;
    }
}

/** A JSON-RPC failure as one line. */
export function oneLine(failure) {
    const text = failure?.error?.message ?? failure?.message ?? String(failure);
    return String(text).split('\n')[0];
}

customElements.define('qwc-kinesis-streams', QwcKinesisStreams);
