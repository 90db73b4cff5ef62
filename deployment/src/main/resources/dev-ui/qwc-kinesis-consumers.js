import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/**
 * Consumers page: per incoming channel and shard, the reader's state, positions, lag and rates (refreshed every 2 s);
 * with checkpoint-store=dynamodb, the lease table's items.
 */
export class QwcKinesisConsumers extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px; }
        table { border-collapse: collapse; margin-bottom: 16px; font-size: var(--lumo-font-size-s); }
        th, td { border-bottom: 1px solid var(--lumo-contrast-10pct); padding: 4px 8px; text-align: left; }
        .error { color: var(--lumo-error-text-color); }
        .position { font-family: monospace; font-size: var(--lumo-font-size-xs); }
    `;

    static properties = {
        _consumers: { state: true },
        _error: { state: true }
    };

    connectedCallback() {
        super.connectedCallback();
        this._load();
        this._timer = setInterval(() => this._load(), 2000);
    }

    disconnectedCallback() {
        clearInterval(this._timer);
        super.disconnectedCallback();
    }

    _load() {
        this.jsonRpc.consumers()
            .then(response => { this._consumers = response.result; this._error = null; })
            .catch(failure => { this._error = String(failure?.error?.message ?? failure).split('\n')[0]; });
    }

    render() {
        if (this._error) {
            return html`<div class="error">${this._error}</div>`;
        }
        if (!this._consumers) {
            return html`<span>Loading consumers...</span>`;
        }
        if (this._consumers.length === 0) {
            return html`<span>No incoming channel uses the smallrye-kinesis connector.</span>`;
        }
        return html`${this._consumers.map(consumer => this._renderConsumer(consumer))}`;
    }

    _renderConsumer(consumer) {
        return html`
            <h3>Channel ${consumer.channel} (stream ${consumer.stream})</h3>
            <div class="consumer" data-channel=${consumer.channel}>
              ${consumer.error ? html`<div class="error">${consumer.error}</div>` : html`
                <div>State: <span class="state">${consumer.state}</span>
                    ${consumer.problem ? html`<span class="error">${consumer.problem}</span>` : ''}</div>
                <table class="readers">
                  <tr><th>Shard</th><th>Reader</th><th>Last fetched</th><th>Completed (checkpointed next)</th>
                      <th>Behind (ms)</th><th>Fetched</th><th>Pending</th><th>Records/s</th><th>GetRecords/s</th>
                      <th>Problem</th></tr>
                  ${consumer.shards.map(shard => html`
                    <tr class="reader" data-shard=${shard.shardId}>
                      <td>${consumer.stream.includes(',') ? shard.stream + ' / ' : ''}${shard.shardId}</td>
                      <td class="reader-state">${shard.state}</td>
                      <td class="position last-fetched">${shard.lastFetched ?? '-'}</td>
                      <td class="position completed">${shard.completed ?? '-'}</td>
                      <td>${shard.millisBehindLatest < 0 ? '-' : shard.millisBehindLatest}</td>
                      <td class="fetched">${shard.fetchedRecords}</td>
                      <td>${shard.pendingRecords}</td>
                      <td>${rate(shard.recordsPerSecond)}</td>
                      <td>${rate(shard.getRecordsPerSecond)}</td>
                      <td class="error">${shard.problem ?? ''}</td>
                    </tr>`)}
                </table>
                ${this._renderLeases(consumer)}`}
            </div>`;
    }

    _renderLeases(consumer) {
        if (consumer.leaseError) {
            return html`<div class="error">Lease table: ${consumer.leaseError}</div>`;
        }
        if (!consumer.leases) {
            return html``;
        }
        return html`
            <h4>Lease table</h4>
            <table class="leases">
              <tr><th>Shard</th><th>Owner</th><th>Counter</th><th>Checkpoint</th></tr>
              ${consumer.leases.map(lease => html`
                <tr><td>${lease.shardId}</td><td>${lease.owner ?? '(none)'}</td><td>${lease.counter}</td>
                    <td class="position">${lease.checkpoint}</td></tr>`)}
            </table>`;
    }
}

function rate(value) {
    return value === null || value === undefined ? '-' : value.toFixed(1);
}

customElements.define('qwc-kinesis-consumers', QwcKinesisConsumers);
